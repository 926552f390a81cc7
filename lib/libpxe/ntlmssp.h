/*
 * ntlmssp: the server side of NTLM authentication (MS-NLMP) as SMB2 uses
 * it.  Decodes NEGOTIATE and AUTHENTICATE messages, builds the CHALLENGE
 * (with TargetInfo, and echoing the flags the client needs: SIGN,
 * KEY_EXCH, 128, EXTENDED_SESSIONSECURITY, UNICODE), verifies an NTLMv2
 * response against a password with the client's own user and domain
 * strings, derives the session key (RC4-unwrapping the client's random
 * key under KEY_EXCH), checks the AUTHENTICATE MIC, and makes and checks
 * the NTLMSSP signatures SPNEGO's mechListMIC carries.  NTLMv1 and LM are
 * refused.  No I/O, no randomness: the caller passes the challenge and the
 * time in.  Crypto is nettle's (MD4, MD5, HMAC-MD5, ARCFOUR).
 */
#ifndef PXE_NTLMSSP_H
#define PXE_NTLMSSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <nettle/arcfour.h>

#define NTLMSSP_NEGOTIATE_UNICODE		0x00000001u
#define NTLMSSP_NEGOTIATE_OEM			0x00000002u
#define NTLMSSP_REQUEST_TARGET			0x00000004u
#define NTLMSSP_NEGOTIATE_SIGN			0x00000010u
#define NTLMSSP_NEGOTIATE_SEAL			0x00000020u
#define NTLMSSP_NEGOTIATE_LM_KEY		0x00000080u
#define NTLMSSP_NEGOTIATE_NTLM			0x00000200u
#define NTLMSSP_ANONYMOUS			0x00000800u
#define NTLMSSP_NEGOTIATE_ALWAYS_SIGN		0x00008000u
#define NTLMSSP_TARGET_TYPE_DOMAIN		0x00010000u
#define NTLMSSP_TARGET_TYPE_SERVER		0x00020000u
#define NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY 0x00080000u
#define NTLMSSP_NEGOTIATE_TARGET_INFO		0x00800000u
#define NTLMSSP_NEGOTIATE_VERSION		0x02000000u
#define NTLMSSP_NEGOTIATE_128			0x20000000u
#define NTLMSSP_NEGOTIATE_KEY_EXCH		0x40000000u
#define NTLMSSP_NEGOTIATE_56			0x80000000u

enum {
	NTLMSSP_NEGOTIATE = 1,
	NTLMSSP_CHALLENGE = 2,
	NTLMSSP_AUTHENTICATE = 3,
};

/* AV pair ids in TargetInfo. */
enum {
	NTLM_AV_EOL = 0,
	NTLM_AV_NB_COMPUTER = 1,
	NTLM_AV_NB_DOMAIN = 2,
	NTLM_AV_DNS_COMPUTER = 3,
	NTLM_AV_DNS_DOMAIN = 4,
	NTLM_AV_FLAGS = 6,
	NTLM_AV_TIMESTAMP = 7,
};
#define NTLM_AVFLAG_MIC		0x00000002u

/* The message type of an NTLMSSP token, or -EBADMSG. */
int ntlmssp_msg_type(const uint8_t *p, size_t len);

/* The flags of a NEGOTIATE message; 0 or -EBADMSG. */
int ntlmssp_parse_negotiate(const uint8_t *p, size_t len, uint32_t *flags);

/* What the server puts in its CHALLENGE. */
struct ntlmssp_challenge {
	uint32_t client_flags;		/* from the NEGOTIATE */
	uint8_t challenge[8];
	uint64_t timestamp;		/* FILETIME, for MsvAvTimestamp */
	const char *nb_domain;		/* ASCII/UTF-8: "WORKGROUP" */
	const char *nb_computer;	/* "PXEKIT" */
	const char *dns_domain;		/* "" is allowed */
	const char *dns_computer;
};

/* The flags the server answers client_flags with. */
uint32_t ntlmssp_server_flags(uint32_t client_flags);

/* Build the CHALLENGE message; its length, or -ENOSPC / -EINVAL. */
ssize_t ntlmssp_build_challenge(uint8_t *out, size_t cap,
    const struct ntlmssp_challenge *c);

/* A decoded AUTHENTICATE message; pointers into the message. */
struct ntlmssp_auth {
	uint32_t flags;
	const uint8_t *lm;
	size_t lm_len;
	const uint8_t *nt;
	size_t nt_len;
	const uint8_t *domain;		/* UTF-16LE (or OEM without UNICODE) */
	size_t domain_len;
	const uint8_t *user;
	size_t user_len;
	const uint8_t *workstation;
	size_t workstation_len;
	const uint8_t *enc_key;		/* EncryptedRandomSessionKey */
	size_t enc_key_len;
	size_t mic_off;			/* offset of the MIC, or 0: none */
	bool anonymous;			/* empty user and empty NT response */
	bool v2;			/* an NTLMv2 response (nt_len > 24) */
	bool mic_flagged;		/* the v2 blob's MsvAvFlags says MIC */
	bool blob_bad;			/* the v2 blob is malformed (its AV
					 * pairs overrun or lack an EOL) */
};

/* Decode an AUTHENTICATE message; 0 or -EBADMSG. */
int ntlmssp_parse_authenticate(const uint8_t *p, size_t len,
    struct ntlmssp_auth *a);

/* MD4 of the UTF-16LE password (n bytes of UTF-8); 0 or -EILSEQ. */
int ntlm_nt_hash(const char *password, size_t n, uint8_t out[16]);

/*
 * NTOWFv2 = HMAC-MD5(nt hash, UPPER(user) || domain), user and domain in
 * UTF-16LE as the client sent them, of any length.  0.
 */
int ntlm_ntowfv2(const uint8_t nthash[16], const uint8_t *user,
    size_t ulen, const uint8_t *domain, size_t dlen, uint8_t out[16]);

/*
 * Check an NTLMv2 response (NTProofStr || blob) against ntowfv2 and the
 * server challenge; on success fill the session base key.  0 or -EACCES.
 */
int ntlmv2_check(const uint8_t ntowfv2[16], const uint8_t challenge[8],
    const uint8_t *nt, size_t nt_len, uint8_t base_key[16]);

/*
 * Everything after a successful check: the exported session key (the base
 * key, or RC4(base key, encrypted key) under KEY_EXCH).  0 or -EBADMSG
 * (KEY_EXCH without a 16-byte encrypted key).
 */
int ntlm_exported_key(const struct ntlmssp_auth *a, const uint8_t base[16],
    uint8_t out[16]);

/*
 * The AUTHENTICATE MIC: HMAC-MD5(exported key, NEGOTIATE || CHALLENGE ||
 * AUTHENTICATE with the MIC zeroed).  True when it matches.
 */
bool ntlm_check_mic(const uint8_t exported[16], const uint8_t *neg,
    size_t neglen, const uint8_t *chal, size_t challen, const uint8_t *auth,
    size_t authlen, size_t mic_off);

/* One direction of NTLMSSP session security (for mechListMIC). */
struct ntlm_sec {
	uint8_t sign_key[16];
	struct arcfour_ctx seal;	/* the sealing key's RC4 stream */
	uint32_t seq;
};

/*
 * Set up the client-to-server (server == false) or server-to-client
 * direction from the exported key and the negotiated flags.
 */
void ntlm_sec_init(struct ntlm_sec *s, const uint8_t exported[16],
    uint32_t flags, bool server);

/* GSS_GetMIC: the 16-byte NTLMSSP signature of msg; advances seq. */
void ntlm_sec_sign(struct ntlm_sec *s, uint32_t flags, const uint8_t *msg,
    size_t len, uint8_t sig[16]);

#endif
