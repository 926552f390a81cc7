#!/bin/sh
# The parts of RFC 2131/2132 and PXE that the client programs in the other
# tests do not reach, with tests/tools/dhcpc in a pair of namespaces:
# a BOOTP request (RFC 951: no magic cookie) from a --host gets its fixed
# address and boot file, from anyone else nothing; the client identifier
# (61) is preferred over chaddr; a DECLINEd address is set aside, even
# for the client that declined it; a full pool is logged and answered with
# silence; a RELEASE frees an address for the next client; a UEFI HTTP boot
# client (arch 16) gets its URL from --http-boot efi-x64=URL and
# option 60 HTTPClient back.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

need_root
DHCPC=${PXE_TESTTOOLS:-$top_builddir/tests/tools}/dhcpc
[ -x "$PXE_DHCPD" ] && [ -x "$DHCPC" ] || { say "ERROR: not built"; exit 99; }

netns_pair q 10.73.0.1/24 10.73.0.2/24

start_server pxe-dhcpd ip netns exec "$S" "$PXE_DHCPD" -i qs$$ -f "$T/leases" \
    --range 10.73.0.100,10.73.0.103 \
    --host 02:00:00:00:00:51,10.73.0.51,bootphost,boot/pxelinux.0 \
    --boot bios=boot/pxelinux.0 --http-boot efi-x64=http://10.73.0.1/boot.efi \
   

ask() {
	ip netns exec "$C" "$DHCPC" -i qc$$ -w 1500 "$@" > "$T/r" 2>&1
}
has() {
	grep -qxF "$1" "$T/r" || fail "reply to '$Q' lacks '$1': $(cat "$T/r")"
}
yiaddr() {
	sed -n 's/^yiaddr //p' "$T/r"
}

Q="UEFI HTTP boot, arch 16"
ask -H -a 16 -m 02:00:00:00:00:91 || fail "$Q: $(cat "$T/r")"
has 'file "http://10.73.0.1/boot.efi"'
has 'option 60 vendor-class "HTTPClient"'
grep -q '^option 43' "$T/r" && fail "$Q: PXE vendor options sent to an HTTP client"
Q="BOOTP from a --host"
ask -B -n -m 02:00:00:00:00:51 || fail "$Q: $(cat "$T/r")"
has "yiaddr 10.73.0.51"
has 'file "boot/pxelinux.0"'
grep -q '^option 53' "$T/r" && fail "$Q: a BOOTP reply carries a DHCP message type"
expect_log "BOOTP\\(qs$$\\) 10\\.73\\.0\\.51 02:00:00:00:00:51 boot/pxelinux\\.0" "BOOTP line"
Q="BOOTP from a stranger"
ask -B -n -m 02:00:00:00:00:52 -w 500 && fail "$Q was answered: $(cat "$T/r")"
expect_log "BOOTP\\(qs$$\\) 02:00:00:00:00:52: no --host for it" "BOOTP refusal line"

Q="client identifier over chaddr"
ask -n -m 02:00:00:00:00:61 -c ff:00:00:00:01:00:01:aa:bb || fail "$Q: $(cat "$T/r")"
A=$(yiaddr)
ask -n -m 02:00:00:00:00:62 -c ff:00:00:00:01:00:01:aa:bb || fail "$Q (2): $(cat "$T/r")"
[ "$(yiaddr)" = "$A" ] || fail "$Q: the same client id on another NIC got $(yiaddr), not $A"
ask -n -m 02:00:00:00:00:62 -t request -S 10.73.0.1 -r "$A" \
    -c ff:00:00:00:01:00:01:aa:bb || fail "$Q (request): $(cat "$T/r")"
has "DHCPACK from 10.73.0.1"

Q="DECLINE"
ask -n -m 02:00:00:00:00:71 || fail "$Q: $(cat "$T/r")"
D=$(yiaddr)
[ -n "$D" ] && [ "$D" != "$A" ] || fail "$Q: offered '$D'"
ask -n -m 02:00:00:00:00:71 -t decline -S 10.73.0.1 -r "$D" -w 300
expect_log "DHCPDECLINE\\(qs$$\\) $D 02:00:00:00:00:71" "DECLINE line"
ask -n -m 02:00:00:00:00:71 || fail "$Q, then DISCOVER: $(cat "$T/r")"
N=$(yiaddr)
[ "$N" != "$D" ] || fail "$Q: the declined $D was offered again to the client that declined it"
ask -n -m 02:00:00:00:00:71 -t request -S 10.73.0.1 -r "$N" || fail "$Q: request $N"
has "DHCPACK from 10.73.0.1"

# Four addresses: one offered to the HTTP client, one bound by client id,
# one declined, one bound now.
Q="full pool"
ask -n -m 02:00:00:00:00:81 -w 700 && fail "$Q: answered with $(yiaddr)"
expect_log "DHCP pool 10\\.73\\.0\\.100-10\\.73\\.0\\.103 is full: 02:00:00:00:00:81 gets no address" "pool full line"
kill -0 "$SERVER_PID" || fail "pxe-dhcpd died with a full pool"

Q="RELEASE frees an address"
ask -n -m 02:00:00:00:00:71 -t release -S 10.73.0.1 -r "$N" -w 300
expect_log "DHCPRELEASE\\(qs$$\\) $N 02:00:00:00:00:71" "RELEASE line"
ask -n -m 02:00:00:00:00:81 || fail "$Q: nothing for the next client: $(cat "$T/r")"
[ "$(yiaddr)" = "$N" ] || fail "$Q: offered $(yiaddr), not the released $N"

exit 0
