#!/bin/sh
# A DHCP relay agent between the client and pxe-dhcpd: dnsmasq in relay
# mode (--dhcp-relay) forwards from the client's subnet 10.69.0.0/24 to the
# server on 10.68.0.0/24, in three network namespaces joined by veths.
# pxe-dhcpd serves both subnets from one interface: the relayed client gets
# an address from the range on the relay's subnet (picked by giaddr), that
# range's netmask, and the relay as its router; a PXE ROM behind the relay
# gets its boot file; a client relayed from a subnet with no range gets
# nothing, with a log line saying why.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

need_root
need busybox dnsmasq
DHCPC=${PXE_TESTTOOLS:-$top_builddir/tests/tools}/dhcpc
built "$PXE_DHCPD"

S=pxekit-ls-$$
R=pxekit-lr-$$
C=pxekit-lc-$$
RELAY=
CLEANUP='[ -n "$RELAY" ] && kill $RELAY 2>/dev/null'
netns_add "$S" "$R" "$C"
veth_link "$S" ls$$ 10.68.0.1/24 "$R" lrs$$ 10.68.0.2/24
veth_link "$C" lc$$ "" "$R" lrc$$ 10.69.0.1/24
ip -n "$S" route add 10.69.0.0/24 via 10.68.0.2

LEASES=$T/leases
start_server pxe-dhcpd ip netns exec "$S" "$PXE_DHCPD" -i ls$$ -f "$LEASES" \
    --range 10.68.0.100,10.68.0.150,10m \
    --range 10.69.0.100,10.69.0.150,255.255.255.0,20m \
    --range 10.70.0.100,10.70.0.150,30m \
    --boot bios=boot/pxelinux.0
expect_log "range 10.70.0.100,10.70.0.150 is outside the subnet of ls$$" \
    "warning for a range no client can reach"

# dnsmasq as the relay agent: giaddr 10.69.0.1, server 10.68.0.1.
ip netns exec "$R" dnsmasq --keep-in-foreground --conf-file=/dev/null \
    --port=0 --dhcp-relay=10.69.0.1,10.68.0.1 --pid-file= \
    --log-facility="$T/relay.log" --log-dhcp 2> "$T/relay.err" &
RELAY=$!
sleep 0.5
kill -0 "$RELAY" 2>/dev/null || fail "dnsmasq relay did not start: $(cat "$T/relay.err")"

cat > "$T/udhcpc.sh" <<EOF
#!/bin/sh
[ "\$1" = bound ] || exit 0
{ echo "ip='\$ip'"; echo "subnet='\$subnet'"; echo "router='\$router'";
  echo "lease='\$lease'"; echo "serverid='\$serverid'"; } > "$T/udhcpc.env"
EOF
chmod +x "$T/udhcpc.sh"
ip netns exec "$C" timeout 30 busybox udhcpc -i lc$$ -f -q -n -t 5 -T 1 \
    -s "$T/udhcpc.sh" > "$T/udhcpc.out" 2>&1 ||
    fail "udhcpc got no lease through the relay: $(cat "$T/udhcpc.out")"
. "$T/udhcpc.env"
case $ip in 10.69.0.1[0-4][0-9]|10.69.0.150) ;; *) fail "relayed client got '$ip', not from the relay's range" ;; esac
[ "$subnet" = 255.255.255.0 ] || fail "relayed client subnet '$subnet'"
[ "$router" = 10.69.0.1 ] || fail "relayed client router '$router', not the relay"
[ "$lease" = 1200 ] || fail "relayed client lease '$lease', not its range's 20m"
[ "$serverid" = 10.68.0.1 ] || fail "server id '$serverid'"
expect_log "DHCPACK\\(ls$$\\) $ip" "ACK of the relayed lease"
grep -q " $ip " "$LEASES" || fail "relayed lease not in the lease file"

# A PXE ROM behind the relay gets its boot file through it.
ip netns exec "$C" "$DHCPC" -i lc$$ -a 0 -m 20:6a:8a:0f:74:90 -w 3000 \
    > "$T/pxe.out" 2>&1 || fail "PXE DISCOVER through the relay: $(cat "$T/pxe.out")"
grep -q "boot/pxelinux.0" "$T/pxe.out" || fail "no boot file through the relay: $(cat "$T/pxe.out")"
grep -q "giaddr 10.69.0.1" "$T/pxe.out" || fail "reply did not come through the relay: $(cat "$T/pxe.out")"

# The relay moves to a subnet with no range: silence, and a log line.
kill "$RELAY"; wait "$RELAY" 2>/dev/null
ip -n "$R" addr add 10.71.0.1/24 dev lrc$$
ip -n "$S" route add 10.71.0.0/24 via 10.68.0.2
ip netns exec "$R" dnsmasq --keep-in-foreground --conf-file=/dev/null \
    --port=0 --dhcp-relay=10.71.0.1,10.68.0.1 --pid-file= \
    --log-facility="$T/relay.log" 2> "$T/relay.err" &
RELAY=$!
sleep 0.5
ip netns exec "$C" "$DHCPC" -i lc$$ -n -m 20:6a:8a:0f:74:91 -w 1500 \
    > "$T/none.out" 2>&1 && fail "a client on a subnet with no range got an answer: $(cat "$T/none.out")"
expect_log "no address range for 20:6a:8a:0f:74:91 on subnet 10.71.0.1 \\(relayed\\)" \
    "log line for a subnet with no range"
exit 0
