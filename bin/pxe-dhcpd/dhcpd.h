/*
 * pxe-dhcpd's shared state: the configuration main.c reads, and the
 * context server.c runs on.
 */
#ifndef PXE_DHCPD_H
#define PXE_DHCPD_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "libpxe/dhcp.h"
#include "libpxe/daemon.h"
#include "libpxe/opts.h"
#include "libpxe/log.h"
#include "libpxe/loop.h"
#include "lease.h"

#define DHCPD_MAX_IFACES	8
#define DHCPD_MAX_HOSTS		256
#define DHCPD_MAX_RULES		16
#define DHCPD_MAX_RANGES	16
#define DHCPD_MAX_OPTS		32
#define DHCPD_BATCH		64	/* requests handled per group commit */
#define DHCPD_OFFER_HOLD	60	/* seconds an offered address is held */
#define DHCPD_DECLINE_HOLD	600	/* seconds a declined address rests */

struct dhcpd_host {
	uint8_t mac[6];
	uint32_t addr;		/* host order */
	char name[LEASE_NAMEMAX];
	const char *bootfile;	/* NULL: by the --boot rules */
};

/* --boot ARCH=FILE, --http-boot ARCH=URL: arch -1 means any. */
struct dhcpd_rule {
	int arch;
	const char *file;
};

/*
 * --range START,END[,MASK][,LEASE]: a pool on one subnet.  The subnet is
 * the interface's for clients on the link, or given by MASK for clients
 * behind a relay (giaddr in START/MASK picks the range).
 */
struct dhcpd_range {
	uint32_t start, end;	/* host order */
	uint32_t mask;		/* network order; 0: the interface's */
	uint32_t lease_time;	/* seconds; 0: --lease-time */
};

struct dhcpd_opt {
	uint8_t code;
	uint8_t len;
	uint8_t data[255];
};

struct dhcpd_config {
	const char *iface[DHCPD_MAX_IFACES];
	unsigned niface;
	struct dhcpd_range ranges[DHCPD_MAX_RANGES];
	unsigned nranges;
	uint32_t lease_time;			/* seconds, default for ranges */
	bool router_set;			/* --router given */
	struct dhcpd_host hosts[DHCPD_MAX_HOSTS];
	unsigned nhosts;
	struct dhcpd_rule boot[DHCPD_MAX_RULES];
	unsigned nboot;
	struct dhcpd_rule http[DHCPD_MAX_RULES];
	unsigned nhttp;
	const char *ipxe_boot;		/* file or URL for a chainloaded iPXE */
	uint32_t next_server;		/* network order; 0: our address */
	const char *pxelinux_config;	/* option 209, when asked */
	const char *pxelinux_prefix;	/* option 210, when asked */
	struct dhcpd_opt opts[DHCPD_MAX_OPTS];	/* --router, --dns, --option */
	unsigned nopts;
	bool proxy;
	bool probe;			/* --probe: look for another server, exit */
	const char *lease_file;
	/* --user, --pid-file, --log, -v, -q, --test */
	struct pxe_daemon_opts dopt;
};

struct dhcpd;

/* One interface we answer on: port 67 (and 4011 in proxy mode). */
struct dhcpd_iface {
	struct dhcpd *d;
	char name[IF_NAMESIZE];
	int ifindex;
	uint32_t addr, mask;		/* network order */
	struct pxe_io io67, io4011;
};

struct dhcpd_counters {
	uint64_t received, dropped, offers, acks, naks, releases, declines,
	    informs, ignored, full, commits, commit_errors;
};

/* A reply waiting for the lease file to be synced. */
struct dhcpd_pending {
	struct dhcpd_iface *ifc;
	int fd;
	uint32_t dst;			/* network order */
	uint16_t port;
	uint8_t mac[6];
	bool arp;			/* set an ARP entry for dst first */
	size_t len;
	uint8_t pkt[DHCP_MAX_PKT];
};

struct dhcpd {
	struct dhcpd_config cfg;
	struct pxe_loop *loop;
	struct lease_store *leases;
	struct dhcpd_iface ifs[DHCPD_MAX_IFACES];
	unsigned nifs;
	struct dhcpd_counters c;
	struct dhcpd_pending pend[DHCPD_BATCH];
	unsigned npend;
	uint32_t other_servers[16];	/* other DHCP servers already logged */
	unsigned nother;
	struct pxe_droplog droplog;	/* rate limit for "dropped" lines */
	bool full_logged[DHCPD_MAX_RANGES];
	char bootp_logged[64];		/* last BOOTP client told "no --host" */
	int64_t bootp_logged_at;
	int compact_logged;		/* lease_compact_error last logged */
	struct pxe_daemon dm;		/* pid file, --user, signals */
	struct pxe_opts_mem optmem;	/* values read from -C files */
	/* Scratch for the one datagram being answered: its bytes, the
	 * decoded request and the reply being built (one at a time). */
	uint8_t pkt[DHCP_MAX_PKT + 512];
	struct dhcp_msg msg;
	struct dhcp_reply reply;
	/* Seams for tests/unit/test_dhcpd: NULL in the daemon, which sends
	 * on the interface's socket and reads time(). */
	void (*emit)(void *arg, const struct dhcpd_pending *p);
	int64_t (*clock)(void *arg);
	void *seam_arg;
};

/* server.c */
/* Answer one datagram (replies that need a lease commit wait for
 * dhcpd_flush); src is the sender. */
void dhcpd_handle(struct dhcpd_iface *ifc, bool port4011, const uint8_t *pkt,
    size_t len, struct sockaddr_in *src);
/* Make the batch's leases durable, then send its ACKs. */
void dhcpd_flush(struct dhcpd *d);
void dhcpd_on_packet(struct pxe_loop *loop, struct pxe_io *io,
    uint32_t events);
/* The counters, one line (arg: the struct dhcpd; also SIGUSR1's hook). */
void dhcpd_log_counters(void *arg);
/* --probe on ifname: 0 no DHCP server answered, 1 one did (printed on
 * stdout) or the probe failed (said on stderr).  probe.c. */
int dhcpd_probe(const char *ifname);
/* boot.c: the --boot file for PXE clients of arch, or NULL. */
const char *dhcpd_boot_rule(const struct dhcpd_config *cfg, int arch);
/*
 * Add boot information for a PXE or HTTP boot client (or a --host with a
 * boot file) to r: the file (also in r->file), or NULL when it gets none
 * (a DISCOVER with no rule for its arch is logged).  ifaddr: the address
 * of the interface that took the request, the TFTP server by default.
 */
const char *dhcpd_add_boot(const struct dhcpd_config *cfg,
    const struct dhcp_msg *m, const struct dhcpd_host *host, uint32_t ifaddr,
    const char *mac, struct dhcp_reply *r);

#endif
