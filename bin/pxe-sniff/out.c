/*
 * out.c: how pxe-sniff says things.  Text: one line per event, the time
 * from the capture's first packet in front.  JSON: one object per line,
 * with stable field names (see pxe-sniff(8)).  Timeline: events kept per
 * client and told as one story per client at the end, timed from that
 * client's first packet.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "libpxe/dhcp.h"
#include "sniff.h"

const char *
sniff_ip(uint32_t a, char *buf)
{
	struct in_addr in = { a };

	return inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
}

static void
escape(char *out, size_t cap, const char *s)
{
	size_t o = 0;

	for (; *s && o + 7 < cap; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\') {
			out[o++] = '\\';
			out[o++] = (char)ch;
		} else if (ch < 0x20 || ch == 0x7f) {
			o += (size_t)snprintf(out + o, cap - o, "\\u%04x", ch);
		} else {
			out[o++] = (char)ch;
		}
	}
	out[o] = '\0';
}

void
json_str(char *buf, size_t cap, const char *key, const char *val)
{
	char e[600];
	size_t n = strlen(buf);

	escape(e, sizeof(e), val);
	snprintf(buf + n, cap - n, ",\"%s\":\"%s\"", key, e);
}

void
json_num(char *buf, size_t cap, const char *key, double val)
{
	size_t n = strlen(buf);

	if (val == (double)(long long)val)
		snprintf(buf + n, cap - n, ",\"%s\":%lld", key, (long long)val);
	else
		snprintf(buf + n, cap - n, ",\"%s\":%.6f", key, val);
}

void
out_event(struct sniff *s, struct client *c, double t, const char *kind,
    const char *json_fields, const char *fmt, ...)
{
	char text[1024], e[1100];
	struct event *ev;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	switch (s->mode) {
	case OUT_TEXT:
		fprintf(s->out, "%9.3f %s\n", t - s->t0, text);
		break;
	case OUT_JSON:
		escape(e, sizeof(e), text);
		fprintf(s->out, "{\"t\":%.6f,\"event\":\"%s\"%s%s%s%s,\"text\":"
		    "\"%s\"}\n", t - s->t0, kind, c ? ",\"client\":\"" : "",
		    c ? c->macs : "", c ? "\"" : "", json_fields ? json_fields :
		    "", e);
		break;
	case OUT_TIMELINE:
		if (c == NULL)
			break;
		if (c->nevents == SNIFF_MAX_EVENTS) {
			c->dropped_events++;
			break;
		}
		ev = &c->events[c->nevents++];
		ev->t = t;
		if ((size_t)snprintf(ev->text, sizeof(ev->text), "%s", text) >=
		    sizeof(ev->text))
			memcpy(ev->text + sizeof(ev->text) - 4, "...", 4);
		break;
	}
}

void
out_timeline(struct sniff *s)
{
	unsigned i, k;
	struct client *c;

	for (i = 0; i < s->nclients; i++) {
		c = s->clients[i];
		fprintf(s->out, "%s%s%s%s%s, first seen at %.3f s:\n", c->macs,
		    c->pxe ? " PXE, " : "", c->pxe ? (c->arch >= 0 &&
		    dhcp_arch_desc(c->arch) ? dhcp_arch_desc(c->arch) :
		    "arch unknown") : "",
		    c->uuid[0] ? " uuid " : "", c->uuid, c->t0 - s->t0);
		for (k = 0; k < c->nevents; k++)
			fprintf(s->out, "  +%8.3f  %s\n", c->events[k].t - c->t0,
			    c->events[k].text);
		if (c->dropped_events)
			fprintf(s->out, "  (%u more events not kept)\n",
			    c->dropped_events);
		rules_diagnose(s, c);
		fputc('\n', s->out);
	}
}
