/*
 * dhcp: DHCPv4 and BOOTP wire code with no I/O (RFC 951, 1542, 2131, 2132,
 * 3396, 4578).  dhcp_parse() decodes a packet into struct dhcp_msg: the
 * fixed header in host byte order (addresses stay in network order, as in
 * struct in_addr) and a view of every option, with long options (the same
 * code more than once, RFC 3396) joined and option overload (52) followed
 * into the file and sname fields.  struct dhcp_reply collects a reply's
 * header and options and dhcp_reply_build() lays them out within the
 * client's maximum message size, overflowing into file and sname when
 * they are free.  The option table (code, name, format) is the one
 * pxe-dhcpd, pxe-sniff and mkpxemenu share: it drives parsing values from
 * text and printing them.
 */
#ifndef PXE_DHCP_H
#define PXE_DHCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define DHCP_SERVER_PORT	67
#define DHCP_CLIENT_PORT	68
#define DHCP_PXE_PORT		4011	/* PXE boot server / proxyDHCP */

/* Offsets in the fixed BOOTP header. */
#define DHCP_OFF_OP		0
#define DHCP_OFF_HTYPE		1
#define DHCP_OFF_HLEN		2
#define DHCP_OFF_HOPS		3
#define DHCP_OFF_XID		4
#define DHCP_OFF_SECS		8
#define DHCP_OFF_FLAGS		10
#define DHCP_OFF_CIADDR		12
#define DHCP_OFF_YIADDR		16
#define DHCP_OFF_SIADDR		20
#define DHCP_OFF_GIADDR		24
#define DHCP_OFF_CHADDR		28
#define DHCP_OFF_SNAME		44
#define DHCP_OFF_FILE		108
#define DHCP_OFF_COOKIE		236
#define DHCP_OFF_OPTIONS	240
#define DHCP_FIXED_LEN		236	/* header without the cookie */
#define DHCP_SNAME_LEN		64
#define DHCP_FILE_LEN		128
#define DHCP_CHADDR_LEN		16
#define DHCP_COOKIE		0x63825363u
#define DHCP_MIN_PKT		300	/* BOOTP's minimum; some ROMs need it */
#define DHCP_DEFAULT_MAX	548	/* 576 bytes of IP minus IP and UDP */
#define DHCP_MAX_PKT		1500

#define BOOTREQUEST		1
#define BOOTREPLY		2
#define DHCP_FLAG_BROADCAST	0x8000

enum dhcp_msgtype {
	DHCPDISCOVER = 1,
	DHCPOFFER = 2,
	DHCPREQUEST = 3,
	DHCPDECLINE = 4,
	DHCPACK = 5,
	DHCPNAK = 6,
	DHCPRELEASE = 7,
	DHCPINFORM = 8,
};

/* Option codes the code refers to by name. */
enum {
	DHCP_OPT_PAD = 0,
	DHCP_OPT_SUBNET = 1,
	DHCP_OPT_ROUTER = 3,
	DHCP_OPT_DNS = 6,
	DHCP_OPT_HOSTNAME = 12,
	DHCP_OPT_DOMAIN = 15,
	DHCP_OPT_BROADCAST = 28,
	DHCP_OPT_VENDOR = 43,
	DHCP_OPT_REQADDR = 50,
	DHCP_OPT_LEASE = 51,
	DHCP_OPT_OVERLOAD = 52,
	DHCP_OPT_MSGTYPE = 53,
	DHCP_OPT_SERVERID = 54,
	DHCP_OPT_PRL = 55,
	DHCP_OPT_MESSAGE = 56,
	DHCP_OPT_MAXSIZE = 57,
	DHCP_OPT_T1 = 58,
	DHCP_OPT_T2 = 59,
	DHCP_OPT_VCLASS = 60,
	DHCP_OPT_CLIENTID = 61,
	DHCP_OPT_TFTPSERVER = 66,
	DHCP_OPT_BOOTFILE = 67,
	DHCP_OPT_USERCLASS = 77,
	DHCP_OPT_RELAY = 82,
	DHCP_OPT_ARCH = 93,
	DHCP_OPT_NDI = 94,
	DHCP_OPT_UUID = 97,
	DHCP_OPT_IPXE = 175,
	DHCP_OPT_PXELINUX_CONF = 209,
	DHCP_OPT_PXELINUX_PREFIX = 210,
	DHCP_OPT_END = 255,
};

/* Where one option's value is: in the packet, or joined in scratch. */
struct dhcp_optval {
	const uint8_t *data;	/* NULL: absent */
	uint16_t len;
};

/* A decoded packet.  Pointers point into the packet or into scratch. */
struct dhcp_msg {
	uint8_t op, htype, hlen, hops;
	uint32_t xid;
	uint16_t secs, flags;
	uint32_t ciaddr, yiaddr, siaddr, giaddr;	/* network order */
	uint8_t chaddr[DHCP_CHADDR_LEN];
	const uint8_t *sname;	/* DHCP_SNAME_LEN bytes, or NULL if overloaded */
	const uint8_t *file;	/* DHCP_FILE_LEN bytes, or NULL if overloaded */
	bool cookie;		/* false: plain BOOTP, no options */
	bool no_end;		/* the options ended without END (tolerated) */
	uint8_t overload;	/* option 52 as followed: 0..3 */
	struct dhcp_optval opt[256];
	uint8_t order[256];	/* codes in the order they first appeared */
	unsigned norder;
	uint8_t scratch[2048];	/* room for joined long options */
	char why[80];		/* set when dhcp_parse fails */
};

/*
 * Decode pkt.  0, or -EBADMSG with m->why saying what is wrong ("shorter
 * than a BOOTP header", "option 55 runs past the end", ...).  A packet
 * without the magic cookie is plain BOOTP: m->cookie is false and it has
 * no options.  Rules: pad (0) is skipped; END (255) ends an area; an area
 * that ends exactly after a complete option without END is accepted with
 * m->no_end set (several ROMs do this); an option that runs past its area
 * is an error; overload (52) is honoured only in the options field, so it
 * cannot loop; options repeated across or within areas are joined in the
 * order main, file, sname (RFC 3396).
 */
int dhcp_parse(const void *pkt, size_t len, struct dhcp_msg *m);

/* An option's value and length, or NULL when absent. */
const uint8_t *dhcp_opt_get(const struct dhcp_msg *m, uint8_t code,
    size_t *len);
/* Fixed-size options: 0, -ENOENT (absent) or -EBADMSG (wrong length). */
int dhcp_opt_u8(const struct dhcp_msg *m, uint8_t code, uint8_t *v);
int dhcp_opt_u16(const struct dhcp_msg *m, uint8_t code, uint16_t *v);
int dhcp_opt_u32(const struct dhcp_msg *m, uint8_t code, uint32_t *v);
/* An address option: *v in network order. */
int dhcp_opt_ip(const struct dhcp_msg *m, uint8_t code, uint32_t *v);
/* The message type (option 53): 1..8, or -ENOENT (BOOTP) / -EBADMSG. */
int dhcp_msg_type(const struct dhcp_msg *m);
/* "DHCPDISCOVER", ... or "BOOTP"/"DHCP?" */
const char *dhcp_msgtype_str(int type);

/* Client architecture (RFC 4578 option 93; else option 60's
 * "PXEClient:Arch:NNNNN", as EDK2 firmware sends), or -1. */
int dhcp_client_arch(const struct dhcp_msg *m);
/* "bios", "efi-ia32", "efi-bc", "efi-x64", ... or NULL for other numbers. */
const char *dhcp_arch_name(int arch);
/* In words: "BIOS", "x64 UEFI", "ARM64 UEFI HTTP"...; NULL if unknown. */
const char *dhcp_arch_desc(int arch);
/* A number (0..65535) or one of the names above; -1 if neither. */
int dhcp_arch_parse(const char *s);
/* Option 60 starts with "PXEClient" / "HTTPClient". */
bool dhcp_is_pxeclient(const struct dhcp_msg *m);
bool dhcp_is_httpclient(const struct dhcp_msg *m);
/* iPXE: option 175 present, or user class (77) "iPXE", plain or RFC 3004. */
bool dhcp_is_ipxe(const struct dhcp_msg *m);

/* ---- replies ---- */

#define DHCP_REPLY_MAXOPTS	64

struct dhcp_reply_opt {
	uint8_t code;
	uint16_t len;
	uint16_t off;		/* into data */
};

/* A reply being put together: header fields, then options in order. */
struct dhcp_reply {
	uint8_t op, htype, hlen, hops;
	uint32_t xid;
	uint16_t secs, flags;
	uint32_t ciaddr, yiaddr, siaddr, giaddr;	/* network order */
	uint8_t chaddr[DHCP_CHADDR_LEN];
	char sname[DHCP_SNAME_LEN];	/* "": free for overload */
	char file[DHCP_FILE_LEN];	/* "": free for overload */
	struct dhcp_reply_opt opts[DHCP_REPLY_MAXOPTS];
	unsigned nopts;
	uint8_t data[4096];
	size_t dlen;
};

/*
 * Start a reply to req (BOOTREPLY with its xid, flags, giaddr, htype,
 * hlen and chaddr; secs 0).  req may be NULL for a fresh packet.
 */
void dhcp_reply_init(struct dhcp_reply *r, const struct dhcp_msg *req);
/*
 * Add an option (value copied; up to 4096 bytes: longer than 255 is split
 * into several instances when built).  Adding a code again replaces it.
 * 0 or -EMSGSIZE.
 */
int dhcp_reply_add(struct dhcp_reply *r, uint8_t code, const void *data,
    size_t len);
int dhcp_reply_add_u8(struct dhcp_reply *r, uint8_t code, uint8_t v);
int dhcp_reply_add_u32(struct dhcp_reply *r, uint8_t code, uint32_t v);
/* v in network order */
int dhcp_reply_add_ip(struct dhcp_reply *r, uint8_t code, uint32_t v);
int dhcp_reply_add_str(struct dhcp_reply *r, uint8_t code, const char *s);
/* Remove an option if present. */
void dhcp_reply_del(struct dhcp_reply *r, uint8_t code);

/*
 * Lay the reply out into out (capacity cap): header, cookie, options in
 * the order added (53 and 54 first if present), END, padded to 300 bytes.
 * The whole packet stays within maxlen bytes (the client's option 57,
 * DHCP_DEFAULT_MAX if it sent none); options that do not fit go into the
 * file and then the sname field when those are empty, with option 52 set.
 * Length, or -EMSGSIZE.
 */
ssize_t dhcp_reply_build(const struct dhcp_reply *r, void *out, size_t cap,
    size_t maxlen);

/* ---- the option table ---- */

enum dhcp_fmt {
	DHCP_FMT_BYTES,		/* hex: 01:02:03 */
	DHCP_FMT_IP,		/* one address */
	DHCP_FMT_IPS,		/* addresses, comma-separated */
	DHCP_FMT_U8,
	DHCP_FMT_U16,
	DHCP_FMT_U32,
	DHCP_FMT_S32,
	DHCP_FMT_BOOL,		/* 0 or 1 */
	DHCP_FMT_STR,		/* text */
	DHCP_FMT_U8S,		/* numbers, comma-separated */
	DHCP_FMT_U16S,
	DHCP_FMT_MSGTYPE,	/* option 53, printed by name */
	DHCP_FMT_ARCHS,		/* option 93: u16 list, printed by name */
	DHCP_FMT_DOTTED,	/* u8 list printed with dots: NDI 1.2.1 */
	DHCP_FMT_UUID,		/* type byte + 16 bytes */
};

struct dhcp_optdef {
	uint8_t code;
	const char *name;
	enum dhcp_fmt fmt;
};

/* The table row for code, or NULL for a code the table does not know. */
const struct dhcp_optdef *dhcp_opt_by_code(uint8_t code);
/* The option's name, or "option-NNN" for unknown codes (in buf). */
const char *dhcp_opt_name(uint8_t code, char *buf, size_t cap);
/*
 * The code of a name (case-insensitive), of "NNN" or of "option-NNN"
 * (1..254, known or not); -1 if none.
 */
int dhcp_opt_code(const char *name);
/*
 * Encode text as the value of option code, by its format (unknown codes
 * take hex bytes) into out.  Length, or -EINVAL (*why says what is wrong
 * with the text) or -EMSGSIZE.  Formats: addresses "192.168.1.1", lists
 * comma-separated; numbers in decimal within their range; bool 0/1/yes/no/
 * true/false; hex "01:02:03", "010203" or "0x010203"; message types by
 * number or name ("DHCPACK", "ack"); architectures by number or name;
 * dotted u8 lists "1.2.1"; a UUID as 8-4-4-4-12 hex (type 0 is added);
 * text as it is, or in double quotes with \" \\ \ooo escapes.  What
 * dhcp_opt_to_text prints reads back as the same bytes (dhcpopt.c).
 */
int dhcp_opt_from_text(uint8_t code, const char *text, uint8_t *out,
    size_t cap, const char **why);
/*
 * Print an option value as text (never reading past len): by its format
 * when the length and value fit it, else as hex after "0x" (unknown codes
 * and hex formats without it); strings in double quotes,
 * escaped (\" \\ \ooo); architectures as "7 (efi-bc)".  Returns
 * the length written (the text is truncated to cap - 1).
 */
size_t dhcp_opt_to_text(uint8_t code, const uint8_t *data, size_t len,
    char *out, size_t cap);

#endif
