# Shared helpers for the integration tests (sourced, POSIX sh).
#
# A test sources this file, calls `need` for the tools it uses, builds a
# tree under $ROOT, starts the server with `start_tftpd [OPTIONS]` (on
# 127.0.0.1 and a free high port, $PORT), runs real clients against it and
# calls `fail MESSAGE` on the first wrong result.  Everything lives in $T,
# a scratch directory removed on exit with the server.  Exit status follows
# automake's test-driver: 0 pass, 77 skip, 99 hard error, else fail.

set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir/build}"
: "${PXE_TFTPD:=$top_builddir/bin/pxe-tftpd/pxe-tftpd}"
: "${PXE_SMBD:=$top_builddir/bin/pxe-smbd/pxe-smbd}"
: "${PXE_DHCPD:=$top_builddir/bin/pxe-dhcpd/pxe-dhcpd}"
: "${PXE_TESTTOOLS:=$top_builddir/tests/tools}"
TFTPC=$PXE_TESTTOOLS/tftpc

T=$(mktemp -d "${TMPDIR:-/tmp}/pxekit-test.XXXXXX") || exit 99
ROOT=$T/root
LOG=$T/tftpd.log
SERVER_PID=
PORT=
mkdir -p "$ROOT"

# Extra cleanup a test needs (network namespaces): set CLEANUP="cmd; cmd".
CLEANUP=
cleanup() {
	if [ -n "$SERVER_PID" ]; then
		kill "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
	fi
	[ -n "$CLEANUP" ] && eval "$CLEANUP"
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

say() { printf '%s\n' "$*"; }

# Under PXEKIT_STRICT=1 (CI, after scripts/deps as root) a skip is a
# failure: it means the package list lacks something a test needs.
skip() {
	if [ "${PXEKIT_STRICT:-}" = 1 ]; then
		say "FAIL: would skip (PXEKIT_STRICT=1): $*"
		exit 1
	fi
	say "SKIP: $*"
	exit 77
}

fail() {
	say "FAIL: $*"
	if [ -s "$LOG" ]; then
		say "--- server log (last 30 lines):"
		tail -n 30 "$LOG"
	fi
	exit 1
}

# need TOOL...: skip the test when a tool is missing.
need() {
	for tool in "$@"; do
		command -v "$tool" >/dev/null 2>&1 ||
		    skip "$tool is not installed (Debian: scripts/deps installs it; the list is scripts/packages)"
	done
}

# need_root: skip unless root and able to make network namespaces.
need_root() {
	[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
	need ip
	ip netns add "pxekit-probe-$$" 2>/dev/null ||
	    skip "cannot create network namespaces here"
	ip netns del "pxekit-probe-$$"
}

# built PROG...: a hard error (99) unless each program is built.
built() {
	for prog in "$@"; do
		[ -x "$prog" ] || { say "ERROR: $prog is not built"; exit 99; }
	done
}

built "$PXE_TFTPD"

# mkfile PATH BYTES: a file of random bytes under $ROOT.
mkfile() {
	mkdir -p "$(dirname "$ROOT/$1")"
	head -c "$2" /dev/urandom > "$ROOT/$1"
}

sum() { sha256sum < "$1" | cut -d' ' -f1; }

# same FILE1 FILE2 WHAT: fail unless the two files are identical.
same() {
	[ -f "$2" ] || fail "$3: $2 was not written"
	cmp -s "$1" "$2" || fail "$3: content differs ($(wc -c < "$2") bytes, want $(wc -c < "$1"))"
}

# wait_log REGEX [SECONDS]: wait until the server log has a matching line.
wait_log() {
	i=0
	limit=$(( ${2:-5} * 20 ))
	while ! grep -Eq "$1" "$LOG" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -le "$limit" ] || return 1
		sleep 0.05
	done
	return 0
}

# status WANT CMD...: run CMD (10 s at most), its exit status must be WANT;
# its output is in $T/cmd.out.
status() {
	want=$1
	shift
	st=0
	timeout 10 "$@" > "$T/cmd.out" 2>&1 || st=$?
	[ "$st" = "$want" ] || fail "$* exited $st, want $want: $(head -n 3 "$T/cmd.out")"
}

# start_server NAME COMMAND...: run COMMAND in the background, logging to
# $LOG (emptied first), until it logs "listening" (or $READY) within 5 s;
# its pid goes in $SERVER_PID, which cleanup stops.
start_server() {
	srv_name=$1
	shift
	: > "$LOG"
	"$@" 2>> "$LOG" &
	SERVER_PID=$!
	wait_log "${READY:-listening}" 5 || fail "$srv_name did not start"
}

# netns_add NS...: network namespaces with their loopbacks up, removed at
# exit after what CLEANUP already says.  Needs root.
netns_add() {
	for ns in "$@"; do
		CLEANUP="${CLEANUP:+$CLEANUP; }ip netns del $ns 2>/dev/null"
		ip netns add "$ns" || fail "cannot create namespace $ns"
		ip -n "$ns" link set lo up
	done
}

# veth_link NS1 IF1 ADDR1 NS2 IF2 ADDR2: a veth pair, IF1 in NS1 and IF2
# in NS2, both up, with ADDR1 and ADDR2 (like 10.66.0.1/24; "" for none).
veth_link() {
	ip link add "$2" netns "$1" type veth peer name "$5" netns "$4" ||
	    fail "cannot create a veth pair"
	[ -z "$3" ] || ip -n "$1" addr add "$3" dev "$2"
	[ -z "$6" ] || ip -n "$4" addr add "$6" dev "$5"
	ip -n "$1" link set "$2" up
	ip -n "$4" link set "$5" up
}

# netns_pair TAG [SERVER_ADDR [CLIENT_ADDR]]: two network namespaces, $S
# (pxekit-TAGs-PID) and $C (pxekit-TAGc-PID), joined by a veth pair $VS
# (TAGsPID) and $VC (TAGcPID), with SERVER_ADDR (like 10.66.0.1/24) on $VS
# and CLIENT_ADDR on $VC where given (and not "").  See netns_add.
netns_pair() {
	S=pxekit-$1s-$$ C=pxekit-$1c-$$ VS=$1s$$ VC=$1c$$
	netns_add "$S" "$C"
	veth_link "$S" "$VS" "${2:-}" "$C" "$VC" "${3:-}"
}

# counters_now: SIGUSR1 to $SERVER_PID; prints the counters line it logs
# (waits up to 5 s for a new one).
counters_now() {
	had=$(grep -c 'counters:' "$LOG")
	kill -USR1 "$SERVER_PID"
	i=0
	until [ "$(grep -c 'counters:' "$LOG")" -gt "$had" ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || fail "no counters after SIGUSR1"
		sleep 0.05
	done
	grep 'counters:' "$LOG" | tail -n 1
}

# expect_log REGEX WHAT: the log must have a matching line (waits up to 5 s).
expect_log() {
	wait_log "$1" 5 || fail "$2: no log line matching /$1/"
}

# start_on_free_port NAME LAUNCH [OPTIONS]: run the function LAUNCH (which
# execs the server on port $PORT with OPTIONS) in the background, logging
# to $LOG, until the server logs "listening on" (or $READY); another port
# when the one picked is taken.  The pid goes in $SERVER_PID for cleanup and stop_tftpd.
start_on_free_port() {
	name=$1 launch=$2
	shift 2
	for attempt in 1 2 3 4 5 6 7 8; do
		PORT=$(( 20000 + ($$ * 7 + attempt * 7919 + $(date +%N | sed 's/^0*//;s/^$/0/')) % 40000 ))
		: > "$LOG"
		"$launch" "$@" 2>> "$LOG" &
		SERVER_PID=$!
		i=0
		while [ $i -lt 100 ]; do
			grep -q "${READY:-listening on}" "$LOG" && return 0
			kill -0 "$SERVER_PID" 2>/dev/null || break
			sleep 0.05
			i=$((i + 1))
		done
		kill "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
		SERVER_PID=
		grep -q 'Address already in use' "$LOG" || break
	done
	fail "$name did not start"
}

launch_tftpd() {
	if [ -n "${NETNS:-}" ]; then
		exec ip netns exec "$NETNS" "$PXE_TFTPD" -r "$ROOT" \
		    -l "${ADDR:-127.0.0.1}" -p "$PORT" "$@"
	fi
	exec "$PXE_TFTPD" -r "$ROOT" -l "${ADDR:-127.0.0.1}" -p "$PORT" "$@"
}

# pxe-tftpd with --http on the port after $PORT ($HPORT).
launch_tftpd_http() {
	exec "$PXE_TFTPD" -r "$ROOT" -l 127.0.0.1 -p "$PORT" \
	    --http "127.0.0.1:$((PORT + 1))" "$@"
}

launch_smbd() {
	exec "$PXE_SMBD" -s "install=${SMBD_SHARE:-$ROOT}" -l 127.0.0.1 \
	    -p "$PORT" "$@"
}

# start_tftpd [OPTIONS]: start the server on 127.0.0.1 and a free high port
# (in $PORT), serving $ROOT, logging to $LOG; waits until it listens.
# ADDR=... NETNS=... override the address and run it in a namespace.
start_tftpd() {
	start_on_free_port pxe-tftpd launch_tftpd "$@"
}

# start_tftpd_http [OPTIONS]: start_tftpd, also serving $ROOT over HTTP on
# 127.0.0.1 port $HPORT (the TFTP port + 1; another pair when it is taken).
start_tftpd_http() {
	READY='(HTTP)' start_on_free_port pxe-tftpd launch_tftpd_http "$@"
	HPORT=$((PORT + 1))
}

# start_smbd [OPTIONS]: start pxe-smbd on 127.0.0.1 and a free high TCP
# port (in $PORT), sharing $ROOT (or $SMBD_SHARE, a directory or an ISO
# image) as "install", logging to $LOG; waits until it listens.  Its pid is
# $SERVER_PID, so cleanup and stop_tftpd treat it like the other servers.
start_smbd() {
	built "$PXE_SMBD"
	start_on_free_port pxe-smbd launch_smbd "$@"
}

# smb MODE USER%PASS COMMANDS [EXTRA smbclient options...]: smbclient on
# the server start_smbd started, its output in $T/smb.out.
smb() {
	mode=$1 cred=$2 cmds=$3
	shift 3
	timeout 120 smbclient "//127.0.0.1/install" -p "$PORT" -m "$mode" \
	    -U "$cred" "$@" -c "$cmds" > "$T/smb.out" 2>&1
}

# well WHAT [SECONDS]: after WHAT, a normal client still gets hello.txt
# from the server start_smbd started (user x, password "secret"), which
# is still running.
well() {
	rm -f "$T/well.txt"
	timeout "${2:-60}" smbclient //127.0.0.1/install -p "$PORT" -U x%secret \
	    -c "get hello.txt $T/well.txt" > "$T/smb.out" 2>&1 ||
	    fail "after $1, a normal client failed: $(tail -n 3 "$T/smb.out")"
	same "$ROOT/hello.txt" "$T/well.txt" "after $1"
	kill -0 "$SERVER_PID" 2>/dev/null || fail "pxe-smbd died during $1"
}

# smb_refused REGEX WHAT SMBCLIENT-COMMANDS: signed SMB 3.1.1 as user x,
# password "secret"; smbclient must say REGEX (an NT_STATUS).
smb_refused() {
	smb SMB3_11 "x%secret" "$3" --client-protection=sign
	grep -Eq "$1" "$T/smb.out" || fail "$2: $(tail -n 2 "$T/smb.out")"
}

# fetch_all MODE USER [options]: signed with password "secret": ls, get
# big.bin, mget tree; compared with $ROOT/big.bin and $ROOT/tree.
fetch_all() {
	mode=$1 user=$2
	shift 2
	out=$T/out.$mode
	rm -rf "$out"
	mkdir -p "$out"
	smb "$mode" "$user%secret" "ls; get big.bin $out/big.bin; \
	    prompt OFF; recurse ON; lcd $out; mget tree" \
	    --client-protection=sign "$@" ||
	    fail "smbclient -m $mode $*: $(tail -n 5 "$T/smb.out")"
	grep -q 'big.bin' "$T/smb.out" || fail "-m $mode: ls lacks big.bin"
	[ "$(sum "$out/big.bin")" = "$(sum "$ROOT/big.bin")" ] ||
	    fail "-m $mode: big.bin differs"
	diff -r "$ROOT/tree" "$out/tree" > "$T/diff.out" 2>&1 ||
	    fail "-m $mode: the tree differs: $(head -n 5 "$T/diff.out")"
}

# stop_tftpd: SIGTERM; the server must exit 0.
stop_tftpd() {
	[ -n "$SERVER_PID" ] || return 0
	kill -TERM "$SERVER_PID"
	st=0
	wait "$SERVER_PID" || st=$?
	SERVER_PID=
	[ "$st" = 0 ] || fail "pxe-tftpd exited $st after SIGTERM"
}

# hpa_get FILE OUT [MODE]: fetch with tftp-hpa's client (no options, RFC
# 1350 lockstep with 512-byte blocks); MODE is binary (default) or ascii.
# tftp-hpa exits 0 even when the server refused: its message is the result.
hpa_get() {
	rm -f "$2"
	timeout 120 tftp -m "${3:-binary}" 127.0.0.1 "$PORT" \
	    -c get "$1" "$2" > "$T/hpa.out" 2>&1 || return 1
	! grep -Eq 'Error code|timed out|Transfer' "$T/hpa.out"
}

# hpa_put LOCAL REMOTE: upload with tftp-hpa's client; same conventions.
hpa_put() {
	timeout 120 tftp -m binary 127.0.0.1 "$PORT" \
	    -c put "$1" "$2" > "$T/hpa.out" 2>&1 || return 1
	! grep -Eq 'Error code|timed out|Transfer' "$T/hpa.out"
}
