#!/bin/sh
# The servers say what an admin needs to know: pxe-tftpd logs a line when
# a transfer starts, counts the bytes of transfers still in flight on
# SIGUSR1 and says how far a failed one got; a port already taken stops a
# start with one line naming who usually holds it and the ss command, and
# no "started" or counters line; pxe-smbd logs a close line per file read,
# with its bytes and time; pxe-dhcpd (in a network namespace, as root)
# stops with one line naming the fix for an interface without IPv4, a
# missing lease folder or an unknown --user, before it binds anything.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

TFTPC=$PXE_TESTTOOLS/tftpc
built "$TFTPC"

# one_line FILE WHAT: FILE has exactly one line.
one_line() {
	[ "$(wc -l < "$1")" = 1 ] || fail "$2: want one line, got: $(cat "$1")"
}

# ---- pxe-tftpd: start line, in-flight bytes, how far a failure got ---------
mkfile big 4000000
start_tftpd -T 1500 -R 1
timeout 30 "$TFTPC" -q -t 300 -s 100 -O "$T/part" 127.0.0.1 "$PORT" big \
    > "$T/c.out" 2>&1 &
CPID=$!
expect_log "sending $ROOT/big to 127\\.0\\.0\\.1 \\(4000000 bytes, blksize 512, windowsize 1\\)" \
    "a start line for the transfer"
sleep 0.5
kill -USR1 "$SERVER_PID"
# tftpc acknowledged 99 blocks (50688 bytes); the transfer goes on.
expect_log "counters: transfers 1 \\(ok 0, failed 0, .*active 1.*\\), bytes sent 50688, received 0 \\(in flight: sent 50688, received 0\\)" \
    "SIGUSR1 counts the bytes of a transfer in flight"
wait "$CPID"
wait_log "failed sending" 10 || fail "the stalled transfer did not fail"
expect_log "failed sending $ROOT/big to 127\\.0\\.0\\.1 after 50688 of 4000000 bytes \\(1%\\): " \
    "a failed transfer says how far it got"

# Port in use: one line with the fix, exit 1, nothing else.
st=0
"$PXE_TFTPD" -r "$ROOT" -l 127.0.0.1 -p "$PORT" > "$T/second.out" 2>&1 || st=$?
[ "$st" = 1 ] || fail "a second pxe-tftpd on the port exited $st, want 1"
one_line "$T/second.out" "a start on a taken port"
grep -q "cannot listen on 127.0.0.1 port $PORT: Address already in use: .* already has UDP port $PORT (see which: ss -lunp 'sport = :$PORT'); stop it, or give this server another --listen address or --port" \
    "$T/second.out" || fail "port in use: $(cat "$T/second.out")"
stop_tftpd

# Permission denied below 1024: root, CAP_NET_BIND_SERVICE or --port.
if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null && id nobody > /dev/null 2>&1 &&
    [ "$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start 2>/dev/null || echo 1024)" -gt 69 ]; then
	chmod 0755 "$T" "$ROOT"
	st=0
	setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
	    "$PXE_TFTPD" -r "$ROOT" -l 127.0.0.1 -p 69 > "$T/perm.out" 2>&1 || st=$?
	[ "$st" = 1 ] || fail "port 69 as nobody exited $st, want 1: $(cat "$T/perm.out")"
	one_line "$T/perm.out" "port 69 as nobody"
	grep -q "Permission denied: port 69 needs root or CAP_NET_BIND_SERVICE .*or choose --port above 1023" \
	    "$T/perm.out" || fail "permission denied: $(cat "$T/perm.out")"
fi

# ---- pxe-smbd: a close line per file read ----------------------------------
if command -v smbclient > /dev/null; then
	mkfile f.bin 300000
	start_smbd -P secret
	timeout 60 smbclient //127.0.0.1/install -p "$PORT" -U x%secret \
	    -c "get f.bin $T/f.out" > "$T/smbc.out" 2>&1 ||
	    fail "smbclient: $(cat "$T/smbc.out")"
	same "$ROOT/f.bin" "$T/f.out" "smbclient get"
	expect_log "closed /f\\.bin for 127\\.0\\.0\\.1: 300000 of 300000 bytes read in [0-9.]+ s \\([0-9.]+ MB/s\\)" \
	    "a close line with bytes and time"
	st=0
	"$PXE_SMBD" -s "install=$ROOT" -P x -l 127.0.0.1 -p "$PORT" > "$T/second.out" 2>&1 || st=$?
	[ "$st" = 1 ] || fail "a second pxe-smbd on the port exited $st, want 1"
	grep -q "already has TCP port $PORT (see which: ss -ltnp 'sport = :$PORT')" "$T/second.out" ||
	    fail "smbd port in use: $(cat "$T/second.out")"
	grep -q "started\|counters" "$T/second.out" && fail "a failed start said more: $(cat "$T/second.out")"
	stop_tftpd
else
	say "no smbclient: pxe-smbd's close line not checked"
fi

# ---- pxe-dhcpd: failed starts name the fix, before binding -------------------
if [ "$(id -u)" = 0 ] && ip netns add "pxekit-sp-$$" 2>/dev/null; then
	NS=pxekit-sp-$$
	CLEANUP="ip netns del $NS 2>/dev/null"
	DHCPD=$top_builddir/bin/pxe-dhcpd/pxe-dhcpd
	IF=spk$$
	ip -n "$NS" link add "$IF" type veth peer name "${IF}p" ||
	    fail "cannot add a veth pair"
	ip -n "$NS" link set "$IF" up
	mkdir -p "$T/lease"
	dstart() {
		st=0
		timeout 10 ip netns exec "$NS" "$DHCPD" -i "$IF" \
		    --range 192.168.42.100,192.168.42.150 --boot bios=pxelinux.0 \
		    --boot efi-x64=efi64/syslinux.efi "$@" > "$T/d.out" 2>&1 || st=$?
		[ "$st" = 1 ] || fail "pxe-dhcpd $* exited $st, want 1: $(cat "$T/d.out")"
		one_line "$T/d.out" "pxe-dhcpd $*"
	}
	dstart -f "$T/lease/l"
	grep -q -- "--interface $IF has no IPv4 address: give it one, e.g. ip addr add 192.168.42.1/24 dev $IF" "$T/d.out" ||
	    fail "no IPv4: $(cat "$T/d.out")"
	ip -n "$NS" addr add 192.168.42.1/24 dev "$IF"
	dstart -f "$T/nothere/dhcpd.leases"
	grep -q -- "--lease-file $T/nothere/dhcpd.leases: the folder $T/nothere does not exist (make it: mkdir -p $T/nothere)" "$T/d.out" ||
	    fail "missing lease folder: $(cat "$T/d.out")"
	dstart -f "$T/lease/l" --user no-such-user-x
	grep -q -- "--user no-such-user-x: no such user on this system (create it: adduser --system --no-create-home no-such-user-x; or use nobody)" "$T/d.out" ||
	    fail "unknown user: $(cat "$T/d.out")"
	[ ! -e "$T/lease/l" ] || fail "a failed start made the lease file"
	ip netns del "$NS"
	CLEANUP=
else
	say "not root: pxe-dhcpd's failed starts not checked"
fi
exit 0
