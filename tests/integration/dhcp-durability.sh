#!/bin/sh
# A killed server never loses an acknowledged lease: perfdhcp (Kea) runs a
# bounded flood of full DORA exchanges at pxe-dhcpd while the server is
# killed with SIGKILL and restarted four times, and killed once more at the
# end.  Every DHCPACK captured on the wire must have its lease in the lease
# file, and no address may have been acknowledged to two clients.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

need_root
need perfdhcp tcpdump
built "$PXE_DHCPD"

netns_pair du 10.66.0.1/16 10.66.0.2/16

LEASES=$T/leases
start() {
	start_server pxe-dhcpd ip netns exec "$S" "$PXE_DHCPD" -i "$VS" -f "$LEASES" \
	    --range 10.66.1.0,10.66.200.255,10m
}

ip netns exec "$C" tcpdump -i "$VC" -n -U -w "$T/cap.pcap" \
    'udp port 67 or udp port 68' 2> "$T/tcpdump.log" &
TCPDUMP=$!
CLEANUP="kill $TCPDUMP 2>/dev/null; $CLEANUP"
sleep 0.5
start
# 400 exchanges a second for 12 s, at most 60 s in all.
ip netns exec "$C" timeout 60 perfdhcp -4 -l "$VC" -r 400 -p 12 -R 1000000 \
    > "$T/perfdhcp.out" 2>&1 &
PERF=$!
for k in 1 2 3 4; do
	sleep 2.5
	kill -KILL "$SERVER_PID"
	wait "$SERVER_PID" 2>/dev/null
	start
done
wait "$PERF"
sleep 0.5
kill -KILL "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null
SERVER_PID=
sleep 0.5
kill "$TCPDUMP"
wait "$TCPDUMP" 2>/dev/null

# Every ACK on the wire: "address mac".
tcpdump -r "$T/cap.pcap" -n -vv 2>/dev/null | awk '
	/Your-IP/ { yi = $2 }
	/Client-Ethernet-Address/ { mac = $2 }
	/DHCP-Message.*: ACK/ { print yi, mac }
	/BOOTP\/DHCP/ { yi = ""; mac = "" }' | sort -u > "$T/acks"
n=$(wc -l < "$T/acks")
say "$n leases acknowledged across 5 kills"
[ "$n" -ge 1000 ] || fail "only $n ACKs seen: $(tail -n 20 "$T/perfdhcp.out")"
missing=0
while read -r ip mac; do
	grep -q " $mac $ip " "$LEASES" || { missing=$((missing + 1)); say "lost: $ip $mac"; }
done < "$T/acks"
[ "$missing" = 0 ] || fail "$missing acknowledged leases are not in the lease file"
dup=$(awk '{ print $1 }' "$T/acks" | sort | uniq -d | head -n 3)
[ -z "$dup" ] || fail "addresses acknowledged to two clients: $dup"
exit 0
