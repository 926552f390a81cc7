#!/bin/sh
# The command line as scripts use it: --help and --version, exit codes
# (0 clean stop, 1 runtime failure, 2 usage), -C configuration files,
# --pid-file, -L FILE with SIGHUP reopening it (logrotate), and SIGUSR1.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

mkfile f 1000


status 0 "$PXE_TFTPD" --help
grep -q -- '--max-blksize' "$T/cmd.out" || fail "--help does not list --max-blksize"
status 0 "$PXE_TFTPD" -h
status 0 "$PXE_TFTPD" --version
grep -Eq '^pxe-tftpd \(pxekit\) [0-9]+\.[0-9]+' "$T/cmd.out" || fail "--version: $(cat "$T/cmd.out")"
status 2 "$PXE_TFTPD" --no-such-option
status 2 "$PXE_TFTPD" -p 0
grep -q 'port' "$T/cmd.out" || fail "-p 0 does not name the port: $(cat "$T/cmd.out")"
status 2 "$PXE_TFTPD" -p 70000
status 2 "$PXE_TFTPD" -B 4
status 2 "$PXE_TFTPD" -r "$ROOT" --overwrite
status 2 "$PXE_TFTPD" -r "$ROOT" extra-argument
status 2 "$PXE_TFTPD" -C "$T/missing.conf"
status 1 "$PXE_TFTPD" -r "$T/no-such-root" -l 127.0.0.1 -p 1
grep -q 'no-such-root' "$T/cmd.out" || fail "missing root not named: $(cat "$T/cmd.out")"
status 1 "$PXE_TFTPD" -r "$ROOT" -l 192.0.2.1 -p 45678
grep -q '192.0.2.1' "$T/cmd.out" || fail "bind failure not named: $(cat "$T/cmd.out")"

# A configuration file: long options without "--", comments, blank lines.
cat > "$T/tftpd.conf" <<EOF
# pxe-tftpd configuration
max-blksize 1024

verbose
EOF
printf 'bogus-option 1\n' > "$T/bad.conf"
status 2 "$PXE_TFTPD" -C "$T/bad.conf"
grep -q 'bad.conf:1' "$T/cmd.out" || fail "bad config line not located: $(cat "$T/cmd.out")"

LOG=$T/file.log		# start_tftpd waits for "listening on" there
start_tftpd -C "$T/tftpd.conf" --pid-file "$T/pid" -L "$T/file.log"
[ "$(cat "$T/pid" 2>/dev/null)" = "$SERVER_PID" ] ||
    fail "pid file has '$(cat "$T/pid" 2>/dev/null)', want $SERVER_PID"
need curl
curl -s --tftp-blksize 1468 "tftp://127.0.0.1:$PORT/f" -o "$T/out" ||
    fail "curl fetch"
same "$ROOT/f" "$T/out" "fetch with a config file"
expect_log 'sent .*blksize 1024' "-C max-blksize applied"
expect_log 'RRQ "f" from' "-C verbose applied"

# logrotate: move the file away, SIGHUP, the server writes a new one.
mv "$T/file.log" "$T/file.log.1"
kill -HUP "$SERVER_PID"
sleep 0.2
kill -USR1 "$SERVER_PID"
expect_log 'counters: transfers 1 \(ok 1' "counters in the reopened log"
stop_tftpd
[ ! -e "$T/pid" ] || fail "pid file left behind after a clean stop"

# --user with a pid file where only root may write (as /run is): the pid
# file is written before privileges are dropped; the server then runs as
# the user.  A user that does not exist is a start-up failure (exit 1)
# that leaves no pid file.
if [ "$(id -u)" = 0 ] && id nobody > /dev/null 2>&1; then
	mkdir -m 0755 "$T/run"
	chmod 0755 "$T" "$ROOT"
	chmod 0644 "$ROOT/f"
	LOG=$T/user.log
	start_tftpd --user nobody --pid-file "$T/run/pxe-tftpd.pid"
	[ "$(cat "$T/run/pxe-tftpd.pid" 2>/dev/null)" = "$SERVER_PID" ] ||
	    fail "--user: pid file has '$(cat "$T/run/pxe-tftpd.pid" 2>/dev/null)'"
	[ "$(stat -c %U "/proc/$SERVER_PID")" = nobody ] ||
	    fail "--user nobody: the server runs as $(stat -c %U "/proc/$SERVER_PID")"
	curl -s "tftp://127.0.0.1:$PORT/f" -o "$T/out2" || fail "curl as nobody"
	same "$ROOT/f" "$T/out2" "a fetch from a server running as nobody"
	stop_tftpd
	status 1 "$PXE_TFTPD" -r "$ROOT" -l 127.0.0.1 -p 1 --user no-such-user-x \
	    --pid-file "$T/run/x.pid"
	grep -q -- "--user no-such-user-x: no such user" "$T/cmd.out" ||
	    fail "unknown --user: $(cat "$T/cmd.out")"
	[ ! -e "$T/run/x.pid" ] || fail "a failed start left its pid file"
else
	say "not root (or no user nobody): --user not checked"
fi
exit 0
