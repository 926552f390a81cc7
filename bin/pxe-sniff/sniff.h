/*
 * pxe-sniff: shared declarations.  main.c opens the capture and feeds
 * frames to track.c, which follows each client through DHCP and TFTP (and
 * smb.c through SMB2) and reports events through out.c; at the end
 * rules.c names what failed.
 */
#ifndef PXE_SNIFF_H
#define PXE_SNIFF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "libpxe/frame.h"
#include "turns.h"

#define SNIFF_MAX_CLIENTS	1024
#define SNIFF_MAX_XFERS		4096
#define SNIFF_MAX_SERVERS	8
#define SNIFF_MAX_EVENTS	256	/* kept per client for --timeline */
#define SNIFF_PORT_SMB		445

enum out_mode { OUT_TEXT, OUT_JSON, OUT_TIMELINE };

/* One TFTP transfer, from its request to its end. */
struct xfer {
	uint32_t client_ip, server_ip;	/* network order */
	uint16_t client_port, server_port;	/* server_port 0: no answer yet */
	double t0, t_last;
	char file[256];
	bool write;
	bool oack, tsize_asked, tsize_granted;
	unsigned blksize, windowsize;
	uint64_t blocks, bytes, retransmits, requests;
	uint64_t hi;			/* highest block seen (64-bit) */
	uint64_t tsize;			/* from the OACK, 0 unknown */
	uint64_t missing;		/* blocks the capture skipped */
	uint16_t last_wire;		/* wire number of the newest DATA */
	/*
	 * X_INCOMPLETE: it ended (a short last block), but the capture lacks
	 * some of it (block gaps, or fewer bytes than tsize): never "got".
	 */
	enum { X_OPEN, X_DONE, X_ERROR, X_PROBE, X_UNREACH, X_ABORTED,
	    X_INCOMPLETE } state;
	uint16_t err_code;
	char err_msg[128];
	struct client *client;
	bool reported;
	/*
	 * An RRQ's turns (turns.h): an ACK (or the request) not yet answered
	 * by new DATA, and new DATA not yet acknowledged, with their times.
	 * srv and cli are allocated at the first turn, freed with the xfer.
	 */
	bool ack_waiting, data_waiting;
	double t_ack, t_data;
	struct turns *srv, *cli;
};

/* Transfers with fewer turns than this are not told who set the pace. */
#define SNIFF_TURNS_MIN	64

/* What one machine did on TCP port 445 (smb.c), for rules.c. */
struct smb_state {
	bool seen;
	uint32_t server_ip;		/* network order */
	bool syn_pending;		/* a SYN not yet answered */
	unsigned syn_retries;		/* ... sent again this many times */
	unsigned established, refused;
	bool last_refused;		/* the last attempt got a RST */
	bool smb1_server;		/* the server answered in SMB1 */
	uint16_t dialect;		/* negotiated, 0 none */
	bool signing_required;
	char user[160];			/* of the last SESSION_SETUP */
	unsigned sessions, guest_sessions, anonymous_sessions;
	unsigned logon_failures;
	uint32_t last_logon_status;
	unsigned tree_asked, tree_asked_at_guest, tree_ok, tree_failed;
	uint32_t tree_status;		/* of the last failed TREE_CONNECT */
	bool tree_signed;		/* the last good one was signed */
	char share[256];		/* of the last TREE_CONNECT */
	char share_ok[256], share_bad[256];
	unsigned logoffs;
};

struct event {
	double t;
	char text[240];
};

/* One machine, by MAC. */
struct client {
	uint8_t mac[6];
	char macs[18];
	double t0;			/* its first packet */
	uint32_t ip;			/* from its ACK (or seen as TFTP source) */
	int arch;			/* option 93, -1 unknown */
	char uuid[40], vclass[64], hostname[64];
	bool pxe, ipxe;
	unsigned discovers, requests, offers, offers_boot, acks, naks;
	unsigned proxy_offers, os_requests;
	uint32_t servers[SNIFF_MAX_SERVERS];	/* DHCP servers that answered */
	bool server_gave_boot[SNIFF_MAX_SERVERS];
	unsigned nservers;
	uint32_t chosen;		/* server id of its REQUEST */
	char bootfile[256];
	uint32_t next_server;
	bool tftp_seen;
	bool os_stage;			/* DHCP again, not as PXEClient */
	unsigned cfg_tries;		/* pxelinux config files not found */
	char cfg_used[256];
	double cfg_t;			/* when it got cfg_used */
	struct smb_state smb;
	struct event events[SNIFF_MAX_EVENTS];
	unsigned nevents, dropped_events;
};

struct sniff {
	enum out_mode mode;
	int verbose;
	bool have_t0;
	double t0;			/* the capture's first packet */
	double t_end;
	uint64_t frames, decoded, malformed;
	struct client *clients[SNIFF_MAX_CLIENTS];
	unsigned nclients;
	bool clients_full;		/* the limit was said */
	struct xfer *xfers[SNIFF_MAX_XFERS];
	unsigned nxfers;
	FILE *out;
	unsigned failed;		/* clients diagnosed FAILED */
	uint64_t pcap_drops;		/* live capture: dropped by the kernel */
};

/* track.c */
void sniff_frame(struct sniff *s, double t, int link, const uint8_t *p,
    size_t caplen);
void sniff_finish(struct sniff *s);
void sniff_free(struct sniff *s);

/* smb.c: a TCP segment to or from port 445 of client c. */
void smb_frame(struct sniff *s, struct client *c, const struct frame *f,
    double t, bool from_client);
const char *smb_status_name(uint32_t st, char *buf, size_t cap);

/* out.c: a network-order IPv4 address as text, in buf (16 bytes). */
const char *sniff_ip(uint32_t a, char *buf);

/* out.c: one event, in the mode chosen; c may be NULL. */
void out_event(struct sniff *s, struct client *c, double t, const char *kind,
    const char *json_fields, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Append "key":"value" (escaped) to a JSON field list. */
void json_str(char *buf, size_t cap, const char *key, const char *val);
void json_num(char *buf, size_t cap, const char *key, double val);
/* out.c: the events kept for one client (--timeline). */
void out_timeline(struct sniff *s, const struct client *c);

/* rules.c: what a rule says; ERROR names a failed stage, NOTE something
 * normal or worth knowing. */
enum severity { NOTE, ERROR };

struct rule_text {
	const char *id;
	enum severity sev;
	const char *stage;
	const char *firmware;		/* what the machine shows, or NULL */
	const char *cause;
	const char *fix;
};

/* What the diagnosis found about one client: a rule that fired. */
struct finding {
	const struct rule_text *rule;
	char detail[512];		/* the symptom, as the wire showed it */
};

#define SNIFF_MAX_FINDINGS 32		/* at least the rules in rules.c */

struct diagnosis {
	struct finding f[SNIFF_MAX_FINDINGS];	/* in the rules' order */
	unsigned n;
	const struct finding *failed;	/* the first error, or NULL */
};

/* rules.c: diagnose client c into *dg, printing nothing; 0 ok, 1 a stage
 * failed. */
int rules_diagnose(const struct sniff *s, const struct client *c,
    struct diagnosis *dg);
/* out.c: print a client's findings and its summary line. */
void out_diagnosis(struct sniff *s, const struct client *c,
    const struct diagnosis *dg);

#endif
