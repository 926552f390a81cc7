/*
 * lease: pxe-dhcpd's lease store, in memory and in a log-structured,
 * human-readable file.  See lease.h.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "lease.h"

/* An open-addressing index from a key to a position in the lease array. */
struct index {
	uint32_t *slot;		/* position + 1; 0 is empty */
	size_t cap;		/* a power of two */
	size_t used;		/* occupied slots, stale ones included */
};

struct lease_store {
	char *path;
	int fd;
	struct lease *v;
	size_t n, cap;
	struct index by_addr, by_client;
	char *pend;		/* lines not yet written */
	size_t pendlen, pendcap, npend;
	size_t file_lines;	/* lines in the file since the last compaction */
	uint32_t fresh_hint;	/* where the search for unused addresses resumes */
	uint32_t full_start, full_end;	/* a range with no unused address */
	size_t compact_at;	/* file_lines that retries a failed compaction */
	int compact_err;	/* the last compaction's error, or 0 */
};

static uint32_t
hash_bytes(const uint8_t *p, size_t n, uint32_t h)
{
	size_t i;

	/* FNV-1a */
	for (i = 0; i < n; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

static uint32_t
hash_addr(uint32_t a)
{
	a ^= a >> 16;
	a *= 0x7feb352du;
	a ^= a >> 15;
	a *= 0x846ca68bu;
	a ^= a >> 16;
	return a;
}

static uint32_t
hash_client(const struct lease_client *c)
{
	if (c->cidlen > 0)
		return hash_bytes(c->cid, c->cidlen, 2166136261u ^ 0xc1d);
	return hash_bytes(c->hw, c->hwlen, 2166136261u ^ c->htype);
}

static bool
client_eq(const struct lease_client *a, const struct lease_client *b)
{
	if (a->cidlen > 0 || b->cidlen > 0)
		return a->cidlen == b->cidlen &&
		    memcmp(a->cid, b->cid, a->cidlen) == 0;
	return a->hwlen > 0 && a->htype == b->htype &&
	    a->hwlen == b->hwlen && memcmp(a->hw, b->hw, a->hwlen) == 0;
}

static bool
client_empty(const struct lease_client *c)
{
	return c->cidlen == 0 && c->hwlen == 0;
}

/* ---- indexes ---- */

static int
index_alloc(struct index *ix, size_t cap)
{
	uint32_t *s = calloc(cap, sizeof(*s));

	if (s == NULL)
		return -ENOMEM;
	free(ix->slot);
	ix->slot = s;
	ix->cap = cap;
	ix->used = 0;
	return 0;
}

static void
index_put(struct index *ix, uint32_t h, size_t pos)
{
	size_t i = h & (ix->cap - 1);

	while (ix->slot[i] != 0)
		i = (i + 1) & (ix->cap - 1);
	ix->slot[i] = (uint32_t)pos + 1;
	ix->used++;
}

/* Rebuild both indexes at capacity cap from the array. */
static int
reindex(struct lease_store *ls, size_t cap)
{
	size_t i;

	if (index_alloc(&ls->by_addr, cap) < 0 ||
	    index_alloc(&ls->by_client, cap) < 0)
		return -ENOMEM;
	for (i = 0; i < ls->n; i++) {
		index_put(&ls->by_addr, hash_addr(ls->v[i].addr), i);
		if (!client_empty(&ls->v[i].client))
			index_put(&ls->by_client, hash_client(&ls->v[i].client),
			    i);
	}
	return 0;
}

/*
 * Make room for one more entry in each index (load kept under 1/2).  Both
 * share one capacity, sized from the live leases; a rebuild also drops the
 * client entries gone stale, so churn does not grow the table.
 */
static int
index_room(struct lease_store *ls)
{
	size_t cap = 64;

	while ((ls->n + 1) * 2 > cap)
		cap *= 2;
	if (cap <= ls->by_addr.cap && (ls->by_client.used + 1) * 2 <=
	    ls->by_addr.cap)
		return 0;
	if (cap < ls->by_addr.cap)
		cap = ls->by_addr.cap;
	return reindex(ls, cap);
}

struct lease *
lease_by_addr(struct lease_store *ls, uint32_t addr)
{
	size_t i;

	if (ls->by_addr.cap == 0)
		return NULL;
	for (i = hash_addr(addr) & (ls->by_addr.cap - 1);
	    ls->by_addr.slot[i] != 0; i = (i + 1) & (ls->by_addr.cap - 1))
		if (ls->v[ls->by_addr.slot[i] - 1].addr == addr)
			return &ls->v[ls->by_addr.slot[i] - 1];
	return NULL;
}

struct lease *
lease_by_client(struct lease_store *ls, const struct lease_client *c)
{
	struct lease *l;
	size_t i;

	if (ls->by_client.cap == 0 || client_empty(c))
		return NULL;
	/* Entries whose lease changed hands since are stale: skipped. */
	for (i = hash_client(c) & (ls->by_client.cap - 1);
	    ls->by_client.slot[i] != 0;
	    i = (i + 1) & (ls->by_client.cap - 1)) {
		l = &ls->v[ls->by_client.slot[i] - 1];
		if (client_eq(&l->client, c))
			return l;
	}
	return NULL;
}

/* ---- the file format ---- */

static void
fmt_hex(char *out, size_t cap, const uint8_t *p, size_t n)
{
	size_t i, o = 0;

	out[0] = '\0';
	for (i = 0; i < n && o + 4 <= cap; i++)
		o += (size_t)snprintf(out + o, cap - o, "%s%02x", i ? ":" : "",
		    p[i]);
}

void
lease_fmt_hw(char *out, size_t cap, const struct lease_client *c)
{
	size_t o = 0;

	/* Ethernet as plain MAC, other types prefixed "TYPE-", as dnsmasq. */
	if (c->htype != 1 && cap > 4)
		o = (size_t)snprintf(out, cap, "%u-", c->htype);
	fmt_hex(out + o, cap - o, c->hw, c->hwlen);
	if (c->hwlen == 0)
		snprintf(out + o, cap - o, "*");
}

/* Parse "aa:bb:cc" into p (at most max).  Length, or -1. */
static int
parse_hex(const char *s, uint8_t *p, size_t max)
{
	size_t n = 0;
	unsigned v;
	int used;

	if (strcmp(s, "*") == 0)
		return 0;
	for (;;) {
		if (n == max || sscanf(s, "%2x%n", &v, &used) != 1 || used != 2)
			return -1;
		p[n++] = (uint8_t)v;
		s += 2;
		if (*s == '\0')
			return (int)n;
		if (*s++ != ':')
			return -1;
	}
}

/* Format l as one line of the file into out.  Its length. */
static size_t
fmt_line(char *out, size_t cap, const struct lease *l)
{
	char hw[3 * LEASE_HWMAX + 8], cid[3 * LEASE_CIDMAX + 2], ip[16];
	struct in_addr a = { htonl(l->addr) };

	inet_ntop(AF_INET, &a, ip, sizeof(ip));
	if (l->state != LEASE_BOUND)
		return (size_t)snprintf(out, cap, "- %s\n", ip);
	lease_fmt_hw(hw, sizeof(hw), &l->client);
	if (l->client.cidlen > 0)
		fmt_hex(cid, sizeof(cid), l->client.cid, l->client.cidlen);
	else
		snprintf(cid, sizeof(cid), "*");
	return (size_t)snprintf(out, cap, "%" PRId64 " %s %s %s %s\n",
	    l->expires, hw, ip, l->hostname[0] ? l->hostname : "*", cid);
}

/* Apply one line of the file.  0, or -1 if it is not a lease line. */
static int
load_line(struct lease_store *ls, char *line)
{
	char *tok[6], *save = NULL, *p;
	struct lease l;
	struct in_addr a;
	unsigned n = 0, htype;
	int len;

	for (p = strtok_r(line, " \t", &save); p && n < 6;
	    p = strtok_r(NULL, " \t", &save))
		tok[n++] = p;
	if (n == 0)
		return 0;	/* blank */
	memset(&l, 0, sizeof(l));
	if (n == 2 && strcmp(tok[0], "-") == 0) {
		if (inet_pton(AF_INET, tok[1], &a) != 1)
			return -1;
		l.addr = ntohl(a.s_addr);
		l.state = LEASE_FREE;
		if (lease_by_addr(ls, l.addr) == NULL)
			return 0;	/* removal of a lease compacted away */
		return lease_set(ls, &l) < 0 ? -1 : 0;
	}
	if (n != 5 || inet_pton(AF_INET, tok[2], &a) != 1)
		return -1;
	l.addr = ntohl(a.s_addr);
	l.expires = strtoll(tok[0], &p, 10);
	if (*p != '\0' || l.expires < 0)
		return -1;
	l.client.htype = 1;
	p = tok[1];
	if (sscanf(p, "%u-", &htype) == 1 && strchr(p, '-') != NULL) {
		l.client.htype = (uint8_t)htype;
		p = strchr(p, '-') + 1;
	}
	if ((len = parse_hex(p, l.client.hw, LEASE_HWMAX)) < 0)
		return -1;
	l.client.hwlen = (uint8_t)len;
	if ((len = parse_hex(tok[4], l.client.cid, LEASE_CIDMAX)) < 0)
		return -1;
	l.client.cidlen = (uint8_t)len;
	if (strcmp(tok[3], "*") != 0)
		snprintf(l.hostname, sizeof(l.hostname), "%s", tok[3]);
	l.state = LEASE_BOUND;
	return lease_set(ls, &l) < 0 ? -1 : 0;
}

static int
load(struct lease_store *ls, unsigned *bad)
{
	char *buf = NULL, *line, *nl;
	size_t len = 0, cap = 0;
	ssize_t r;

	for (;;) {
		if (len + 65536 > cap) {
			char *nb = realloc(buf, cap = cap * 2 + 65536);

			if (nb == NULL) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		r = pread(ls->fd, buf + len, cap - len - 1, (off_t)len);
		if (r < 0) {
			free(buf);
			return -errno;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	buf[len] = '\0';
	/* Only newline-terminated lines: a torn last line was never synced. */
	for (line = buf; (nl = memchr(line, '\n', len - (size_t)(line - buf)))
	    != NULL; line = nl + 1) {
		*nl = '\0';
		if (line[0] == '#')
			continue;
		if (strlen(line) != (size_t)(nl - line) ||
		    load_line(ls, line) < 0)
			(*bad)++;
	}
	free(buf);
	ls->npend = ls->pendlen = 0;	/* what was loaded is on disk */
	return 0;
}

/* The store's descriptor and memory, whatever was set up. */
static void
store_free(struct lease_store *ls)
{
	if (ls->fd >= 0)
		close(ls->fd);
	free(ls->by_addr.slot);
	free(ls->by_client.slot);
	free(ls->v);
	free(ls->pend);
	free(ls->path);
	free(ls);
}

int
lease_store_open(struct lease_store **out, const char *path, unsigned *bad)
{
	struct lease_store *ls;
	unsigned nbad = 0;
	int e;

	*out = NULL;
	if ((ls = calloc(1, sizeof(*ls))) == NULL)
		return -ENOMEM;
	ls->fd = -1;
	if ((ls->path = strdup(path)) == NULL) {
		free(ls);
		return -ENOMEM;
	}
	ls->fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (ls->fd < 0) {
		e = -errno;
		goto fail;
	}
	if ((e = load(ls, &nbad)) < 0 || (e = lease_compact(ls)) < 0)
		goto fail;
	if (bad)
		*bad = nbad;
	*out = ls;
	return 0;
fail:
	store_free(ls);
	return e;
}

int
lease_store_close(struct lease_store *ls)
{
	int e;

	if (ls == NULL)
		return 0;
	/* The lines are durable once committed; a compaction that cannot
	 * happen now (a folder --user may not write) waits for the next
	 * start, which compacts before the privilege drop. */
	if ((e = lease_commit(ls)) == 0)
		lease_compact(ls);
	store_free(ls);
	return e;
}

size_t
lease_count(const struct lease_store *ls)
{
	return ls->n;
}

const struct lease *
lease_at(const struct lease_store *ls, size_t i)
{
	return i < ls->n ? &ls->v[i] : NULL;
}

size_t
lease_pending(const struct lease_store *ls)
{
	return ls->npend;
}

/* Queue the line of l for the next commit. */
static int
queue_line(struct lease_store *ls, const struct lease *l)
{
	char line[512];
	size_t n = fmt_line(line, sizeof(line), l);

	if (ls->pendlen + n > ls->pendcap) {
		size_t cap = ls->pendcap * 2 + 4096;
		char *p = realloc(ls->pend, cap);

		if (p == NULL)
			return -ENOMEM;
		ls->pend = p;
		ls->pendcap = cap;
	}
	memcpy(ls->pend + ls->pendlen, line, n);
	ls->pendlen += n;
	ls->npend++;
	return 0;
}

int
lease_set(struct lease_store *ls, const struct lease *l)
{
	struct lease *cur, *old;
	size_t pos;

	if (index_room(ls) < 0)
		return -ENOMEM;
	/* A client holds one address: its other lease is let go. */
	old = lease_by_client(ls, &l->client);
	if (old != NULL && old->addr != l->addr) {
		memset(&old->client, 0, sizeof(old->client));
		old->hostname[0] = '\0';
		if (old->state == LEASE_BOUND) {
			old->state = LEASE_FREE;
			if (queue_line(ls, old) < 0)
				return -ENOMEM;
		} else if (old->state == LEASE_OFFERED) {
			old->state = LEASE_FREE;
		}
	}
	if ((cur = lease_by_addr(ls, l->addr)) == NULL) {
		if (ls->n == ls->cap) {
			size_t cap = ls->cap * 2 + 64;
			struct lease *v = realloc(ls->v, cap * sizeof(*v));

			if (v == NULL)
				return -ENOMEM;
			ls->v = v;
			ls->cap = cap;
		}
		pos = ls->n++;
		cur = &ls->v[pos];
		*cur = *l;
		index_put(&ls->by_addr, hash_addr(l->addr), pos);
		if (!client_empty(&l->client))
			index_put(&ls->by_client, hash_client(&l->client), pos);
	} else {
		bool newclient = !client_eq(&cur->client, &l->client);

		pos = (size_t)(cur - ls->v);
		*cur = *l;
		if (newclient && !client_empty(&l->client))
			index_put(&ls->by_client, hash_client(&l->client), pos);
	}
	if (l->state == LEASE_BOUND || l->state == LEASE_FREE)
		return queue_line(ls, cur);
	return 0;
}

/* True when addr may be given to c at time now. */
static bool
available(const struct lease *l, const struct lease_client *c, int64_t now)
{
	if (l == NULL)
		return true;
	if (l->state == LEASE_DECLINED)
		return l->expires <= now;
	if (client_eq(&l->client, c))
		return true;
	if (l->state == LEASE_FREE)
		return true;
	return l->expires != LEASE_INFINITE && l->expires <= now;
}

int
lease_pick(struct lease_store *ls, const struct lease_client *c,
    uint32_t start, uint32_t end, uint32_t requested, int64_t now,
    bool (*skip)(void *, uint32_t), void *arg, uint32_t *addr)
{
	struct lease *l, *best = NULL;
	uint64_t a, span;
	size_t i;

	if (start > end)
		return -ENOSPC;
	l = lease_by_client(ls, c);
	if (l != NULL && l->addr >= start && l->addr <= end &&
	    l->state != LEASE_DECLINED && !(skip && skip(arg, l->addr))) {
		*addr = l->addr;
		return 0;
	}
	if (requested >= start && requested <= end &&
	    !(skip && skip(arg, requested)) &&
	    available(lease_by_addr(ls, requested), c, now)) {
		*addr = requested;
		return 0;
	}
	/*
	 * Never leased: resume where the last search stopped.  Leases are
	 * never forgotten, so a range once found full stays full.
	 */
	span = (uint64_t)end - start + 1;
	if (ls->fresh_hint < start || ls->fresh_hint > end)
		ls->fresh_hint = start;
	for (i = 0; i < span && !(start == ls->full_start &&
	    end == ls->full_end); i++) {
		a = start + ((uint64_t)ls->fresh_hint - start + i) % span;
		if (lease_by_addr(ls, (uint32_t)a) == NULL &&
		    !(skip && skip(arg, (uint32_t)a))) {
			ls->fresh_hint = (uint32_t)a;
			*addr = (uint32_t)a;
			return 0;
		}
	}
	ls->full_start = start;
	ls->full_end = end;
	/* Reuse: a released lease, or the one that expired longest ago. */
	for (i = 0; i < ls->n; i++) {
		l = &ls->v[i];
		if (l->addr < start || l->addr > end ||
		    !available(l, c, now) || (skip && skip(arg, l->addr)))
			continue;
		if (best == NULL || (l->state == LEASE_FREE &&
		    best->state != LEASE_FREE) || (l->state == best->state &&
		    l->expires < best->expires))
			best = l;
	}
	if (best == NULL)
		return -ENOSPC;
	*addr = best->addr;
	return 0;
}

/* Sync the directory holding path, so a rename in it is durable. */
static int
sync_dir(const char *path)
{
	char *copy = strdup(path);
	int fd, e = 0;

	if (copy == NULL)
		return -ENOMEM;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(copy);
	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		e = -errno;
	close(fd);
	return e;
}

int
lease_compact(struct lease_store *ls)
{
	char tmp[4096], line[512];
	size_t i, live = 0;
	FILE *f;
	int fd, e = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp", ls->path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
		e = -errno;
		if (fd >= 0)
			close(fd);
		return e;
	}
	fprintf(f, "# pxe-dhcpd leases: expiry (0: infinite) MAC address "
	    "hostname client-id\n");
	for (i = 0; i < ls->n; i++) {
		if (ls->v[i].state != LEASE_BOUND)
			continue;
		fmt_line(line, sizeof(line), &ls->v[i]);
		fputs(line, f);
		live++;
	}
	if (fflush(f) != 0 || fdatasync(fileno(f)) < 0)
		e = -errno;
	if (fclose(f) != 0 && e == 0)
		e = -errno;
	if (e == 0 && rename(tmp, ls->path) < 0)
		e = -errno;
	if (e < 0) {
		unlink(tmp);
		return e;
	}
	/* Pending lines are in the new file already: drop them.  The old
	 * descriptor names the replaced file now: appends go to the new. */
	ls->pendlen = ls->npend = 0;
	ls->file_lines = live;
	ls->compact_at = 0;
	close(ls->fd);
	ls->fd = open(ls->path, O_RDWR | O_APPEND | O_CLOEXEC);
	if (ls->fd < 0)
		return -errno;
	return sync_dir(ls->path);
}

int
lease_compact_error(const struct lease_store *ls)
{
	return ls->compact_err;
}

int
lease_commit(struct lease_store *ls)
{
	struct stat st;
	size_t done = 0;
	ssize_t r;

	if (ls->npend == 0)
		return 0;
	if (fstat(ls->fd, &st) < 0)
		return -errno;
	while (done < ls->pendlen) {
		r = write(ls->fd, ls->pend + done, ls->pendlen - done);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			/* Take back a partial write: the lines stay pending. */
			r = -errno;
			if (ftruncate(ls->fd, st.st_size) < 0) {
				/* the torn line is ignored at the next load */
			}
			return (int)r;
		}
		done += (size_t)r;
	}
	if (fdatasync(ls->fd) < 0)
		return -errno;
	ls->file_lines += ls->npend;
	ls->pendlen = ls->npend = 0;
	/*
	 * The lines are durable now: a compaction that fails (the folder is
	 * not writable after --user) must not withhold their ACKs.  It is
	 * kept for lease_compact_error() and retried when the log has grown
	 * by half again.
	 */
	if (ls->file_lines > 4 * ls->n + 1024 &&
	    ls->file_lines >= ls->compact_at) {
		ls->compact_err = lease_compact(ls);
		if (ls->compact_err < 0) {
			ls->compact_at = ls->file_lines + ls->file_lines / 2;
			if (ls->fd < 0)		/* reopen after rename failed */
				return ls->compact_err;
		}
	}
	return 0;
}
