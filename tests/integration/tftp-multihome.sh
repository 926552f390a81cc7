#!/bin/sh
# A multi-homed server (root, network namespaces): listening on all
# addresses, each transfer answers from the address its request was sent to
# (IP_PKTINFO / IPV6_PKTINFO), over IPv4 and IPv6, on port 69 bound as root
# and then served as --user nobody.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

need_root
built "$TFTPC"
id nobody > /dev/null 2>&1 || skip "no user nobody"

netns_pair mh 10.77.0.1/24 10.77.0.100/24
ip -n "$S" addr add 10.77.0.2/24 dev "$VS"
ip -n "$S" addr add fd77::1/64 dev "$VS" nodad
ip -n "$S" addr add fd77::2/64 dev "$VS" nodad
ip -n "$C" addr add fd77::100/64 dev "$VC" nodad

# nobody must be able to reach the root.
chmod 755 "$T"
mkfile boot/pxelinux.0 30000
chmod -R a+rX "$ROOT"

# Started by hand: port 69 and every address, so not start_tftpd.
: > "$LOG"
ip netns exec "$S" "$PXE_TFTPD" -r "$ROOT" -u nobody 2>> "$LOG" &
SERVER_PID=$!
wait_log 'listening on 0\.0\.0\.0 port 69' 5 || fail "no IPv4 listener"
wait_log 'listening on :: port 69' 5 || fail "no IPv6 listener"

uid=$(awk '/^Uid:/ { print $2 $3 $4 $5 }' "/proc/$SERVER_PID/status")
nob=$(id -u nobody)
[ "$uid" = "$nob$nob$nob$nob" ] || fail "still running as uid $uid after --user nobody"

for addr in 10.77.0.1 10.77.0.2 fd77::1 fd77::2; do
	rm -f "$T/out"
	ip netns exec "$C" "$TFTPC" -q -O "$T/out" -o blksize=1400 "$addr" 69 \
	    /boot/pxelinux.0 > "$T/c.out" 2>&1 || fail "fetch from $addr: $(cat "$T/c.out")"
	same "$ROOT/boot/pxelinux.0" "$T/out" "fetch from $addr"
	grep -q "^received 30000 bytes in 22 blocks from $addr port " "$T/c.out" ||
	    fail "request to $addr answered from elsewhere: $(cat "$T/c.out")"
done
expect_log "sent $ROOT/boot/pxelinux.0 to 10\\.77\\.0\\.100 " "IPv4 sent line"

# blksize is bounded by the path MTU: 1500 - IP - UDP - 4 on the veth.
for case in "10.77.0.2 1468" "fd77::2 1448"; do
	set -- $case
	ip netns exec "$C" "$TFTPC" -q -O "$T/out" -o blksize=65464 "$1" 69 \
	    boot/pxelinux.0 > "$T/c.out" 2>&1 || fail "fetch from $1: $(cat "$T/c.out")"
	grep -q "^OACK blksize=$2\$" "$T/c.out" ||
	    fail "blksize over $1 with MTU 1500: $(head -n 1 "$T/c.out"), want $2"
	same "$ROOT/boot/pxelinux.0" "$T/out" "fetch with blksize $2"
done
expect_log "sent $ROOT/boot/pxelinux.0 to fd77::100 " "IPv6 sent line"

stop_tftpd
exit 0
