#!/bin/sh
# pxe-dhcpd --probe: is another DHCP server on the link?  Two namespaces
# joined by a veth: on one side dnsmasq (a router's DHCP server), then
# pxe-dhcpd itself, then nothing; on the other side --probe must name the
# server and the address it offered (exit 1), or say nothing and exit 0
# within a few seconds.  It works on an interface with no IPv4 address
# (a laptop's cable before pxe-winstall gives it one), and a proxyDHCP
# server, which offers no address, is not taken for a DHCP server.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

need_root
need dnsmasq
built "$PXE_DHCPD"

SRV=
CLEANUP='[ -n "$SRV" ] && kill $SRV 2>/dev/null'
netns_pair p 10.71.0.1/24	# no address on the probing side

probe() {
	st=0
	ip netns exec "$C" timeout 20 "$PXE_DHCPD" --probe -i pc$$ \
	    > "$T/probe.out" 2> "$T/probe.err" || st=$?
}

# Nobody: exit 0, nothing on stdout, in about 4 s.
t0=$(date +%s)
probe
[ "$st" = 0 ] || fail "--probe with no server: exit $st ($(cat "$T/probe.out" "$T/probe.err"))"
[ ! -s "$T/probe.out" ] || fail "--probe with no server printed: $(cat "$T/probe.out")"
[ $(( $(date +%s) - t0 )) -le 8 ] || fail "--probe with no server took over 8 s"

# dnsmasq as the router's DHCP server.
ip netns exec "$S" dnsmasq --keep-in-foreground --conf-file=/dev/null \
    --port=0 --interface=ps$$ --bind-interfaces --pid-file= \
    --dhcp-range=10.71.0.50,10.71.0.60,255.255.255.0,1h \
    --dhcp-leasefile="$T/dnsmasq.leases" --log-facility="$T/dnsmasq.log" \
    2> "$T/dnsmasq.err" &
SRV=$!
sleep 0.5
kill -0 "$SRV" 2>/dev/null || fail "dnsmasq did not start: $(cat "$T/dnsmasq.err")"
probe
[ "$st" = 1 ] || fail "--probe beside dnsmasq: exit $st, want 1 ($(cat "$T/probe.err"))"
grep -Eq '^10\.71\.0\.1 offered 10\.71\.0\.(5[0-9]|60)$' "$T/probe.out" ||
    fail "--probe beside dnsmasq printed: '$(cat "$T/probe.out")'"
kill "$SRV"; wait "$SRV" 2>/dev/null; SRV=

# pxe-dhcpd as the other server; then as a proxyDHCP, which is no DHCP
# server (it offers no address): not reported.
: > "$LOG"
ip netns exec "$S" "$PXE_DHCPD" -i ps$$ -f "$T/leases" \
    --range 10.71.0.100,10.71.0.110 2>> "$LOG" &
SRV=$!
wait_log 'listening on' 5 || fail "pxe-dhcpd did not start"
probe
[ "$st" = 1 ] || fail "--probe beside pxe-dhcpd: exit $st"
grep -Eq '^10\.71\.0\.1 offered 10\.71\.0\.1(0[0-9]|10)$' "$T/probe.out" ||
    fail "--probe beside pxe-dhcpd printed: '$(cat "$T/probe.out")'"
expect_log 'DHCPDISCOVER\(ps'"$$"'\)' "the probe's DISCOVER reached the server"
kill "$SRV"; wait "$SRV" 2>/dev/null; SRV=
: > "$LOG"
ip netns exec "$S" "$PXE_DHCPD" -i ps$$ --proxy --boot pxelinux.0 2>> "$LOG" &
SRV=$!
wait_log 'listening on' 5 || fail "pxe-dhcpd --proxy did not start"
probe
[ "$st" = 0 ] || fail "--probe took a proxyDHCP server for a DHCP server: $(cat "$T/probe.out")"
kill "$SRV"; wait "$SRV" 2>/dev/null; SRV=

# Errors: no such interface (1, named), two interfaces (usage, 2).
probe_err=$(ip netns exec "$C" "$PXE_DHCPD" --probe -i nosuch0 2>&1 >/dev/null)
[ $? = 1 ] || fail "--probe -i nosuch0 did not exit 1"
echo "$probe_err" | grep -q "no such interface 'nosuch0'" ||
    fail "unclear error: $probe_err"
ip netns exec "$C" "$PXE_DHCPD" --probe -i pc$$ -i lo > /dev/null 2>&1
[ $? = 2 ] || fail "--probe on two interfaces is not a usage error"
exit 0
