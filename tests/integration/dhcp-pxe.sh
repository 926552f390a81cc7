#!/bin/sh
# PXE with pxe-dhcpd, in network namespaces: a PXE ROM's DISCOVER exactly
# as captured from a laptop (tests/tools/dhcpc) gets the BIOS boot file,
# x64 UEFI (arch 7 and 9) the UEFI one, a chainloaded iPXE its script, a
# plain client no boot file; a relayed request is answered through giaddr;
# a REQUEST for another server is noticed; pxelinux's options 209/210 go
# to clients that ask for them; and --proxy answers PXE clients
# only, on 67 and on 4011, without an address.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

need_root
DHCPC=$PXE_TESTTOOLS/dhcpc
built "$PXE_DHCPD" "$DHCPC"

netns_pair px 10.66.0.1/24 10.66.0.2/24

start_dhcpd() {
	start_server pxe-dhcpd ip netns exec "$S" "$PXE_DHCPD" -i "$VS" \
	    -f "$T/leases" "$@"
}

stop_dhcpd() {
	kill -TERM "$SERVER_PID"
	wait "$SERVER_PID" || fail "pxe-dhcpd exited $? after SIGTERM"
	SERVER_PID=
}

# ask ARGS...: run dhcpc in the client namespace; its output in $T/r.
ask() {
	ip netns exec "$C" "$DHCPC" -i "$VC" -w 2000 "$@" > "$T/r" 2>&1
}

# has LINE...: the reply must have each of these lines, exactly.
has() {
	for line in "$@"; do
		grep -qxF "$line" "$T/r" ||
		    fail "reply to '$Q' lacks '$line': $(cat "$T/r")"
	done
}

start_dhcpd --range 10.66.0.100,10.66.0.150 --boot bios=pxelinux.0 \
    --boot efi-x64=efi64/syslinux.efi --ipxe-boot http://10.66.0.1/boot.ipxe

Q="ROM DISCOVER, arch 0"
ask -a 0 || fail "$Q: $(cat "$T/r")"
has "DHCPOFFER from 10.66.0.1" \
    "yiaddr 10.66.0.100" \
    "siaddr 10.66.0.1" \
    'file "pxelinux.0"' \
    'option 60 vendor-class "PXEClient"' \
    'option 66 tftp-server-name "10.66.0.1"' \
    'option 67 bootfile-name "pxelinux.0"' \
    'option 97 client-uuid d66ef100-a6d7-11df-9f1a-f938a66fc054' \
    'option 43 vendor-encap 06:01:08:ff' \
    'option 54 server-id 10.66.0.1'
expect_log "DHCPDISCOVER\\($VS\\) 20:6a:8a:0f:74:75 PXEClient arch bios" "DISCOVER line"
expect_log "DHCPOFFER\\($VS\\) 10\\.66\\.0\\.100 20:6a:8a:0f:74:75 pxelinux\\.0" "OFFER line"

Q="REQUEST after the OFFER"
ask -a 0 -t request -S 10.66.0.1 -r 10.66.0.100 || fail "$Q: $(cat "$T/r")"
has "DHCPACK from 10.66.0.1" \
    'file "pxelinux.0"'
grep -q ' 20:6a:8a:0f:74:75 10.66.0.100 ' "$T/leases" || fail "lease not on disk"

for a in 7 9; do
	Q="ROM DISCOVER, arch $a"
	ask -a $a -m 20:6a:8a:0f:74:7$a || fail "$Q: $(cat "$T/r")"
	has 'file "efi64/syslinux.efi"'
done
Q="iPXE"
ask -a 0 -x -m 20:6a:8a:0f:74:80 || fail "$Q"
has 'file "http://10.66.0.1/boot.ipxe"'
Q="not PXE"
ask -n -m 20:6a:8a:0f:74:81 || fail "$Q"
grep -q '^option 67' "$T/r" && fail "a plain client got a boot file: $(cat "$T/r")"

Q="relayed DISCOVER"
ask -a 0 -m 20:6a:8a:0f:74:82 -g 10.66.0.2 -s 10.66.0.1 || fail "$Q: $(cat "$T/r")"
has "DHCPOFFER from 10.66.0.1" \
    "giaddr 10.66.0.2"

Q="REQUEST for another server"
ask -a 0 -m 20:6a:8a:0f:74:83 -t request -S 10.66.0.254 -r 10.66.0.120 -w 500 &&
    fail "answered a REQUEST for another server"
expect_log "another DHCP server is active on $VS: 10\\.66\\.0\\.254" "other-server line"

Q="REQUEST for an address outside the pool"
ask -a 0 -m 20:6a:8a:0f:74:84 -t request -r 10.66.0.200 || fail "$Q"
has "DHCPNAK from 10.66.0.1"
stop_dhcpd

# pxelinux's options 209 (config file) and 210 (path prefix): sent only to
# a client that asks for them in option 55, as pxelinux does.
start_dhcpd --range 10.66.0.100,10.66.0.150 --boot bios=boot/pxelinux.0 \
    --pxelinux-config pxelinux.cfg/lab --pxelinux-prefix boot/
Q="DISCOVER asking for 209 and 210"
ask -a 0 -m 20:6a:8a:0f:74:86 -P 209,210 || fail "$Q: $(cat "$T/r")"
has 'file "boot/pxelinux.0"'
grep -q '^option 209 .*"pxelinux.cfg/lab"' "$T/r" || fail "$Q: no option 209: $(cat "$T/r")"
grep -q '^option 210 .*"boot/"' "$T/r" || fail "$Q: no option 210: $(cat "$T/r")"
Q="DISCOVER not asking for them"
ask -a 0 -m 20:6a:8a:0f:74:87 || fail "$Q: $(cat "$T/r")"
grep -q '^option 2\(09\|10\) ' "$T/r" && fail "$Q: got 209/210 unasked: $(cat "$T/r")"
# No --boot for UEFI: said at start, and for each machine it leaves
# without a boot file (the laptop shows PXE-E53).
expect_log "no --boot for efi-x64 \\(x64 UEFI\\) machines: they will get an address and no boot file \\(PXE-E53\\); add --boot efi-x64=efi64/syslinux.efi" \
    "start-up warning for UEFI machines without --boot"
Q="UEFI DISCOVER with no UEFI --boot"
ask -a 7 -m 20:6a:8a:0f:74:88 || fail "$Q: $(cat "$T/r")"
grep -q '^file "..*"' "$T/r" && fail "$Q: got a boot file: $(cat "$T/r")"
expect_log "20:6a:8a:0f:74:88 PXEClient arch 7 \\(efi-bc\\): no --boot for it, so it gets no boot file \\(PXE-E53\\): add --boot efi-bc=FILE" \
    "a line for the client it cannot serve"
stop_dhcpd

# proxyDHCP: PXE and HTTP boot clients only, no address.
start_dhcpd --proxy --boot bios=pxelinux.0 --http-boot efi-x64=http://10.66.0.1/winpe.iso
Q="proxy DISCOVER"
ask -a 0 || fail "$Q: $(cat "$T/r")"
has "DHCPOFFER from 10.66.0.1" \
    "yiaddr 0.0.0.0" \
    'file "pxelinux.0"' \
    'option 60 vendor-class "PXEClient"'
grep -q '^option 51' "$T/r" && fail "proxyDHCP offered a lease time"
Q="proxy, plain client"
ask -n -m 20:6a:8a:0f:74:85 -w 500 && fail "proxyDHCP answered a non-PXE client"
Q="proxy REQUEST on 4011"
ip -n "$S" route > /dev/null
ask -a 0 -t request -p 4011 -s 10.66.0.1 || fail "$Q: $(cat "$T/r")"
has "DHCPACK from 10.66.0.1" \
    'file "pxelinux.0"'
expect_log "DHCPACK\\($VS\\) proxy 20:6a:8a:0f:74:75 pxelinux\\.0" "proxy ACK line"
# A UEFI HTTP boot client beside a router: the URL in a proxy offer (no
# address), which the firmware pairs with the router's offer.
Q="proxy, UEFI HTTP boot client"
ask -H -a 16 -m 20:6a:8a:0f:74:89 || fail "$Q was not answered: $(cat "$T/r")"
has "yiaddr 0.0.0.0" \
    'file "http://10.66.0.1/winpe.iso"' \
    'option 60 vendor-class "HTTPClient"'
expect_log "DHCPOFFER\\($VS\\) proxy 20:6a:8a:0f:74:89 http://10\\.66\\.0\\.1/winpe\\.iso" "proxy HTTP offer line"
# Its REQUEST is the router's to answer, even naming this server's address
# (a router and the boot server on one machine): an ACK with no address
# from here made OVMF decline the router's lease.
Q="proxy, UEFI HTTP boot client's REQUEST"
ask -H -a 16 -m 20:6a:8a:0f:74:89 -t request -S 10.66.0.1 -r 10.66.0.120 -w 500 &&
    fail "proxyDHCP answered an HTTP boot client's REQUEST: $(cat "$T/r")"
stop_dhcpd
exit 0
