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

/* The blog's packets (hex), verified here by the hash chain itself. */
static const char negreq_hex[] =
    "fe534d4240000100000000000000800000000000000000000100000000000000"
    "fffe000000000000000000000000000000000000000000000000000000000000"
    "24000500000000003f000000ecd86f326276024f9f7752b89bb33f3a70000000"
    "020000000202100200030203110300000100260000000000010020000100fa49"
    "e6578f1f3a9f4cd3e9cc14a67aa884b3d05844e0e5a118225c15887f32ff0000"
    "0200060000000000020002000100";
static const char h1_hex[] =
    "dd94efc5321bb618a2e208ba8920d2f422992526947a409b5037de1e0fe8c736"
    "2b8c47122594cde0ce26aa9dfc8bcdbde0621957672623351a7540f1e54a0426";
static const char negresp_hex[] =
    "fe534d4240000100000000000000010001000000000000000100000000000000"
    "fffe000000000000000000000000000000000000000000000000000000000000"
    "410001001103020039cbcaf329714942bdce5d60f09ab3fb2f00000000008000"
    "0000800000008000d8dae5adcbaed00109094ab095aed00180004001c0010000"
    "6082013c06062b0601050502a08201303082012ca01a3018060a2b0601040182"
    "3702021e060a2b06010401823702020aa282010c048201084e45474f45585453"
    "010000000000000060000000700000007c7cc0fd06d6362d02dde1cf343bfe29"
    "2900f49750b4aa97934d9c4296b26e51fd370471b235e15a50dae15bd5489c87"
    "0000000000000000600000000100000000000000000000005c33530deaf90d4d"
    "b2ec4ae3786ec3084e45474f4558545303000000010000004000000098000000"
    "7c7cc0fd06d6362d02dde1cf343bfe295c33530deaf90d4db2ec4ae3786ec308"
    "40000000580000003056a05430523027802530233121301f0603550403131854"
    "6f6b656e205369676e696e67205075626c6963204b6579302780253023312130"
    "1f06035504031318546f6b656e205369676e696e67205075626c6963204b6579"
    "010026000000000001002000010060a3c3b95c3c7ccd51ec536648d9b3ac74c4"
    "83ca5b65385a251117beb30712e50000020004000000000001000200";
static const char h2_hex[] =
    "324bfa92a4f3a190e466ebea08d9c110dc88bfed758d9846ecc6f541cc1d02ae"
    "3c94a79f36011e997e13f841b91b50957ad07b19c8e2539c0b23fdae09d2c513";
static const char ssreq1_hex[] =
    "fe534d4240000100000000000100800000000000000000000200000000000000"
    "fffe000000000000000000000000000000000000000000000000000000000000"
    "19000001010000000000000058004a000000000000000000604806062b060105"
    "0502a03e303ca00e300c060a2b06010401823702020aa22a04284e544c4d5353"
    "500001000000978208e200000000000000000000000000000000060380250000"
    "000f";
static const char h3_hex[] =
    "ac0b0f2b9986257700365e416d142a6edc96df03594a19e52a15f6bd0d041cd5"
    "d432f8ed42c55e33197a50c9ec00f1462b50c592211b1471a04b56088fdfd5f9";
static const char ssresp1_hex[] =
    "fe534d4240000100160000c00100010001000000000000000200000000000000"
    "fffe000000000000190000000010000000000000000000000000000000000000"
    "090000004800b300a181b03081ada0030a0101a10c060a2b0601040182370202"
    "0aa281970481944e544c4d53535000020000000c000c003800000015828ae20d"
    "1d8ba31179d008000000000000000050005000440000000a0092270000000f53"
    "005500540033003100310002000c0053005500540033003100310001000c0053"
    "005500540033003100310004000c0053005500540033003100310003000c0053"
    "005500540033003100310007000800a1a1f5adcbaed00100000000";
static const char h4_hex[] =
    "2729e3440dfddd839e37193f6e8f20c20cefb3469e453a70cd980eec06b88357"
    "40a73760085633364c8989895ece81bf102deeb14d4b7d48afa76901a7a38387";
static const char ssreq2_hex[] =
    "fe534d4240000100000000000100800000000000000000000300000000000000"
    "fffe000000000000190000000010000000000000000000000000000000000000"
    "1900000101000000000000005800cf010000000000000000a18201cb308201c7"
    "a0030a0101a28201aa048201a64e544c4d535350000300000018001800900000"
    "00ee00ee00a80000000c000c00580000001a001a0064000000120012007e0000"
    "001000100096010000158288e2060380250000000fecac77a5f385a8bf9c38c7"
    "06eeeddcd3530055005400330031003100610064006d0069006e006900730074"
    "007200610074006f007200440052004900560045005200330031003100000000"
    "00000000000000000000000000000000000000000063078eb639fe03e20a231c"
    "3ae3bf23080101000000000000a1a1f5adcbaed001bc4ad05f223cc90f000000"
    "0002000c0053005500540033003100310001000c005300550054003300310031"
    "0004000c0053005500540033003100310003000c005300550054003300310031"
    "0007000800a1a1f5adcbaed00106000400020000000800300030000000000000"
    "000000000000300000b61fefcaa857ea57bf1edcebf8974b8e0eba5a6dfd9d07"
    "a31d11b548f8c9d0cc0a00100000000000000000000000000000000000090016"
    "0063006900660073002f00530055005400330031003100000000000000000000"
    "0000003b9bdff38f5ee8f9663f11a0f4c03a78a31204100100000063775a9a5f"
    "d97f0600000000";
static const char h5_hex[] =
    "0dd13628cc3ed218ef9df9772d436d0887ab9814bfae63a80aa845f36909db79"
    "28622dddad522d9751640a459762c5a9d6bb084cbb3ce6bdadef5d5bce3c6c01";
static const char ssresp2_hex[] =
    "fe534d4240000100000000000100800009000000000000000300000000000000"
    "fffe0000000000001900000000100000ebe146da120ba25fc3376a49dfe31bc1"
    "0900000048001d00a11b3019a0030a0100a3120410010000003b453cdc352416"
    "4200000000";

/* Decode hex into a new buffer; *n gets its length. */
static uint8_t *
unhex(const char *s, size_t *n)
{
	size_t len = strlen(s) / 2, i;
	uint8_t *p = malloc(len ? len : 1);
	unsigned v;

	for (i = 0; p && i < len; i++) {
		sscanf(s + 2 * i, "%2x", &v);
		p[i] = (uint8_t)v;
	}
	*n = len;
	return p;
}

static int
same_hex(const uint8_t *got, const char *want, size_t n)
{
	size_t wn;
	uint8_t *w = unhex(want, &wn);
	int ok = wn == n && memcmp(got, w, n) == 0;

	free(w);
	return ok;
}

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
