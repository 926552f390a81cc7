/*
 * Unit tests for lib/libpxe/smb2sign: the SP800-108 KDF, the 3.1.1
 * preauth hash and the signatures, against the key derivation examples
 * Microsoft published ("SMB 2 and SMB 3 security in Windows 10: the
 * anatomy of signing and cryptographic keys", Open Specifications blog):
 * a whole 3.1.1 NEGOTIATE/SESSION_SETUP exchange, each step's hash, the
 * signing key, and the signature of the final SESSION_SETUP response.
 * Also each algorithm against an independent implementation, and round
 * trips that must fail when a byte changes.
 */
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "libpxe/smb2sign.h"

#include "smb2_vectors.h"

static void
test_kdf(void)
{
	uint8_t key[16], out[16];
	size_t n;
	uint8_t *k = unhex("7cd451825d0450d235424e44ba6e78cc", &n);

	memcpy(key, k, 16);
	free(k);
	smb2_signing_key(0x0300, key, NULL, out);
	tap_ok(same_hex(out, "0b7e9c5cac36c0f6ea9ab275298cedce", 16),
	    "3.0 SigningKey from SessionKey 7CD4...");
	smb2_signing_key(0x0302, key, NULL, out);
	tap_ok(same_hex(out, "0b7e9c5cac36c0f6ea9ab275298cedce", 16),
	    "3.0.2 uses the same labels");
	smb2_kdf(key, 16, "SMB2AESCCM", 11, "ServerIn ", 10, out);
	tap_ok(same_hex(out, "fad27796665b313ebb578f388632b4f7", 16),
	    "3.0 EncryptionKey (ServerIn): the KDF with other labels");
	smb2_kdf(key, 16, "SMB2APP", 8, "SmbRpc", 7, out);
	tap_ok(same_hex(out, "bb23a4575aa26c721af525af15a87b4f", 16),
	    "3.0 ApplicationKey");
	smb2_signing_key(0x0210, key, NULL, out);
	tap_ok(memcmp(out, key, 16) == 0, "2.1 signs with the session key");
	k = unhex("4e01a2b313bcf660cc250bef021aede6", &n);
	smb2_signing_key(0x0300, k, NULL, out);
	free(k);
	tap_ok(same_hex(out, "ba1a17dbbfec349bca105563d598952f", 16),
	    "3.0 second channel SigningKey");
}

static void
test_preauth_311(void)
{
	static const struct {
		const char *pkt, *hash, *what;
	} steps[] = {
		{ negreq_hex, h1_hex, "NEGOTIATE request" },
		{ negresp_hex, h2_hex, "NEGOTIATE response" },
		{ ssreq1_hex, h3_hex, "first SESSION_SETUP request" },
		{ ssresp1_hex, h4_hex, "MORE_PROCESSING_REQUIRED response" },
		{ ssreq2_hex, h5_hex, "second SESSION_SETUP request" },
	};
	struct smb2_signer s;
	uint8_t hash[64], key[16], skey[16], *p, sig[16];
	size_t i, n;

	memset(hash, 0, sizeof(hash));
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		p = unhex(steps[i].pkt, &n);
		smb2_preauth_update(hash, p, n);
		free(p);
		tap_ok(same_hex(hash, steps[i].hash, 64),
		    "preauth hash after the %s", steps[i].what);
	}
	p = unhex("270e1ba896585eeb7af3472d3b4c75a7", &n);
	memcpy(skey, p, 16);
	free(p);
	smb2_signing_key(0x0311, skey, hash, key);
	tap_ok(same_hex(key, "73fe7a9a77bef0bde49c650d8ccb5f76", 16),
	    "3.1.1 SigningKey from the session's preauth hash");

	/* The final SESSION_SETUP response, signed with AES-CMAC. */
	p = unhex(ssresp2_hex, &n);
	smb2_signer_init(&s, smb2_default_sign_alg(0x0311), key);
	tap_ok(smb2_verify(&s, p, n), "the final response's signature "
	    "EBE146DA... verifies");
	memcpy(sig, p + 48, 16);
	memset(p + 48, 0, 16);
	p[16] &= (uint8_t)~8;
	smb2_sign(&s, p, n);
	tap_ok(memcmp(p + 48, sig, 16) == 0 && (p[16] & 8),
	    "signing it again gives the same signature and sets SIGNED");
	p[100] ^= 1;
	tap_ok(!smb2_verify(&s, p, n), "a flipped body bit fails");
	free(p);
	smb2_signer_clear(&s);
	tap_ok(!s.valid, "clear wipes the signer");
}

/*
 * Each algorithm against pyca/cryptography (an independent AES-CMAC,
 * AES-GCM and HMAC): the RFC 4493 example 4 message with its signature
 * field zeroed, and a 200-byte message under a second key.
 */
static void
test_reference(void)
{
	struct smb2_signer s;
	uint8_t *key, *msg, sig[16], key2[16], m2[200];
	size_t n, kn, i;

	key = unhex("2b7e151628aed2a6abf7158809cf4f3c", &kn);
	msg = unhex("6bc1bee22e409f96e93d7e117393172a"
	    "ae2d8a571e03ac9c9eb76fac45af8e51"
	    "30c81c46a35ce411e5fbc1191a0a52ef"
	    "f69f2445df4f9b17ad2b417be66c3710", &n);
	smb2_signer_init(&s, SMB2_SIGN_AES_CMAC, key);
	smb2_signature(&s, msg, n, sig);
	tap_ok(same_hex(sig, "973b16341f44e5da3b38b50967253a6a", 16),
	    "AES-CMAC of RFC 4493's 64-byte message, signature zeroed");
	free(key);
	free(msg);
	for (i = 0; i < sizeof(key2); i++)
		key2[i] = (uint8_t)(i * 7);
	for (i = 0; i < sizeof(m2); i++)
		m2[i] = (uint8_t)(i * 13 + 1);
	smb2_signer_init(&s, SMB2_SIGN_AES_GMAC, key2);
	smb2_signature(&s, m2, sizeof(m2), sig);
	tap_ok(same_hex(sig, "1c1c449c4b7b0d82a42f727a16979fb2", 16),
	    "AES-GMAC: GCM tag over the message, nonce MessageId || role");
	smb2_signer_init(&s, SMB2_SIGN_HMAC_SHA256, key2);
	smb2_signature(&s, m2, sizeof(m2), sig);
	tap_ok(same_hex(sig, "4c0a5a9cb1f5591a16902002c3a31d04", 16),
	    "HMAC-SHA256, truncated to 16 bytes");
}

static void
test_roundtrips(void)
{
	static const enum smb2_sign_alg algs[] = {
		SMB2_SIGN_HMAC_SHA256, SMB2_SIGN_AES_CMAC, SMB2_SIGN_AES_GMAC,
	};
	static const char *names[] = { "HMAC-SHA256", "AES-CMAC", "AES-GMAC" };
	struct smb2_signer s;
	uint8_t key[16], msg[200], copy[200];
	size_t i;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(i * 7);
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 13 + 1);
	for (i = 0; i < 3; i++) {
		smb2_signer_init(&s, algs[i], key);
		memcpy(copy, msg, sizeof(msg));
		smb2_sign(&s, copy, sizeof(copy));
		tap_ok(smb2_verify(&s, copy, sizeof(copy)),
		    "%s: a signed message verifies", names[i]);
		tap_ok(smb2_verify(&s, copy, sizeof(copy)),
		    "%s: and again (the signer resets itself)", names[i]);
		copy[150] ^= 0x80;
		tap_ok(!smb2_verify(&s, copy, sizeof(copy)),
		    "%s: a changed message does not", names[i]);
		copy[150] ^= 0x80;
		copy[24] ^= 1;	/* MessageId: GMAC's nonce, others' data */
		tap_ok(!smb2_verify(&s, copy, sizeof(copy)),
		    "%s: a changed MessageId does not", names[i]);
	}
	/* GMAC's role bit: the same bytes as request and response differ. */
	{
		uint8_t a[100], b[100], sa[16], sb[16];

		memset(a, 0, sizeof(a));
		memcpy(b, a, sizeof(b));
		b[16] = 1;	/* SERVER_TO_REDIR */
		smb2_signer_init(&s, SMB2_SIGN_AES_GMAC, key);
		smb2_signature(&s, a, sizeof(a), sa);
		a[16] = 1;
		smb2_signature(&s, b, sizeof(b), sb);
		tap_ok(memcmp(sa, sb, 16) != 0,
		    "AES-GMAC: the nonce has the response bit");
	}
}

int
main(void)
{
	test_kdf();
	test_preauth_311();
	test_reference();
	test_roundtrips();
	return tap_done();
}
