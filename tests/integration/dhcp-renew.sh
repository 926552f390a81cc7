#!/bin/sh
# Renewal and rebinding driven by the client's own timers: ISC dhclient
# runs as a daemon against pxe-dhcpd with renewal-time 3 s and
# rebinding-time 6 s (set with --option, which replaces the defaults).
# At T1 it renews by unicast to the server; then its unicast renewals are
# lost on the way, so at T2 it rebinds by broadcast.  Both must be ACKed with
# the same address, and each ACK must move the lease's expiry on disk.
# Unicast is lost by pointing the client's ARP entry for the server at a
# MAC nobody has (this kernel has no netem or tc drop action).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

need_root
need dhclient
built "$PXE_DHCPD"

DHCLIENT=
CLEANUP='[ -n "$DHCLIENT" ] && kill $DHCLIENT 2>/dev/null'
netns_pair dr 10.67.0.1/24
CMAC=$(ip -n "$C" -o link show "$VC" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')

LEASES=$T/leases
start_server pxe-dhcpd ip netns exec "$S" "$PXE_DHCPD" -i "$VS" --range 10.67.0.100,10.67.0.150,60 \
    -o renewal-time,3 -o rebinding-time,6 -f "$LEASES"

# dhclient's script: configure the address (renewals are sent from it) and
# record each reason; never touch /etc/resolv.conf (shared with the host).
cat > "$T/dhclient.sh" <<EOF
#!/bin/sh
case \$reason in
BOUND|RENEW|REBIND|REBOOT)
  ip addr replace \$new_ip_address/24 dev \$interface
  echo "\$reason \$new_ip_address \$new_dhcp_renewal_time \$new_dhcp_rebinding_time" >> "$T/reasons" ;;
EXPIRE|FAIL|RELEASE|STOP)
  echo "\$reason" >> "$T/reasons" ;;
esac
exit 0
EOF
chmod +x "$T/dhclient.sh"
: > "$T/reasons"
ip netns exec "$C" dhclient -d -v -sf "$T/dhclient.sh" -lf "$T/dhclient.leases" \
    -pf "$T/dhclient.pid" "$VC" > "$T/dhclient.out" 2>&1 &
DHCLIENT=$!

# wait_reason REASON SECONDS: until dhclient's script has seen REASON.
wait_reason() {
	i=0
	while [ "$i" -lt $(($2 * 10)) ]; do
		grep -q "^$1 " "$T/reasons" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

expiry() {	# expiry IP: the lease's expiry in the file (last line wins)
	awk -v ip="$1" '$3 == ip { e = $1 } END { print e + 0 }' "$LEASES"
}

wait_reason BOUND 20 || fail "dhclient got no lease: $(tail -n 5 "$T/dhclient.out")"
read -r _ IP T1 T2 < "$T/reasons"
case $IP in 10.67.0.1[0-4][0-9]|10.67.0.150) ;; *) fail "bound to '$IP', not from the range" ;; esac
[ "$T1" = 3 ] && [ "$T2" = 6 ] ||
    fail "renewal/rebinding times $T1/$T2, not the 3/6 set with --option"
E0=$(expiry "$IP")
[ "$E0" -gt 0 ] || fail "lease of $IP not in the file: $(cat "$LEASES")"

# RENEWING: unicast from the bound address to the server, at T1.
wait_reason RENEW 15 || fail "no renewal: $(cat "$T/reasons"; tail -n 5 "$T/dhclient.out")"
grep "^RENEW " "$T/reasons" | head -n 1 | grep -q " $IP " ||
    fail "the renewal changed the address: $(cat "$T/reasons")"
grep -q "DHCPREQUEST for $IP on $VC to 10.67.0.1 port 67" "$T/dhclient.out" ||
    fail "dhclient did not renew by unicast: $(grep DHCPREQUEST "$T/dhclient.out" | head -n 3)"
expect_log "DHCPACK\\($VS\\) $IP $CMAC" "ACK of the renewal"
sleep 0.5
E1=$(expiry "$IP")
[ "$E1" -gt "$E0" ] || fail "the renewal did not move the expiry on disk ($E0, then $E1)"

# REBINDING: the client's ARP entry for the server now names a MAC nobody
# has, so its unicast renewals are lost on the wire (the server's kernel
# drops frames for another host) and only the broadcast at T2 gets through.
ip -n "$C" neigh replace 10.67.0.1 lladdr 02:00:00:00:00:99 dev "$VC" nud permanent ||
    fail "cannot set a static ARP entry"
# dhclient 4.4 stays in RENEWING and broadcasts once T2 has passed (its
# script then says RENEW, not REBIND); the packet is the RFC's REBINDING
# one either way: broadcast, ciaddr set, no server identifier.
n=$(grep -c "^RENEW\|^REBIND" "$T/reasons")
nb=$(grep -c "DHCPREQUEST for $IP on $VC to 255.255.255.255" "$T/dhclient.out")
i=0
while [ "$i" -lt 200 ]; do
	[ "$(grep -c "DHCPREQUEST for $IP on $VC to 255.255.255.255" "$T/dhclient.out")" -gt "$nb" ] &&
	    [ "$(grep -c "^RENEW\|^REBIND" "$T/reasons")" -gt "$n" ] && break
	sleep 0.1
	i=$((i + 1))
done
[ "$i" -lt 200 ] || fail "no rebinding by broadcast: $(cat "$T/reasons"; tail -n 8 "$T/dhclient.out")"
tail -n 1 "$T/reasons" | grep -q " $IP " ||
    fail "the rebinding changed the address: $(cat "$T/reasons")"
sleep 0.5
E2=$(expiry "$IP")
[ "$E2" -ge "$E1" ] || fail "the rebinding did not keep the expiry on disk ($E1, then $E2)"
grep -Eq "^(EXPIRE|FAIL)" "$T/reasons" && fail "dhclient lost its lease: $(cat "$T/reasons")"
say "bound $IP, renewed by unicast, rebound by broadcast; expiry $E0 -> $E1 -> $E2"
exit 0
