/* smb2sign: KDF, preauth hash and message signatures; see smb2sign.h. */
#include <string.h>

#include <nettle/sha2.h>

#include "smb2sign.h"

/* Header offsets this module needs (MS-SMB2 2.2.1.2). */
#define HDR_COMMAND	12
#define HDR_FLAGS	16
#define HDR_MESSAGE_ID	24
#define HDR_SIGNATURE	48
#define HDR_LEN		64
#define FLAG_RESPONSE	0x00000001u
#define FLAG_SIGNED	0x00000008u
#define CMD_CANCEL	0x000c

void
smb2_kdf(const uint8_t *key, size_t keylen, const void *label, size_t llen,
    const void *context, size_t clen, uint8_t out[16])
{
	static const uint8_t one[4] = { 0, 0, 0, 1 };
	static const uint8_t zero = 0;
	static const uint8_t bits[4] = { 0, 0, 0, 128 };
	struct hmac_sha256_ctx h;
	uint8_t d[SHA256_DIGEST_SIZE];

	hmac_sha256_set_key(&h, keylen, key);
	hmac_sha256_update(&h, sizeof(one), one);
	hmac_sha256_update(&h, llen, label);
	hmac_sha256_update(&h, 1, &zero);
	hmac_sha256_update(&h, clen, context);
	hmac_sha256_update(&h, sizeof(bits), bits);
	hmac_sha256_digest(&h, sizeof(d), d);
	memcpy(out, d, 16);
}

void
smb2_preauth_update(uint8_t hash[SMB2_PREAUTH_LEN], const uint8_t *msg,
    size_t len)
{
	struct sha512_ctx c;

	sha512_init(&c);
	sha512_update(&c, SMB2_PREAUTH_LEN, hash);
	sha512_update(&c, len, msg);
	sha512_digest(&c, SMB2_PREAUTH_LEN, hash);
}

void
smb2_signing_key(uint16_t dialect, const uint8_t skey[SMB2_KEY_LEN],
    const uint8_t preauth[SMB2_PREAUTH_LEN], uint8_t out[SMB2_KEY_LEN])
{
	static const char l30[] = "SMB2AESCMAC", c30[] = "SmbSign";
	static const char l311[] = "SMBSigningKey";

	if (dialect < 0x0300)
		memcpy(out, skey, SMB2_KEY_LEN);
	else if (dialect < 0x0311)
		smb2_kdf(skey, SMB2_KEY_LEN, l30, sizeof(l30), c30,
		    sizeof(c30), out);
	else
		smb2_kdf(skey, SMB2_KEY_LEN, l311, sizeof(l311), preauth,
		    SMB2_PREAUTH_LEN, out);
}

enum smb2_sign_alg
smb2_default_sign_alg(uint16_t dialect)
{
	return dialect < 0x0300 ? SMB2_SIGN_HMAC_SHA256 : SMB2_SIGN_AES_CMAC;
}

void
smb2_signer_init(struct smb2_signer *s, enum smb2_sign_alg alg,
    const uint8_t key[SMB2_KEY_LEN])
{
	memset(s, 0, sizeof(*s));
	s->alg = alg;
	switch (alg) {
	case SMB2_SIGN_HMAC_SHA256:
		hmac_sha256_set_key(&s->u.hmac, SMB2_KEY_LEN, key);
		break;
	case SMB2_SIGN_AES_CMAC:
		cmac_aes128_set_key(&s->u.cmac, key);
		break;
	case SMB2_SIGN_AES_GMAC:
		gcm_aes128_set_key(&s->u.gcm, key);
		break;
	}
	s->valid = true;
}

void
smb2_signer_clear(struct smb2_signer *s)
{
	/* volatile so the compiler keeps the wipe of key material. */
	volatile uint8_t *p = (volatile uint8_t *)s;
	size_t i;

	for (i = 0; i < sizeof(*s); i++)
		p[i] = 0;
}

/* The GMAC nonce of MS-SMB2 3.1.4.1: MessageId, role bit, cancel bit. */
static void
gmac_nonce(const uint8_t *msg, uint8_t iv[12])
{
	uint32_t flags = (uint32_t)msg[HDR_FLAGS] |
	    (uint32_t)msg[HDR_FLAGS + 1] << 8;
	uint16_t cmd = (uint16_t)(msg[HDR_COMMAND] |
	    msg[HDR_COMMAND + 1] << 8);

	memcpy(iv, msg + HDR_MESSAGE_ID, 8);
	iv[8] = (uint8_t)((flags & FLAG_RESPONSE ? 1 : 0) |
	    (cmd == CMD_CANCEL && !(flags & FLAG_RESPONSE) ? 2 : 0));
	iv[9] = iv[10] = iv[11] = 0;
}

void
smb2_signature(struct smb2_signer *s, const uint8_t *msg, size_t len,
    uint8_t sig[16])
{
	static const uint8_t zero[16];
	uint8_t d[SHA256_DIGEST_SIZE], iv[12];

	if (len < HDR_LEN) {
		memset(sig, 0, 16);
		return;
	}
	switch (s->alg) {
	case SMB2_SIGN_HMAC_SHA256:
		hmac_sha256_update(&s->u.hmac, HDR_SIGNATURE, msg);
		hmac_sha256_update(&s->u.hmac, 16, zero);
		hmac_sha256_update(&s->u.hmac, len - HDR_LEN, msg + HDR_LEN);
		hmac_sha256_digest(&s->u.hmac, sizeof(d), d);
		memcpy(sig, d, 16);
		break;
	case SMB2_SIGN_AES_CMAC:
		cmac_aes128_update(&s->u.cmac, HDR_SIGNATURE, msg);
		cmac_aes128_update(&s->u.cmac, 16, zero);
		cmac_aes128_update(&s->u.cmac, len - HDR_LEN, msg + HDR_LEN);
		cmac_aes128_digest(&s->u.cmac, 16, sig);
		break;
	case SMB2_SIGN_AES_GMAC:
		gmac_nonce(msg, iv);
		gcm_aes128_set_iv(&s->u.gcm, sizeof(iv), iv);
		/* All but the last update must be whole 16-byte blocks. */
		gcm_aes128_update(&s->u.gcm, HDR_SIGNATURE, msg);
		gcm_aes128_update(&s->u.gcm, 16, zero);
		gcm_aes128_update(&s->u.gcm, len - HDR_LEN, msg + HDR_LEN);
		gcm_aes128_digest(&s->u.gcm, 16, sig);
		break;
	}
}

void
smb2_sign(struct smb2_signer *s, uint8_t *msg, size_t len)
{
	if (len < HDR_LEN)
		return;
	msg[HDR_FLAGS] |= FLAG_SIGNED;
	smb2_signature(s, msg, len, msg + HDR_SIGNATURE);
}

bool
smb2_verify(struct smb2_signer *s, const uint8_t *msg, size_t len)
{
	uint8_t sig[16], diff = 0;
	size_t i;

	if (len < HDR_LEN)
		return false;
	smb2_signature(s, msg, len, sig);
	for (i = 0; i < 16; i++)
		diff |= (uint8_t)(sig[i] ^ msg[HDR_SIGNATURE + i]);
	return diff == 0;
}
