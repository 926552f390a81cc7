/*
 * dcerpc: the sliver of DCE/RPC (C706, MS-RPCE) over a named pipe that
 * lets clients list an SMB server's shares: connection-oriented PDUs
 * (bind, bind_ack with per-context results, request, response, fault) in
 * NDR, and srvsvc's NetrShareEnum (opnum 15, MS-SRVS) at levels 0 and 1,
 * which is what "net view \\server", Explorer and "smbclient -L" call.
 * Pure functions over a bounded cursor, like the rest of libpxe's wire
 * code; pxe-smbd's pipe.c drives them.
 */
#ifndef PXE_DCERPC_H
#define PXE_DCERPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define DCERPC_HDR_LEN		16

enum {
	DCERPC_REQUEST = 0,
	DCERPC_RESPONSE = 2,
	DCERPC_FAULT = 3,
	DCERPC_BIND = 11,
	DCERPC_BIND_ACK = 12,
	DCERPC_BIND_NAK = 13,
	DCERPC_ALTER_CONTEXT = 14,
	DCERPC_ALTER_CONTEXT_RESP = 15,
};

#define DCERPC_PFC_FIRST_FRAG	0x01
#define DCERPC_PFC_LAST_FRAG	0x02

/* Fault and reject codes. */
#define DCERPC_NCA_S_OP_RNG_ERROR	0x1c010002u
#define DCERPC_NCA_S_UNKNOWN_IF		0x1c010003u
#define DCERPC_NCA_S_PROTO_ERROR	0x1c01000bu

/* The 16-byte common header. */
struct dcerpc_hdr {
	uint8_t ptype;
	uint8_t flags;
	uint16_t frag_len;
	uint16_t auth_len;
	uint32_t call_id;
};

/* Decode the header; 0, -EBADMSG, or -EPROTONOSUPPORT (not v5.0 LE). */
int dcerpc_parse_hdr(const uint8_t *p, size_t len, struct dcerpc_hdr *h);

#define DCERPC_MAX_CTX		8

/* A presentation context of a bind: its id, and whether we accept it. */
struct dcerpc_ctx {
	uint16_t id;
	uint8_t result;		/* 0 accept, 2 provider rejection, 3 ack */
	uint16_t reason;
};

struct dcerpc_bind {
	uint16_t max_xmit, max_recv;
	uint32_t assoc_group;
	struct dcerpc_ctx ctx[DCERPC_MAX_CTX];
	unsigned nctx;
	bool srvsvc;		/* a context for srvsvc v3.0 with NDR */
};

/*
 * Decode a bind (or alter_context) and decide each context: srvsvc 3.0
 * with NDR (32-bit) is accepted, the bind-time feature negotiation
 * context is acknowledged, anything else is rejected.  0 or -EBADMSG.
 */
int dcerpc_parse_bind(const uint8_t *p, size_t len, struct dcerpc_bind *b);

/* The bind_ack (or alter_context_resp) for b.  Length or -ENOSPC. */
ssize_t dcerpc_build_bind_ack(uint8_t *out, size_t cap, uint32_t call_id,
    const struct dcerpc_bind *b, bool alter);

struct dcerpc_request {
	uint16_t ctx_id;
	uint16_t opnum;
	const uint8_t *stub;
	size_t stub_len;
};

/* Decode a single-fragment request.  0 or -EBADMSG. */
int dcerpc_parse_request(const uint8_t *p, size_t len,
    struct dcerpc_request *r);

/* A response carrying stub.  Length or -ENOSPC. */
ssize_t dcerpc_build_response(uint8_t *out, size_t cap, uint32_t call_id,
    uint16_t ctx_id, const uint8_t *stub, size_t stub_len);

/* A fault with status.  Length or -ENOSPC. */
ssize_t dcerpc_build_fault(uint8_t *out, size_t cap, uint32_t call_id,
    uint16_t ctx_id, uint32_t status);

/* One share as NetrShareEnum reports it. */
struct srvsvc_share {
	const char *name;	/* UTF-8 */
	uint32_t type;		/* STYPE_DISKTREE 0, STYPE_IPC|SPECIAL... */
	const char *remark;
};
#define SRVSVC_STYPE_DISKTREE	0x00000000u
#define SRVSVC_STYPE_IPC_HIDDEN	0x80000003u
#define SRVSVC_OPNUM_SHARE_ENUM_ALL	15
#define WERR_OK			0u
#define WERR_INVALID_LEVEL	0x0000007cu

/* The info level a NetrShareEnum request asks for, or -EBADMSG. */
int srvsvc_share_enum_level(const uint8_t *stub, size_t len);

/*
 * The NetrShareEnum response stub for level (0 or 1; any other answers
 * WERR_INVALID_LEVEL).  Length or -ENOSPC / -EILSEQ.
 */
ssize_t srvsvc_build_share_enum(uint8_t *out, size_t cap, int level,
    const struct srvsvc_share *shares, size_t n);

#endif
