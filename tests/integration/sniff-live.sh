#!/bin/sh
# pxe-sniff on a live interface: the kernel hands it packets a block at a
# time (one wake-up for hundreds of TFTP blocks, not one for each), and a
# stop signal still shows the packets of its last moments: SIGTERM right
# after a TFTP request, and the request is in the output.  Inside a private
# network namespace, on its loopback.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

SNIFF=$top_builddir/bin/pxe-sniff/pxe-sniff
built "$SNIFF"
need_root
need python3 ss
NS=pxekit-sniff-$$
netns_add "$NS"

# start: pxe-sniff -i lo in the namespace, until its packet socket is open
# and its filter set.
start() {
	ip netns exec "$NS" "$SNIFF" -i lo "$@" > "$T/out" 2> "$T/err" &
	SPID=$!
	CLEANUP="kill $SPID 2>/dev/null; $CLEANUP"
	i=0
	until ip netns exec "$NS" ss -0 -p 2>/dev/null | grep -q "pid=$SPID,"; do
		i=$((i + 1))
		[ $i -lt 100 ] || fail "pxe-sniff did not open its capture: $(cat "$T/err")"
		kill -0 "$SPID" 2>/dev/null || fail "pxe-sniff exited: $(cat "$T/err")"
		sleep 0.05
	done
	sleep 0.3
}
# rrq NAME [COUNT [GAP_S]]: TFTP read requests to 127.0.0.1:69 (nobody
# listens: the kernel answers port unreachable): for NAME, or with a COUNT
# for NAME0, NAME1, ... (the same name again would be a retry).
rrq() {
	ip netns exec "$NS" python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
n = int(sys.argv[2])
for i in range(n):
    name = sys.argv[1] + (str(i) if n > 1 else "")
    s.sendto(b"\0\1" + name.encode() + b"\0octet\0", ("127.0.0.1", 69))
    time.sleep(float(sys.argv[3]))
' "$1" "${2:-1}" "${3:-0}"
}
# stop: SIGTERM; pxe-sniff must exit 0 within 3 s.
stop() {
	kill -TERM "$SPID"
	i=0
	while kill -0 "$SPID" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 60 ] || { kill -9 "$SPID"; fail "pxe-sniff still running 3 s after SIGTERM"; }
		sleep 0.05
	done
	wait "$SPID" || fail "pxe-sniff exited $? on SIGTERM: $(cat "$T/err")"
}

# 1. The last packets before the signal are not lost in the kernel's block.
start
rrq winpe.iso
stop
grep -q '"winpe.iso"' "$T/out" ||
    fail "the request sent just before SIGTERM is missing: $(head -n 5 "$T/out")"
say "PASS: a request sent just before SIGTERM is decoded"

# 2. Wake-ups: 400 requests 2 ms apart wake it a handful of times, not 400
# (in immediate mode each packet was a wake-up).
start -c 100000
before=$(awk '/^voluntary_ctxt_switches/ { print $2 }' "/proc/$SPID/status")
rrq many 400 0.002
sleep 0.4
after=$(awk '/^voluntary_ctxt_switches/ { print $2 }' "/proc/$SPID/status")
stop
n=$(grep -c 'TFTP RRQ .*"many[0-9]*"' "$T/out")
[ "$n" = 400 ] || fail "$n of 400 requests decoded"
woke=$((after - before))
[ "$woke" -lt 100 ] || fail "woken $woke times for 400 packets (want a few: a block at a time)"
say "PASS: 400 requests decoded, pxe-sniff woken $woke times"
exit 0
