/*
 * tree.c: TREE_CONNECT to a share (names matched without regard to case,
 * the server part of \\server\share ignored) or to IPC$, and
 * TREE_DISCONNECT.
 */
#include <stdlib.h>
#include <string.h>

#include "libpxe/log.h"
#include "libpxe/utf16.h"
#include "smbd.h"

struct tree *
tree_find(struct session *s, uint32_t id)
{
	struct tree *t;

	for (t = s->trees; t; t = t->next)
		if (t->id == id)
			return t;
	return NULL;
}

void
tree_free_all(struct conn *c, struct session *s)
{
	struct tree *t;

	while ((t = s->trees) != NULL) {
		s->trees = t->next;
		free(t);
	}
	s->ntrees = 0;
}

/* The share named by the last component of path, or NULL. */
static struct share *
find_share(struct smbd *d, const char *path)
{
	const char *name = strrchr(path, '\\');
	unsigned i;

	name = name ? name + 1 : path;
	for (i = 0; i < d->nshares; i++)
		if (pxe_utf8_caseeq(d->shares[i].name,
		    strlen(d->shares[i].name), name, strlen(name)))
			return &d->shares[i];
	return NULL;
}

uint32_t
smb_tree_connect(struct req *r)
{
	struct conn *c = r->c;
	struct session *s = r->sess;
	struct smb2_tree_connect_req q;
	struct share *sh;
	struct tree *t;
	char path[1024], esc[1100];
	uint32_t st;

	if ((st = smb2_parse_tree_connect(r->m, &q)) != 0)
		return st;
	if (pxe_utf16_to_utf8(q.path, q.path_len, path, sizeof(path)) < 0)
		return STATUS_BAD_NETWORK_NAME;
	pxe_log_escape_flags(esc, sizeof(esc), path, strlen(path),
	    PXE_ESC_BACKSLASH);
	/* 3.1.1 proves the keys with a signed TREE_CONNECT. */
	if (c->dialect == SMB2_DIALECT_311 && s->signer.valid &&
	    !(r->m->h.flags & SMB2_FLAGS_SIGNED)) {
		log_warn("%s: unsigned TREE_CONNECT on 3.1.1 refused",
		    c->peer);
		return STATUS_ACCESS_DENIED;
	}
	if ((sh = find_share(c->d, path)) == NULL) {
		log_info("tree connect %s from %s: no such share", esc,
		    c->peer);
		return STATUS_BAD_NETWORK_NAME;
	}
	if (s->ntrees >= SMBD_MAX_TREES ||
	    (t = calloc(1, sizeof(*t))) == NULL)
		return STATUS_INSUFFICIENT_RESOURCES;
	t->id = s->next_tree_id++;
	if (s->next_tree_id == 0 || s->next_tree_id == UINT32_MAX)
		s->next_tree_id = 1;
	t->share = sh;
	t->next = s->trees;
	s->trees = t;
	s->ntrees++;
	c->d->c.trees++;
	log_info("tree connect %s (%s, user '%s')", esc, c->peer, s->user);
	r->tree = t;	/* its id goes in the response header */
	smb2_put_tree_connect_resp(&r->b, sh->ipc ? SMB2_SHARE_TYPE_PIPE :
	    SMB2_SHARE_TYPE_DISK, 0, 0, sh->ipc ? 0x001f01ff :
	    SMB2_READONLY_ACCESS);
	r->body_done = true;
	return 0;
}

uint32_t
smb_tree_disconnect(struct req *r)
{
	struct session *s = r->sess;
	struct tree **pp;

	open_close_all(r->c, s, r->tree);
	for (pp = &s->trees; *pp; pp = &(*pp)->next) {
		if (*pp == r->tree) {
			*pp = r->tree->next;
			break;
		}
	}
	s->ntrees--;
	free(r->tree);
	r->tree = NULL;
	smb2_put_empty_resp(&r->b);
	r->body_done = true;
	return 0;
}
