#!/bin/sh
# scripts/pxe-lab's failure path, as a Windows run that stops somewhere
# would take it: the stand-in lab with a --timeout too short for it to get
# past the firmware and memdisk (it boots, and never reaches WinPE's
# stages).  It must exit 1, name the last stage reached, say it is the
# stand-in lab (first line and stage table), and keep the QEMU screenshots
# it took every 10 s (monitor screendump, PNG) with the logs and the stage
# table, the big files removed; nothing left running, no namespace left.
# About a minute on the 2-core build machine.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

need_root
need qemu-system-x86_64 od
[ -f /usr/lib/PXELINUX/pxelinux.0 ] || skip "pxelinux is not installed"
export PXE_DHCPD PXE_TFTPD MKPXEMENU PXE_SMBD
PXE_DHCPD=${PXE_DHCPD:-$top_builddir/bin/pxe-dhcpd/pxe-dhcpd}
MKPXEMENU=${MKPXEMENU:-$top_builddir/bin/mkpxemenu/mkpxemenu}
export LAB_CACHE="$top_builddir/lab"
export TMPDIR=$T/tmp
mkdir -p "$TMPDIR"
st=0
"$top_srcdir/scripts/pxe-lab" --no-deps --iso-mb 48 --timeout 20 > "$T/lab.out" 2>&1 || st=$?
cat "$T/lab.out"
[ "$st" = 77 ] && skip "scripts/pxe-lab cannot run here: $(tail -n 1 "$T/lab.out")"
[ "$st" = 1 ] || fail "a lab that timed out exited $st, want 1"
head -n 1 "$T/lab.out" | grep -q 'the stand-in lab: .*not Windows' ||
    fail "the first line does not say it is the stand-in lab"
grep -q '^stages (the stand-in lab, not Windows: bios, seed):$' "$T/lab.out" ||
    fail "no stage table saying it is the stand-in lab"
grep -q 'timed out after --timeout 20 s' "$T/lab.out" || fail "the timeout is not said"
grep -Eq 'FAIL: .*the last stage reached: (none|firmware DHCP|WinPE image sent)$' "$T/lab.out" ||
    fail "the last stage reached is not named"
grep -q 'WinPE.s DHCP (minint-\*) *not reached' "$T/lab.out" ||
    fail "the stand-in reached WinPE's DHCP within 20 s: the test needs a shorter --timeout"

# The folder kept: screenshots, logs, the stage table; no big files.
kept=$(sed -n 's/^pxe-lab: screenshots ([0-9]* PNG in \(.*\)\/screens), logs and the stage table kept in .*/\1/p' "$T/lab.out")
[ -n "$kept" ] && [ -d "$kept/screens" ] || fail "no kept folder named"
case $kept in "$TMPDIR"/*) ;; *) fail "the kept folder $kept is not in \$TMPDIR" ;; esac
n=0
for png in "$kept"/screens/screen-*s.png; do
	[ -s "$png" ] || continue
	n=$((n + 1))
	# PNG: the signature, then an IHDR chunk; an IEND chunk last.
	[ "$(head -c 16 "$png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a0000000d49484452 ] ||
	    fail "$png is not a PNG"
	[ "$(tail -c 8 "$png" | head -c 4)" = IEND ] || fail "$png has no IEND chunk"
	w=$(od -An -tu1 -j16 -N4 "$png" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')
	h=$(od -An -tu1 -j20 -N4 "$png" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')
	[ "$w" -ge 320 ] && [ "$h" -ge 200 ] || fail "$png is ${w}x$h"
done
# One at power-on, one 10 s later, one at the end.
[ "$n" -ge 3 ] || fail "only $n screenshots in 20 s: $(ls -l "$kept/screens")"
[ -s "$kept/stages.txt" ] && [ -s "$kept/stages.log" ] && [ -s "$kept/winstall.log" ] ||
    fail "the stage table or the logs were not kept: $(ls "$kept")"
[ ! -e "$kept/winstall/tftp" ] && [ ! -e "$kept/install.iso" ] ||
    fail "the big files were kept: $(ls "$kept" "$kept/winstall")"
pgrep -f "$kept" > /dev/null && fail "a process of the lab was left: $(pgrep -af "$kept")"
rm -rf "$kept"
exit 0
