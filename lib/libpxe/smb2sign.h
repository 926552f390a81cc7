/*
 * smb2sign: SMB2/SMB3 message integrity.  The SP800-108 key derivation
 * (HMAC-SHA256 in counter mode) that turns a session key into a signing
 * key, the SMB 3.1.1 pre-authentication hash (SHA-512 over NEGOTIATE and
 * SESSION_SETUP), and the three signature algorithms: HMAC-SHA256 (2.0.2
 * and 2.1), AES-128-CMAC (3.0, 3.0.2, 3.1.1 by default) and AES-128-GMAC
 * (3.1.1 when negotiated).  A struct smb2_signer keeps the expanded key so
 * each message costs one pass over its bytes.  Crypto is nettle's.
 */
#ifndef PXE_SMB2SIGN_H
#define PXE_SMB2SIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nettle/cmac.h>
#include <nettle/gcm.h>
#include <nettle/hmac.h>

/* SIGNING_CAPABILITIES algorithm ids (MS-SMB2 2.2.3.1.7). */
enum smb2_sign_alg {
	SMB2_SIGN_HMAC_SHA256 = 0,
	SMB2_SIGN_AES_CMAC = 1,
	SMB2_SIGN_AES_GMAC = 2,
};

#define SMB2_PREAUTH_LEN	64
#define SMB2_KEY_LEN		16

struct smb2_signer {
	enum smb2_sign_alg alg;
	bool valid;
	union {
		struct hmac_sha256_ctx hmac;
		struct cmac_aes128_ctx cmac;
		struct gcm_aes128_ctx gcm;
	} u;
};

/*
 * SP800-108 counter-mode KDF with HMAC-SHA256, one 128-bit block, as
 * MS-SMB2 3.1.4.2 uses it: out = HMAC(key, 1 || label || 0 || context ||
 * 128) truncated to 16 bytes.  label and context include their NULs.
 */
void smb2_kdf(const uint8_t *key, size_t keylen, const void *label,
    size_t llen, const void *context, size_t clen, uint8_t out[16]);

/* hash = SHA-512(hash || msg): one step of the 3.1.1 preauth hash. */
void smb2_preauth_update(uint8_t hash[SMB2_PREAUTH_LEN], const uint8_t *msg,
    size_t len);

/*
 * The signing key of a session: the session key itself for 2.x, the KDF
 * with "SMB2AESCMAC"/"SmbSign" for 3.0 and 3.0.2, and with "SMBSigningKey"
 * and the session's preauth hash for 3.1.1.  skey is the first 16 bytes of
 * the authentication's session key (zero padded if shorter).
 */
void smb2_signing_key(uint16_t dialect, const uint8_t skey[SMB2_KEY_LEN],
    const uint8_t preauth[SMB2_PREAUTH_LEN], uint8_t out[SMB2_KEY_LEN]);

/* The algorithm a dialect signs with when 3.1.1 negotiated none. */
enum smb2_sign_alg smb2_default_sign_alg(uint16_t dialect);

void smb2_signer_init(struct smb2_signer *s, enum smb2_sign_alg alg,
    const uint8_t key[SMB2_KEY_LEN]);
void smb2_signer_clear(struct smb2_signer *s);

/*
 * The 16-byte signature of one message (len >= 64: header and body, and
 * for a compound member its padding), computed as if the header's
 * signature field were zero.  The GMAC nonce comes from the header.
 */
void smb2_signature(struct smb2_signer *s, const uint8_t *msg, size_t len,
    uint8_t sig[16]);

/* Set SMB2_FLAGS_SIGNED in msg's header and write its signature. */
void smb2_sign(struct smb2_signer *s, uint8_t *msg, size_t len);

/* True if msg carries the right signature (compared in constant time). */
bool smb2_verify(struct smb2_signer *s, const uint8_t *msg, size_t len);

#endif
