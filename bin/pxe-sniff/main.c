/*
 * pxe-sniff: decode a PXE boot from the wire or a capture file and say
 * which stage failed and why.  main.c opens the capture with libpcap
 * (live with -i, a pcap or pcapng file with -r), saves with -w, and feeds
 * every frame to track.c; at the end (or on Ctrl-C) rules.c diagnoses
 * each client.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "libpxe/loop.h"
#include "libpxe/opts.h"
#include "sniff.h"

#define DEFAULT_FILTER	"udp or icmp or arp or tcp port 445"
/* On Ethernet, the same inside one or two 802.1Q / 802.1ad tags (libpcap's
 * "vlan" moves the offsets of what follows it). */
#define DEFAULT_FILTER_TAGGED DEFAULT_FILTER " or (vlan and (" \
	DEFAULT_FILTER " or (vlan and (" DEFAULT_FILTER "))))"

enum {
	O_IFACE = PXE_OPT_USER, O_READ, O_WRITE, O_FILTER, O_COUNT, O_VERBOSE,
	O_JSON, O_TIMELINE, O_EXITSTATUS,
};

static const struct pxe_opt options[] = {
	{ "interface", 'i', "IFACE", O_IFACE, "capture live on IFACE (needs CAP_NET_RAW)" },
	{ "read", 'r', "FILE", O_READ, "read a pcap or pcapng file ('-' for stdin)" },
	{ "write", 'w', "FILE", O_WRITE, "also save the packets seen to FILE (pcap)" },
	{ "filter", 'f', "EXPR", O_FILTER, "BPF filter (default: " DEFAULT_FILTER ")" },
	{ "count", 'c', "N", O_COUNT, "stop after N packets" },
	{ "verbose", 'v', NULL, O_VERBOSE, "-v every DHCP field and option; -vv every TFTP packet too" },
	{ "json", 0, NULL, O_JSON, "one JSON object per event (see pxe-sniff(8))" },
	{ "timeline", 0, NULL, O_TIMELINE, "one boot story per client, at the end (not with --json)" },
	{ "exit-status", 0, NULL, O_EXITSTATUS, "exit 1 when a client's boot FAILED (for scripts)" },
	{ NULL, 0, NULL, 0, NULL },
};

static const char epilog[] =
    "Without -i or -r: -i any.  Ctrl-C (or the end of the file) prints the\n"
    "diagnosis for each client.  Exit status: 0 done, 1 cannot capture or\n"
    "read (or, with --exit-status, a boot FAILED), 2 usage error.\n"
    "See pxe-sniff(8).\n";

struct cfg {
	const char *iface, *file, *save, *filter;
	uint64_t count;
	int verbose;
	enum out_mode mode;
	bool json, timeline, exit_status;
};

/*
 * A live capture is not in immediate mode: the kernel hands packets over a
 * block at a time, at most HOLD_MS after the block's first packet.  That is
 * one wake-up for hundreds of packets instead of one for each: a 316 MB ISO
 * over TFTP is 450,000 packets, and a sniffer woken for each one takes a
 * share of the CPU that the boot server (and, in the lab, QEMU) needs.  On
 * a stop signal, drain() reads what the kernel still holds.
 */
#define HOLD_MS		200

/* The capture Ctrl-C must interrupt: a signal handler can reach nothing
 * else. */
static pcap_t *running;

static void
on_signal(int sig)
{
	(void)sig;
	if (running)
		pcap_breakloop(running);
}

/*
 * After a stop signal: the packets of the last HOLD_MS are still in a block
 * the kernel has not handed over.  It does within HOLD_MS; wait that long
 * (and a little) so that the diagnosis sees the end of each transfer.  A
 * second signal ends the wait.
 */
static void
drain(pcap_t *p, pcap_handler fn, u_char *arg)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pollfd pfd = { .events = POLLIN };
	uint64_t end, now;

	pfd.fd = pcap_get_selectable_fd(p);
	if (pfd.fd < 0 || pcap_setnonblock(p, 1, err) != 0)
		return;
	end = pxe_now_ms() + HOLD_MS + 50;
	while ((now = pxe_now_ms()) < end) {
		int n = poll(&pfd, 1, (int)(end - now));

		if (n < 0)
			return;		/* a second signal */
		if (n > 0 && pcap_dispatch(p, -1, fn, arg) < 0)
			return;
	}
}

static const char *
set_option(void *ctx, int id, const char *arg)
{
	struct cfg *c = ctx;
	static char msg[64];

	switch (id) {
	case O_IFACE: c->iface = arg; return NULL;
	case O_READ: c->file = arg; return NULL;
	case O_WRITE: c->save = arg; return NULL;
	case O_FILTER: c->filter = arg; return NULL;
	case O_COUNT:
		return pxe_parse_u64(arg, 1, UINT64_MAX / 2, &c->count) < 0 ?
		    pxe_range_msg(msg, sizeof(msg), 1, UINT64_MAX / 2) : NULL;
	case O_VERBOSE: c->verbose++; return NULL;
	case O_JSON: c->mode = OUT_JSON; c->json = true; return NULL;
	case O_TIMELINE:
		c->mode = OUT_TIMELINE;
		c->timeline = true;
		return NULL;
	case O_EXITSTATUS: c->exit_status = true; return NULL;
	}
	return "is not handled";
}

struct run {
	struct sniff *s;
	pcap_dumper_t *dump;
	int link;
};

static void
on_packet(u_char *arg, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct run *r = (struct run *)arg;

	if (r->dump)
		pcap_dump((u_char *)r->dump, h, bytes);
	sniff_frame(r->s, (double)h->ts.tv_sec + (double)h->ts.tv_usec / 1e6,
	    r->link, bytes, h->caplen);
}

int
main(int argc, char **argv)
{
	struct cfg c = { .filter = NULL };
	struct pxe_opts_mem optmem = { NULL, 0, 0 };
	struct pxe_opts_spec spec = { "pxe-sniff", PACKAGE_VERSION,
	    "[-i IFACE | -r FILE] [OPTION]...",
	    "decode a PXE boot (DHCP, TFTP) and say which stage failed and why",
	    epilog, options, set_option, &c, &optmem };
	char err[PCAP_ERRBUF_SIZE];
	struct bpf_program prog;
	static struct sniff s;
	struct run r = { &s, NULL, 0 };
	struct sigaction sa;
	pcap_t *p;
	int idx, rc;

	if ((rc = pxe_opts_parse(&spec, argc, argv, &idx)) != 0)
		return rc == 1 ? 0 : 2;
	if (idx < argc) {
		fprintf(stderr, "pxe-sniff: unexpected argument '%s' (a filter "
		    "goes in -f)\n", argv[idx]);
		return 2;
	}
	if (c.json && c.timeline) {
		fprintf(stderr, "pxe-sniff: --json and --timeline exclude each "
		    "other (--json has every event with its client and time; "
		    "group them by \"client\")\n");
		return 2;
	}
	if (c.iface && c.file) {
		fprintf(stderr, "pxe-sniff: give -i or -r, not both\n");
		return 2;
	}
	if (c.file) {
		p = pcap_open_offline(c.file, err);
		if (p == NULL) {
			fprintf(stderr, "pxe-sniff: -r %s: %s\n", c.file, err);
			return 1;
		}
	} else {
		if (c.iface == NULL)
			c.iface = "any";
		p = pcap_create(c.iface, err);
		if (p == NULL || pcap_set_snaplen(p, 65535) != 0 ||
		    pcap_set_promisc(p, 1) != 0 ||
		    pcap_set_timeout(p, HOLD_MS) != 0 ||
		    (rc = pcap_activate(p)) < 0) {
			fprintf(stderr, "pxe-sniff: -i %s: %s%s\n", c.iface,
			    p ? pcap_geterr(p) : err, p && rc ==
			    PCAP_ERROR_PERM_DENIED ? " (needs root or "
			    "CAP_NET_RAW)" : "");
			if (p)
				pcap_close(p);
			return 1;
		}
	}
	r.link = pcap_datalink(p);
	if (!frame_link_known(r.link)) {
		fprintf(stderr, "pxe-sniff: %s: link type %s (%d) is not "
		    "decoded; pxe-sniff reads Ethernet (802.1Q too), Linux "
		    "cooked (-i any), raw IPv4 and loopback captures\n",
		    c.file ? c.file : c.iface,
		    pcap_datalink_val_to_name(r.link) ?
		    pcap_datalink_val_to_name(r.link) : "unknown", r.link);
		pcap_close(p);
		return 1;
	}
	if (c.filter == NULL)
		c.filter = r.link == DLT_EN10MB ? DEFAULT_FILTER_TAGGED :
		    DEFAULT_FILTER;
	if (pcap_compile(p, &prog, c.filter, 1, PCAP_NETMASK_UNKNOWN) < 0 ||
	    pcap_setfilter(p, &prog) < 0) {
		fprintf(stderr, "pxe-sniff: -f '%s': %s\n", c.filter,
		    pcap_geterr(p));
		pcap_close(p);
		return 2;
	}
	pcap_freecode(&prog);
	if (c.save && (r.dump = pcap_dump_open(p, c.save)) == NULL) {
		fprintf(stderr, "pxe-sniff: -w %s: %s\n", c.save, pcap_geterr(p));
		pcap_close(p);
		return 1;
	}
	s.mode = c.mode;
	s.verbose = c.verbose;
	s.out = stdout;
	running = p;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	rc = pcap_loop(p, c.count ? (int)(c.count > 0x7fffffff ? 0x7fffffff :
	    c.count) : -1, on_packet, (u_char *)&r);
	running = NULL;
	if (rc == PCAP_ERROR_BREAK && c.file == NULL)
		drain(p, on_packet, (u_char *)&r);
	if (c.file == NULL) {
		struct pcap_stat st;

		if (pcap_stats(p, &st) == 0)
			s.pcap_drops = (uint64_t)st.ps_drop + st.ps_ifdrop;
		if (s.pcap_drops)
			fprintf(stderr, "pxe-sniff: the capture dropped %llu "
			    "packets: transfers may show as incomplete\n",
			    (unsigned long long)s.pcap_drops);
	}
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "pxe-sniff: %s\n", pcap_geterr(p));
		rc = 1;
	} else {
		rc = 0;
	}
	sniff_finish(&s);
	if (s.mode == OUT_TEXT && s.verbose)
		fprintf(stdout, "%llu packets, %llu decoded, %llu malformed\n",
		    (unsigned long long)s.frames, (unsigned long long)s.decoded,
		    (unsigned long long)s.malformed);
	if (r.dump)
		pcap_dump_close(r.dump);
	pcap_close(p);
	if (rc == 0 && c.exit_status && s.failed)
		rc = 1;
	sniff_free(&s);
	pxe_opts_free(&optmem);
	return rc;
}
