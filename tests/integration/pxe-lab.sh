#!/bin/sh
# Real firmware, end to end: scripts/pxe-lab boots a QEMU machine over the
# network from pxe-dhcpd and pxe-tftpd three times: BIOS (SeaBIOS + iPXE
# ROM -> pxelinux.0), BIOS beside a router's DHCP server (dnsmasq) with
# pxe-dhcpd --proxy, and UEFI (OVMF -> syslinux.efi).  Each passes only
# when the booted initramfs prints its marker with a lease from the lab,
# then mounts pxe-smbd's share of a UDF install image with the kernel's
# cifs client (signed 3.1.1, as WinPE's net use) and reads setup.exe with
# the right sha256.  The TFTP tree is laid out, its menu written and
# checked by mkpxemenu.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

need_root
need qemu-system-x86_64
[ -f /usr/lib/PXELINUX/pxelinux.0 ] || skip "pxelinux is not installed"
export PXE_DHCPD PXE_TFTPD MKPXEMENU PXE_SMBD
PXE_DHCPD=${PXE_DHCPD:-$top_builddir/bin/pxe-dhcpd/pxe-dhcpd}
MKPXEMENU=${MKPXEMENU:-$top_builddir/bin/mkpxemenu/mkpxemenu}
export LAB_CACHE="$top_builddir/lab"
for args in "" "--proxy" "--uefi"; do
	st=0
	# shellcheck disable=SC2086
	"$top_srcdir/scripts/pxe-lab" --no-deps $args --timeout 240 > "$T/lab.out" 2>&1 || st=$?
	cat "$T/lab.out"
	[ "$st" = 77 ] && skip "scripts/pxe-lab cannot run here: $(tail -n 1 "$T/lab.out")"
	[ "$st" = 0 ] || fail "scripts/pxe-lab $args did not boot"
done
exit 0
