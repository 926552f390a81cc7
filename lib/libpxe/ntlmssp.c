/* ntlmssp: NTLM server messages and NTLMv2 crypto; see ntlmssp.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/hmac.h>
#include <nettle/md4.h>
#include <nettle/md5.h>

#include "buf.h"
#include "ntlmssp.h"
#include "utf16.h"

static const uint8_t sig8[8] = { 'N', 'T', 'L', 'M', 'S', 'S', 'P', 0 };

/* AUTHENTICATE layout (MS-NLMP 2.2.1.3). */
#define AUTH_FIXED	64	/* through NegotiateFlags and the key fields */
#define AUTH_VERSION	64
#define AUTH_MIC	72
#define AUTH_MIC_END	88

/* CHALLENGE layout (MS-NLMP 2.2.1.2). */
#define CHAL_PAYLOAD	56

int
ntlmssp_msg_type(const uint8_t *p, size_t len)
{
	if (len < 12 || memcmp(p, sig8, 8) != 0)
		return -EBADMSG;
	return (int)((uint32_t)p[8] | (uint32_t)p[9] << 8 |
	    (uint32_t)p[10] << 16 | (uint32_t)p[11] << 24);
}

int
ntlmssp_parse_negotiate(const uint8_t *p, size_t len, uint32_t *flags)
{
	struct pxe_buf b;

	if (ntlmssp_msg_type(p, len) != NTLMSSP_NEGOTIATE)
		return -EBADMSG;
	pxe_buf_init_ro(&b, p, len);
	b.off = 12;
	*flags = pxe_buf_get_le32(&b);
	return pxe_buf_ok(&b) ? 0 : -EBADMSG;
}

uint32_t
ntlmssp_server_flags(uint32_t c)
{
	uint32_t f = NTLMSSP_NEGOTIATE_NTLM | NTLMSSP_NEGOTIATE_TARGET_INFO |
	    NTLMSSP_TARGET_TYPE_SERVER | NTLMSSP_NEGOTIATE_VERSION;

	f |= c & (NTLMSSP_REQUEST_TARGET | NTLMSSP_NEGOTIATE_SIGN |
	    NTLMSSP_NEGOTIATE_SEAL | NTLMSSP_NEGOTIATE_ALWAYS_SIGN |
	    NTLMSSP_NEGOTIATE_128 | NTLMSSP_NEGOTIATE_56 |
	    NTLMSSP_NEGOTIATE_KEY_EXCH);
	/* NTLMv2 always brings extended session security. */
	f |= NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY;
	f |= c & NTLMSSP_NEGOTIATE_UNICODE ? NTLMSSP_NEGOTIATE_UNICODE :
	    NTLMSSP_NEGOTIATE_OEM;
	return f;
}

/* Write an ASCII/UTF-8 string as UTF-16LE; its byte length or -errno. */
static ssize_t
put_utf16(struct pxe_buf *b, const char *s)
{
	uint8_t tmp[512];
	ssize_t n = pxe_utf8_to_utf16(s, strlen(s), tmp, sizeof(tmp));

	if (n < 0)
		return n;
	pxe_buf_put_bytes(b, tmp, (size_t)n);
	return n;
}

/* One AV pair with a string value. */
static int
put_av_str(struct pxe_buf *b, uint16_t id, const char *s)
{
	ssize_t n = pxe_utf8_to_utf16(s, strlen(s), NULL, 0);

	if (n < 0 || n > 0xffff)
		return -EINVAL;
	pxe_buf_put_le16(b, id);
	pxe_buf_put_le16(b, (uint16_t)n);
	return put_utf16(b, s) < 0 ? -EINVAL : 0;
}

ssize_t
ntlmssp_build_challenge(uint8_t *out, size_t cap,
    const struct ntlmssp_challenge *c)
{
	struct pxe_buf b;
	uint32_t flags = ntlmssp_server_flags(c->client_flags);
	size_t tname_off, tname_len, ti_off, ti_len, total;

	pxe_buf_init(&b, out, cap);
	/* Payload first, fixed part patched in afterwards. */
	b.off = CHAL_PAYLOAD;
	tname_off = b.off;
	if (put_utf16(&b, c->nb_computer) < 0)
		return -EINVAL;
	tname_len = b.off - tname_off;
	ti_off = b.off;
	if (put_av_str(&b, NTLM_AV_NB_DOMAIN, c->nb_domain) < 0 ||
	    put_av_str(&b, NTLM_AV_NB_COMPUTER, c->nb_computer) < 0 ||
	    put_av_str(&b, NTLM_AV_DNS_DOMAIN, c->dns_domain) < 0 ||
	    put_av_str(&b, NTLM_AV_DNS_COMPUTER, c->dns_computer) < 0)
		return -EINVAL;
	pxe_buf_put_le16(&b, NTLM_AV_TIMESTAMP);
	pxe_buf_put_le16(&b, 8);
	pxe_buf_put_le64(&b, c->timestamp);
	pxe_buf_put_le16(&b, NTLM_AV_EOL);
	pxe_buf_put_le16(&b, 0);
	ti_len = b.off - ti_off;
	if (!pxe_buf_ok(&b) || ti_len > 0xffff || tname_len > 0xffff)
		return -ENOSPC;
	total = b.off;
	b.off = 0;
	pxe_buf_put_bytes(&b, sig8, 8);
	pxe_buf_put_le32(&b, NTLMSSP_CHALLENGE);
	pxe_buf_put_le16(&b, (uint16_t)tname_len);
	pxe_buf_put_le16(&b, (uint16_t)tname_len);
	pxe_buf_put_le32(&b, (uint32_t)tname_off);
	pxe_buf_put_le32(&b, flags);
	pxe_buf_put_bytes(&b, c->challenge, 8);
	pxe_buf_put_le64(&b, 0);
	pxe_buf_put_le16(&b, (uint16_t)ti_len);
	pxe_buf_put_le16(&b, (uint16_t)ti_len);
	pxe_buf_put_le32(&b, (uint32_t)ti_off);
	/* Version: 6.1 build 7601, NTLMSSP revision 15. */
	pxe_buf_put_u8(&b, 6);
	pxe_buf_put_u8(&b, 1);
	pxe_buf_put_le16(&b, 7601);
	pxe_buf_put_bytes(&b, "\0\0\0", 3);
	pxe_buf_put_u8(&b, 15);
	return pxe_buf_ok(&b) ? (ssize_t)total : -ENOSPC;
}

/* A security buffer (len, maxlen, offset) inside the message. */
static int
get_field(struct pxe_buf *b, const uint8_t *msg, size_t len,
    const uint8_t **p, size_t *n, size_t *end)
{
	uint16_t l = pxe_buf_get_le16(b);
	uint32_t off;

	pxe_buf_get_le16(b);
	off = pxe_buf_get_le32(b);
	if (!pxe_buf_ok(b))
		return -EBADMSG;
	if (l == 0) {
		*p = NULL;
		*n = 0;
		return 0;
	}
	if (off > len || l > len - off)
		return -EBADMSG;
	*p = msg + off;
	*n = l;
	if (off < *end)
		*end = off;
	return 0;
}

/*
 * Check the NTLMv2 blob (NTLMv2_CLIENT_CHALLENGE): its header, and AV
 * pairs that stay inside it and end with MsvAvEOL; note MsvAvFlags.
 */
static void
scan_blob(struct ntlmssp_auth *a)
{
	struct pxe_buf b;
	uint16_t id, n;
	uint32_t v;

	/* NTProofStr(16) RespType HiRespType Reserved(6) Time(8) Client(8)
	 * Reserved(4), then the pairs. */
	if (a->nt_len < 16 + 28 || a->nt[16] != 1 || a->nt[17] != 1) {
		a->blob_bad = true;
		return;
	}
	pxe_buf_init_ro(&b, a->nt + 44, a->nt_len - 44);
	for (;;) {
		id = pxe_buf_get_le16(&b);
		n = pxe_buf_get_le16(&b);
		if (!pxe_buf_ok(&b) || n > pxe_buf_left(&b)) {
			a->blob_bad = true;
			return;
		}
		if (id == NTLM_AV_EOL)
			return;
		if (id == NTLM_AV_FLAGS && n == 4) {
			v = pxe_buf_get_le32(&b);
			a->mic_flagged = (v & NTLM_AVFLAG_MIC) != 0;
			continue;
		}
		pxe_buf_get_ptr(&b, n);
	}
}

int
ntlmssp_parse_authenticate(const uint8_t *p, size_t len,
    struct ntlmssp_auth *a)
{
	struct pxe_buf b;
	size_t first = len;	/* lowest payload offset: where data starts */

	memset(a, 0, sizeof(*a));
	if (ntlmssp_msg_type(p, len) != NTLMSSP_AUTHENTICATE ||
	    len < AUTH_FIXED)
		return -EBADMSG;
	pxe_buf_init_ro(&b, p, len);
	b.off = 12;
	if (get_field(&b, p, len, &a->lm, &a->lm_len, &first) < 0 ||
	    get_field(&b, p, len, &a->nt, &a->nt_len, &first) < 0 ||
	    get_field(&b, p, len, &a->domain, &a->domain_len, &first) < 0 ||
	    get_field(&b, p, len, &a->user, &a->user_len, &first) < 0 ||
	    get_field(&b, p, len, &a->workstation, &a->workstation_len,
	    &first) < 0 ||
	    get_field(&b, p, len, &a->enc_key, &a->enc_key_len, &first) < 0)
		return -EBADMSG;
	a->flags = pxe_buf_get_le32(&b);
	if (!pxe_buf_ok(&b))
		return -EBADMSG;
	/* Version and MIC are there when the payload starts after them. */
	if (first >= AUTH_MIC_END && len >= AUTH_MIC_END)
		a->mic_off = AUTH_MIC;
	a->anonymous = a->user_len == 0 && a->nt_len == 0;
	a->v2 = a->nt_len > 24;
	if (a->v2)
		scan_blob(a);
	return 0;
}

int
ntlm_nt_hash(const char *password, size_t n, uint8_t out[16])
{
	struct md4_ctx c;
	uint8_t *u;
	ssize_t un;

	un = pxe_utf8_to_utf16(password, n, NULL, 0);
	if (un < 0)
		return (int)un;
	if ((u = malloc((size_t)un + 1)) == NULL)
		return -ENOMEM;
	pxe_utf8_to_utf16(password, n, u, (size_t)un);
	md4_init(&c);
	md4_update(&c, (size_t)un, u);
	md4_digest(&c, 16, out);
	memset(u, 0, (size_t)un);
	free(u);
	return 0;
}

int
ntlm_ntowfv2(const uint8_t nthash[16], const uint8_t *user, size_t ulen,
    const uint8_t *domain, size_t dlen, uint8_t out[16])
{
	struct hmac_md5_ctx h;
	uint8_t up[512];
	size_t n;

	/* Upper-cased a piece at a time (UTF-16 units never straddle one):
	 * any name NTLM can carry (64 KiB), none cut short. */
	hmac_md5_set_key(&h, 16, nthash);
	for (; ulen > 0; user += n, ulen -= n) {
		n = ulen < sizeof(up) ? ulen : sizeof(up);
		memcpy(up, user, n);
		pxe_utf16_upper(up, n);
		hmac_md5_update(&h, n, up);
	}
	hmac_md5_update(&h, dlen, domain);
	hmac_md5_digest(&h, 16, out);
	return 0;
}

int
ntlmv2_check(const uint8_t ntowfv2[16], const uint8_t challenge[8],
    const uint8_t *nt, size_t nt_len, uint8_t base_key[16])
{
	struct hmac_md5_ctx h;
	uint8_t proof[16], diff = 0;
	size_t i;

	if (nt_len <= 24)
		return -EACCES;	/* NTLMv1: refused */
	hmac_md5_set_key(&h, 16, ntowfv2);
	hmac_md5_update(&h, 8, challenge);
	hmac_md5_update(&h, nt_len - 16, nt + 16);
	hmac_md5_digest(&h, 16, proof);
	for (i = 0; i < 16; i++)
		diff |= (uint8_t)(proof[i] ^ nt[i]);
	if (diff != 0)
		return -EACCES;
	hmac_md5_set_key(&h, 16, ntowfv2);
	hmac_md5_update(&h, 16, proof);
	hmac_md5_digest(&h, 16, base_key);
	return 0;
}

int
ntlm_exported_key(const struct ntlmssp_auth *a, const uint8_t base[16],
    uint8_t out[16])
{
	struct arcfour_ctx rc4;

	if (!(a->flags & NTLMSSP_NEGOTIATE_KEY_EXCH)) {
		memcpy(out, base, 16);
		return 0;
	}
	if (a->enc_key_len != 16)
		return -EBADMSG;
	arcfour_set_key(&rc4, 16, base);
	arcfour_crypt(&rc4, 16, out, a->enc_key);
	return 0;
}

bool
ntlm_check_mic(const uint8_t exported[16], const uint8_t *neg, size_t neglen,
    const uint8_t *chal, size_t challen, const uint8_t *auth, size_t authlen,
    size_t mic_off)
{
	static const uint8_t zero[16];
	struct hmac_md5_ctx h;
	uint8_t mic[16], diff = 0;
	size_t i;

	if (mic_off == 0 || mic_off + 16 > authlen)
		return false;
	hmac_md5_set_key(&h, 16, exported);
	hmac_md5_update(&h, neglen, neg);
	hmac_md5_update(&h, challen, chal);
	hmac_md5_update(&h, mic_off, auth);
	hmac_md5_update(&h, 16, zero);
	hmac_md5_update(&h, authlen - mic_off - 16, auth + mic_off + 16);
	hmac_md5_digest(&h, 16, mic);
	for (i = 0; i < 16; i++)
		diff |= (uint8_t)(mic[i] ^ auth[mic_off + i]);
	return diff == 0;
}

/* MD5(key || magic including its NUL). */
static void
derive(const uint8_t *key, size_t klen, const char *magic, uint8_t out[16])
{
	struct md5_ctx c;

	md5_init(&c);
	md5_update(&c, klen, key);
	md5_update(&c, strlen(magic) + 1, (const uint8_t *)magic);
	md5_digest(&c, 16, out);
}

void
ntlm_sec_init(struct ntlm_sec *s, const uint8_t exported[16], uint32_t flags,
    bool server)
{
	static const char c2s_sign[] =
	    "session key to client-to-server signing key magic constant";
	static const char s2c_sign[] =
	    "session key to server-to-client signing key magic constant";
	static const char c2s_seal[] =
	    "session key to client-to-server sealing key magic constant";
	static const char s2c_seal[] =
	    "session key to server-to-client sealing key magic constant";
	uint8_t seal[16];
	size_t klen = flags & NTLMSSP_NEGOTIATE_128 ? 16 :
	    flags & NTLMSSP_NEGOTIATE_56 ? 7 : 5;

	memset(s, 0, sizeof(*s));
	derive(exported, 16, server ? s2c_sign : c2s_sign, s->sign_key);
	derive(exported, klen, server ? s2c_seal : c2s_seal, seal);
	arcfour_set_key(&s->seal, 16, seal);
}

void
ntlm_sec_sign(struct ntlm_sec *s, uint32_t flags, const uint8_t *msg,
    size_t len, uint8_t sig[16])
{
	struct hmac_md5_ctx h;
	uint8_t seq[4], d[16];

	seq[0] = (uint8_t)s->seq;
	seq[1] = (uint8_t)(s->seq >> 8);
	seq[2] = (uint8_t)(s->seq >> 16);
	seq[3] = (uint8_t)(s->seq >> 24);
	hmac_md5_set_key(&h, 16, s->sign_key);
	hmac_md5_update(&h, 4, seq);
	hmac_md5_update(&h, len, msg);
	hmac_md5_digest(&h, 16, d);
	if (flags & NTLMSSP_NEGOTIATE_KEY_EXCH)
		arcfour_crypt(&s->seal, 8, d, d);
	sig[0] = 1;
	sig[1] = sig[2] = sig[3] = 0;
	memcpy(sig + 4, d, 8);
	memcpy(sig + 12, seq, 4);
	s->seq++;
}
