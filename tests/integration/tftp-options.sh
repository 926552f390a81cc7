#!/bin/sh
# Option negotiation as a client sees it on the wire: what the OACK grants
# (RFC 2347/2348/2349/7440, rollover, Microsoft's msftwindow), what is
# ignored, the client's ERROR 8, PXE firmware's tsize probe, and the data
# that follows each OACK.  Uses tests/tools/tftpc, which prints the OACK.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

built "$TFTPC"

mkfile f 5000
mkfile big 3000000
mkfile roll 600000		# 75000 blocks of 8: block numbers roll over

# oack EXPECTED [TFTPC OPTIONS]: fetch f, the OACK line must be EXPECTED
# ("none": no OACK, the data starts at once) and the data must be intact.
oack() {
	want=$1
	shift
	rm -f "$T/out"
	"$TFTPC" -q -O "$T/out" "$@" 127.0.0.1 "$PORT" f > "$T/c.out" 2>&1 ||
	    fail "tftpc $*: $(cat "$T/c.out")"
	got=$(grep '^OACK' "$T/c.out" || echo none)
	[ "$got" = "$want" ] || fail "tftpc $*: got '$got', want '$want'"
	same "$ROOT/f" "$T/out" "tftpc $*"
}

start_tftpd -v
oack "OACK tsize=5000 blksize=1468" -o tsize=0 -o blksize=1468
expect_log 'RRQ "f" from 127\.0\.0\.1 \(octet tsize=0 blksize=1468\)' \
    "verbose request line"
expect_log "sent $ROOT/f to 127\\.0\\.0\\.1 \\(5000 bytes in .*blksize 1468, windowsize 1\\)" \
    "sent line"
oack "none"
oack "none" -o foo=bar
oack "OACK blksize=1024" -o BLKSIZE=1024
oack "OACK blksize=1024" -o blksize=1024 -o blksize=2048
oack "OACK blksize=65464" -o blksize=70000
oack "OACK blksize=8" -o blksize=8
oack "none" -o blksize=7
oack "none" -o blksize=0
oack "none" -o blksize=abc
oack "OACK timeout=3" -o timeout=3
oack "none" -o timeout=0
oack "none" -o timeout=256
oack "OACK windowsize=16" -o windowsize=16
oack "OACK windowsize=64" -o windowsize=500
oack "none" -o windowsize=0
oack "OACK rollover=0" -o rollover=0
oack "OACK blksize=1456 msftwindow=27182" -o blksize=1456 \
    -o msftwindow=31416 -M 8
expect_log "blksize 1456, windowsize 8, msftwindow\\)" "msftwindow in the sent line"
oack "none" -o msftwindow=12345

# The Windows Deployment Services pattern: a tsize probe, then the real
# transfer with windowsize and msftwindow, acknowledged with 5-byte ACKs
# that ask for growing windows.
"$TFTPC" -e -o tsize=0 127.0.0.1 "$PORT" big > "$T/c.out" 2>&1
grep -q '^OACK tsize=3000000$' "$T/c.out" || fail "probe OACK: $(cat "$T/c.out")"
expect_log "tsize probe for $ROOT/big from 127\\.0\\.0\\.1" "tsize probe line"
"$TFTPC" -q -O "$T/out" -o blksize=1456 -o windowsize=4 -o tsize=0 \
    -o msftwindow=31416 -M 32 127.0.0.1 "$PORT" big > "$T/c.out" 2>&1 ||
    fail "msftwindow transfer: $(cat "$T/c.out")"
grep -q '^OACK blksize=1456 windowsize=4 tsize=3000000 msftwindow=27182$' \
    "$T/c.out" || fail "WDS OACK: $(cat "$T/c.out")"
same "$ROOT/big" "$T/out" "msftwindow transfer"
expect_log "sent $ROOT/big .*windowsize 32, msftwindow" "window grown to 32"

# ERROR 8 to an OACK without tsize is a refusal, logged as such.
"$TFTPC" -e -o blksize=1024 127.0.0.1 "$PORT" f > /dev/null 2>&1
expect_log "127\\.0\\.0\\.1 refused the options for $ROOT/f: error 8" \
    "ERROR 8 refusal"

# Block numbers past 65535: rollover to 0 (the default), and to 1 when the
# client negotiates rollover=1.
for r in "" "-o rollover=1"; do
	rm -f "$T/out"
	# shellcheck disable=SC2086
	"$TFTPC" -q -O "$T/out" -o blksize=8 $r 127.0.0.1 "$PORT" roll \
	    > "$T/c.out" 2>&1 || fail "rollover $r: $(cat "$T/c.out")"
	grep -q 'received 600000 bytes in 75001 blocks' "$T/c.out" ||
	    fail "rollover $r: $(cat "$T/c.out")"
	same "$ROOT/roll" "$T/out" "rollover $r"
done
stop_tftpd

# The administrator's limits.
start_tftpd -B 1024 -W 8 --no-msftwindow
oack "OACK blksize=1024" -o blksize=1468
oack "OACK windowsize=8" -o windowsize=16
oack "OACK blksize=1024" -o blksize=1456 -o msftwindow=31416
stop_tftpd

# A WRQ's tsize is echoed as the client announced it.
start_tftpd -w
head -c 3000 /dev/urandom > "$T/up"
"$TFTPC" -p "$T/up" -o tsize=3000 -o blksize=1000 127.0.0.1 "$PORT" up.bin \
    > "$T/c.out" 2>&1 || fail "upload: $(cat "$T/c.out")"
grep -q '^OACK tsize=3000 blksize=1000$' "$T/c.out" ||
    fail "WRQ OACK: $(cat "$T/c.out")"
same "$T/up" "$ROOT/up.bin" "upload with options"
stop_tftpd
exit 0
