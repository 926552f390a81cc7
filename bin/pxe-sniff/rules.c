/*
 * rules.c: what went wrong, as a table.  Each rule names the stage it
 * judges, the symptom on the wire, what the firmware shows, the likely
 * cause and the fix; a rule's test reads the client's tracked state.
 * The diagnosis returns what fired, as findings; out.c prints them.
 * Rules are tried in order; "error" rules name a failed stage, "note"
 * rules say something normal or worth knowing.  The SMB rules judge
 * WinPE's "net use" from what smb.c saw on port 445, and name the
 * "System error" number it prints.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "libpxe/pxelinux.h"
#include "libpxe/smb2.h"
#include "libpxe/tftp.h"
#include "sniff.h"

struct rule {
	struct rule_text t;
	/* true when the rule fires; may fill detail */
	bool (*test)(const struct sniff *, const struct client *, char *,
	    size_t);
};

/* The transfers of one client. */
#define FOR_XFERS(s, c, x) \
	for (unsigned i_ = 0; i_ < (s)->nxfers; i_++) \
		if (((x) = (s)->xfers[i_])->client == (c))

static bool
no_offer(const struct sniff *s, const struct client *c, char *d, size_t n)
{
	(void)s;
	if (c->discovers == 0 || c->offers > 0 || c->acks > 0)
		return false;
	snprintf(d, n, "%u DHCPDISCOVER, no answer", c->discovers);
	return true;
}

static bool
no_bootfile(const struct sniff *s, const struct client *c, char *d, size_t n)
{
	(void)s;
	if (!c->pxe || c->offers == 0 || c->offers_boot > 0 || c->tftp_seen ||
	    c->os_stage)
		return false;
	snprintf(d, n, "%u OFFER%s without a boot file or next-server, %u "
	    "DHCPDISCOVER", c->offers, c->offers == 1 ? "" : "s",
	    c->discovers);
	return true;
}

static bool
two_servers(const struct sniff *s, const struct client *c, char *d, size_t n)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	unsigned i, boot = 0;

	(void)s;
	if (c->nservers < 2)
		return false;
	for (i = 0; i < c->nservers; i++)
		boot += c->server_gave_boot[i];
	snprintf(d, n, "%u DHCP servers answered (%s and %s%s)%s%s",
	    c->nservers, sniff_ip(c->servers[0], a), sniff_ip(c->servers[1], b),
	    c->nservers > 2 ? ", ..." : "", c->proxy_offers ?
	    "; one is a proxyDHCP server: normal" : boot < c->nservers ?
	    "; only some give a boot file: the firmware may take the wrong "
	    "one" : "", "");
	return true;
}

static bool
tftp_refused(const struct sniff *s, const struct client *c, char *d,
    size_t n)
{
	char a[INET_ADDRSTRLEN];
	const struct xfer *x;

	FOR_XFERS(s, c, x)
		if (x->state == X_UNREACH) {
			snprintf(d, n, "RRQ \"%s\" to %s answered by ICMP port "
			    "unreachable", x->file, sniff_ip(x->server_ip, a));
			return true;
		}
	return false;
}

static bool
tftp_silent(const struct sniff *s, const struct client *c, char *d, size_t n)
{
	char a[INET_ADDRSTRLEN];
	const struct xfer *x;

	FOR_XFERS(s, c, x)
		if (x->state == X_OPEN && x->server_port == 0) {
			snprintf(d, n, "RRQ \"%s\" to %s sent %llu time%s, never "
			    "answered", x->file, sniff_ip(x->server_ip, a),
			    (unsigned long long)x->requests,
			    x->requests == 1 ? "" : "s");
			return true;
		}
	return false;
}

/* A file asked for after pxelinux got its menu: the menu's, not DHCP's. */
static bool
after_menu(const struct client *c, const struct xfer *x)
{
	return c->cfg_used[0] && x->t0 >= c->cfg_t;
}

static bool
menu_file_notfound(const struct sniff *s, const struct client *c, char *d,
    size_t n)
{
	const struct xfer *x;

	FOR_XFERS(s, c, x)
		if (x->state == X_ERROR && x->err_code == TFTP_ENOTFOUND &&
		    pxelinux_classify(x->file, NULL) == PXELINUX_NOT_CONFIG &&
		    after_menu(c, x)) {
			snprintf(d, n, "\"%s\", named by the menu %s, not found "
			    "on the server (ERROR 1 \"%s\")", x->file,
			    c->cfg_used, x->err_msg);
			return true;
		}
	return false;
}

static bool
capture_incomplete(const struct sniff *s, const struct client *c, char *d,
    size_t n)
{
	const struct xfer *x;

	FOR_XFERS(s, c, x)
		if (x->state == X_INCOMPLETE || (x->state == X_OPEN &&
		    x->missing)) {
			snprintf(d, n, "\"%s\": %llu bytes in the capture%s%s, "
			    "%llu block%s missing%s", x->file,
			    (unsigned long long)x->bytes, x->tsize ? " of " : "",
			    x->tsize ? "its tsize" : "",
			    (unsigned long long)x->missing, x->missing == 1 ?
			    "" : "s", s->pcap_drops ? "; the capture itself "
			    "dropped packets" : "");
			return true;
		}
	if (s->pcap_drops) {
		snprintf(d, n, "the capture dropped %llu packets (pcap)",
		    (unsigned long long)s->pcap_drops);
		return true;
	}
	return false;
}

static bool
tftp_notfound(const struct sniff *s, const struct client *c, char *d,
    size_t n)
{
	const struct xfer *x;

	FOR_XFERS(s, c, x)
		if (x->state == X_ERROR && x->err_code == TFTP_ENOTFOUND &&
		    pxelinux_classify(x->file, NULL) == PXELINUX_NOT_CONFIG &&
		    !after_menu(c, x)) {
			snprintf(d, n, "\"%s\" not found on the server (ERROR 1 "
			    "\"%s\")", x->file, x->err_msg);
			return true;
		}
	return false;
}

static bool
tftp_other_error(const struct sniff *s, const struct client *c, char *d,
    size_t n)
{
	const struct xfer *x;

	FOR_XFERS(s, c, x)
		if ((x->state == X_ERROR && x->err_code != TFTP_ENOTFOUND) ||
		    x->state == X_ABORTED) {
			snprintf(d, n, "\"%s\": %s %u \"%s\"", x->file,
			    x->state == X_ABORTED ? "aborted by the client, "
			    "ERROR" : "ERROR", x->err_code, x->err_msg);
			return true;
		}
	return false;
}

static bool
config_search(const struct sniff *s, const struct client *c, char *d,
    size_t n)
{
	(void)s;
	if (c->cfg_tries == 0 && !c->cfg_used[0])
		return false;
	snprintf(d, n, "pxelinux tried %u configuration file%s before %s%s",
	    c->cfg_tries, c->cfg_tries == 1 ? "" : "s", c->cfg_used[0] ?
	    "using " : "finding none", c->cfg_used);
	return true;
}

static bool
no_config(const struct sniff *s, const struct client *c, char *d, size_t n)
{
	(void)s;
	if (c->cfg_tries == 0 || c->cfg_used[0] || c->os_stage)
		return false;
	snprintf(d, n, "pxelinux asked for %u configuration files and got none",
	    c->cfg_tries);
	return true;
}

static bool
tsize_probe(const struct sniff *s, const struct client *c, char *d, size_t n)
{
	const struct xfer *x;

	FOR_XFERS(s, c, x)
		if (x->state == X_PROBE) {
			snprintf(d, n, "\"%s\" stopped after the OACK to learn its "
			    "size, then fetched again", x->file);
			return true;
		}
	return false;
}

/*
 * Which side a slow transfer waited on: the one that took two thirds or
 * more of the turns' time, else both.  Nothing when too few turns.
 */
static void
pace(const struct xfer *x, char *d, size_t n)
{
	double sv, cl;

	if (x->srv == NULL || x->cli == NULL || x->srv->n < SNIFF_TURNS_MIN ||
	    x->cli->n < SNIFF_TURNS_MIN)
		return;
	sv = (double)x->srv->sum_ns / 1e9;
	cl = (double)x->cli->sum_ns / 1e9;
	snprintf(d, n, "; %s set the pace (%.2f s waiting on the client, "
	    "%.2f s on the server)", cl >= 2 * sv ? "the client" : sv >= 2 *
	    cl ? "the server" : "both sides", cl, sv);
}

static bool
slow(const struct sniff *s, const struct client *c, char *d, size_t n)
{
	const struct xfer *x;
	double sec;

	FOR_XFERS(s, c, x) {
		sec = x->t_last - x->t0;
		if (x->state != X_DONE || x->bytes < 262144 || sec <= 0)
			continue;
		if (x->blksize <= 1024 || x->retransmits * 100 > x->blocks ||
		    (x->windowsize == 1 && x->bytes / sec < 2e6)) {
			snprintf(d, n, "\"%s\": %.1f MB/s, blksize %u, windowsize "
			    "%u, %llu retransmits", x->file, x->bytes / sec / 1e6,
			    x->blksize, x->windowsize,
			    (unsigned long long)x->retransmits);
			pace(x, d + strlen(d), n - strlen(d));
			return true;
		}
	}
	return false;
}

static bool
next_stage(const struct sniff *s, const struct client *c, char *d, size_t n)
{
	(void)s;
	if (!c->os_stage)
		return false;
	snprintf(d, n, "DHCP again without PXEClient%s%s%s", c->hostname[0] ?
	    ", hostname " : "", c->hostname,
	    strncasecmp(c->hostname, "minint-", 7) == 0 ? " (Windows PE)" : "");
	return true;
}

static bool
smb_refused(const struct sniff *s, const struct client *c, char *d, size_t n)
{
	char a[INET_ADDRSTRLEN];

	(void)s;
	if (!c->smb.last_refused)
		return false;
	snprintf(d, n, "TCP port 445 of %s refused the connection (RST)",
	    sniff_ip(c->smb.server_ip, a));
	return true;
}

static bool
smb_silent(const struct sniff *s, const struct client *c, char *d, size_t n)
{
	char a[INET_ADDRSTRLEN];

	(void)s;
	if (!c->smb.syn_pending || c->smb.syn_retries == 0)
		return false;
	snprintf(d, n, "a connection to TCP port 445 of %s tried %u times, "
	    "never answered", sniff_ip(c->smb.server_ip, a),
	    c->smb.syn_retries + 1);
	return true;
}

static bool
smb1_only(const struct sniff *s, const struct client *c, char *d, size_t n)
{
	char a[INET_ADDRSTRLEN];

	(void)s;
	if (!c->smb.smb1_server || c->smb.dialect != 0)
		return false;
	snprintf(d, n, "%s answered the NEGOTIATE in SMB1 only",
	    sniff_ip(c->smb.server_ip, a));
	return true;
}

static bool
smb_logon_failed(const struct sniff *s, const struct client *c, char *d,
    size_t n)
{
	char sb[32];

	(void)s;
	if (c->smb.logon_failures == 0 || c->smb.sessions > 0 ||
	    c->smb.guest_sessions > 0)
		return false;
	snprintf(d, n, "SESSION_SETUP for user '%s' refused with %s%s",
	    c->smb.user, smb_status_name(c->smb.last_logon_status, sb,
	    sizeof(sb)), c->smb.logon_failures > 1 ? " (several times)" : "");
	return true;
}

static bool
smb_guest_dropped(const struct sniff *s, const struct client *c, char *d,
    size_t n)
{
	const struct smb_state *st = &c->smb;

	(void)s;
	if (st->guest_sessions + st->anonymous_sessions == 0 ||
	    st->sessions > 0 || st->share_ok[0] ||
	    st->tree_asked > st->tree_asked_at_guest)
		return false;
	snprintf(d, n, "the server gave user '%s' a %s session; the client "
	    "connected to no share after it", st->user,
	    st->guest_sessions ? "guest" : "null");
	return true;
}

static bool
smb_bad_share(const struct sniff *s, const struct client *c, char *d,
    size_t n)
{
	(void)s;
	if (c->smb.tree_failed == 0 || c->smb.share_ok[0] ||
	    c->smb.tree_status != STATUS_BAD_NETWORK_NAME)
		return false;
	snprintf(d, n, "TREE_CONNECT to %s: STATUS_BAD_NETWORK_NAME",
	    c->smb.share_bad);
	return true;
}

static bool
smb_denied(const struct sniff *s, const struct client *c, char *d, size_t n)
{
	(void)s;
	if (c->smb.tree_failed == 0 || c->smb.share_ok[0] ||
	    c->smb.tree_status != STATUS_ACCESS_DENIED)
		return false;
	snprintf(d, n, "TREE_CONNECT to %s: STATUS_ACCESS_DENIED",
	    c->smb.share_bad);
	return true;
}

static bool
smb_connected(const struct sniff *s, const struct client *c, char *d,
    size_t n)
{
	const struct smb_state *st = &c->smb;

	(void)s;
	if (!st->share_ok[0])
		return false;
	snprintf(d, n, "connected to %s as '%s'%s", st->share_ok, st->user,
	    !st->sessions ? " (a guest session)" : st->tree_signed ?
	    ", signed" : ", unsigned");
	return true;
}

static const struct rule rules[] = {	/* at most SNIFF_MAX_FINDINGS */
	{ { "no-dhcp-answer", ERROR, "DHCP",
	  "PXE-E51: No DHCP or proxyDHCP offers were received",
	  "no DHCP server on this link, or a firewall drops UDP 67/68",
	  "run pxe-dhcpd -i IFACE --range START,END --boot bios=pxelinux.0 "
	  "(or --proxy beside a router's DHCP server)" }, no_offer },
	{ { "no-boot-file", ERROR, "DHCP",
	  "PXE-E53: No boot filename received",
	  "a DHCP server answers but names no boot file (a router's, or "
	  "dnsmasq without dhcp-boot)",
	  "pxe-dhcpd: --boot bios=pxelinux.0 --boot efi-x64=syslinux.efi; "
	  "beside a router: pxe-dhcpd --proxy --boot ...; dnsmasq: "
	  "dhcp-boot=pxelinux.0" }, no_bootfile },
	{ { "tftp-refused", ERROR, "TFTP", "PXE-E32: TFTP open timeout",
	  "nothing listens on UDP port 69 at the next-server address",
	  "start pxe-tftpd --root DIR on that address (or fix next-server / "
	  "option 66)" }, tftp_refused },
	{ { "tftp-no-answer", ERROR, "TFTP", "PXE-E32: TFTP open timeout",
	  "no answer to the request: TFTP server down, a firewall, or the "
	  "wrong next-server address",
	  "check the server runs and UDP 69 is open; check next-server "
	  "(siaddr, option 66)" }, tftp_silent },
	{ { "tftp-not-found", ERROR, "TFTP", "PXE-T01: File not found",
	  "the boot file named by DHCP is not under the TFTP root",
	  "put the file under the root, or fix the boot file name (DHCP "
	  "option 67 / --boot)" }, tftp_notfound },
	{ { "menu-file-not-found", ERROR, "menu",
	  "pxelinux: Could not find kernel image (or: Loading FILE... failed)",
	  "a file the menu names (KERNEL, INITRD, wimboot's files) is not "
	  "under the TFTP root, or not at that path",
	  "copy it there or fix the path in the menu; mkpxemenu check --root "
	  "DIR lists every file a menu names that is missing", },
	  menu_file_notfound },
	{ { "tftp-error", ERROR, "TFTP", "PXE-T00 / boot loader error",
	  "the transfer ended in an error",
	  "see the error text; pxe-tftpd's log says more" }, tftp_other_error },
	{ { "no-config", ERROR, "menu",
	  "Unable to locate configuration file",
	  "no pxelinux.cfg/default and no per-machine file",
	  "write one: mkpxemenu --root DIR ..." }, no_config },
	{ { "smb-refused", ERROR, "SMB",
	  "net use: System error 53 has occurred. The network path was not "
	  "found.",
	  "nothing listens on TCP port 445 at that address",
	  "start pxe-smbd --share NAME=PATH (on that address: --listen), "
	  "or correct the server name in net use" }, smb_refused },
	{ { "smb-no-answer", ERROR, "SMB",
	  "net use: System error 53 has occurred. The network path was not "
	  "found.",
	  "connections to TCP port 445 go unanswered: a firewall drops them, "
	  "or the address is wrong",
	  "open TCP 445 on the server (nft/iptables, firewalld); check the "
	  "address WinPE got" }, smb_silent },
	{ { "smb1-only", ERROR, "SMB",
	  "net use: System error 58 has occurred. The specified server cannot "
	  "perform the requested operation.",
	  "the server speaks only SMB1, which WinPE 10/11 does not have",
	  "serve the files with pxe-smbd (SMB2/3), or let the server speak "
	  "SMB2 (Samba: drop 'server max protocol = NT1'; a NAS: enable "
	  "SMB2/SMB3)" }, smb1_only },
	{ { "smb-logon-failure", ERROR, "SMB",
	  "net use: System error 86 (or 1326): the user name or password is "
	  "incorrect",
	  "the password given to net use is not the server's",
	  "net use Z: \\\\SERVER\\SHARE /user:any-name PASSWORD with the "
	  "password pxe-smbd was started with (--password/--password-file)", },
	  smb_logon_failed },
	{ { "smb-guest-refused", ERROR, "SMB",
	  "net use: System error 1272 (or 58): insecure guest logons are "
	  "blocked",
	  "the server mapped the logon to a guest, which Windows 10 1709+ "
	  "Enterprise/Education and Windows 11 24H2 refuse, and which cannot "
	  "sign",
	  "give net use a user and the password: pxe-smbd's shared-secret "
	  "mode (--password) signs the session for any user name; on Samba, "
	  "a real user instead of map to guest" }, smb_guest_dropped },
	{ { "smb-bad-share", ERROR, "SMB",
	  "net use: System error 67 has occurred. The network name cannot be "
	  "found.",
	  "the server has no share by that name",
	  "use a share the server has (smbclient -L SERVER lists them), or "
	  "add it: pxe-smbd --share NAME=PATH" }, smb_bad_share },
	{ { "smb-access-denied", ERROR, "SMB",
	  "net use: System error 5 has occurred. Access is denied.",
	  "the server refused this user the share",
	  "grant the user the share, or use pxe-smbd, which lets any "
	  "authenticated user read" }, smb_denied },
	{ { "capture-incomplete", NOTE, "capture", NULL,
	  "packets are missing from the capture (a full capture buffer, a "
	  "snap length, or a filter that drops UDP fragments): what it says "
	  "of those transfers is incomplete",
	  "capture again with a bigger buffer (tcpdump -B 32768) and no "
	  "filter on fragments, or with pxe-sniff -i itself", },
	  capture_incomplete },
	{ { "two-dhcp-servers", NOTE, "DHCP", NULL,
	  "more than one DHCP server on this link",
	  "beside a router, run pxe-dhcpd --proxy; otherwise keep one server", },
	  two_servers },
	{ { "tsize-probe", NOTE, "TFTP", NULL,
	  "pxelinux asks for the size first and aborts on purpose", "nothing: "
	  "this is normal" }, tsize_probe },
	{ { "config-search", NOTE, "menu", NULL,
	  "pxelinux looks for UUID, 01-MAC and hex-IP files before default",
	  "nothing: this is normal (mkpxemenu lookup shows the order)", },
	  config_search },
	{ { "slow-transfer", NOTE, "TFTP", NULL,
	  "small blocks, lock-step transfer or retransmits",
	  "ask for blksize 1408+ and windowsize (iPXE, pxelinux 6 and "
	  "Windows' bootmgr do; pxe-tftpd grants both); retransmits point at "
	  "the link" }, slow },
	{ { "next-stage", NOTE, "OS", NULL,
	  "the booted system asked for its own address", "nothing: the boot "
	  "reached the next stage" }, next_stage },
	{ { "smb-connected", NOTE, "SMB", NULL,
	  "net use reached the share", "nothing: the install files are "
	  "reachable" }, smb_connected },
};

_Static_assert(sizeof(rules) / sizeof(rules[0]) <= SNIFF_MAX_FINDINGS,
    "a diagnosis has room for every rule");

int
rules_diagnose(const struct sniff *s, const struct client *c,
    struct diagnosis *dg)
{
	const struct rule *r;
	struct finding *f;
	size_t i;

	dg->n = 0;
	dg->failed = NULL;
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		r = &rules[i];
		f = &dg->f[dg->n];
		f->detail[0] = '\0';
		if (!r->test(s, c, f->detail, sizeof(f->detail)))
			continue;
		f->rule = &r->t;
		if (r->t.sev == ERROR && dg->failed == NULL)
			dg->failed = f;
		dg->n++;
	}
	return dg->failed ? 1 : 0;
}
