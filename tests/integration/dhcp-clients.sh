#!/bin/sh
# pxe-dhcpd against the DHCP clients Debian ships: busybox udhcpc, ISC
# dhclient and dhcpcd, in a pair of network namespaces joined by a veth
# (never on a real interface).  Each gets an address from the range and
# the options asked for; renewing keeps the address; a release frees it;
# a --host gets its fixed address; every ACKed lease is in the lease file.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

need_root
need busybox dhclient dhcpcd
built "$PXE_DHCPD"

netns_pair dh 10.66.0.1/24
CMAC=$(ip -n "$C" -o link show "$VC" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')

LEASES=$T/leases
: > "$LOG"
ip netns exec "$S" "$PXE_DHCPD" -i "$VS" --range 10.66.0.100,10.66.0.150,10m \
    --router 10.66.0.1 --dns 10.66.0.53,10.66.0.54 --domain lab.test \
    --option ntp-server,10.66.0.123 --host 02:00:00:00:00:42,10.66.0.42,fixed \
    -f "$LEASES" 2>> "$LOG" &
SERVER_PID=$!		# lib.sh's cleanup stops it
wait_log 'listening on' 5 || fail "pxe-dhcpd did not start"

# udhcpc: its script gets the lease in environment variables.
cat > "$T/udhcpc.sh" <<EOF
#!/bin/sh
[ "\$1" = bound ] || [ "\$1" = renew ] || exit 0
{ echo "ip='\$ip'"; echo "subnet='\$subnet'"; echo "router='\$router'";
  echo "dns='\$dns'"; echo "domain='\$domain'"; echo "ntpsrv='\$ntpsrv'";
  echo "lease='\$lease'"; echo "serverid='\$serverid'"; } > "$T/udhcpc.env"
EOF
chmod +x "$T/udhcpc.sh"
ip netns exec "$C" timeout 30 busybox udhcpc -i "$VC" -f -q -n -t 5 -T 1 \
    -O ntpsrv -s "$T/udhcpc.sh" > "$T/udhcpc.out" 2>&1 ||
    fail "udhcpc got no lease: $(cat "$T/udhcpc.out")"
. "$T/udhcpc.env"
case $ip in 10.66.0.1[0-4][0-9]|10.66.0.150) ;; *) fail "udhcpc got '$ip', not from the range" ;; esac
[ "$subnet" = 255.255.255.0 ] || fail "udhcpc subnet '$subnet'"
[ "$router" = 10.66.0.1 ] || fail "udhcpc router '$router'"
[ "$dns" = "10.66.0.53 10.66.0.54" ] || fail "udhcpc dns '$dns'"
[ "$domain" = lab.test ] || fail "udhcpc domain '$domain'"
[ "$ntpsrv" = 10.66.0.123 ] || fail "udhcpc ntp server '$ntpsrv' (--option)"
[ "$lease" = 600 ] || fail "udhcpc lease time '$lease'"
[ "$serverid" = 10.66.0.1 ] || fail "udhcpc server id '$serverid'"
expect_log "DHCPDISCOVER\\($VS\\) $CMAC" "DISCOVER line"
expect_log "DHCPOFFER\\($VS\\) $ip $CMAC" "OFFER line"
expect_log "DHCPACK\\($VS\\) $ip $CMAC" "ACK line"
grep -q " $CMAC $ip " "$LEASES" || fail "lease of $ip not in the lease file: $(cat "$LEASES")"
UIP=$ip

# The same client again: the same address.
ip netns exec "$C" timeout 30 busybox udhcpc -i "$VC" -f -q -n -t 5 -T 1 \
    -s "$T/udhcpc.sh" > "$T/udhcpc.out" 2>&1 || fail "udhcpc again"
. "$T/udhcpc.env"
[ "$ip" = "$UIP" ] || fail "the same client got $ip, then $UIP"

# dhclient with a script of its own, then a release.
cat > "$T/dhclient.sh" <<EOF
#!/bin/sh
# Only the address is configured (so the release can be sent from it),
# never /etc/resolv.conf: the namespace shares the host's files.
case \$reason in
BOUND|RENEW|REBOOT)
  ip addr replace \$new_ip_address/24 dev \$interface
  { echo "ip=\$new_ip_address"; echo "router=\$new_routers";
    echo "dns='\$new_domain_name_servers'"; echo "domain=\$new_domain_name";
    echo "mask=\$new_subnet_mask"; } > "$T/dhclient.env" ;;
RELEASE|STOP|EXPIRE)
  ip addr del \$old_ip_address/24 dev \$interface 2>/dev/null ;;
esac
exit 0
EOF
chmod +x "$T/dhclient.sh"
rm -f "$T/dhclient.env"
ip netns exec "$C" timeout 60 dhclient -1 -v -sf "$T/dhclient.sh" \
    -lf "$T/dhclient.leases" -pf "$T/dhclient.pid" "$VC" > "$T/dhclient.out" 2>&1 ||
    fail "dhclient got no lease: $(tail -n 5 "$T/dhclient.out")"
[ -s "$T/dhclient.env" ] || fail "dhclient's script did not run: $(tail -n 5 "$T/dhclient.out")"
. "$T/dhclient.env"
[ "$ip" = "$UIP" ] || fail "dhclient (same MAC) got '$ip', udhcpc had $UIP"
[ "$router" = 10.66.0.1 ] && [ "$domain" = lab.test ] &&
    [ "$mask" = 255.255.255.0 ] || fail "dhclient options: $(cat "$T/dhclient.env")"
ip netns exec "$C" timeout 30 dhclient -r -sf "$T/dhclient.sh" \
    -lf "$T/dhclient.leases" -pf "$T/dhclient.pid" "$VC" > /dev/null 2>&1
expect_log "DHCPRELEASE\\($VS\\) $ip $CMAC" "RELEASE line"

# dhcpcd in test mode: it asks, prints the lease, configures nothing.
ip netns exec "$C" timeout 60 dhcpcd -4 -T -t 20 --nohook resolv.conf "$VC" \
    > "$T/dhcpcd.out" 2>&1 || true	# dhcpcd 9.4 -T may crash on exit
grep -Eq "new_ip_address='?10\.66\.0\.1[0-5][0-9]" "$T/dhcpcd.out" ||
    fail "dhcpcd got no address from the range: $(grep -i 'ip_address\|error' "$T/dhcpcd.out" | head -n 5)"
grep -Eq "new_domain_name='?lab\.test" "$T/dhcpcd.out" || fail "dhcpcd: no domain"

# A fixed address for a known MAC.
ip -n "$C" link set "$VC" down
ip -n "$C" link set "$VC" address 02:00:00:00:00:42
ip -n "$C" link set "$VC" up
ip netns exec "$C" timeout 30 busybox udhcpc -i "$VC" -f -q -n -t 5 -T 1 \
    -s "$T/udhcpc.sh" > "$T/udhcpc.out" 2>&1 || fail "udhcpc as the fixed host"
. "$T/udhcpc.env"
[ "$ip" = 10.66.0.42 ] || fail "--host 02:00:00:00:00:42 got '$ip', not 10.66.0.42"

# Clean stop: the lease file is compacted and still has the lease of
# udhcpc's first address (released by dhclient: gone).
kill -TERM "$SERVER_PID"
wait "$SERVER_PID" || fail "pxe-dhcpd exited $? after SIGTERM"
SERVER_PID=
expect_log 'counters: received [1-9]' "counters at exit"
head -n 1 "$LEASES" | grep -q '^#' || fail "lease file has no header"
if grep -q " $UIP " "$LEASES"; then
	fail "released lease $UIP still in the file: $(cat "$LEASES")"
fi
exit 0
