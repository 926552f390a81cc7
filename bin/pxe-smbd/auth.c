/*
 * auth.c: NEGOTIATE (dialect, 3.1.1 contexts, preauth hash), SESSION_SETUP
 * (SPNEGO around NTLMSSP: the shared password checked against the
 * client's own user and domain, guest and anonymous when --guest allows
 * them, signing keys), LOGOFF, and FSCTL_VALIDATE_NEGOTIATE_INFO.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "libpxe/log.h"
#include "libpxe/spnego.h"
#include "libpxe/utf16.h"
#include "smbd.h"

/* Dialects we speak, best first. */
static const uint16_t dialects[] = {
	SMB2_DIALECT_311, SMB2_DIALECT_302, SMB2_DIALECT_300,
	SMB2_DIALECT_210, SMB2_DIALECT_202,
};

/* Signing algorithms we can use with 3.1.1. */
static bool
sign_alg_ok(uint16_t a)
{
	return a == SMB2_SIGN_AES_GMAC || a == SMB2_SIGN_AES_CMAC ||
	    a == SMB2_SIGN_HMAC_SHA256;
}

static const char *
dialect_name(uint16_t d)
{
	switch (d) {
	case SMB2_DIALECT_202: return "2.0.2";
	case SMB2_DIALECT_210: return "2.1";
	case SMB2_DIALECT_300: return "3.0";
	case SMB2_DIALECT_302: return "3.0.2";
	case SMB2_DIALECT_311: return "3.1.1";
	}
	return "?";
}

static const char *
sign_alg_name(enum smb2_sign_alg a)
{
	return a == SMB2_SIGN_AES_GMAC ? "AES-GMAC" :
	    a == SMB2_SIGN_AES_CMAC ? "AES-CMAC" : "HMAC-SHA256";
}

static void
random_bytes(void *p, size_t n)
{
	if (getrandom(p, n, 0) != (ssize_t)n) {
		/* Never short for n <= 256 once the pool is up; be safe. */
		uint8_t *b = p;
		size_t i;

		for (i = 0; i < n; i++)
			b[i] = (uint8_t)(rand() ^ (int)time(NULL));
	}
}

static uint64_t
now_filetime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return smb2_filetime(ts.tv_sec, ts.tv_nsec);
}

/* The dialect to answer with, 0 for none in common. */
static uint16_t
pick_dialect(const struct smb2_negotiate_req *q)
{
	size_t i, n = q->dialect_count < SMB2_MAX_DIALECTS ?
	    q->dialect_count : SMB2_MAX_DIALECTS;
	unsigned k;

	for (k = 0; k < sizeof(dialects) / sizeof(dialects[0]); k++)
		for (i = 0; i < n; i++)
			if (q->dialects[i] == dialects[k])
				return dialects[k];
	for (i = 0; i < n; i++)
		if (q->dialects[i] == SMB2_DIALECT_WILDCARD)
			return SMB2_DIALECT_WILDCARD;
	return 0;
}

/* The 3.1.1 signing algorithm: the client's first that we have. */
static int
pick_sign_alg(const struct smb2_negotiate_req *q)
{
	uint16_t i;

	for (i = 0; i < q->nsign_algs; i++)
		if (sign_alg_ok(q->sign_algs[i]))
			return q->sign_algs[i];
	return SMB2_SIGN_AES_CMAC;
}

uint32_t
smb_negotiate(struct req *r)
{
	struct conn *c = r->c;
	struct smbd *d = c->d;
	struct smb2_negotiate_req q;
	struct smb2_negotiate_resp p;
	uint8_t blob[64];
	ssize_t bl;
	uint32_t st;
	uint16_t dialect;

	if (c->negotiated) {
		log_warn("%s: a second NEGOTIATE", c->peer);
		return (uint32_t)-EPROTO;
	}
	if ((st = smb2_parse_negotiate(r->m, &q)) != 0)
		return st;
	if ((dialect = pick_dialect(&q)) == 0) {
		log_info("%s: no dialect in common (first offered 0x%04x)",
		    c->peer, q.dialects[0]);
		return STATUS_NOT_SUPPORTED;
	}
	memset(&p, 0, sizeof(p));
	p.sign_alg = -1;
	if (dialect == SMB2_DIALECT_311) {
		if (!q.has_preauth)
			return STATUS_INVALID_PARAMETER;
		if (!q.preauth_sha512)
			return STATUS_NO_PREAUTH_OVERLAP;
		memset(c->preauth, 0, sizeof(c->preauth));
		smb2_preauth_update(c->preauth, r->m->data, r->m->len);
		r->preauth = c->preauth;
		c->sign_alg = (enum smb2_sign_alg)pick_sign_alg(&q);
		if (q.has_signing)
			p.sign_alg = (int)c->sign_alg;
		random_bytes(p.salt, sizeof(p.salt));
	} else {
		c->sign_alg = smb2_default_sign_alg(dialect);
	}
	c->dialect = dialect;
	if (dialect >= SMB2_DIALECT_210) {
		c->max_read = SMBD_MAX_READ;
		c->max_write = SMBD_MAX_WRITE;
		c->max_transact = SMBD_MAX_TRANSACT;
	}
	if (dialect == SMB2_DIALECT_WILDCARD) {
		c->wildcard = true;
	} else {
		c->negotiated = true;
		c->cli_secmode = q.security_mode;
		c->cli_caps = q.capabilities;
		memcpy(c->cli_guid, q.guid, 16);
		c->cli_ndialects = q.dialect_count < SMB2_MAX_DIALECTS ?
		    q.dialect_count : SMB2_MAX_DIALECTS;
		memcpy(c->cli_dialects, q.dialects,
		    c->cli_ndialects * sizeof(uint16_t));
	}
	if ((bl = spnego_build_hints(blob, sizeof(blob))) < 0)
		bl = 0;
	p.security_mode = SMB2_NEGOTIATE_SIGNING_ENABLED |
	    (d->cfg.require_signing ? SMB2_NEGOTIATE_SIGNING_REQUIRED : 0);
	p.dialect = dialect;
	memcpy(p.guid, d->guid, 16);
	p.capabilities = dialect >= SMB2_DIALECT_210 ?
	    SMB2_GLOBAL_CAP_LARGE_MTU | SMB2_GLOBAL_CAP_LEASING : 0;
	p.max_transact = c->max_transact;
	p.max_read = c->max_read;
	p.max_write = c->max_write;
	p.system_time = now_filetime();
	p.blob = blob;
	p.blob_len = (size_t)bl;
	smb2_put_negotiate_resp(&r->b, &p);
	r->body_done = true;
	log_debug("%s: dialect %s%s%s", c->peer, dialect == SMB2_DIALECT_WILDCARD ?
	    "2.??? (SMB1 client)" : dialect_name(dialect),
	    dialect == SMB2_DIALECT_311 ? ", signing with " : "",
	    dialect == SMB2_DIALECT_311 ? sign_alg_name(c->sign_alg) : "");
	return 0;
}

struct session *
session_find(struct conn *c, uint64_t id)
{
	struct session *s;

	if (id == 0)
		return NULL;
	for (s = c->sessions; s; s = s->next)
		if (s->id == id)
			return s;
	return NULL;
}

static void
auth_clear(struct auth_state *a)
{
	free(a->neg);
	free(a->chal);
	free(a->mech_types);
	memset(a, 0, sizeof(*a));
}

void
session_free(struct session *s)
{
	struct tree *t;

	auth_clear(&s->auth);
	while ((t = s->trees) != NULL) {
		s->trees = t->next;
		free(t);
	}
	smb2_signer_clear(&s->signer);
	free(s);
}

void
session_kill(struct conn *c, struct session *s)
{
	struct session **pp;

	for (pp = &c->sessions; *pp; pp = &(*pp)->next) {
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	}
	c->nsessions--;
	open_close_all(c, s, NULL);
	tree_free_all(c, s);
	s->state = SESS_DEAD;
	s->next = c->dead_sessions;
	c->dead_sessions = s;
}

static struct session *
session_new(struct conn *c)
{
	struct session *s;

	if (c->nsessions >= SMBD_MAX_SESSIONS)
		return NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	do {
		random_bytes(&s->id, sizeof(s->id));
	} while (s->id == 0 || s->id == UINT64_MAX ||
	    session_find(c, s->id) != NULL);
	s->state = SESS_IN_PROGRESS;
	s->next_tree_id = 1;
	memcpy(s->preauth, c->preauth, sizeof(s->preauth));
	s->next = c->sessions;
	c->sessions = s;
	c->nsessions++;
	return s;
}

static uint8_t *
dup_bytes(const uint8_t *p, size_t n)
{
	uint8_t *q = malloc(n ? n : 1);

	if (q && n)
		memcpy(q, p, n);
	return q;
}

/* Wrap an NTLMSSP token (or nothing) the way the client spoke. */
static ssize_t
wrap(const struct session *s, int state, bool with_mech, const uint8_t *tok,
    size_t n, const uint8_t *mic, size_t miclen, uint8_t *out, size_t cap)
{
	if (!s->auth.spnego) {
		if (n > cap)
			return -ENOSPC;
		if (n)
			memcpy(out, tok, n);
		return (ssize_t)n;
	}
	return spnego_build_resp(out, cap, state, with_mech, tok, n, mic,
	    miclen);
}

/* The session setup response body; st is what we return. */
static uint32_t
reply(struct req *r, uint32_t st, uint16_t flags, const uint8_t *blob,
    ssize_t n)
{
	if (n < 0)
		return STATUS_INSUFFICIENT_RESOURCES;
	smb2_put_session_setup_resp(&r->b, flags, blob, (size_t)n);
	r->body_done = true;
	return st;
}

/* The NTLM NEGOTIATE: answer with our CHALLENGE. */
static uint32_t
challenge(struct req *r, struct session *s, const uint8_t *tok, size_t n)
{
	struct smbd *d = r->c->d;
	struct ntlmssp_challenge ch;
	uint8_t msg[512], out[1024];
	char lower[16];
	uint32_t flags;
	ssize_t len;
	size_t i;

	if (ntlmssp_parse_negotiate(tok, n, &flags) < 0)
		return STATUS_INVALID_PARAMETER;
	for (i = 0; i < sizeof(lower) - 1 && d->nb_name[i]; i++)
		lower[i] = (char)(d->nb_name[i] | 0x20);
	lower[i] = '\0';
	memset(&ch, 0, sizeof(ch));
	ch.client_flags = flags;
	random_bytes(ch.challenge, sizeof(ch.challenge));
	ch.timestamp = now_filetime();
	ch.nb_domain = d->cfg.workgroup;
	ch.nb_computer = d->nb_name;
	ch.dns_domain = "";
	ch.dns_computer = lower;
	if ((len = ntlmssp_build_challenge(msg, sizeof(msg), &ch)) < 0)
		return STATUS_INSUFFICIENT_RESOURCES;
	free(s->auth.neg);
	free(s->auth.chal);
	s->auth.neg = dup_bytes(tok, n);
	s->auth.neg_len = n;
	s->auth.chal = dup_bytes(msg, (size_t)len);
	s->auth.chal_len = (size_t)len;
	memcpy(s->auth.challenge, ch.challenge, 8);
	s->auth.flags = ntlmssp_server_flags(flags);
	if (s->auth.neg == NULL || s->auth.chal == NULL)
		return STATUS_INSUFFICIENT_RESOURCES;
	r->no_sign = true;
	if (r->c->dialect == SMB2_DIALECT_311)
		r->preauth = s->preauth;
	return reply(r, STATUS_MORE_PROCESSING_REQUIRED, 0, out,
	    wrap(s, SPNEGO_ACCEPT_INCOMPLETE, true, msg, (size_t)len, NULL, 0,
	    out, sizeof(out)));
}

enum auth_result { AUTH_FAIL, AUTH_USER, AUTH_GUEST, AUTH_ANON };

/* UTF-16LE of a string the client sent in OEM (8-bit) form. */
static size_t
oem_to_utf16(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	size_t i;

	for (i = 0; i < n && 2 * i + 1 < cap; i++) {
		out[2 * i] = in[i];
		out[2 * i + 1] = 0;
	}
	return 2 * i;
}

/* Check the NTLMv2 proof with the shared password; fills key. */
static bool
check_password(struct smbd *d, const struct ntlmssp_auth *a,
    const uint8_t challenge[8], uint8_t base[16])
{
	/* Whole fields, however long (a 300-character user name was cut at
	 * 256 and refused): NTLM's lengths are 16 bits. */
	uint8_t *user, *dom, owf[16];
	size_t ul, dl;
	bool ok = false;
	int k;

	user = malloc(2 * (size_t)a->user_len + 1);
	dom = malloc(2 * (size_t)a->domain_len + 1);
	if (user == NULL || dom == NULL)
		goto done;
	if (a->flags & NTLMSSP_NEGOTIATE_UNICODE) {
		ul = a->user_len;
		dl = a->domain_len;
		if (ul)
			memcpy(user, a->user, ul);
		if (dl)
			memcpy(dom, a->domain, dl);
	} else {
		ul = oem_to_utf16(a->user, a->user_len, user,
		    2 * (size_t)a->user_len + 1);
		dl = oem_to_utf16(a->domain, a->domain_len, dom,
		    2 * (size_t)a->domain_len + 1);
	}
	/* The domain as sent; then upper-cased; then none (old clients). */
	for (k = 0; k < 3 && !ok; k++) {
		if (k == 1)
			pxe_utf16_upper(dom, dl);
		ntlm_ntowfv2(d->nt_hash, user, ul, dom, k == 2 ? 0 : dl, owf);
		ok = ntlmv2_check(owf, challenge, a->nt, a->nt_len, base) == 0;
	}
done:
	free(user);
	free(dom);
	return ok;
}

static enum auth_result
authenticate(struct smbd *d, struct session *s, const struct ntlmssp_auth *a,
    const uint8_t *tok, size_t n, uint8_t key[16])
{
	uint8_t base[16];

	if (a->anonymous)
		return d->cfg.guest ? AUTH_ANON : AUTH_FAIL;
	if (d->cfg.password == NULL)
		return d->cfg.guest ? AUTH_GUEST : AUTH_FAIL;
	if (!a->v2 || !check_password(d, a, s->auth.challenge, base))
		return AUTH_FAIL;
	if (ntlm_exported_key(a, base, key) < 0)
		return AUTH_FAIL;
	if (a->mic_flagged && !ntlm_check_mic(key, s->auth.neg,
	    s->auth.neg_len, s->auth.chal, s->auth.chal_len, tok, n,
	    a->mic_off))
		return AUTH_FAIL;
	return AUTH_USER;
}

/* "DOMAIN\user" for logs, escaped. */
static void
user_name(const struct ntlmssp_auth *a, char *out, size_t cap)
{
	char u[256], dm[256], both[520];
	bool uni = a->flags & NTLMSSP_NEGOTIATE_UNICODE;

	u[0] = dm[0] = '\0';
	if (uni) {
		if (pxe_utf16_to_utf8(a->user, a->user_len, u, sizeof(u)) < 0)
			snprintf(u, sizeof(u), "?");
		if (pxe_utf16_to_utf8(a->domain, a->domain_len, dm,
		    sizeof(dm)) < 0)
			snprintf(dm, sizeof(dm), "?");
	} else {
		snprintf(u, sizeof(u), "%.*s", (int)a->user_len,
		    (const char *)a->user);
		snprintf(dm, sizeof(dm), "%.*s", (int)a->domain_len,
		    (const char *)a->domain);
	}
	snprintf(both, sizeof(both), "%s%s%s", dm, dm[0] ? "\\" : "", u);
	pxe_log_escape_flags(out, cap, both, strlen(both),
	    PXE_ESC_BACKSLASH);
}

/* Keys and signing once the password checked out. */
static void
session_keys(struct conn *c, struct session *s, const uint8_t key[16])
{
	uint8_t sk[SMB2_KEY_LEN];

	smb2_signing_key(c->dialect, key, s->preauth, sk);
	smb2_signer_init(&s->signer, c->dialect == SMB2_DIALECT_311 ?
	    c->sign_alg : smb2_default_sign_alg(c->dialect), sk);
	memset(sk, 0, sizeof(sk));
}

/* The SPNEGO mechListMIC: check the client's, make ours.  0 or -EACCES. */
static int
mech_list_mic(struct session *s, const struct spnego_token *sp,
    const uint8_t key[16], uint32_t flags, uint8_t ours[16])
{
	struct ntlm_sec sec;
	uint8_t want[16];

	if (s->auth.mech_types == NULL)
		return -EACCES;
	ntlm_sec_init(&sec, key, flags, false);
	ntlm_sec_sign(&sec, flags, s->auth.mech_types,
	    s->auth.mech_types_len, want);
	if (sp->mic_len != 16 || memcmp(sp->mic, want, 16) != 0)
		return -EACCES;
	ntlm_sec_init(&sec, key, flags, true);
	ntlm_sec_sign(&sec, flags, s->auth.mech_types,
	    s->auth.mech_types_len, ours);
	return 0;
}

static uint32_t
logon_failure(struct req *r, struct session *s, const char *who,
    const char *why)
{
	struct conn *c = r->c;

	c->d->c.logon_failures++;
	log_info("logon failure %s user '%s': %s", c->peer, who, why);
	session_kill(c, s);
	r->sess = NULL;
	return STATUS_LOGON_FAILURE;
}

/* The NTLM AUTHENTICATE: the end of the exchange. */
static uint32_t
finish_auth(struct req *r, struct session *s, const uint8_t *tok, size_t n,
    const struct spnego_token *sp, uint8_t secmode)
{
	struct conn *c = r->c;
	struct smbd *d = c->d;
	struct ntlmssp_auth a;
	enum auth_result res;
	uint8_t key[16], mic[16], out[256];
	uint16_t flags = 0;
	bool with_mic = false, reauth = s->state == SESS_VALID;
	const char *how;

	if (s->auth.chal == NULL || ntlmssp_parse_authenticate(tok, n,
	    &a) < 0)
		return logon_failure(r, s, "?", "malformed AUTHENTICATE");
	user_name(&a, s->user, sizeof(s->user));
	if (a.v2 && a.blob_bad) {
		logon_failure(r, s, s->user, "malformed NTLMv2 response");
		return STATUS_INVALID_PARAMETER;
	}
	res = authenticate(d, s, &a, tok, n, key);
	if (res == AUTH_FAIL)
		return logon_failure(r, s, s->user, a.anonymous ?
		    "anonymous logon needs --guest" : !a.v2 ?
		    "not NTLMv2" : "wrong password");
	if (res == AUTH_USER && sp->mic != NULL) {
		if (mech_list_mic(s, sp, key, a.flags, mic) < 0)
			return logon_failure(r, s, s->user,
			    "bad SPNEGO mechListMIC");
		with_mic = true;
	}
	if (!reauth) {
		s->guest = res == AUTH_GUEST;
		s->anonymous = res == AUTH_ANON;
		if (res == AUTH_USER) {
			session_keys(c, s, key);
			s->signing_required = d->cfg.require_signing ||
			    (secmode & SMB2_NEGOTIATE_SIGNING_REQUIRED);
			r->sign = true;
		}
	}
	memset(key, 0, sizeof(key));
	s->state = SESS_VALID;
	auth_clear(&s->auth);
	flags = s->guest ? SMB2_SESSION_FLAG_IS_GUEST :
	    s->anonymous ? SMB2_SESSION_FLAG_IS_NULL : 0;
	how = s->guest ? "guest" : s->anonymous ? "anonymous" :
	    s->signing_required ? "signed" : "signing offered";
	if (res == AUTH_USER)
		d->c.sessions++;
	else
		d->c.guests++;
	log_info("session %s user '%s' dialect %s %s%s%s%s", c->peer,
	    s->user, dialect_name(c->dialect), how,
	    res == AUTH_USER && c->dialect == SMB2_DIALECT_311 ? " (" : "",
	    res == AUTH_USER && c->dialect == SMB2_DIALECT_311 ?
	    sign_alg_name(c->sign_alg) : "",
	    res == AUTH_USER && c->dialect == SMB2_DIALECT_311 ? ")" : "");
	return reply(r, 0, flags, out, sp->kind == SPNEGO_RAW_NTLMSSP ? 0 :
	    spnego_build_resp(out, sizeof(out), SPNEGO_ACCEPT_COMPLETED,
	    false, NULL, 0, with_mic ? mic : NULL, 16));
}

uint32_t
smb_session_setup(struct req *r)
{
	struct conn *c = r->c;
	struct smb2_session_setup_req q;
	struct spnego_token sp;
	struct session *s;
	uint8_t out[128];
	uint32_t st;

	if ((st = smb2_parse_session_setup(r->m, &q)) != 0)
		return st;
	if (q.flags & SMB2_SESSION_FLAG_BINDING)
		return STATUS_REQUEST_NOT_ACCEPTED;	/* no multichannel */
	if (r->m->h.session_id == 0) {
		if ((s = session_new(c)) == NULL)
			return STATUS_INSUFFICIENT_RESOURCES;
	} else if ((s = session_find(c, r->m->h.session_id)) == NULL) {
		return STATUS_USER_SESSION_DELETED;
	}
	r->sess = s;
	if (s->state == SESS_VALID && s->signer.valid &&
	    (r->m->h.flags & SMB2_FLAGS_SIGNED) &&
	    !smb2_verify(&s->signer, r->m->data, r->m->len))
		return STATUS_ACCESS_DENIED;
	if (s->state == SESS_IN_PROGRESS && c->dialect == SMB2_DIALECT_311)
		smb2_preauth_update(s->preauth, r->m->data, r->m->len);
	if (q.blob == NULL || spnego_parse(q.blob, q.blob_len, &sp) < 0 ||
	    !sp.ntlm_offered)
		return logon_failure(r, s, "?", "no NTLMSSP token");
	if (sp.kind == SPNEGO_INIT) {
		s->auth.spnego = true;
		free(s->auth.mech_types);
		s->auth.mech_types = dup_bytes(sp.mech_types,
		    sp.mech_types_len);
		s->auth.mech_types_len = sp.mech_types_len;
	} else if (sp.kind == SPNEGO_RESP) {
		s->auth.spnego = true;
	}
	if (sp.token == NULL || (sp.kind == SPNEGO_INIT && !sp.ntlm_first)) {
		/* No NTLMSSP token yet: say NTLMSSP is what we speak. */
		r->no_sign = true;
		if (c->dialect == SMB2_DIALECT_311)
			r->preauth = s->preauth;
		return reply(r, STATUS_MORE_PROCESSING_REQUIRED, 0, out,
		    spnego_build_resp(out, sizeof(out),
		    SPNEGO_ACCEPT_INCOMPLETE, true, NULL, 0, NULL, 0));
	}
	switch (ntlmssp_msg_type(sp.token, sp.token_len)) {
	case NTLMSSP_NEGOTIATE:
		return challenge(r, s, sp.token, sp.token_len);
	case NTLMSSP_AUTHENTICATE:
		return finish_auth(r, s, sp.token, sp.token_len, &sp,
		    q.security_mode);
	}
	return logon_failure(r, s, "?", "not an NTLMSSP message");
}

uint32_t
smb_logoff(struct req *r)
{
	log_debug("%s: logoff", r->c->peer);
	session_kill(r->c, r->sess);
	smb2_put_empty_resp(&r->b);
	r->body_done = true;
	return 0;
}

uint32_t
smb_validate_negotiate(struct req *r, const uint8_t *in, size_t len)
{
	struct conn *c = r->c;
	struct smbd *d = c->d;
	struct smb2_validate_negotiate v;
	struct smb2_fid fid = { UINT64_MAX, UINT64_MAX };

	if (c->dialect == SMB2_DIALECT_311) {
		log_warn("%s: VALIDATE_NEGOTIATE_INFO on 3.1.1", c->peer);
		return (uint32_t)-EPROTO;
	}
	if (smb2_parse_validate_negotiate(in, len, &v) != 0 ||
	    v.capabilities != c->cli_caps || v.security_mode != c->cli_secmode ||
	    memcmp(v.guid, c->cli_guid, 16) != 0 ||
	    v.dialect_count != c->cli_ndialects ||
	    memcmp(v.dialects, c->cli_dialects,
	    c->cli_ndialects * sizeof(uint16_t)) != 0) {
		log_warn("%s: VALIDATE_NEGOTIATE_INFO does not match the "
		    "NEGOTIATE: a man in the middle?", c->peer);
		return (uint32_t)-EPROTO;
	}
	smb2_put_ioctl_resp(&r->b, FSCTL_VALIDATE_NEGOTIATE_INFO, &fid, 24);
	smb2_put_validate_negotiate(&r->b, c->dialect >= SMB2_DIALECT_210 ?
	    SMB2_GLOBAL_CAP_LARGE_MTU | SMB2_GLOBAL_CAP_LEASING : 0, d->guid,
	    SMB2_NEGOTIATE_SIGNING_ENABLED | (d->cfg.require_signing ?
	    SMB2_NEGOTIATE_SIGNING_REQUIRED : 0), c->dialect);
	r->body_done = true;
	return 0;
}
