/*
 * lease: pxe-dhcpd's lease store.  The leases live in memory, indexed by
 * address and by client (client identifier, else hardware address), and on
 * disk in a human-readable file, one line per lease, like dnsmasq's:
 *
 *   1764040000 20:6a:8a:0f:74:75 192.168.42.17 laptop 01:20:6a:8a:0f:74:75
 *   (expiry in Unix seconds, 0 for infinite; MAC; address; hostname or *;
 *   client identifier or *)
 *
 * The file is a log between compactions: a change appends the lease's new
 * line, a later line replaces an earlier one for the same address, and a
 * line "- ADDRESS" removes it.  lease_commit() writes every pending line in
 * one write() and one fdatasync(), so the server can group the ACKs of a
 * whole batch of requests behind a single flush, and sends none of them
 * before it returns.  Compaction writes the live leases to a temporary file,
 * syncs it and renames it over the log.  A line torn by a crash (no newline
 * at the end of the file) was never synced, so never acknowledged: loading
 * ignores it.  Nothing here sends packets or reads the clock.
 */
#ifndef PXE_DHCPD_LEASE_H
#define PXE_DHCPD_LEASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define LEASE_HWMAX	16
#define LEASE_CIDMAX	64
#define LEASE_NAMEMAX	64
#define LEASE_INFINITE	0	/* expiry value of an infinite lease */

/* Who a lease belongs to: option 61 when the client sent one, else chaddr. */
struct lease_client {
	uint8_t htype;
	uint8_t hwlen;
	uint8_t hw[LEASE_HWMAX];
	uint8_t cidlen;			/* 0: no client identifier */
	uint8_t cid[LEASE_CIDMAX];
};

enum lease_state {
	LEASE_FREE = 0,		/* released or expired: reusable */
	LEASE_OFFERED,		/* held for an OFFER, in memory only */
	LEASE_BOUND,		/* ACKed: on disk */
	LEASE_DECLINED,		/* the client found the address in use */
};

struct lease {
	uint32_t addr;			/* host byte order */
	struct lease_client client;
	char hostname[LEASE_NAMEMAX];	/* "" if none */
	int64_t expires;		/* Unix time; LEASE_INFINITE */
	enum lease_state state;
};

struct lease_store;

/*
 * Open (creating if needed) the lease file at path and load it.  *bad (if
 * not NULL) gets the number of unreadable lines skipped.  The file is
 * compacted once loaded, so it holds one line per lease at rest.  0 or
 * -errno; *out is NULL on failure.
 */
int lease_store_open(struct lease_store **out, const char *path,
    unsigned *bad);
/* Flush pending lines, compact, close, free.  0 or -errno. */
int lease_store_close(struct lease_store *ls);

/* Number of leases in memory (any state). */
size_t lease_count(const struct lease_store *ls);

/* The lease of an address, or NULL. */
struct lease *lease_by_addr(struct lease_store *ls, uint32_t addr);
/* The lease a client holds (bound, offered or free-but-remembered), or NULL. */
struct lease *lease_by_client(struct lease_store *ls,
    const struct lease_client *c);

/*
 * Record l (copied): replaces the lease of l->addr, and any other lease the
 * same client had loses its client.  A BOUND or FREE lease is also queued
 * for the disk; OFFERED and DECLINED stay in memory.  0 or -ENOMEM.
 */
int lease_set(struct lease_store *ls, const struct lease *l);

/*
 * Pick an address for client c inside [start, end] (host byte order) at
 * time now: the address it already holds there; else requested (0: none)
 * if free; else an address never leased; else the lease that expired
 * longest ago.  Declined addresses are set aside until declined_until.
 * Addresses for which skip(arg, addr) is true (static hosts, the server's
 * own) are never picked; skip must give the same answers for the life of
 * the store.  0 with *addr set, or -ENOSPC (pool exhausted).
 */
int lease_pick(struct lease_store *ls, const struct lease_client *c,
    uint32_t start, uint32_t end, uint32_t requested, int64_t now,
    bool (*skip)(void *, uint32_t), void *arg, uint32_t *addr);

/* Lines queued by lease_set() and not yet on disk. */
size_t lease_pending(const struct lease_store *ls);

/*
 * Write every pending line with one write() and make it durable with one
 * fdatasync().  Compacts the log when it has grown to several times the
 * live leases; a compaction that fails does not fail the commit (see
 * lease_compact_error).  0 or -errno (the lines stay pending and the
 * caller must not acknowledge them).
 */
int lease_commit(struct lease_store *ls);

/* Rewrite the file with only the live leases (temporary file + rename). */
int lease_compact(struct lease_store *ls);

/* The error of the last compaction lease_commit tried, or 0. */
int lease_compact_error(const struct lease_store *ls);

/* Iterate: the i-th lease (0 <= i < lease_count()), for dumps and tests. */
const struct lease *lease_at(const struct lease_store *ls, size_t i);

/* Format a client's hardware address as "20:6a:8a:0f:74:75". */
void lease_fmt_hw(char *out, size_t cap, const struct lease_client *c);

#endif
