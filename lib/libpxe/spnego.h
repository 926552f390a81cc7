/*
 * spnego: the SPNEGO (RFC 4178, MS-SPNG) wrapping SMB2 puts around NTLMSSP
 * in SESSION_SETUP.  Decodes the client's NegTokenInit (inside the GSS-API
 * InitialContextToken) or NegTokenResp, or recognises a raw NTLMSSP token;
 * encodes the server's NegTokenInit hint for NEGOTIATE and its
 * NegTokenResp answers.  Only what NTLMSSP needs: the mechanism list (kept
 * as its DER bytes, which the mechListMIC covers), the mechanism token and
 * the mechListMIC.  DER through a bounded reader: every length is checked
 * against its enclosing element.
 */
#ifndef PXE_SPNEGO_H
#define PXE_SPNEGO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum spnego_kind {
	SPNEGO_RAW_NTLMSSP,	/* no SPNEGO: the blob is the NTLMSSP token */
	SPNEGO_INIT,		/* NegTokenInit */
	SPNEGO_RESP,		/* NegTokenResp */
};

/* negState values. */
enum {
	SPNEGO_ACCEPT_COMPLETED = 0,
	SPNEGO_ACCEPT_INCOMPLETE = 1,
	SPNEGO_REJECT = 2,
	SPNEGO_REQUEST_MIC = 3,
};

struct spnego_token {
	enum spnego_kind kind;
	const uint8_t *mech_types;	/* DER of MechTypeList (INIT), or NULL */
	size_t mech_types_len;
	bool ntlm_offered;		/* NTLMSSP is in the list (RESP: it is
					 * the mechanism unless supportedMech
					 * names another) */
	bool ntlm_first;		/* ... and first (optimistic token is it) */
	int neg_state;			/* RESP: negState, or -1 */
	const uint8_t *token;		/* mechToken / responseToken, or NULL */
	size_t token_len;
	const uint8_t *mic;		/* mechListMIC, or NULL */
	size_t mic_len;
};

/*
 * Decode a SESSION_SETUP security blob.  Pointers in t point into blob.
 * 0, or -EBADMSG for anything malformed, and for an empty blob (NULL or
 * len 0).
 */
int spnego_parse(const uint8_t *blob, size_t len, struct spnego_token *t);

/*
 * The NEGOTIATE response's security blob: an InitialContextToken with a
 * NegTokenInit listing NTLMSSP.  Length written, or -ENOSPC.
 */
ssize_t spnego_build_hints(uint8_t *out, size_t cap);

/*
 * A NegTokenResp with negState state; supportedMech NTLMSSP when
 * with_mech; responseToken and mechListMIC when not NULL.  Length written,
 * or -ENOSPC.
 */
ssize_t spnego_build_resp(uint8_t *out, size_t cap, int state, bool with_mech,
    const uint8_t *token, size_t tlen, const uint8_t *mic, size_t miclen);

#endif
