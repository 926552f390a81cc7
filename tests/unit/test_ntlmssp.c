/*
 * Unit tests for lib/libpxe/ntlmssp and lib/libpxe/spnego: MS-NLMP 4.2.4's
 * NTLMv2 example (NT hash, NTOWFv2, NTProofStr, session base key, the
 * KEY_EXCH-wrapped session key, signing and sealing keys), NTLMSSP
 * signatures against impacket's, the CHALLENGE we build, and the SPNEGO
 * and NTLMSSP tokens of Microsoft's published 3.1.1 exchange.
 */
#include <errno.h>

#include "../tap.h"
#include "smb2_vectors.h"
#include "libpxe/ntlmssp.h"
#include "libpxe/spnego.h"
#include "libpxe/utf16.h"

/* "User", "Domain" and "Server" in UTF-16LE. */
static const uint8_t user16[] = { 'U', 0, 's', 0, 'e', 0, 'r', 0 };
static const uint8_t domain16[] = {
	'D', 0, 'o', 0, 'm', 0, 'a', 0, 'i', 0, 'n', 0,
};

/* MS-NLMP 4.2.4.2.2: NTProofStr || temp, with its AV pairs. */
static const char nlmp_response[] =
    "68cd0ab851e51c96aabc927bebef6a1c"
    "01010000000000000000000000000000aaaaaaaaaaaaaaaa00000000"
    "02000c0044006f006d00610069006e00"
    "01000c0053006500720076006500720000000000"
    "00000000";

static void
test_nlmp_v2(void)
{
	uint8_t nt[16], owf[16], base[16], key[16], chal[8], *resp;
	struct ntlmssp_auth a;
	struct ntlm_sec sec;
	size_t n, i;

	for (i = 0; i < 8; i++)
		chal[i] = (uint8_t)(0x01 + 0x22 * i);	/* 0123456789abcdef */
	tap_ok(ntlm_nt_hash("Password", 8, nt) == 0 &&
	    same_hex(nt, "a4f49c406510bdcab6824ee7c30fd852", 16),
	    "NT hash of \"Password\"");
	ntlm_ntowfv2(nt, user16, sizeof(user16), domain16, sizeof(domain16),
	    owf);
	tap_ok(same_hex(owf, "0c868a403bfd7a93a3001ef22ef02e3f", 16),
	    "NTOWFv2(User, Domain)");
	{
		uint8_t lower[] = { 'u', 0, 's', 0, 'E', 0, 'R', 0 }, o2[16];

		ntlm_ntowfv2(nt, lower, sizeof(lower), domain16,
		    sizeof(domain16), o2);
		tap_ok(memcmp(o2, owf, 16) == 0,
		    "the user name is upper-cased, so its case does not matter");
	}
	resp = unhex(nlmp_response, &n);
	tap_is(ntlmv2_check(owf, chal, resp, n, base), 0,
	    "the NTLMv2 response checks");
	tap_ok(same_hex(base, "8de40ccadbc14a82f15cb0ad0de95ca3", 16),
	    "session base key");
	resp[20] ^= 1;
	tap_is(ntlmv2_check(owf, chal, resp, n, base), -EACCES,
	    "a changed blob does not check");
	resp[20] ^= 1;
	chal[0] ^= 1;
	tap_is(ntlmv2_check(owf, chal, resp, n, base), -EACCES,
	    "nor does another challenge");
	chal[0] ^= 1;
	tap_is(ntlmv2_check(owf, chal, resp, 24, base), -EACCES,
	    "a 24-byte (NTLMv1) response is refused");
	free(resp);

	/* 4.2.4.2.3: EncryptedRandomSessionKey under KEY_EXCH. */
	ntlmv2_check(owf, chal, (resp = unhex(nlmp_response, &n)), n, base);
	free(resp);
	memset(&a, 0, sizeof(a));
	a.flags = NTLMSSP_NEGOTIATE_KEY_EXCH;
	a.enc_key = unhex("c5dad2544fc9799094ce1ce90bc9d03e", &n);
	a.enc_key_len = n;
	tap_is(ntlm_exported_key(&a, base, key), 0, "KEY_EXCH unwraps");
	for (i = 0; i < 16 && key[i] == 0x55; i++)
		;
	tap_is(i, 16, "the random session key is 55 55 ... 55");
	free((void *)a.enc_key);
	a.enc_key_len = 0;
	tap_is(ntlm_exported_key(&a, base, key), -EBADMSG,
	    "KEY_EXCH without a key is malformed");
	a.flags = 0;
	tap_ok(ntlm_exported_key(&a, base, key) == 0 &&
	    memcmp(key, base, 16) == 0, "without KEY_EXCH the key is the base");

	memset(key, 0x55, 16);
	ntlm_sec_init(&sec, key, NTLMSSP_NEGOTIATE_128 |
	    NTLMSSP_NEGOTIATE_KEY_EXCH, false);
	tap_ok(same_hex(sec.sign_key, "4788dc861b4782f35d43fd98fe1a2d39", 16),
	    "client signing key (4.2.4.2.3)");
}

/* GSS_GetMIC over the DER mechanism list, as impacket computes it. */
static void
test_signatures(void)
{
	static const uint8_t msg[] = {
		0x30, 0x0c, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82,
		0x37, 0x02, 0x02, 0x0a,
	};
	uint32_t flags = 0x60080211;	/* KEY_EXCH 128 ESS NTLM SIGN UNICODE */
	struct ntlm_sec sec;
	uint8_t key[16], sig[16];

	memset(key, 0x55, sizeof(key));
	ntlm_sec_init(&sec, key, flags, false);
	ntlm_sec_sign(&sec, flags, msg, sizeof(msg), sig);
	tap_ok(same_hex(sig, "0100000022a3984fefbb9c3200000000", 16),
	    "client-to-server signature, sealed checksum");
	tap_is(sec.seq, 1, "the sequence number moves on");
	ntlm_sec_init(&sec, key, flags, true);
	tap_ok(same_hex(sec.sign_key, "d04d6f10741041d1d246d64188d7a8ad", 16),
	    "server signing key");
	ntlm_sec_sign(&sec, flags, msg, sizeof(msg), sig);
	tap_ok(same_hex(sig, "010000007dd6da05648a73ae00000000", 16),
	    "server-to-client signature");
	flags &= ~NTLMSSP_NEGOTIATE_KEY_EXCH;
	ntlm_sec_init(&sec, key, flags, true);
	ntlm_sec_sign(&sec, flags, msg, sizeof(msg), sig);
	tap_ok(same_hex(sig, "010000003bdec7b235306e4700000000", 16),
	    "without KEY_EXCH the checksum is not sealed");
}

static void
test_challenge(void)
{
	struct ntlmssp_challenge c;
	uint8_t out[512];
	char name[64];
	ssize_t n;
	uint32_t flags, off, tlen;

	memset(&c, 0, sizeof(c));
	c.client_flags = 0xe2088297;	/* the blog client's NEGOTIATE */
	memcpy(c.challenge, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	c.timestamp = 0x01d0aecbadf5a1a1ull;
	c.nb_domain = "WORKGROUP";
	c.nb_computer = "PXEKIT";
	c.dns_domain = "";
	c.dns_computer = "pxekit";
	n = ntlmssp_build_challenge(out, sizeof(out), &c);
	tap_ok(n > 56, "CHALLENGE built (%zd bytes)", n);
	tap_is(ntlmssp_msg_type(out, (size_t)n), NTLMSSP_CHALLENGE,
	    "its type is 2");
	flags = (uint32_t)out[20] | (uint32_t)out[21] << 8 |
	    (uint32_t)out[22] << 16 | (uint32_t)out[23] << 24;
	tap_ok((flags & (NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_KEY_EXCH |
	    NTLMSSP_NEGOTIATE_128 | NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY |
	    NTLMSSP_NEGOTIATE_UNICODE | NTLMSSP_NEGOTIATE_TARGET_INFO)) ==
	    (NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_KEY_EXCH |
	    NTLMSSP_NEGOTIATE_128 | NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY |
	    NTLMSSP_NEGOTIATE_UNICODE | NTLMSSP_NEGOTIATE_TARGET_INFO),
	    "SIGN, KEY_EXCH, 128, ESS, UNICODE and TARGET_INFO echoed (%08x)",
	    flags);
	tap_ok(!(ntlmssp_server_flags(0) & NTLMSSP_NEGOTIATE_SIGN),
	    "SIGN only when the client asks");
	tap_mem(out + 24, c.challenge, 8, "the server challenge at 24");
	tlen = (uint32_t)out[12] | (uint32_t)out[13] << 8;
	off = (uint32_t)out[16] | (uint32_t)out[17] << 8;
	tap_ok(off + tlen <= (size_t)n && pxe_utf16_to_utf8(out + off, tlen,
	    name, sizeof(name)) == 6 && strcmp(name, "PXEKIT") == 0,
	    "TargetName is the NetBIOS name");
	tlen = (uint32_t)out[40] | (uint32_t)out[41] << 8;
	off = (uint32_t)out[44] | (uint32_t)out[45] << 8;
	tap_ok(off + tlen == (size_t)n, "TargetInfo ends the message");
	/* NbDomainName first, then ..., Timestamp, EOL last. */
	tap_ok(out[off] == NTLM_AV_NB_DOMAIN && out[n - 4] == NTLM_AV_EOL &&
	    out[n - 16] == NTLM_AV_TIMESTAMP, "AV pairs: domain first, "
	    "timestamp, EOL");
	tap_is(ntlmssp_build_challenge(out, 60, &c), -ENOSPC,
	    "a short buffer is reported");
}

static void
test_blog_tokens(void)
{
	struct spnego_token t;
	struct ntlmssp_auth a;
	uint8_t *p;
	char s[64];
	size_t n;
	uint32_t flags;

	/* No blob at all (fuzz_smb2 passes NULL, 0): UBSan flagged the
	 * cursor's NULL + 0 before the length check. */
	tap_is(spnego_parse(NULL, 0, &t), -EBADMSG, "an empty blob is no "
	    "token");
	tap_is(spnego_parse((const uint8_t *)"", 0, &t), -EBADMSG,
	    "  nor a zero-length one");
	/* First SESSION_SETUP: NegTokenInit, mechTypes {NTLMSSP}. */
	p = unhex(ssreq1_hex, &n);
	tap_is(spnego_parse(p + 88, 74, &t), 0, "NegTokenInit parses");
	tap_ok(t.kind == SPNEGO_INIT && t.ntlm_offered && t.ntlm_first,
	    "NTLMSSP offered first");
	tap_ok(t.mech_types_len == 14 && t.mech_types[0] == 0x30,
	    "the MechTypeList DER is kept for the mechListMIC");
	tap_ok(t.token_len == 40 && ntlmssp_msg_type(t.token, t.token_len) ==
	    NTLMSSP_NEGOTIATE, "the optimistic token is an NTLM NEGOTIATE");
	tap_ok(ntlmssp_parse_negotiate(t.token, t.token_len, &flags) == 0 &&
	    flags == 0xe2088297, "its flags");
	free(p);

	/* Its answer: NegTokenResp with the CHALLENGE. */
	p = unhex(ssresp1_hex, &n);
	tap_is(spnego_parse(p + 72, n - 72, &t), 0, "NegTokenResp parses");
	tap_ok(t.kind == SPNEGO_RESP && t.neg_state == 1 &&
	    ntlmssp_msg_type(t.token, t.token_len) == NTLMSSP_CHALLENGE,
	    "accept-incomplete with the CHALLENGE");
	free(p);

	/* Second: NegTokenResp around the AUTHENTICATE. */
	p = unhex(ssreq2_hex, &n);
	tap_is(spnego_parse(p + 88, n - 88, &t), 0, "the AUTHENTICATE's "
	    "NegTokenResp parses");
	tap_is(ntlmssp_parse_authenticate(t.token, t.token_len, &a), 0,
	    "AUTHENTICATE parses");
	tap_ok(pxe_utf16_to_utf8(a.user, a.user_len, s, sizeof(s)) > 0 &&
	    strcmp(s, "administrator") == 0, "user '%s'", s);
	tap_ok(pxe_utf16_to_utf8(a.domain, a.domain_len, s, sizeof(s)) > 0 &&
	    strcmp(s, "SUT311") == 0, "domain '%s'", s);
	tap_ok(a.v2 && a.nt_len == 0xee && a.enc_key_len == 16 &&
	    a.mic_off == 72 && a.mic_flagged && !a.anonymous,
	    "NTLMv2, a wrapped key, a MIC flagged in MsvAvFlags");
	tap_is(a.flags, 0xe2888215, "flags");
	free(p);

	/* The final response: accept-completed, a mechListMIC. */
	p = unhex(ssresp2_hex, &n);
	tap_is(spnego_parse(p + 72, n - 72, &t), 0, "accept-completed parses");
	tap_ok(t.neg_state == 0 && t.mic_len == 16 && t.token == NULL,
	    "with a 16-byte mechListMIC and no token");
	free(p);
}

static void
test_spnego_build(void)
{
	static const uint8_t hints[] = {
		0x60, 0x1c, 0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02,
		0xa0, 0x12, 0x30, 0x10, 0xa0, 0x0e, 0x30, 0x0c, 0x06, 0x0a,
		0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a,
	};
	uint8_t out[600], tok[300], mic[16];
	struct spnego_token t;
	ssize_t n;

	n = spnego_build_hints(out, sizeof(out));
	tap_ok(n == (ssize_t)sizeof(hints) && memcmp(out, hints, n) == 0,
	    "NEGOTIATE hints: NegTokenInit listing NTLMSSP");
	tap_ok(spnego_parse(out, (size_t)n, &t) == 0 && t.ntlm_first &&
	    t.token == NULL, "and it parses back");
	memset(tok, 'T', sizeof(tok));
	memcpy(tok, "NTLMSSP", 8);
	memset(mic, 'M', sizeof(mic));
	n = spnego_build_resp(out, sizeof(out), SPNEGO_ACCEPT_INCOMPLETE,
	    true, tok, sizeof(tok), NULL, 0);
	tap_ok(n > 0 && spnego_parse(out, (size_t)n, &t) == 0 &&
	    t.neg_state == 1 && t.token_len == sizeof(tok) &&
	    memcmp(t.token, tok, sizeof(tok)) == 0 && t.mic == NULL,
	    "a 300-byte token (two-byte DER lengths) round-trips");
	n = spnego_build_resp(out, sizeof(out), SPNEGO_ACCEPT_COMPLETED,
	    false, NULL, 0, mic, 16);
	tap_ok(n > 0 && spnego_parse(out, (size_t)n, &t) == 0 &&
	    t.neg_state == 0 && t.mic_len == 16 && t.token == NULL,
	    "accept-completed with a mechListMIC round-trips");
	tap_ok(spnego_build_resp(out, 20, 0, true, tok, sizeof(tok), NULL,
	    0) == -ENOSPC, "too small a buffer is reported");
	/* Raw NTLMSSP, and garbage. */
	tap_ok(spnego_parse(tok, sizeof(tok), &t) == 0 &&
	    t.kind == SPNEGO_RAW_NTLMSSP && t.token == tok, "raw NTLMSSP");
	tap_is(spnego_parse((const uint8_t *)"\x60\x84\xff\xff\xff\xff", 6,
	    &t), -EBADMSG, "an absurd DER length");
	tap_is(spnego_parse((const uint8_t *)"\x60\x80\x00\x00", 4, &t),
	    -EBADMSG, "indefinite length");
	tap_is(spnego_parse((const uint8_t *)"\x60\x05\x06\x06\x2b\x06\x01",
	    7, &t), -EBADMSG, "an OID running past its parent");
	tap_is(spnego_parse(NULL, 0, &t), -EBADMSG, "nothing");
}

static void
test_authenticate_bounds(void)
{
	uint8_t m[96];
	struct ntlmssp_auth a;

	memset(m, 0, sizeof(m));
	memcpy(m, "NTLMSSP", 8);
	m[8] = 3;
	tap_is(ntlmssp_parse_authenticate(m, 63, &a), -EBADMSG,
	    "shorter than the fixed part");
	tap_ok(ntlmssp_parse_authenticate(m, 64, &a) == 0 && a.anonymous &&
	    a.mic_off == 0, "all fields empty: anonymous, no MIC");
	m[20] = 8;		/* NT response: 8 bytes at offset 90 */
	m[24] = 90;
	tap_is(ntlmssp_parse_authenticate(m, sizeof(m), &a), -EBADMSG,
	    "a field running past the end");
	m[24] = 88;
	tap_ok(ntlmssp_parse_authenticate(m, sizeof(m), &a) == 0 &&
	    a.nt_len == 8 && !a.v2 && a.mic_off == 72,
	    "payload after 88: a MIC slot; 8 bytes is not NTLMv2");
	m[8] = 1;
	tap_is(ntlmssp_parse_authenticate(m, sizeof(m), &a), -EBADMSG,
	    "a NEGOTIATE is not an AUTHENTICATE");
}

static void
test_mic(void)
{
	uint8_t key[16], neg[40], chal[60], auth[120];

	memset(key, 7, sizeof(key));
	memset(neg, 1, sizeof(neg));
	memset(chal, 2, sizeof(chal));
	memset(auth, 3, sizeof(auth));
	tap_ok(!ntlm_check_mic(key, neg, 40, chal, 60, auth, 120, 72),
	    "a wrong MIC fails");
	tap_ok(!ntlm_check_mic(key, neg, 40, chal, 60, auth, 80, 72),
	    "a MIC slot past the end fails");
	tap_ok(!ntlm_check_mic(key, neg, 40, chal, 60, auth, 120, 0),
	    "no MIC slot fails");
}

static void
test_utf16(void)
{
	static const uint8_t pile[] = { 0x3c, 0xd8, 0xa9, 0xdf };	/* U+1F4A9 */
	uint8_t u[16];
	char s[16];
	ssize_t n;

	tap_is(pxe_utf16_to_utf8(pile, 4, s, sizeof(s)), 4,
	    "a surrogate pair is one 4-byte UTF-8 character");
	tap_is(pxe_utf8_to_utf16(s, 4, u, sizeof(u)), 4, "and back");
	tap_mem(u, pile, 4, "the same pair");
	tap_is(pxe_utf16_to_utf8(pile, 2, s, sizeof(s)), -EILSEQ,
	    "an unpaired high surrogate is refused");
	tap_is(pxe_utf16_to_utf8(pile + 2, 2, s, sizeof(s)), -EILSEQ,
	    "an unpaired low surrogate is refused");
	tap_is(pxe_utf16_to_utf8((const uint8_t *)"a\0\0\0", 4, s, sizeof(s)),
	    -EILSEQ, "an embedded NUL is refused");
	tap_is(pxe_utf16_to_utf8((const uint8_t *)"a", 1, s, sizeof(s)),
	    -EILSEQ, "an odd length is refused");
	tap_is(pxe_utf8_to_utf16("\xc0\xaf", 2, u, sizeof(u)), -EILSEQ,
	    "an overlong UTF-8 '/' is refused");
	tap_is(pxe_utf8_to_utf16("\xed\xa0\x80", 3, u, sizeof(u)), -EILSEQ,
	    "UTF-8 for a surrogate is refused");
	n = pxe_utf8_to_utf16("abc", 3, u, 4);
	tap_is(n, -ENAMETOOLONG, "too small a buffer");
	tap_ok(pxe_utf8_caseeq("Caf\xc3\xa9", 5, "CAF\xc3\x89", 5),
	    "caf\xc3\xa9 equals CAF\xc3\x89 ignoring case");
	tap_ok(pxe_utf8_caseeq("\xd0\xb4", 2, "\xd0\x94", 2),
	    "Cyrillic de in both cases");
	tap_ok(!pxe_utf8_caseeq("ab", 2, "abc", 3), "a prefix is not equal");
	tap_ok(!pxe_utf8_caseeq("\xff", 1, "\xfe", 1),
	    "different invalid bytes differ");
	tap_is(pxe_utf8_fold("Caf\xc3\xa9.txt", s, sizeof(s)), 9,
	    "fold: caf\xc3\xa9.txt is 9 bytes folded");
	tap_str(s, "CAF\xc3\x89.TXT", "fold: upper-cased, beyond ASCII too");
	pxe_utf8_fold("\xd0\xb4\xff", s, sizeof(s));
	tap_str(s, "\xd0\x94\xff", "fold: Cyrillic, and a stray byte kept");
	tap_is(pxe_utf8_fold("abc", s, 3), -ENAMETOOLONG, "fold: no room");
	memcpy(u, "s\0t\0\xe9\0", 6);
	pxe_utf16_upper(u, 6);
	tap_ok(memcmp(u, "S\0T\0\xc9\0", 6) == 0, "UTF-16 upper-casing");
}

int
main(void)
{
	test_nlmp_v2();
	test_signatures();
	test_challenge();
	test_blog_tokens();
	test_spnego_build();
	test_authenticate_bounds();
	test_mic();
	test_utf16();
	return tap_done();
}
