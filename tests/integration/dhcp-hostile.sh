#!/bin/sh
# Malformed DHCP packets never crash pxe-dhcpd or stop it answering: a
# bounded flood of 20,000 malformed requests (truncated headers and options,
# option lengths past the end, overload loops between the file and sname
# areas, no end option, wrong magic cookie, random option bytes, bad
# hardware lengths) is dropped and counted, the log says so at a bounded
# rate, and a PXE ROM's DISCOVER right after it is answered.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

need_root
DHCPC=${PXE_TESTTOOLS:-$top_builddir/tests/tools}/dhcpc
built "$PXE_DHCPD"

netns_pair h 10.72.0.1/24 10.72.0.2/24

start_server pxe-dhcpd ip netns exec "$S" "$PXE_DHCPD" -i hs$$ -f "$T/leases" \
    --range 10.72.0.100,10.72.0.150 --boot bios=boot/pxelinux.0

# The UDP datagrams the kernel dropped in the server's namespace for want
# of receive buffer.
rcvbuf_drops() {
	ip netns exec "$S" awk '$1 == "Udp:" && !c {
		for (i = 2; i <= NF; i++) if ($i == "RcvbufErrors") c = i
		next }
	    $1 == "Udp:" { print $c }' /proc/net/snmp
}
kdrops0=$(rcvbuf_drops)
start=$(date +%s)
# The DISCOVER right after the flood may wait behind it, or be lost with
# the part of the flood the kernel could not queue on a busy machine:
# asked again (a ROM retries too), up to three times.
ip netns exec "$C" timeout 60 "$DHCPC" -i hc$$ -a 0 -F 20000 -w 3000 \
    > "$T/r" 2>&1
for try in 1 2 3; do
	grep -q 'DHCPOFFER' "$T/r" && break
	ip netns exec "$C" timeout 10 "$DHCPC" -i hc$$ -a 0 -w 3000 > "$T/r" 2>&1
done
grep -q 'DHCPOFFER' "$T/r" && grep -q 'boot/pxelinux.0' "$T/r" ||
    fail "the DISCOVER after the flood got no proper OFFER: $(cat "$T/r")"
kill -0 "$SERVER_PID" 2>/dev/null || fail "pxe-dhcpd died"

# counters: SIGUSR1, and $received and $dropped from the new line.
counters() {
	line=$(counters_now)
	received=$(echo "$line" | sed -n 's/.*counters: received \([0-9]*\),.*/\1/p')
	dropped=$(echo "$line" | sed -n 's/.*counters: received [0-9]*, dropped \([0-9]*\).*/\1/p')
}
counters
# On a CPU so busy that pxe-dhcpd hardly ran during the flood, the kernel
# drops most of it for a full receive buffer (its RcvbufErrors count in
# the server's namespace says so) and too little reaches the server to
# prove anything: then it is flooded again, 3 times at most.
floods=1
while [ "${received:-0}" -lt 500 ] && [ "$floods" -lt 3 ] &&
    [ "$(rcvbuf_drops)" -gt "$kdrops0" ]; do
	say "only ${received:-0} datagrams reached the server, the kernel dropped $(( $(rcvbuf_drops) - kdrops0 )) (a busy CPU): flooding again"
	ip netns exec "$C" timeout 60 "$DHCPC" -i hc$$ -a 0 -F 20000 -w 3000 \
	    > /dev/null 2>&1
	floods=$((floods + 1))
	counters
done
say "received $received datagrams, dropped $dropped malformed ones, in $(( $(date +%s) - start )) s"
# 8 kinds x 2,500 sent; what a busy machine's kernel could not queue never
# reached the server, so the count is of what it received.  Some variants
# are still well-formed (a truncation on an option boundary, random bytes
# that parse) and are answered or ignored instead; most must be dropped.
[ "${received:-0}" -ge 500 ] || fail "only ${received:-0} of $((floods * 20000)) datagrams reached the server"
[ $(( ${dropped:-0} * 2 )) -ge "$received" ] ||
    fail "only ${dropped:-0} of $received datagrams received counted as dropped"
lines=$(grep -c 'dropped packet on' "$LOG")
say "$lines 'dropped packet' log lines"
[ "$lines" -le 200 ] || fail "$lines log lines for a flood: logging is not rate-limited"
grep -q 'more malformed packets dropped' "$LOG" || fail "no summary line for the dropped packets beyond the rate limit"
grep 'dropped packet on' "$LOG" | sed 's/.*: //' | sort | uniq -c | sort -rn | head -n 8 |
    while read -r line; do say "  $line"; done
# Nothing else may log per packet either: a wrong cookie makes a BOOTP
# request, told "no --host" once a minute per client.  Variants that are
# still well-formed DISCOVERs (options ending at the packet's end without
# END, accepted as ISC dhcpd and dnsmasq accept them; option 52 repeated in
# the overloaded areas, which only the options field may set) are answered
# and logged like any DISCOVER, so they are not counted here.
total=$(grep -Evc 'DHCP(DISCOVER|OFFER)' "$LOG")
sed 's/[0-9a-f][0-9a-f]:[0-9a-f:]*/MAC/g; s/[0-9][0-9.]*/N/g' "$LOG" | sort | uniq -c |
    sort -rn | head -n 12 | while read -r line; do say "  log: $line"; done
[ "$total" -le 100 ] || fail "$total log lines (other than DISCOVER/OFFER) for the flood"
kill -TERM "$SERVER_PID"
wait "$SERVER_PID" || fail "pxe-dhcpd exited $? after SIGTERM"
SERVER_PID=
exit 0
