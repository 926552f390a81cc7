#!/bin/sh
# Transfers over a bad link: 10% loss, 5% duplication and 25% reordering,
# both ways.  Every client's transfer must still complete intact, lock-step
# and windowed, downloads and uploads.
#
# Where the kernel has netem (and we are root), the link is a veth pair
# between two network namespaces with `tc qdisc ... netem` on both ends.
# Where it has not (these machines' kernels ship without sch_netem), the
# same impairments come from tests/tools/udpimpair, a relay on 127.0.0.1
# that drops, duplicates and delays datagrams from a fixed seed.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

need tftp atftp curl
built "$TFTPC"
IMPAIR=$PXE_TESTTOOLS/udpimpair

# Lock-step clients lose seconds per lost ACK on their own timers (atftp
# re-ACKs a duplicate block once, then waits 5 s; curl waits 5 s or more),
# so they get smaller files than the windowed ones.
mkfile small 1000
mkfile f100k 100000
mkfile f30k 30000
mkfile f300k 300000
head -c 200000 /dev/urandom > "$T/up"

# run_clients HOST PORT [EXEC...]: every client against HOST:PORT.
run_clients() {
	h=$1
	p=$2
	shift 2
	for f in small f100k; do
		rm -f "$T/o"
		timeout 120 "$@" tftp -m binary "$h" "$p" -c get "$f" "$T/o" \
		    > "$T/c.out" 2>&1
		same "$ROOT/$f" "$T/o" "tftp-hpa $f over a bad link ($(cat "$T/c.out"))"
	done
	# atftp aborts at a second OACK ("tftp: unexpected OACK", and an
	# ERROR to the server), which a bad link brings as a matter of
	# course: the server sends the OACK again when ACK 0 is lost, or late
	# (-T 100, a busy CPU), and the link duplicates datagrams.  That is
	# atftp's limit, not the server's: such a run is tried again (3 times
	# at most) and counted in OACK_ABORTS, which the counters check allows
	# for (each may end one transfer as failed on the server).
	for case in "blksize 1468:f100k" "windowsize 8:f300k"; do
		opts=${case%:*}
		f=${case#*:}
		tries=0
		while :; do
			rm -f "$T/o"
			timeout 120 "$@" atftp --option "$opts" -g -r "$f" \
			    -l "$T/o" "$h" "$p" > "$T/c.out" 2>&1
			cmp -s "$ROOT/$f" "$T/o" && break
			grep -q 'unexpected OACK' "$T/c.out" && [ $tries -lt 3 ] ||
			    break
			tries=$((tries + 1))
			OACK_ABORTS=$((OACK_ABORTS + 1))
			say "atftp $opts: a second OACK ended it (atftp's limit): again"
		done
		same "$ROOT/$f" "$T/o" "atftp $opts over a bad link ($(tail -n 2 "$T/c.out"))"
	done
	rm -f "$T/o"
	# -m 100: curl spaces its re-ACKs by the time left over 50 (72 s
	# with no limit), at most 5 s with this one.
	timeout 120 "$@" curl -sS -m 100 --tftp-blksize 1468 \
	    "tftp://$h:$p/f30k" -o "$T/o" > "$T/c.out" 2>&1
	same "$ROOT/f30k" "$T/o" "curl over a bad link ($(cat "$T/c.out"))"
	rm -f "$T/o"
	timeout 120 "$@" "$TFTPC" -q -t 300 -O "$T/o" -o blksize=1456 \
	    -o windowsize=4 -o msftwindow=31416 -M 16 "$h" "$p" f300k \
	    > "$T/c.out" 2>&1
	same "$ROOT/f300k" "$T/o" "msftwindow over a bad link ($(cat "$T/c.out"))"
	rm -f "$ROOT/up.$p"
	timeout 120 "$@" "$TFTPC" -q -t 300 -p "$T/up" -o blksize=1000 "$h" "$p" \
	    "up.$p" > "$T/c.out" 2>&1
	same "$T/up" "$ROOT/up.$p" "upload over a bad link ($(cat "$T/c.out"))"
}

# Retransmit fast (100 ms) and often (20 times): a 10% loss must cost
# time, never a transfer.
start_tftpd -w -T 100 -R 20
# The relay's port: the next free one near the server's (another test
# running beside this one may hold the first tried).
for try in 1 2 3 4 5 6 7 8; do
	RPORT=$((PORT + try * 97))
	[ "$RPORT" -lt 65535 ] || RPORT=$((PORT - try * 97))
	"$IMPAIR" -l 10 -d 5 -r 25 -s 7 -t 300 "$RPORT" "$PORT" \
	    2> "$T/impair.log" &
	IPID=$!
	CLEANUP="kill $IPID 2>/dev/null"
	sleep 0.2
	kill -0 "$IPID" 2>/dev/null && break
	grep -q 'Address already in use' "$T/impair.log" || break
done
kill -0 "$IPID" 2>/dev/null || fail "udpimpair did not start: $(cat "$T/impair.log")"
OACK_ABORTS=0
run_clients 127.0.0.1 "$RPORT"
failed=$(counters_now | sed -n 's/.*, failed \([0-9]*\),.*/\1/p')
[ "${failed:-x}" -le "$OACK_ABORTS" ] 2>/dev/null ||
    fail "$failed transfers failed, $OACK_ABORTS of them atftp's aborts at a second OACK"
expect_log 'retransmits [1-9]' "the server had to retransmit"
kill "$IPID"
wait "$IPID" 2>/dev/null
say "$(tail -n 1 "$T/impair.log")"
grep -q 'dropped' "$T/impair.log" || fail "udpimpair did not report"
stop_tftpd

# The same through the kernel's netem, where there is one.
if [ "$(id -u)" != 0 ] || ! command -v tc > /dev/null; then
	say "netem part skipped: needs root and tc"
	exit 0
fi
netns_pair f 10.78.0.1/24 10.78.0.2/24
if ! ip netns exec "$S" tc qdisc add dev "$VS" root netem loss 10% \
    duplicate 5% reorder 25% 50% delay 5ms 2> "$T/tc.err"; then
	say "netem part skipped: $(cat "$T/tc.err") (kernel without sch_netem)"
	exit 0
fi
ip netns exec "$C" tc qdisc add dev "$VC" root netem loss 10% \
    duplicate 5% reorder 25% 50% delay 5ms
NETNS=$S ADDR=10.78.0.1 start_tftpd -w -T 100 -R 20
run_clients 10.78.0.1 "$PORT" ip netns exec "$C"
stop_tftpd
exit 0
