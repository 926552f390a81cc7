/*
 * out.c: how pxe-sniff says things.  Text: one line per event, the time
 * from the capture's first packet in front.  JSON: one object per line,
 * with stable field names (see pxe-sniff(8)).  Timeline: events kept per
 * client and told as one story per client at the end, timed from that
 * client's first packet.  Each client's diagnosis (rules.c's findings)
 * follows, with a summary line.
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
out_timeline(struct sniff *s, const struct client *c)
{
	unsigned k;

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
}

static void
finding_json(struct sniff *s, const struct client *c, const struct finding *fd)
{
	const struct rule_text *f = fd->rule;
	char js[2048] = "";

	json_str(js, sizeof(js), "rule", f->id);
	json_str(js, sizeof(js), "severity", f->sev == ERROR ? "error" :
	    "note");
	json_str(js, sizeof(js), "stage", f->stage);
	if (f->firmware)
		json_str(js, sizeof(js), "firmware", f->firmware);
	json_str(js, sizeof(js), "symptom", fd->detail);
	json_str(js, sizeof(js), "cause", f->cause);
	json_str(js, sizeof(js), "fix", f->fix);
	fprintf(s->out, "{\"event\":\"diagnosis\",\"client\":\"%s\"%s}\n",
	    c->macs, js);
}

static void
finding_text(struct sniff *s, const struct client *c, const struct finding *fd)
{
	const struct rule_text *f = fd->rule;

	fprintf(s->out, "%s %s [%s] %s: %s\n", c->macs, f->sev == ERROR ?
	    "FAILED" : "note", f->id, f->stage, fd->detail);
	if (f->sev != ERROR)
		return;
	if (f->firmware)
		fprintf(s->out, "    the machine shows: %s\n", f->firmware);
	fprintf(s->out, "    likely cause: %s\n", f->cause);
	fprintf(s->out, "    fix: %s\n", f->fix);
}

/* The summary line: stages reached, and the one that failed. */
static void
summary_json(struct sniff *s, const struct client *c,
    const struct finding *failed)
{
	char js[2048] = "";

	json_str(js, sizeof(js), "dhcp", c->acks ? "ack" : c->offers ?
	    "offer" : c->discovers ? "discover" : "none");
	json_str(js, sizeof(js), "boot_file", c->bootfile);
	json_str(js, sizeof(js), "config", c->cfg_used);
	json_str(js, sizeof(js), "os_stage", c->os_stage ? "yes" : "no");
	if (c->smb.seen)
		json_str(js, sizeof(js), "smb_share", c->smb.share_ok);
	if (failed) {
		json_str(js, sizeof(js), "failed_stage", failed->rule->stage);
		json_str(js, sizeof(js), "failed_rule", failed->rule->id);
	}
	fprintf(s->out, "{\"event\":\"summary\",\"client\":\"%s\"%s}\n",
	    c->macs, js);
}

static void
summary_text(struct sniff *s, const struct client *c,
    const struct finding *failed)
{
	fprintf(s->out, "%s summary: DHCP %s%s%s, TFTP %s%s%s%s%s%s\n",
	    c->macs, c->acks ? "done" : c->offers ? "offered" :
	    c->discovers ? "unanswered" : "not seen", c->bootfile[0] ?
	    ", boot file " : "", c->bootfile, c->tftp_seen ? "used" :
	    "not reached", c->cfg_used[0] ? ", menu " : "", c->cfg_used,
	    c->os_stage ? ", OS up" : "", !c->smb.seen ? "" :
	    c->smb.share_ok[0] ? ", SMB connected to " : ", SMB not connected",
	    c->smb.share_ok);
	if (failed)
		fprintf(s->out, "%s failed at %s: %s (%s)\n", c->macs,
		    failed->rule->stage, failed->rule->firmware ?
		    failed->rule->firmware : failed->rule->id, failed->detail);
}

void
out_diagnosis(struct sniff *s, const struct client *c,
    const struct diagnosis *dg)
{
	unsigned i;

	for (i = 0; i < dg->n; i++) {
		if (s->mode == OUT_JSON)
			finding_json(s, c, &dg->f[i]);
		else
			finding_text(s, c, &dg->f[i]);
	}
	if (s->mode == OUT_JSON)
		summary_json(s, c, dg->failed);
	else
		summary_text(s, c, dg->failed);
}
