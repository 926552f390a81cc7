/*
 * pxe-smbd's own state.  One struct smbd per process (configuration,
 * shares, listeners, counters, the connection list); per connection a
 * struct conn (socket buffers, credits, negotiated dialect), its sessions
 * (authentication and signing), each session's trees, and the connection's
 * open files.  main.c sets up; conn.c moves bytes and frames; dispatch.c
 * validates every message once and calls the command table; auth.c does
 * NEGOTIATE, SESSION_SETUP and LOGOFF; tree.c the shares; file.c the file
 * commands.  Everything runs in the one event loop.
 */
#ifndef PXE_SMBD_H
#define PXE_SMBD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "libpxe/buf.h"
#include "libpxe/daemon.h"
#include "libpxe/opts.h"
#include "libpxe/loop.h"
#include "libpxe/net.h"
#include "libpxe/ntlmssp.h"
#include "libpxe/smb2.h"
#include "libpxe/smb2sign.h"
#include "backend.h"

#define SMBD_MAX_SHARES		64
#define SMBD_MAX_LISTEN		PXE_LISTEN_MAX
#define SMBD_MAX_SESSIONS	16	/* per connection */
#define SMBD_MAX_TREES		64	/* per session */
#define SMBD_MAX_OPENS		4096	/* per connection */
#define SMBD_MAX_COMPOUND	64	/* messages in one frame */
#define SMBD_MAX_PENDING	256	/* CHANGE_NOTIFYs waiting, per connection */
#define SMBD_MAX_CREDITS	8192	/* outstanding per connection */
#define SMBD_MAX_READ		(8u << 20)
#define SMBD_MAX_TRANSACT	(1u << 20)
#define SMBD_MAX_WRITE		(1u << 20)
#define SMBD_SMALL_MAX		65536	/* 2.0.2 sizes */
#define SMBD_MAX_FRAME		(SMBD_MAX_WRITE + 65536)
#define SMBD_PREAUTH_FRAME	(64 * 1024)	/* before a logon */
#define SMBD_PREAUTH_IDLE_MS	60000		/* idle before a logon */
#define SMBD_OUT_HIGH		(32u << 20)	/* stop reading above this */
#define SMBD_FD_SLACK		64	/* descriptors besides connections */
#define SMBD_SHARE_FDS		1024	/* most a share's open files hold */

struct share_cfg {
	const char *name;
	const char *path;
};

struct smbd_config {
	struct share_cfg shares[SMBD_MAX_SHARES];
	unsigned nshares;
	char *password;		/* owned (read from a file or copied) */
	bool guest;
	bool require_signing;
	unsigned max_connections;
	unsigned idle_timeout;	/* seconds */
	const char *name;	/* NetBIOS name, default from the host name */
	const char *workgroup;
	/* --user, --pid-file, --log, -v, -q, --test */
	struct pxe_daemon_opts dopt;
};

struct smbd_counters {
	uint64_t connections;
	uint64_t refused;	/* over --max-connections */
	uint64_t sessions;	/* authenticated with the password */
	uint64_t guests;	/* guest or anonymous */
	uint64_t logon_failures;
	uint64_t trees;
	uint64_t opens;
	uint64_t reads;
	uint64_t bytes_read;
	uint64_t denied;	/* writes and other changes refused */
	uint64_t errors;	/* other error statuses sent */
	uint64_t dropped;	/* connections dropped for protocol errors */
	uint64_t messages;
};

struct share {
	char *name;
	char *path;
	const struct be_ops *ops;
	void *be;
	bool ipc;
};

struct smbd;

struct listener {
	struct pxe_io io;
	struct smbd *d;
};

struct conn;

struct smbd {
	struct smbd_config cfg;
	struct pxe_loop *loop;
	struct share shares[SMBD_MAX_SHARES + 1];	/* + IPC$ */
	unsigned nshares;
	struct listener ls[SMBD_MAX_LISTEN + 2];
	unsigned nls;
	struct conn *conns;
	unsigned nconns, peak_conns;
	struct conn *graveyard;		/* closed, freed by reap */
	struct pxe_timer reap;
	uint8_t nt_hash[16];		/* of --password */
	uint8_t guid[16];		/* server GUID */
	char nb_name[16];		/* NetBIOS name, upper case */
	struct smbd_counters c;
	uint64_t start_time;		/* FILETIME */
	unsigned long long fd_limit;	/* RLIMIT_NOFILE in force */
	int spare_fd;			/* given up to refuse on EMFILE */
	uint64_t emfile_log_at;		/* rate limit of that refusal */
	unsigned emfile_n;
	struct pxe_daemon dm;		/* pid file, --user, signals */
	struct pxe_opts_mem optmem;	/* values read from -C files */
};

/* One direction of NTLM, and the SPNEGO wrapping, of a session setup. */
struct auth_state {
	bool spnego;
	uint8_t challenge[8];
	uint8_t *neg;			/* the NEGOTIATE message, for the MIC */
	size_t neg_len;
	uint8_t *chal;			/* our CHALLENGE */
	size_t chal_len;
	uint8_t *mech_types;		/* DER MechTypeList, for mechListMIC */
	size_t mech_types_len;
	uint32_t flags;			/* negotiated NTLMSSP flags */
};

enum sess_state { SESS_IN_PROGRESS, SESS_VALID, SESS_DEAD };

struct tree {
	struct tree *next;
	uint32_t id;
	struct share *share;
};

struct session {
	struct session *next;
	uint64_t id;
	enum sess_state state;
	bool guest, anonymous;
	bool signing_required;
	struct smb2_signer signer;	/* valid once authenticated */
	uint8_t preauth[SMB2_PREAUTH_LEN];
	struct auth_state auth;
	char user[128];			/* "DOMAIN\user", escaped */
	struct tree *trees;
	unsigned ntrees;
	uint32_t next_tree_id;
};

/* A directory listing being returned by QUERY_DIRECTORY. */
struct dir_entry {
	char *name;
	struct be_stat st;
};

struct open {
	uint64_t id;			/* FileId, both halves */
	struct session *sess;
	struct tree *tree;
	struct be_node *node;
	struct be_stat st;
	char *path;			/* share-relative, '/' separated */
	uint32_t granted;
	struct dir_entry *list;		/* QUERY_DIRECTORY state */
	size_t nlist, pos;
	bool listed;
	bool io_error_logged;		/* one log line per handle */
	int special;			/* SPECIAL_*: no node behind it */
	bool pipe;			/* IPC$\srvsvc */
	bool pipe_bound;
	uint16_t pipe_ctx;
	uint8_t *pipe_out;		/* DCE/RPC output not yet read */
	size_t pipe_len, pipe_off;
	uint64_t bytes_read;		/* for the close line */
	uint64_t t0_ns;			/* when it was opened */
};

/* A CHANGE_NOTIFY waiting (for ever: nothing changes) for CANCEL or
 * CLOSE. */
struct pending {
	struct pending *next;
	uint64_t async_id;
	uint64_t message_id;
	uint16_t credit_charge;		/* echoed in the final response */
	struct session *sess;
	struct open *open;
	bool sign;			/* the request was signed */
};

/* A queued chunk of output. */
struct outbuf {
	struct outbuf *next;
	uint8_t *data;
	size_t len, cap, sent;
};

struct conn {
	struct pxe_io io;
	struct smbd *d;
	struct conn *prev, *next;
	char peer[PXE_ADDRSTRLEN];
	uint8_t *in;
	size_t in_len, in_cap;
	struct outbuf *out, *out_tail;
	size_t out_bytes;
	bool reading;			/* EPOLLIN armed */
	bool dead;
	struct pxe_timer idle;
	/* NEGOTIATE */
	bool negotiated;		/* a real dialect was chosen */
	bool wildcard;			/* answered 0x02FF, expect NEGOTIATE */
	uint16_t dialect;
	enum smb2_sign_alg sign_alg;
	uint8_t preauth[SMB2_PREAUTH_LEN];
	uint16_t cli_secmode;
	uint32_t cli_caps;
	uint8_t cli_guid[16];
	uint16_t cli_dialects[SMB2_MAX_DIALECTS];
	uint16_t cli_ndialects;
	uint32_t max_read, max_write, max_transact;
	/* credits: ids [seq_low, seq_low + seq_range) may be used once */
	uint64_t seq_low;
	uint32_t seq_range;
	uint32_t credits;		/* held by the client */
	uint8_t seq_used[SMBD_MAX_CREDITS * 2 / 8];
	/* sessions and opens */
	struct session *sessions;
	unsigned nsessions;
	struct session *dead_sessions;	/* freed after the frame is sent */
	struct open **opens;		/* by slot; FileId = gen << 16 | slot */
	unsigned nopens, cap_opens;
	uint64_t open_gen;
	struct pending *pending;	/* CHANGE_NOTIFYs waiting */
	unsigned npending;
	uint64_t next_async_id;
};

enum { SPECIAL_NONE, SPECIAL_PIPE, SPECIAL_QUOTA };

/* One request being answered. */
struct req {
	struct conn *c;
	const struct smb2_msg *m;
	struct session *sess;
	struct tree *tree;
	struct pxe_buf b;		/* the response, from its header */
	struct outbuf *ob;		/* holding b */
	size_t at;			/* where this response starts in ob */
	bool body_done;			/* the handler wrote a body */
	bool sign;			/* sign even if the request was not */
	bool no_sign;			/* never sign (MORE_PROCESSING) */
	uint8_t *preauth;		/* hash the response into this */
	uint32_t error_data;		/* BUFFER_TOO_SMALL: the size needed */
	bool has_error_data;
	struct smb2_fid rel_fid;	/* FileId the chain opened */
	uint32_t rel_status;		/* status of the chain's last CREATE */
	bool rel_set;
	struct smb2_fid new_fid;	/* set by CREATE */
	bool created;
	uint64_t async_id;		/* an interim response: went async */
	size_t limit;			/* most bytes this response may take */
	bool over_budget;		/* req_reserve hit limit */
};

/* main.c: nothing shared. */

/* conn.c */
void conn_on_accept(struct pxe_loop *loop, struct pxe_io *io, uint32_t ev);
/* A new output chunk of at least n bytes at the tail of c's queue. */
struct outbuf *conn_out_new(struct conn *c, size_t n);
/* Make room for n more bytes after ob->len; 0 or -ENOMEM. */
int conn_out_reserve(struct outbuf *ob, size_t n);
/* Start sending what is queued. */
void conn_flush(struct conn *c);
/* Close c now (logged with why if not NULL) and free it. */
void conn_close(struct conn *c, const char *why);
void conn_close_all(struct smbd *d);
/* Free closed connections (a timer callback, armed by conn_close). */
void conn_reap(struct pxe_loop *loop, struct pxe_timer *t);
/* Credits: take the ids a request uses; false if it may not. */
bool conn_take_ids(struct conn *c, uint64_t mid, uint16_t charge);
/* Grant credits for a response to a request that asked for want. */
uint16_t conn_grant(struct conn *c, uint16_t want, uint16_t charge);

/* dispatch.c */
/*
 * Answer one frame (queued on c).  0, or -EPROTO when the connection must
 * be dropped (after sending what was answered).
 */
int dispatch_frame(struct conn *c, const uint8_t *frame, size_t len);
/* Grow r's response buffer to hold n more bytes after the cursor. */
int req_reserve(struct req *r, size_t n);
/*
 * Send the final response of a pending CHANGE_NOTIFY (STATUS_CANCELLED or
 * STATUS_NOTIFY_CLEANUP) and forget it.
 */
void pending_finish(struct conn *c, struct pending *p, uint32_t status);
/* End the pending requests of session s (or only those on open o, if
 * not NULL) with STATUS_NOTIFY_CLEANUP. */
void pending_drop(struct conn *c, struct session *s, struct open *o);
/* Forget every pending request without an answer (c is closing). */
void pending_free_all(struct conn *c);

/* auth.c */
uint32_t smb_negotiate(struct req *r);
uint32_t smb_session_setup(struct req *r);
uint32_t smb_logoff(struct req *r);
struct session *session_find(struct conn *c, uint64_t id);
/* Close a session's trees and opens; it is freed after the frame. */
void session_kill(struct conn *c, struct session *s);
void session_free(struct session *s);
/* Answer FSCTL_VALIDATE_NEGOTIATE_INFO. */
uint32_t smb_validate_negotiate(struct req *r, const uint8_t *in,
    size_t len);

/* tree.c */
uint32_t smb_tree_connect(struct req *r);
uint32_t smb_tree_disconnect(struct req *r);
struct tree *tree_find(struct session *s, uint32_t id);
void tree_free_all(struct conn *c, struct session *s);

/* file.c */
uint32_t smb_create(struct req *r);
uint32_t smb_close(struct req *r);
uint32_t smb_read(struct req *r);
uint32_t smb_query_dir(struct req *r);
uint32_t smb_query_info(struct req *r);
uint32_t smb_ioctl(struct req *r);
uint32_t smb_denied(struct req *r);
uint32_t smb_write(struct req *r);
uint32_t smb_lock(struct req *r);
uint32_t smb_echo(struct req *r);
uint32_t smb_change_notify(struct req *r);
/* file.c, for query.c: the open a request's FileId names on its tree
 * (NULL and *st set when none), its attributes now, and names. */
#define SMBD_MAXPATH	1024
struct open *open_get(struct req *r, const struct smb2_fid *fid,
    uint32_t *st);
void open_stat(const struct open *o, struct be_stat *st);
void fill_info(const struct be_stat *st, const char *name,
    struct smb2_file_info *fi);
void fill_special(const struct open *o, struct smb2_file_info *fi);
/* The last component of a '/' path ("" for the root). */
const char *base_name(const char *path);
/* A character Windows never allows in a name. */
bool bad_char(unsigned char ch);
/* Close every open of session s (or tree t, if not NULL). */
void open_close_all(struct conn *c, struct session *s, struct tree *t);
void open_free_all(struct conn *c);

/* pipe.c */
/* True for the pipe names IPC$ opens ("srvsvc"). */
bool pipe_name_ok(const char *path);
/* A DCE/RPC PDU written to the pipe; its answer is queued.  0 or -errno. */
int pipe_write(struct conn *c, struct open *o, const uint8_t *p, size_t n);
/* READ on the pipe: what the last PDU written produced. */
uint32_t pipe_smb_read(struct req *r, struct open *o,
    const struct smb2_read_req *q);
/* FSCTL_PIPE_TRANSCEIVE: a PDU in, its answer out. */
uint32_t pipe_transceive(struct req *r, struct open *o,
    const struct smb2_ioctl_req *q);
/* Take up to max bytes of queued output; *more if some is left. */
size_t pipe_read(struct open *o, uint8_t *buf, size_t max, bool *more);

/* Log the counters (SIGUSR1 and exit). */
/* The counters, one line (arg: the struct smbd; also SIGUSR1's hook). */
void smbd_log_counters(void *arg);

#endif
