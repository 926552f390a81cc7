/*
 * track.c: follow each machine through a PXE boot.  DHCP/BOOTP packets
 * (67/68, 4011) are decoded with libpxe's dhcp and attached to the client
 * by chaddr; TFTP requests to port 69 open a transfer, which the server's
 * answers from its own port join by (client address, client port, server
 * address); DATA and ACK are counted, not printed (unless -vv), and each
 * transfer is told once when it ends.  ICMP "port unreachable" quoting a
 * request says no TFTP server listens.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "libpxe/dhcp.h"
#include "libpxe/log.h"
#include "libpxe/pxelinux.h"
#include "libpxe/tftp.h"
#include "sniff.h"

#define PORT_BOOTPS	67
#define PORT_BOOTPC	68
#define PORT_PXE	4011
#define PORT_TFTP	69

/*
 * Printable copy of a string from the wire, up to its first NUL (fixed
 * fields are padded), escaped as the servers escape it in their logs.
 */
static void
clean(char *out, size_t cap, const char *s, size_t len)
{
	pxe_log_escape(out, cap, s, strnlen(s, len));
}

/* ---- clients ---- */

static struct client *
client_get(struct sniff *s, const uint8_t mac[6], double t)
{
	struct client *c;
	unsigned i;

	for (i = 0; i < s->nclients; i++)
		if (memcmp(s->clients[i]->mac, mac, 6) == 0)
			return s->clients[i];
	if (s->nclients == SNIFF_MAX_CLIENTS) {
		/* Say it once: silence would read as "nothing happened". */
		if (!s->clients_full) {
			char m[18];

			frame_mac_str(mac, m);
			fprintf(stderr, "pxe-sniff: more than %d clients: %s "
			    "and the clients after it are not followed (the "
			    "first %d are); filter on them with -f 'ether host "
			    "MAC'\n", SNIFF_MAX_CLIENTS, m, SNIFF_MAX_CLIENTS);
			s->clients_full = true;
		}
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	memcpy(c->mac, mac, 6);
	frame_mac_str(mac, c->macs);
	c->t0 = t;
	c->arch = -1;
	s->clients[s->nclients++] = c;
	return c;
}

static struct client *
client_by_mac(struct sniff *s, const uint8_t mac[6])
{
	unsigned i;

	for (i = 0; i < s->nclients; i++)
		if (memcmp(s->clients[i]->mac, mac, 6) == 0)
			return s->clients[i];
	return NULL;
}

static struct client *
client_by_ip(struct sniff *s, uint32_t ip)
{
	unsigned i;

	for (i = s->nclients; i-- > 0;)
		if (s->clients[i]->ip == ip)
			return s->clients[i];
	return NULL;
}

/* The client a TFTP packet belongs to: by MAC when the frame has one,
 * else by the address its lease gave it. */
static struct client *
tftp_client(struct sniff *s, const struct frame *f, bool from_client,
    double t)
{
	struct client *c = NULL;
	uint32_t ip = from_client ? f->src_ip : f->dst_ip;

	if (f->have_mac)
		c = from_client ? client_get(s, f->src_mac, t) :
		    client_by_mac(s, f->dst_mac);
	if (c == NULL)
		c = client_by_ip(s, ip);
	if (c && c->ip == 0)
		c->ip = ip;
	if (c)
		c->tftp_seen = true;
	return c;
}

static void
add_server(struct client *c, uint32_t sid, bool boot)
{
	unsigned i;

	for (i = 0; i < c->nservers; i++)
		if (c->servers[i] == sid) {
			c->server_gave_boot[i] |= boot;
			return;
		}
	if (c->nservers < SNIFF_MAX_SERVERS) {
		c->server_gave_boot[c->nservers] = boot;
		c->servers[c->nservers++] = sid;
	}
}

/* ---- DHCP ---- */

/* PXE 2.1's sub-options of option 43, in words. */
static const struct {
	uint8_t code;
	const char *name;
} pxe_subopts[] = {
	{ 1, "PXE_MTFTP_IP" }, { 2, "PXE_MTFTP_CPORT" },
	{ 3, "PXE_MTFTP_SPORT" }, { 4, "PXE_MTFTP_TMOUT" },
	{ 5, "PXE_MTFTP_DELAY" }, { 6, "PXE_DISCOVERY_CONTROL" },
	{ 7, "DISCOVERY_MCAST_ADDR" }, { 8, "PXE_BOOT_SERVERS" },
	{ 9, "PXE_BOOT_MENU" }, { 10, "PXE_MENU_PROMPT" },
	{ 11, "PXE_MCAST_ADDRS_ALLOC" }, { 12, "PXE_CREDENTIAL_TYPES" },
	{ 71, "PXE_BOOT_ITEM" },
};

static void
dump_pxe_vendor(struct sniff *s, const uint8_t *v, size_t len)
{
	size_t i = 0, k, l;
	const char *name;

	while (i < len && v[i] != 255) {
		if (v[i] == 0) {
			i++;
			continue;
		}
		if (i + 1 >= len || i + 2 + v[i + 1] > len) {
			fprintf(s->out, "              (sub-option %u runs past "
			    "the end)\n", v[i]);
			return;
		}
		l = v[i + 1];
		name = "unknown";
		for (k = 0; k < sizeof(pxe_subopts) / sizeof(pxe_subopts[0]); k++)
			if (pxe_subopts[k].code == v[i])
				name = pxe_subopts[k].name;
		fprintf(s->out, "              %u %s (%zu):", v[i], name, l);
		if (v[i] == 6 && l == 1)
			fprintf(s->out, " %u%s%s%s%s\n", v[i + 2],
			    v[i + 2] & 1 ? " no-broadcast-discovery" : "",
			    v[i + 2] & 2 ? " no-multicast-discovery" : "",
			    v[i + 2] & 4 ? " only-listed-servers" : "",
			    v[i + 2] & 8 ? " boot-file-from-DHCP (no discovery)" :
			    "");
		else {
			for (k = 0; k < l; k++)
				fprintf(s->out, "%s%02x", k ? ":" : " ",
				    v[i + 2 + k]);
			fputc('\n', s->out);
		}
		i += 2 + l;
	}
}

/* -v: every field and option, the way libpxe's table prints them. */
static void
dump_dhcp(struct sniff *s, const struct dhcp_msg *m)
{
	char a[INET_ADDRSTRLEN], name[32], text[1024];
	const uint8_t *v;
	size_t len;
	unsigned i;

	if (s->mode != OUT_TEXT)
		return;
	fprintf(s->out, "            op %u htype %u hlen %u hops %u xid 0x%08x "
	    "secs %u flags 0x%04x\n", m->op, m->htype, m->hlen, m->hops,
	    m->xid, m->secs, m->flags);
	fprintf(s->out, "            ciaddr %s", sniff_ip(m->ciaddr, a));
	fprintf(s->out, " yiaddr %s", sniff_ip(m->yiaddr, a));
	fprintf(s->out, " siaddr %s", sniff_ip(m->siaddr, a));
	fprintf(s->out, " giaddr %s\n", sniff_ip(m->giaddr, a));
	if (m->sname && m->sname[0]) {
		clean(text, sizeof(text), (const char *)m->sname,
		    DHCP_SNAME_LEN);
		fprintf(s->out, "            sname \"%s\"\n", text);
	}
	if (m->file && m->file[0]) {
		clean(text, sizeof(text), (const char *)m->file, DHCP_FILE_LEN);
		fprintf(s->out, "            file \"%s\"\n", text);
	}
	for (i = 0; i < m->norder; i++) {
		v = dhcp_opt_get(m, m->order[i], &len);
		dhcp_opt_to_text(m->order[i], v, len, text, sizeof(text));
		fprintf(s->out, "            option %u %s (%zu): %s\n",
		    m->order[i], dhcp_opt_name(m->order[i], name, sizeof(name)),
		    len, text);
		if (m->order[i] == DHCP_OPT_VENDOR && dhcp_is_pxeclient(m))
			dump_pxe_vendor(s, v, len);
	}
}

/* Option 67 or the file field: the boot file an answer names. */
static void
boot_file_of(const struct dhcp_msg *m, char *out, size_t cap)
{
	const uint8_t *v;
	size_t len;

	out[0] = '\0';
	if ((v = dhcp_opt_get(m, DHCP_OPT_BOOTFILE, &len)) != NULL && len)
		clean(out, cap, (const char *)v, len);
	else if (m->file && m->file[0])
		clean(out, cap, (const char *)m->file, DHCP_FILE_LEN);
}

static void
client_request(struct sniff *s, struct client *c, const struct dhcp_msg *m,
    int type, double t, bool port4011)
{
	char extra[512] = "", js[1024] = "", a[INET_ADDRSTRLEN], b[128];
	const uint8_t *v;
	size_t len;
	uint32_t sid = 0, req = 0;
	int arch = dhcp_client_arch(m);
	bool pxe = dhcp_is_pxeclient(m) || dhcp_is_httpclient(m);

	if ((v = dhcp_opt_get(m, DHCP_OPT_VCLASS, &len)) != NULL) {
		clean(b, sizeof(b), (const char *)v, len);
		clean(c->vclass, sizeof(c->vclass), (const char *)v, len);
		json_str(js, sizeof(js), "vendor_class", b);
	}
	if ((v = dhcp_opt_get(m, DHCP_OPT_HOSTNAME, &len)) != NULL) {
		clean(c->hostname, sizeof(c->hostname), (const char *)v, len);
		json_str(js, sizeof(js), "hostname", c->hostname);
	}
	if (pxe) {
		c->pxe = true;
		if (arch >= 0)
			c->arch = arch;
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
		    " %s arch %s", dhcp_is_httpclient(m) ? "HTTPClient" :
		    "PXEClient", arch < 0 ? "unknown" : dhcp_arch_desc(arch) ?
		    dhcp_arch_desc(arch) : "other");
		json_num(js, sizeof(js), "arch", arch);
	}
	if ((v = dhcp_opt_get(m, DHCP_OPT_NDI, &len)) != NULL && len == 3)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
		    " UNDI %u.%u", v[1], v[2]);
	if ((v = dhcp_opt_get(m, DHCP_OPT_UUID, &len)) != NULL && len == 17) {
		dhcp_opt_to_text(DHCP_OPT_UUID, v, len, c->uuid,
		    sizeof(c->uuid));
		json_str(js, sizeof(js), "uuid", c->uuid);
	}
	if (dhcp_is_ipxe(m)) {
		c->ipxe = true;
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
		    " iPXE");
	}
	if (c->hostname[0] && type != -1)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
		    " hostname %s", c->hostname);
	if (dhcp_opt_ip(m, DHCP_OPT_SERVERID, &sid) == 0)
		json_str(js, sizeof(js), "server_id", sniff_ip(sid, a));
	if (dhcp_opt_ip(m, DHCP_OPT_REQADDR, &req) == 0)
		json_str(js, sizeof(js), "requested", sniff_ip(req, a));
	json_str(js, sizeof(js), "type", dhcp_msgtype_str(type));
	json_num(js, sizeof(js), "xid", m->xid);
	if (m->giaddr)
		json_str(js, sizeof(js), "giaddr", sniff_ip(m->giaddr, a));

	/* A machine asking again without PXEClient after TFTP: its OS. */
	if (!pxe && (c->tftp_seen || c->acks > 0) && type != DHCPRELEASE) {
		if (!c->os_stage)
			out_event(s, c, t, "stage", NULL, "%s: DHCP again, not as a "
			    "PXE ROM: the loaded system is up%s", c->macs,
			    strncasecmp(c->hostname, "minint-", 7) == 0 ?
			    " (hostname minint-*: Windows PE)" : "");
		c->os_stage = true;
		c->os_requests++;
	}
	switch (type) {
	case DHCPDISCOVER:
		c->discovers++;
		break;
	case DHCPREQUEST:
		c->requests++;
		if (sid)
			c->chosen = sid;
		break;
	default:
		break;
	}
	out_event(s, c, t, "dhcp", js, "%s%s %s xid 0x%08x%s%s%s%s%s",
	    type == -1 ? "BOOTP" : dhcp_msgtype_str(type), port4011 ?
	    " (port 4011)" : "", c->macs, m->xid, extra, req ? " requests " :
	    "", req ? sniff_ip(req, a) : "", sid ? " server " : "",
	    sid ? sniff_ip(sid, b) : "");
	if (s->verbose)
		dump_dhcp(s, m);
}

static void
server_reply(struct sniff *s, struct client *c, const struct dhcp_msg *m,
    int type, double t, uint32_t src)
{
	char js[1024] = "", file[256], a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	char tftp[128] = "", what[400];
	const uint8_t *v;
	size_t len;
	uint32_t sid = src;
	bool proxy = m->yiaddr == 0 && (type == DHCPOFFER || type == DHCPACK);

	dhcp_opt_ip(m, DHCP_OPT_SERVERID, &sid);
	boot_file_of(m, file, sizeof(file));
	if ((v = dhcp_opt_get(m, DHCP_OPT_TFTPSERVER, &len)) != NULL)
		clean(tftp, sizeof(tftp), (const char *)v, len);
	if (type == DHCPOFFER || type == -1) {
		c->offers++;
		if (file[0])
			c->offers_boot++;
		if (proxy)
			c->proxy_offers++;
		add_server(c, sid, file[0] != '\0');
	} else if (type == DHCPACK) {
		c->acks++;
		if (m->yiaddr)
			c->ip = m->yiaddr;
		add_server(c, sid, file[0] != '\0');
	} else if (type == DHCPNAK) {
		c->naks++;
	}
	if (file[0]) {
		snprintf(c->bootfile, sizeof(c->bootfile), "%s", file);
		c->next_server = m->siaddr ? m->siaddr : sid;
	}
	json_str(js, sizeof(js), "type", dhcp_msgtype_str(type));
	json_str(js, sizeof(js), "server", sniff_ip(sid, a));
	json_str(js, sizeof(js), "yiaddr", sniff_ip(m->yiaddr, a));
	json_str(js, sizeof(js), "siaddr", sniff_ip(m->siaddr, a));
	json_str(js, sizeof(js), "file", file);
	if (tftp[0])
		json_str(js, sizeof(js), "tftp_server", tftp);
	if (proxy)
		snprintf(what, sizeof(what), "proxyDHCP, no address");
	else
		snprintf(what, sizeof(what), "%s", sniff_ip(m->yiaddr, a));
	if (type == DHCPNAK)
		out_event(s, c, t, "dhcp", js, "DHCPNAK %s -> %s", sniff_ip(sid, a),
		    c->macs);
	else
		out_event(s, c, t, "dhcp", js, "%s %s -> %s %s%s%s%s%s%s",
		    type == -1 ? "BOOTREPLY" : dhcp_msgtype_str(type),
		    sniff_ip(sid, b), c->macs, what, file[0] ? " next-server " :
		    "", file[0] ? sniff_ip(m->siaddr ? m->siaddr : sid, a) : "",
		    file[0] ? " file \"" : ", no boot file", file,
		    file[0] ? "\"" : "");
	if (s->verbose)
		dump_dhcp(s, m);
}

static void
on_dhcp(struct sniff *s, const struct frame *f, double t)
{
	static struct dhcp_msg m;
	struct client *c;
	int type;

	if (dhcp_parse(f->payload, f->payload_len, &m) < 0) {
		s->malformed++;
		out_event(s, NULL, t, "malformed", NULL, "malformed DHCP "
		    "packet: %s", m.why);
		return;
	}
	if (m.htype != 1 || m.hlen != 6)
		return;
	if ((c = client_get(s, m.chaddr, t)) == NULL)
		return;
	type = dhcp_msg_type(&m);
	if (type < 0)
		type = -1;		/* BOOTP */
	if (m.op == BOOTREQUEST)
		client_request(s, c, &m, type, t, f->dst_port == PORT_PXE);
	else
		server_reply(s, c, &m, type, t, f->src_ip);
}

/* ---- TFTP ---- */

static struct xfer *
xfer_find(struct sniff *s, uint32_t cip, uint16_t cport, uint32_t sip)
{
	unsigned i;

	for (i = s->nxfers; i-- > 0;) {
		struct xfer *x = s->xfers[i];

		if (x->client_ip == cip && x->client_port == cport &&
		    x->server_ip == sip)
			return x;
	}
	return NULL;
}

/* Count one turn of an RRQ, from time from to time to. */
static void
turn(struct turns **tp, double from, double to)
{
	if (*tp == NULL && (*tp = calloc(1, sizeof(**tp))) == NULL)
		return;
	turns_add(*tp, to > from ? (uint64_t)((to - from) * 1e9 + 0.5) : 0);
}

/* The server answered: a new DATA (or the OACK) after an ACK. */
static void
turn_server(struct xfer *x, double t)
{
	if (x->ack_waiting)
		turn(&x->srv, x->t_ack, t);
	x->ack_waiting = false;
	x->t_data = t;		/* the client's turn starts at the last one */
	x->data_waiting = true;
}

/* The client answered: an ACK after DATA (or the OACK). */
static void
turn_client(struct xfer *x, double t)
{
	if (x->data_waiting)
		turn(&x->cli, x->t_data, t);
	x->data_waiting = false;
	if (!x->ack_waiting)
		x->t_ack = t;
	x->ack_waiting = true;
}

/*
 * Append to js (and to text, if it has room) where a transfer's time
 * went: waiting on the server, and waiting on the client, with each
 * side's median and 99th percentile turn.  Only for transfers long
 * enough to say.
 */
static void
xfer_turns(const struct xfer *x, char *js, size_t jcap, char *text,
    size_t tcap)
{
	const struct turns *sv = x->srv, *cl = x->cli;
	size_t n = strlen(text);

	if (sv == NULL || cl == NULL || sv->n < SNIFF_TURNS_MIN ||
	    cl->n < SNIFF_TURNS_MIN)
		return;
	json_num(js, jcap, "server_wait_s", (double)sv->sum_ns / 1e9);
	json_num(js, jcap, "server_turn_median_us",
	    (double)(turns_quantile(sv, 0.5) / 1000));
	json_num(js, jcap, "server_turn_p99_us",
	    (double)(turns_quantile(sv, 0.99) / 1000));
	json_num(js, jcap, "client_wait_s", (double)cl->sum_ns / 1e9);
	json_num(js, jcap, "client_turn_median_us",
	    (double)(turns_quantile(cl, 0.5) / 1000));
	json_num(js, jcap, "client_turn_p99_us",
	    (double)(turns_quantile(cl, 0.99) / 1000));
	snprintf(text + n, tcap - n, "; waiting on the server %.2f s (turns "
	    "%llu us median, %llu us p99), on the client %.2f s (%llu us, "
	    "%llu us)", (double)sv->sum_ns / 1e9,
	    (unsigned long long)(turns_quantile(sv, 0.5) / 1000),
	    (unsigned long long)(turns_quantile(sv, 0.99) / 1000),
	    (double)cl->sum_ns / 1e9,
	    (unsigned long long)(turns_quantile(cl, 0.5) / 1000),
	    (unsigned long long)(turns_quantile(cl, 0.99) / 1000));
}

static const char *
xfer_state_name(const struct xfer *x)
{
	static const char *const names[] = { "open", "done", "error",
		"tsize probe", "unreachable", "aborted", "incomplete capture" };

	return names[x->state];
}

/* Tell a transfer once, when it ends (or at the end of the capture). */
static void
xfer_report(struct sniff *s, struct xfer *x)
{
	char js[1024] = "", cip[INET_ADDRSTRLEN], sip[INET_ADDRSTRLEN];
	char waits[160] = "";
	double d = x->t_last - x->t0;
	enum pxelinux_step step;
	struct client *c = x->client;

	if (x->reported)
		return;
	x->reported = true;
	sniff_ip(x->client_ip, cip);
	sniff_ip(x->server_ip, sip);
	json_str(js, sizeof(js), "file", x->file);
	json_str(js, sizeof(js), "client_ip", cip);
	json_str(js, sizeof(js), "server_ip", sip);
	json_str(js, sizeof(js), "result", xfer_state_name(x));
	json_num(js, sizeof(js), "bytes", (double)x->bytes);
	json_num(js, sizeof(js), "blocks", (double)x->blocks);
	json_num(js, sizeof(js), "seconds", d);
	json_num(js, sizeof(js), "blksize", x->blksize);
	json_num(js, sizeof(js), "windowsize", x->windowsize);
	json_num(js, sizeof(js), "retransmits", (double)x->retransmits);
	if (x->tsize)
		json_num(js, sizeof(js), "tsize", (double)x->tsize);
	if (x->missing)
		json_num(js, sizeof(js), "blocks_missing", (double)x->missing);
	step = pxelinux_classify(x->file, NULL);
	switch (x->state) {
	case X_INCOMPLETE:
		out_event(s, c, x->t_last, "tftp", js, "TFTP %s \"%s\": the "
		    "capture is incomplete: it holds %llu of %s%llu bytes "
		    "(%llu block%s missing); the transfer ended, but whether the "
		    "client got it all this capture cannot tell", cip, x->file,
		    (unsigned long long)x->bytes, x->tsize ? "" : "at least ",
		    (unsigned long long)(x->tsize ? x->tsize : x->bytes +
		    x->missing * x->blksize), (unsigned long long)x->missing,
		    x->missing == 1 ? "" : "s");
		break;
	case X_DONE:
		if (step != PXELINUX_NOT_CONFIG && c) {
			snprintf(c->cfg_used, sizeof(c->cfg_used), "%s", x->file);
			c->cfg_t = x->t_last;
		}
		xfer_turns(x, js, sizeof(js), waits, sizeof(waits));
		out_event(s, c, x->t_last, "tftp", js, "TFTP %s got \"%s\": "
		    "%llu bytes, %llu blocks in %.2f s, %.1f kB/s, blksize %u, "
		    "windowsize %u, %llu retransmits%s", cip, x->file,
		    (unsigned long long)x->bytes, (unsigned long long)x->blocks,
		    d, d > 0 ? (double)x->bytes / d / 1000 : 0.0, x->blksize,
		    x->windowsize, (unsigned long long)x->retransmits, waits);
		break;
	case X_PROBE:
		out_event(s, c, x->t_last, "tftp", js, "TFTP %s stopped \"%s\" "
		    "after the OACK: pxelinux's tsize probe (normal)", cip,
		    x->file);
		break;
	case X_ERROR:
		if (x->err_code == TFTP_ENOTFOUND && step != PXELINUX_NOT_CONFIG) {
			if (c)
				c->cfg_tries++;
			out_event(s, c, x->t_last, "tftp", js, "TFTP %s -> %s: "
			    "\"%s\" not found (pxelinux's config search, %s step: "
			    "normal)", sip, cip, x->file, pxelinux_step_name(step));
		} else {
			out_event(s, c, x->t_last, "tftp", js, "TFTP %s -> %s: "
			    "ERROR %u \"%s\" for \"%s\"", sip, cip, x->err_code,
			    x->err_msg, x->file);
		}
		break;
	case X_UNREACH:
		out_event(s, c, x->t_last, "tftp", js, "TFTP %s -> %s: \"%s\" "
		    "asked %llu time%s, refused: ICMP port %u unreachable (no "
		    "TFTP server listens there)", cip, sip, x->file,
		    (unsigned long long)x->requests, x->requests == 1 ? "" : "s",
		    PORT_TFTP);
		break;
	case X_ABORTED:
		out_event(s, c, x->t_last, "tftp", js, "TFTP \"%s\" to %s "
		    "aborted: %s%s%llu of its bytes sent", x->file, cip,
		    x->err_msg, x->err_msg[0] ? "; " : "",
		    (unsigned long long)x->bytes);
		break;
	case X_OPEN:
		if (x->server_port == 0)
			out_event(s, c, x->t_last, "tftp", js, "TFTP %s -> %s: "
			    "\"%s\" asked %llu time%s, never answered", cip, sip,
			    x->file, (unsigned long long)x->requests,
			    x->requests == 1 ? "" : "s");
		else
			out_event(s, c, x->t_last, "tftp", js, "TFTP \"%s\" to %s "
			    "unfinished at the end of the capture: %llu%s%s "
			    "bytes, %llu blocks%s", x->file, cip,
			    (unsigned long long)x->bytes, x->tsize ? " of " : "",
			    x->tsize ? "its tsize" : "",
			    (unsigned long long)x->blocks, x->missing ?
			    " (blocks missing from the capture)" : "");
		break;
	}
}

static void
on_tftp_request(struct sniff *s, const struct frame *f, double t)
{
	struct tftp_request req;
	struct xfer *x;
	struct client *c;
	char js[1024] = "", opts[512] = "", cip[INET_ADDRSTRLEN];
	char sip[INET_ADDRSTRLEN], file[256];
	unsigned i;

	if (tftp_parse_request(f->payload, f->payload_len, &req) < 0) {
		s->malformed++;
		out_event(s, NULL, t, "malformed", NULL, "malformed TFTP "
		    "request from %s", sniff_ip(f->src_ip, cip));
		return;
	}
	clean(file, sizeof(file), req.filename, req.filename_len);
	c = tftp_client(s, f, true, t);
	x = xfer_find(s, f->src_ip, f->src_port, f->dst_ip);
	if (x && (x->state == X_OPEN || x->state == X_UNREACH) &&
	    strcmp(x->file, file) == 0) {
		x->requests++;		/* the client asked again */
		x->t_last = t;
		return;
	}
	if (x && !x->reported)
		xfer_report(s, x);
	if (s->nxfers == SNIFF_MAX_XFERS || (x = calloc(1, sizeof(*x))) ==
	    NULL)
		return;
	s->xfers[s->nxfers++] = x;
	x->client_ip = f->src_ip;
	x->client_port = f->src_port;
	x->server_ip = f->dst_ip;
	x->t0 = x->t_last = t;
	x->requests = 1;
	x->write = req.opcode == TFTP_WRQ;
	x->blksize = TFTP_BLKSIZE_DEFAULT;
	x->windowsize = 1;
	x->client = c;
	if (!x->write) {
		x->ack_waiting = true;	/* the OACK or DATA 1 answers it */
		x->t_ack = t;
	}
	snprintf(x->file, sizeof(x->file), "%s", file);
	for (i = 0; i < req.nopts; i++) {
		char o[160];

		clean(o, sizeof(o), req.opts[i].name, strlen(req.opts[i].name));
		snprintf(opts + strlen(opts), sizeof(opts) - strlen(opts),
		    " %s=", o);
		clean(o, sizeof(o), req.opts[i].value,
		    strlen(req.opts[i].value));
		snprintf(opts + strlen(opts), sizeof(opts) - strlen(opts),
		    "%s", o);
		if (strcasecmp(req.opts[i].name, "tsize") == 0)
			x->tsize_asked = true;
	}
	json_str(js, sizeof(js), "op", x->write ? "WRQ" : "RRQ");
	json_str(js, sizeof(js), "file", file);
	json_str(js, sizeof(js), "mode", req.mode_str);
	json_str(js, sizeof(js), "client_ip", sniff_ip(f->src_ip, cip));
	json_str(js, sizeof(js), "server_ip", sniff_ip(f->dst_ip, sip));
	json_str(js, sizeof(js), "options", opts[0] ? opts + 1 : "");
	if (s->verbose || s->mode != OUT_TEXT ||
	    pxelinux_classify(file, NULL) == PXELINUX_NOT_CONFIG)
		out_event(s, c, t, "tftp_request", js, "TFTP %s %s:%u -> %s "
		    "\"%s\" %s%s", x->write ? "WRQ" : "RRQ", cip, f->src_port,
		    sip, file, req.mode_str, opts);
}

/* A packet between a client and a transfer's port. */
static void
on_tftp_data(struct sniff *s, const struct frame *f, double t)
{
	struct tftp_opt opts[TFTP_MAX_OPTS];
	struct xfer *x;
	const uint8_t *d;
	const char *msg;
	uint16_t blk, code;
	size_t dl, ml;
	unsigned n, i;
	int op = tftp_opcode_of(f->payload, f->payload_len), nw;
	bool from_server;
	uint64_t k;

	x = xfer_find(s, f->dst_ip, f->dst_port, f->src_ip);
	from_server = x != NULL;
	if (!x)
		x = xfer_find(s, f->src_ip, f->src_port, f->dst_ip);
	if (!x)
		return;
	if (from_server && x->server_port == 0)
		x->server_port = f->src_port;
	x->t_last = t;
	switch (op) {
	case TFTP_OACK:
		if (!from_server || tftp_parse_oack(f->payload, f->payload_len,
		    opts, TFTP_MAX_OPTS, &n) < 0)
			break;
		x->oack = true;
		for (i = 0; i < n; i++) {
			if (strcasecmp(opts[i].name, "blksize") == 0)
				x->blksize = (unsigned)atoi(opts[i].value);
			else if (strcasecmp(opts[i].name, "windowsize") == 0)
				x->windowsize = (unsigned)atoi(opts[i].value);
			else if (strcasecmp(opts[i].name, "tsize") == 0) {
				x->tsize_granted = true;
				x->tsize = strtoull(opts[i].value, NULL, 10);
			}
		}
		if (x->blksize < 8 || x->blksize > 65464)
			x->blksize = TFTP_BLKSIZE_DEFAULT;
		if (x->windowsize == 0)
			x->windowsize = 1;
		if (!x->write)
			turn_server(x, t);
		if (s->verbose >= 2)
			out_event(s, x->client, t, "tftp_oack", NULL, "  OACK "
			    "blksize %u windowsize %u%s", x->blksize,
			    x->windowsize, x->tsize_granted ? " tsize" : "");
		break;
	case TFTP_DATA:
		if (!from_server ||
		    tftp_parse_data(f->payload, f->payload_len, &blk, &d, &dl) < 0)
			break;
		dl = f->payload_wire >= 4 ? f->payload_wire - 4 : dl;
		/* 64-bit block number nearest above what we have. */
		k = (x->hi & ~(uint64_t)0xffff) | blk;
		if (k + 0x8000 < x->hi)
			k += 0x10000;
		if (k <= x->hi && x->blocks > 0) {
			x->retransmits++;
			/* A resend is nobody's turn: the wait it ends is in
			 * the retransmit count, not in either side's time. */
			x->ack_waiting = x->data_waiting = false;
		} else {
			turn_server(x, t);
			x->last_wire = blk;
			/* Blocks between the last one seen and this one were
			 * sent (the server sends in order) but not captured. */
			if (k > x->hi + 1)
				x->missing += k - x->hi - 1;
			x->blocks += k - x->hi > 0 ? 1 : 0;
			x->bytes += dl;
			x->hi = k;
		}
		if (s->verbose >= 2)
			out_event(s, x->client, t, "tftp_data", NULL, "  DATA %u "
			    "(%zu bytes)", blk, dl);
		if (dl < x->blksize && k >= x->hi)
			x->state = x->missing || (x->tsize && x->bytes !=
			    x->tsize) ? X_INCOMPLETE : X_DONE;
		break;
	case TFTP_ACK:
		if (from_server || tftp_parse_ack(f->payload, f->payload_len,
		    &blk, &nw) < 0)
			break;
		/* Only an ACK of the newest DATA (or of the OACK) ends the
		 * client's turn: a duplicate or an older one does not. */
		if (blk == x->last_wire)
			turn_client(x, t);
		if (s->verbose >= 2)
			out_event(s, x->client, t, "tftp_ack", NULL, "  ACK %u",
			    blk);
		break;
	case TFTP_ERROR:
		if (tftp_parse_error(f->payload, f->payload_len, &code, &msg,
		    &ml) < 0)
			break;
		x->err_code = code;
		clean(x->err_msg, sizeof(x->err_msg), msg, ml);
		if (!from_server && x->oack && x->tsize_granted &&
		    x->blocks == 0)
			x->state = X_PROBE;
		else if (from_server)
			x->state = X_ERROR;
		else
			x->state = X_ABORTED;
		break;
	default:
		break;
	}
	if (x->state != X_OPEN && x->state != X_UNREACH)
		xfer_report(s, x);
}

static void
on_icmp(struct sniff *s, const struct frame *f, double t)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	struct xfer *x;

	if (f->orig_proto != 17 || f->icmp_code != 3)
		return;
	/* A request to port 69 refused: nothing listens there. */
	if (f->orig_dst_port == PORT_TFTP &&
	    (x = xfer_find(s, f->orig_src_ip, f->orig_src_port,
	    f->orig_dst_ip)) != NULL && x->state == X_OPEN) {
		x->state = X_UNREACH;	/* told at the end: it may ask again */
		x->t_last = t;
		return;
	}
	/* The server's DATA to a client port that has closed. */
	if ((x = xfer_find(s, f->orig_dst_ip, f->orig_dst_port,
	    f->orig_src_ip)) != NULL && x->state == X_OPEN) {
		x->state = X_ABORTED;
		snprintf(x->err_msg, sizeof(x->err_msg), "the client's port is "
		    "closed (ICMP port unreachable)");
		x->t_last = t;
		xfer_report(s, x);
		return;
	}
	if (f->orig_dst_port == PORT_BOOTPS || f->orig_dst_port == PORT_PXE ||
	    f->orig_dst_port == PORT_TFTP)
		out_event(s, NULL, t, "icmp", NULL, "ICMP %s -> %s: UDP port %u "
		    "unreachable", sniff_ip(f->src_ip, a), sniff_ip(f->dst_ip, b),
		    f->orig_dst_port);
}

/* TCP to or from port 445: the machine is the side that is not 445. */
static void
on_smb(struct sniff *s, const struct frame *f, double t)
{
	bool from_client = f->dst_port == SNIFF_PORT_SMB;
	uint32_t ip = from_client ? f->src_ip : f->dst_ip;
	struct client *c = NULL;

	if (f->have_mac)
		c = from_client ? client_get(s, f->src_mac, t) :
		    client_by_mac(s, f->dst_mac);
	if (c == NULL)
		c = client_by_ip(s, ip);
	if (c == NULL)
		return;
	if (c->ip == 0)
		c->ip = ip;
	smb_frame(s, c, f, t, from_client);
}

void
sniff_frame(struct sniff *s, double t, int link, const uint8_t *p,
    size_t caplen)
{
	struct frame f;

	s->frames++;
	if (!s->have_t0) {
		s->t0 = t;
		s->have_t0 = true;
	}
	s->t_end = t;
	if (frame_decode(link, p, caplen, &f) < 0)
		return;
	s->decoded++;
	switch (f.kind) {
	case FRAME_UDP:
		if ((f.src_port == PORT_BOOTPC && f.dst_port == PORT_BOOTPS) ||
		    (f.src_port == PORT_BOOTPS && (f.dst_port == PORT_BOOTPC ||
		    f.dst_port == PORT_BOOTPS)) || f.dst_port == PORT_PXE ||
		    f.src_port == PORT_PXE)
			on_dhcp(s, &f, t);
		else if (f.dst_port == PORT_TFTP)
			on_tftp_request(s, &f, t);
		else if (s->nxfers > 0)
			on_tftp_data(s, &f, t);
		break;
	case FRAME_ICMP_UNREACH:
		on_icmp(s, &f, t);
		break;
	case FRAME_TCP:
		if (f.src_port == SNIFF_PORT_SMB || f.dst_port == SNIFF_PORT_SMB)
			on_smb(s, &f, t);
		break;
	default:
		break;
	}
}

void
sniff_finish(struct sniff *s)
{
	struct diagnosis dg;
	unsigned i;

	for (i = 0; i < s->nxfers; i++)
		if (!s->xfers[i]->reported)
			xfer_report(s, s->xfers[i]);
	if (s->mode == OUT_TEXT && s->nclients)
		fprintf(s->out, "\n");
	for (i = 0; i < s->nclients; i++) {
		if (s->mode == OUT_TIMELINE)
			out_timeline(s, s->clients[i]);
		s->failed += (unsigned)rules_diagnose(s, s->clients[i], &dg);
		out_diagnosis(s, s->clients[i], &dg);
		if (s->mode == OUT_TIMELINE)
			fputc('\n', s->out);
	}
}

void
sniff_free(struct sniff *s)
{
	unsigned i;

	for (i = 0; i < s->nclients; i++)
		free(s->clients[i]);
	for (i = 0; i < s->nxfers; i++) {
		free(s->xfers[i]->srv);
		free(s->xfers[i]->cli);
		free(s->xfers[i]);
	}
	s->nclients = s->nxfers = 0;
}
