#!/bin/sh
# Real firmware, end to end, through scripts/pxe-lab four times:
# - BIOS (SeaBIOS + iPXE ROM): pxe-winstall --tftp-only serves the seed's chain,
#   pxelinux.0, the menu, memdisk "iso raw" and the 316 MiB WinPE stand-in
#   over TFTP; the stand-in asks DHCP again as minint-XXXXXX and mounts the
#   share signed (SMB 3.1.1) as WinPE's net use does, and hashes setup.exe;
#   pxe-winstall then stops everything on SIGTERM and exits 0;
# - the same beside a router's DHCP server (dnsmasq) with pxe-winstall
#   --proxy, with a 48 MiB stand-in to keep the suite's time;
# - the fast path, pxe-winstall's default (--fast): the NIC's iPXE gets
#   boot.ipxe's URL, memdisk and a 48 MiB stand-in come over HTTP from
#   pxe-tftpd, and pxe-winstall names the path the machine took;
# - UEFI (OVMF -> syslinux.efi -> a kernel), from the servers started one by
#   one, and the same net use.
# The UEFI fast paths (pxe-lab --uefi-http, --uefi-ipxe) take 60 to 75 s
# each on the 2-core build machine (OVMF and the kernel start slowly under
# TCG), so they are lab options, not part of the suite.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

need_root
need qemu-system-x86_64
[ -f /usr/lib/PXELINUX/pxelinux.0 ] || skip "pxelinux is not installed"
export PXE_DHCPD PXE_TFTPD MKPXEMENU PXE_SMBD
PXE_DHCPD=${PXE_DHCPD:-$top_builddir/bin/pxe-dhcpd/pxe-dhcpd}
MKPXEMENU=${MKPXEMENU:-$top_builddir/bin/mkpxemenu/mkpxemenu}
export LAB_CACHE="$top_builddir/lab"
for args in "" "--proxy --iso-mb 48" "--fast --iso-mb 48" "--uefi"; do
	st=0
	# shellcheck disable=SC2086
	"$top_srcdir/scripts/pxe-lab" --no-deps $args > "$T/lab.out" 2>&1 || st=$?
	cat "$T/lab.out"
	[ "$st" = 77 ] && skip "scripts/pxe-lab cannot run here: $(tail -n 1 "$T/lab.out")"
	[ "$st" = 0 ] || fail "scripts/pxe-lab $args did not boot"
done
exit 0
