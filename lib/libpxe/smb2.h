/*
 * smb2: the SMB2/SMB3 wire format (MS-SMB2) as pure functions.  The
 * 64-byte header, the one validator every received message goes through
 * before anything looks at it (smb2_check_message: header, compound
 * chain, StructureSize, every offset/length pair of the command, credit
 * charge), decoders for each request into host-order structs that point
 * into the message, encoders for each response, the file and file-system
 * information classes QUERY_INFO and QUERY_DIRECTORY return, Windows
 * wildcard matching, and the SMB1 NEGOTIATE that asks for "SMB 2.???".
 * Used by pxe-smbd, the unit tests and the fuzz target alike.
 */
#ifndef PXE_SMB2_H
#define PXE_SMB2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"

#define SMB2_HDR_LEN		64
#define SMB2_MAGIC		0x424d53feu	/* "\xfeSMB" read as LE32 */
#define SMB2_TRANSFORM_MAGIC	0x424d53fdu
#define SMB2_COMPRESS_MAGIC	0x424d53fcu
#define SMB1_MAGIC		0x424d53ffu

/* Commands. */
enum smb2_cmd {
	SMB2_NEGOTIATE = 0,
	SMB2_SESSION_SETUP,
	SMB2_LOGOFF,
	SMB2_TREE_CONNECT,
	SMB2_TREE_DISCONNECT,
	SMB2_CREATE,
	SMB2_CLOSE,
	SMB2_FLUSH,
	SMB2_READ,
	SMB2_WRITE,
	SMB2_LOCK,
	SMB2_IOCTL,
	SMB2_CANCEL,
	SMB2_ECHO,
	SMB2_QUERY_DIRECTORY,
	SMB2_CHANGE_NOTIFY,
	SMB2_QUERY_INFO,
	SMB2_SET_INFO,
	SMB2_OPLOCK_BREAK,
	SMB2_NCMDS
};

/* Header flags. */
#define SMB2_FLAGS_SERVER_TO_REDIR	0x00000001u
#define SMB2_FLAGS_ASYNC_COMMAND	0x00000002u
#define SMB2_FLAGS_RELATED_OPERATIONS	0x00000004u
#define SMB2_FLAGS_SIGNED		0x00000008u
#define SMB2_FLAGS_DFS_OPERATIONS	0x10000000u
#define SMB2_FLAGS_REPLAY_OPERATION	0x20000000u

/* Dialects. */
#define SMB2_DIALECT_202	0x0202
#define SMB2_DIALECT_210	0x0210
#define SMB2_DIALECT_300	0x0300
#define SMB2_DIALECT_302	0x0302
#define SMB2_DIALECT_311	0x0311
#define SMB2_DIALECT_WILDCARD	0x02ff

/* NEGOTIATE security mode and capabilities. */
#define SMB2_NEGOTIATE_SIGNING_ENABLED	0x0001
#define SMB2_NEGOTIATE_SIGNING_REQUIRED	0x0002
#define SMB2_GLOBAL_CAP_DFS		0x00000001u
#define SMB2_GLOBAL_CAP_LEASING		0x00000002u
#define SMB2_GLOBAL_CAP_LARGE_MTU	0x00000004u
#define SMB2_GLOBAL_CAP_MULTI_CHANNEL	0x00000008u
#define SMB2_GLOBAL_CAP_ENCRYPTION	0x00000040u

/* Negotiate context types. */
#define SMB2_PREAUTH_INTEGRITY_CAPABILITIES	0x0001
#define SMB2_ENCRYPTION_CAPABILITIES		0x0002
#define SMB2_SIGNING_CAPABILITIES		0x0008
#define SMB2_PREAUTH_SHA512			0x0001

/* SESSION_SETUP. */
#define SMB2_SESSION_FLAG_BINDING	0x01
#define SMB2_SESSION_FLAG_IS_GUEST	0x0001
#define SMB2_SESSION_FLAG_IS_NULL	0x0002

/* TREE_CONNECT. */
#define SMB2_SHARE_TYPE_DISK	0x01
#define SMB2_SHARE_TYPE_PIPE	0x02

/* NTSTATUS values the server returns. */
#define STATUS_SUCCESS			0x00000000u
#define STATUS_PENDING			0x00000103u
#define STATUS_NOTIFY_CLEANUP		0x0000010bu
#define STATUS_NOTIFY_ENUM_DIR		0x0000010cu
#define STATUS_BUFFER_OVERFLOW		0x80000005u
#define STATUS_NO_MORE_FILES		0x80000006u
#define STATUS_NO_MORE_ENTRIES		0x8000001au
#define STATUS_NOT_IMPLEMENTED		0xc0000002u
#define STATUS_INVALID_INFO_CLASS	0xc0000003u
#define STATUS_INFO_LENGTH_MISMATCH	0xc0000004u
#define STATUS_INVALID_HANDLE		0xc0000008u
#define STATUS_INVALID_PARAMETER	0xc000000du
#define STATUS_NO_SUCH_FILE		0xc000000fu
#define STATUS_INVALID_DEVICE_REQUEST	0xc0000010u
#define STATUS_END_OF_FILE		0xc0000011u
#define STATUS_MORE_PROCESSING_REQUIRED	0xc0000016u
#define STATUS_ACCESS_DENIED		0xc0000022u
#define STATUS_BUFFER_TOO_SMALL		0xc0000023u
#define STATUS_OBJECT_NAME_INVALID	0xc0000033u
#define STATUS_OBJECT_NAME_NOT_FOUND	0xc0000034u
#define STATUS_OBJECT_NAME_COLLISION	0xc0000035u
#define STATUS_OBJECT_PATH_NOT_FOUND	0xc000003au
#define STATUS_OBJECT_PATH_SYNTAX_BAD	0xc000003bu
#define STATUS_SHARING_VIOLATION	0xc0000043u
#define STATUS_EAS_NOT_SUPPORTED	0xc000004fu
#define STATUS_NO_EAS_ON_FILE		0xc0000052u
#define STATUS_LOGON_FAILURE		0xc000006du
#define STATUS_INSUFFICIENT_RESOURCES	0xc000009au
#define STATUS_MEDIA_WRITE_PROTECTED	0xc00000a2u
#define STATUS_BAD_IMPERSONATION_LEVEL	0xc00000a5u
#define STATUS_FILE_IS_A_DIRECTORY	0xc00000bau
#define STATUS_NOT_SUPPORTED		0xc00000bbu
#define STATUS_NETWORK_NAME_DELETED	0xc00000c9u
#define STATUS_BAD_NETWORK_NAME		0xc00000ccu
#define STATUS_REQUEST_NOT_ACCEPTED	0xc00000d0u
#define STATUS_NOT_A_DIRECTORY		0xc0000103u
#define STATUS_CANCELLED		0xc0000120u
#define STATUS_FILE_CLOSED		0xc0000128u
#define STATUS_IO_DEVICE_ERROR		0xc0000185u
#define STATUS_FS_DRIVER_REQUIRED	0xc000019cu
#define STATUS_PIPE_EMPTY		0xc00000d9u
#define STATUS_USER_SESSION_DELETED	0xc0000203u
#define STATUS_NOT_FOUND		0xc0000225u
#define STATUS_NO_PREAUTH_OVERLAP	0xc05d0000u

/* Access mask bits (MS-SMB2 2.2.13.1). */
#define FILE_READ_DATA			0x00000001u
#define FILE_WRITE_DATA			0x00000002u
#define FILE_APPEND_DATA		0x00000004u
#define FILE_READ_EA			0x00000008u
#define FILE_WRITE_EA			0x00000010u
#define FILE_EXECUTE			0x00000020u
#define FILE_DELETE_CHILD		0x00000040u
#define FILE_READ_ATTRIBUTES		0x00000080u
#define FILE_WRITE_ATTRIBUTES		0x00000100u
#define SMB2_DELETE			0x00010000u
#define READ_CONTROL			0x00020000u
#define WRITE_DAC			0x00040000u
#define WRITE_OWNER			0x00080000u
#define SYNCHRONIZE			0x00100000u
#define ACCESS_SYSTEM_SECURITY		0x01000000u
#define MAXIMUM_ALLOWED			0x02000000u
#define GENERIC_ALL			0x10000000u
#define GENERIC_EXECUTE			0x20000000u
#define GENERIC_WRITE			0x40000000u
#define GENERIC_READ			0x80000000u
/* What a read-only share grants at most. */
#define SMB2_READONLY_ACCESS	(FILE_READ_DATA | FILE_READ_EA | \
	FILE_EXECUTE | FILE_READ_ATTRIBUTES | READ_CONTROL | SYNCHRONIZE)
/* Anything that would change the share. */
#define SMB2_WRITE_ACCESS	(FILE_WRITE_DATA | FILE_APPEND_DATA | \
	FILE_WRITE_EA | FILE_DELETE_CHILD | FILE_WRITE_ATTRIBUTES | \
	SMB2_DELETE | WRITE_DAC | WRITE_OWNER | ACCESS_SYSTEM_SECURITY | \
	GENERIC_ALL | GENERIC_WRITE)

/* CREATE. */
#define FILE_SUPERSEDE		0
#define FILE_OPEN		1
#define FILE_CREATE		2
#define FILE_OPEN_IF		3
#define FILE_OVERWRITE		4
#define FILE_OVERWRITE_IF	5
#define FILE_DIRECTORY_FILE	0x00000001u
#define FILE_NON_DIRECTORY_FILE	0x00000040u
#define FILE_DELETE_ON_CLOSE	0x00001000u
#define FILE_OPEN_BY_FILE_ID	0x00002000u
#define FILE_OPENED		1
#define SMB2_OPLOCK_LEVEL_NONE	0x00
#define SMB2_OPLOCK_LEVEL_II	0x01
#define SMB2_OPLOCK_LEVEL_EXCLUSIVE 0x08
#define SMB2_OPLOCK_LEVEL_BATCH	0x09
#define SMB2_OPLOCK_LEVEL_LEASE	0xff
#define SMB2_LEASE_READ_CACHING		0x01
#define SMB2_LEASE_HANDLE_CACHING	0x02
#define SMB2_LEASE_WRITE_CACHING	0x04
#define SMB2_LEASE_FLAG_PARENT_LEASE_KEY_SET 0x04

/* File attributes. */
#define FILE_ATTRIBUTE_READONLY		0x00000001u
#define FILE_ATTRIBUTE_HIDDEN		0x00000002u
#define FILE_ATTRIBUTE_SYSTEM		0x00000004u
#define FILE_ATTRIBUTE_DIRECTORY	0x00000010u
#define FILE_ATTRIBUTE_ARCHIVE		0x00000020u
#define FILE_ATTRIBUTE_NORMAL		0x00000080u

/* CLOSE, READ, QUERY_DIRECTORY, QUERY_INFO. */
#define SMB2_CLOSE_FLAG_POSTQUERY_ATTRIB	0x0001
#define SMB2_READFLAG_READ_UNBUFFERED		0x01
#define SMB2_RESTART_SCANS		0x01
#define SMB2_RETURN_SINGLE_ENTRY	0x02
#define SMB2_INDEX_SPECIFIED		0x04
#define SMB2_REOPEN			0x10
#define SMB2_0_INFO_FILE		0x01
#define SMB2_0_INFO_FILESYSTEM		0x02
#define SMB2_0_INFO_SECURITY		0x03
#define SMB2_0_INFO_QUOTA		0x04

/* IOCTL codes. */
#define FSCTL_DFS_GET_REFERRALS		0x00060194u
#define FSCTL_DFS_GET_REFERRALS_EX	0x000601b0u
#define FSCTL_PIPE_TRANSCEIVE		0x0011c017u
#define FSCTL_VALIDATE_NEGOTIATE_INFO	0x00140204u
#define FSCTL_QUERY_NETWORK_INTERFACE_INFO 0x001401fcu
#define SMB2_0_IOCTL_IS_FSCTL		0x00000001u

/* The decoded 64-byte header, host order. */
struct smb2_hdr {
	uint16_t credit_charge;
	uint32_t status;	/* requests: ChannelSequence/Reserved */
	uint16_t command;
	uint16_t credits;	/* requested, or granted in a response */
	uint32_t flags;
	uint32_t next;		/* NextCommand */
	uint64_t message_id;
	uint64_t async_id;	/* when SMB2_FLAGS_ASYNC_COMMAND */
	uint32_t tree_id;	/* otherwise */
	uint64_t session_id;
	uint8_t signature[16];
};

struct smb2_fid {
	uint64_t persistent;
	uint64_t volatile_;
};
#define SMB2_FID_RELATED	UINT64_MAX	/* "the file the chain opened" */

/* One message of a received frame, as the validator left it. */
struct smb2_msg {
	struct smb2_hdr h;
	const uint8_t *data;	/* its header */
	size_t len;		/* to NextCommand, or to the end of the frame */
	const uint8_t *body;	/* data + 64 */
	size_t body_len;
	uint32_t error;		/* 0: dispatch; else answer with this status */
	uint16_t charge;	/* credits its payload needs (>= 1) */
};

/* Command names for logs ("READ"); "?" when out of range. */
const char *smb2_cmd_name(uint16_t cmd);

/* Decode / encode the header. */
int smb2_parse_hdr(const uint8_t *p, size_t len, struct smb2_hdr *h);
void smb2_put_hdr(struct pxe_buf *b, const struct smb2_hdr *h);

/*
 * Validate the message at p (left bytes to the end of the frame).
 * Returns -EPROTO when the header itself is unusable (not SMB2, bad
 * StructureSize, a NextCommand that is unaligned or points outside the
 * frame): the connection should be dropped.  Otherwise 0, with m filled
 * and m->error either 0 or the status to answer with (a wrong body
 * StructureSize, an unknown command, an offset/length outside the
 * message, a credit charge below what the payload needs when
 * check_charge).
 */
int smb2_check_message(const uint8_t *p, size_t left, bool check_charge,
    struct smb2_msg *m);

/* ---- requests ---- */

#define SMB2_MAX_DIALECTS	32
#define SMB2_MAX_SIGN_ALGS	8

struct smb2_negotiate_req {
	uint16_t dialect_count;
	uint16_t dialects[SMB2_MAX_DIALECTS];	/* the first ones offered */
	uint16_t security_mode;
	uint32_t capabilities;
	uint8_t guid[16];
	/* 3.1.1 negotiate contexts, when 0x0311 is offered. */
	bool has_preauth;
	bool preauth_sha512;
	bool has_signing;
	uint16_t sign_algs[SMB2_MAX_SIGN_ALGS];
	uint16_t nsign_algs;
	bool has_encryption;
};

/*
 * Decode a NEGOTIATE request.  0; STATUS_INVALID_PARAMETER (as a positive
 * value) for no dialects, a malformed or duplicated context, or no
 * PREAUTH context when 3.1.1 is offered.
 */
uint32_t smb2_parse_negotiate(const struct smb2_msg *m,
    struct smb2_negotiate_req *r);

struct smb2_session_setup_req {
	uint8_t flags;
	uint8_t security_mode;
	uint32_t capabilities;
	const uint8_t *blob;
	size_t blob_len;
	uint64_t previous_session_id;
};
uint32_t smb2_parse_session_setup(const struct smb2_msg *m,
    struct smb2_session_setup_req *r);

struct smb2_tree_connect_req {
	uint16_t flags;
	const uint8_t *path;	/* UTF-16LE \\server\share */
	size_t path_len;
};
uint32_t smb2_parse_tree_connect(const struct smb2_msg *m,
    struct smb2_tree_connect_req *r);

#define SMB2_MAX_CREATE_CTX	16

struct smb2_create_ctx {
	char tag[5];		/* "MxAc", NUL terminated; "" if not 4 bytes */
	const uint8_t *name;
	size_t name_len;
	const uint8_t *data;
	size_t data_len;
};

struct smb2_create_req {
	uint8_t oplock;
	uint32_t impersonation;
	uint32_t desired_access;
	uint32_t attributes;
	uint32_t share_access;
	uint32_t disposition;
	uint32_t options;
	const uint8_t *name;	/* UTF-16LE, relative to the share */
	size_t name_len;
	struct smb2_create_ctx ctx[SMB2_MAX_CREATE_CTX];
	unsigned nctx;
};
uint32_t smb2_parse_create(const struct smb2_msg *m,
    struct smb2_create_req *r);

struct smb2_close_req {
	uint16_t flags;
	struct smb2_fid fid;
};
uint32_t smb2_parse_close(const struct smb2_msg *m, struct smb2_close_req *r);

struct smb2_read_req {
	uint8_t padding;
	uint8_t flags;
	uint32_t length;
	uint64_t offset;
	struct smb2_fid fid;
	uint32_t minimum;
	uint32_t channel;
};
uint32_t smb2_parse_read(const struct smb2_msg *m, struct smb2_read_req *r);

struct smb2_query_dir_req {
	uint8_t info_class;
	uint8_t flags;
	uint32_t file_index;
	struct smb2_fid fid;
	const uint8_t *pattern;	/* UTF-16LE */
	size_t pattern_len;
	uint32_t output_len;
};
uint32_t smb2_parse_query_dir(const struct smb2_msg *m,
    struct smb2_query_dir_req *r);

struct smb2_query_info_req {
	uint8_t info_type;
	uint8_t info_class;
	uint32_t output_len;
	const uint8_t *input;
	size_t input_len;
	uint32_t additional;
	uint32_t flags;
	struct smb2_fid fid;
};
uint32_t smb2_parse_query_info(const struct smb2_msg *m,
    struct smb2_query_info_req *r);

struct smb2_ioctl_req {
	uint32_t ctl_code;
	struct smb2_fid fid;
	const uint8_t *input;
	size_t input_len;
	uint32_t max_input;
	uint32_t max_output;
	uint32_t flags;
};
uint32_t smb2_parse_ioctl(const struct smb2_msg *m, struct smb2_ioctl_req *r);

struct smb2_write_req {
	uint64_t offset;
	struct smb2_fid fid;
	const uint8_t *data;
	size_t len;
};
uint32_t smb2_parse_write(const struct smb2_msg *m, struct smb2_write_req *r);
/* WRITE response: count bytes written. */
void smb2_put_write_resp(struct pxe_buf *b, uint32_t count);

/* The FileId of commands that only need it (FLUSH, WRITE, LOCK, ...). */
uint32_t smb2_parse_fid(const struct smb2_msg *m, struct smb2_fid *fid);

struct smb2_validate_negotiate {
	uint32_t capabilities;
	uint8_t guid[16];
	uint16_t security_mode;
	uint16_t dialect_count;
	uint16_t dialects[SMB2_MAX_DIALECTS];
};
/* The input of FSCTL_VALIDATE_NEGOTIATE_INFO; 0 or a status. */
uint32_t smb2_parse_validate_negotiate(const uint8_t *p, size_t len,
    struct smb2_validate_negotiate *v);

/*
 * An SMB1 NEGOTIATE (after the 4-byte transport header): the dialect to
 * answer with, SMB2_DIALECT_WILDCARD when "SMB 2.???" is offered,
 * SMB2_DIALECT_202 when only "SMB 2.002" is, or -EPROTONOSUPPORT /
 * -EBADMSG.
 */
int smb1_negotiate_dialect(const uint8_t *p, size_t len);

/* ---- responses (each writes the body after a header) ---- */

struct smb2_negotiate_resp {
	uint16_t security_mode;
	uint16_t dialect;
	uint8_t guid[16];
	uint32_t capabilities;
	uint32_t max_transact, max_read, max_write;
	uint64_t system_time;
	const uint8_t *blob;
	size_t blob_len;
	/* 3.1.1 */
	uint8_t salt[32];
	int sign_alg;		/* answered SIGNING_CAPABILITIES, or -1 */
};
void smb2_put_negotiate_resp(struct pxe_buf *b,
    const struct smb2_negotiate_resp *r);

void smb2_put_session_setup_resp(struct pxe_buf *b, uint16_t flags,
    const uint8_t *blob, size_t blob_len);

void smb2_put_tree_connect_resp(struct pxe_buf *b, uint8_t share_type,
    uint32_t share_flags, uint32_t capabilities, uint32_t access);

/* A body that is StructureSize 4 and a reserved field. */
void smb2_put_empty_resp(struct pxe_buf *b);

/* The ERROR response body (StructureSize 9, no error data). */
void smb2_put_error_resp(struct pxe_buf *b);

/* Attributes both CREATE and CLOSE report; times are FILETIME. */
struct smb2_file_info {
	uint64_t creation, access, write, change;
	uint64_t alloc, eof;
	uint32_t attrs;
	uint64_t file_id;	/* inode number */
	uint64_t volume_id;
	uint32_t nlink;
	bool dir;
	uint32_t granted;	/* FileAccessInformation */
	uint64_t position;	/* FilePositionInformation */
	uint32_t mode;		/* FileModeInformation */
	const char *name;	/* UTF-8: an entry name, or a path for All */
	size_t name_len;
};

/* A lease request (RqLs context): version 1 or 2. */
struct smb2_lease {
	int version;		/* 0: none */
	uint8_t key[16];
	uint32_t state;
	uint32_t flags;
	uint8_t parent_key[16];
	uint16_t epoch;
};

/* Decode an RqLs context's data (32 or 52 bytes).  0 or -EBADMSG. */
int smb2_parse_lease(const uint8_t *p, size_t len, struct smb2_lease *l);

struct smb2_create_resp {
	uint8_t oplock;
	uint32_t action;
	const struct smb2_file_info *fi;
	struct smb2_fid fid;
	bool mxac;		/* answer a MxAc context */
	uint32_t maximal_access;
	bool qfid;		/* answer a QFid context */
	struct smb2_lease lease;	/* answer an RqLs context (granted) */
};
void smb2_put_create_resp(struct pxe_buf *b, const struct smb2_create_resp *r);

/* CLOSE: fi NULL unless POSTQUERY_ATTRIB was asked for. */
void smb2_put_close_resp(struct pxe_buf *b, uint16_t flags,
    const struct smb2_file_info *fi);

/* READ: the 16-byte fixed part; the data follows at offset 80. */
#define SMB2_READ_DATA_OFF	(SMB2_HDR_LEN + 16)
void smb2_put_read_resp(struct pxe_buf *b, uint32_t data_len);

/* QUERY_DIRECTORY and QUERY_INFO: the fixed part, buffer at 72. */
#define SMB2_QUERY_DATA_OFF	(SMB2_HDR_LEN + 8)
void smb2_put_query_resp(struct pxe_buf *b, uint32_t out_len);

/* IOCTL: the fixed part; output at offset 112. */
#define SMB2_IOCTL_DATA_OFF	(SMB2_HDR_LEN + 48)
void smb2_put_ioctl_resp(struct pxe_buf *b, uint32_t ctl_code,
    const struct smb2_fid *fid, uint32_t out_len);

/* FSCTL_VALIDATE_NEGOTIATE_INFO output (24 bytes). */
void smb2_put_validate_negotiate(struct pxe_buf *b, uint32_t capabilities,
    const uint8_t guid[16], uint16_t security_mode, uint16_t dialect);

/* ---- information classes ---- */

/* File information classes (MS-FSCC 2.4). */
enum {
	FileDirectoryInformation = 1,
	FileFullDirectoryInformation = 2,
	FileBothDirectoryInformation = 3,
	FileBasicInformation = 4,
	FileStandardInformation = 5,
	FileInternalInformation = 6,
	FileEaInformation = 7,
	FileAccessInformation = 8,
	FileNameInformation = 9,
	FileNamesInformation = 12,
	FilePositionInformation = 14,
	FileModeInformation = 16,
	FileAlignmentInformation = 17,
	FileAllInformation = 18,
	FileAlternateNameInformation = 21,
	FileStreamInformation = 22,
	FileCompressionInformation = 28,
	FileNetworkOpenInformation = 34,
	FileAttributeTagInformation = 35,
	FileIdBothDirectoryInformation = 37,
	FileIdFullDirectoryInformation = 38,
	FileNormalizedNameInformation = 48,
	FileIdInformation = 59,
	FileIdExtdDirectoryInformation = 60,
	FileIdExtdBothDirectoryInformation = 63,
};

/* File system information classes (MS-FSCC 2.5). */
enum {
	FileFsVolumeInformation = 1,
	FileFsSizeInformation = 3,
	FileFsDeviceInformation = 4,
	FileFsAttributeInformation = 5,
	FileFsControlInformation = 6,
	FileFsFullSizeInformation = 7,
	FileFsObjectIdInformation = 8,
	FileFsSectorSizeInformation = 11,
};

struct smb2_fs_info {
	uint64_t total_units, free_units;	/* allocation units */
	uint32_t sectors_per_unit, bytes_per_sector;
	uint32_t serial;
	uint64_t created;			/* FILETIME */
	const char *label;			/* UTF-8 volume label */
	const char *fs_name;			/* "NTFS" */
	uint8_t object_id[16];
};

/*
 * Write the information of class cls about fi at b's cursor.  Returns 0,
 * -EINVAL for a class not supported, -ENOSPC when b is too small (the
 * cursor's error is set), -EILSEQ for a name that is not UTF-8.
 * *fixed gets the class's fixed size (the least OutputBufferLength that is
 * not an INFO_LENGTH_MISMATCH) when fixed is not NULL.
 */
int smb2_put_file_info(struct pxe_buf *b, uint8_t cls,
    const struct smb2_file_info *fi, size_t *fixed);
int smb2_put_fs_info(struct pxe_buf *b, uint8_t cls,
    const struct smb2_fs_info *fs, size_t *fixed);

/*
 * One QUERY_DIRECTORY entry of class cls for fi (whose name is the entry's
 * name), NextEntryOffset 0; the caller links entries and 8-byte aligns
 * them.  0, -EINVAL (class not supported), -ENOSPC or -EILSEQ.
 */
int smb2_put_dirent(struct pxe_buf *b, uint8_t cls,
    const struct smb2_file_info *fi);
/* True for the directory classes smb2_put_dirent knows. */
bool smb2_dir_class_ok(uint8_t cls);

/*
 * A minimal security descriptor: owner and group Everyone (S-1-1-0... as
 * BUILTIN\Administrators and Everyone), a DACL granting Everyone read and
 * execute, for the parts additional asks for.  0 or -ENOSPC.
 */
int smb2_put_security(struct pxe_buf *b, uint32_t additional, bool dir);

/*
 * Windows name matching (FsRtlIsNameInExpression): '*', '?', and the DOS
 * wildcards '<', '>' and '"', ignoring case.  Both UTF-8.
 */
bool smb2_wildcard_match(const char *pat, size_t plen, const char *name,
    size_t nlen);
/* True if the pattern has a wildcard character. */
bool smb2_has_wildcard(const char *pat, size_t plen);

/* Unix time (seconds, nanoseconds) as a FILETIME. */
uint64_t smb2_filetime(int64_t sec, long nsec);

/* Round up to a multiple of 8 (compounds and contexts are aligned so). */
static inline size_t
smb2_align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

#endif
