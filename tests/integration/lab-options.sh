#!/bin/sh
# scripts/pxe-lab --windows-iso: what it refuses, before anything starts
# (no root, no QEMU, no namespace): each refusal one line that names the
# fix, exit 2 for a wrong command line and 1 for an ISO that is not
# Windows media (mkwinpe --check's own line).  And --help tells of it.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

need genisoimage
export MKWINPE="${MKWINPE:-$top_builddir/bin/mkwinpe/mkwinpe}"
[ -x "$MKWINPE" ] || { say "ERROR: $MKWINPE is not built"; exit 99; }
LAB=$top_srcdir/scripts/pxe-lab

# lab STATUS REGEX WHAT ARGS...: that exit status and one line matching
# REGEX; nothing made in $TMPDIR.
export TMPDIR=$T/tmp
mkdir -p "$TMPDIR"
lab() {
	want=$1 re=$2 what=$3
	shift 3
	st=0
	timeout 60 sh "$LAB" "$@" > "$T/out" 2>&1 || st=$?
	[ "$st" = "$want" ] || fail "$what: exit $st, want $want: $(cat "$T/out")"
	grep -Eq "$re" "$T/out" || fail "$what: no /$re/ in: $(cat "$T/out")"
	[ "$(grep -c . "$T/out")" = 1 ] || fail "$what: not one line: $(cat "$T/out")"
	[ -z "$(ls "$TMPDIR")" ] || fail "$what: left $(ls "$TMPDIR") in \$TMPDIR"
}

echo '<unattend/>' > "$T/unattend.xml"
lab 2 "^pxe-lab: --windows-iso '$T/nothere.iso': no such file$" \
    "a missing ISO" --windows-iso "$T/nothere.iso"
lab 2 '^pxe-lab: --windows-iso needs a value' "--windows-iso last" --windows-iso
lab 2 '^pxe-lab: --secure-boot needs --uefi ' "--secure-boot without --uefi" \
    --windows-iso "$T/unattend.xml" --secure-boot
lab 2 '^pxe-lab: --unattend needs --windows-iso ' \
    "--unattend without --windows-iso" --unattend "$T/unattend.xml"
lab 2 '^pxe-lab: --secure-boot needs --windows-iso ' \
    "--secure-boot in the stand-in lab" --uefi --secure-boot
lab 2 '^pxe-lab: --unattend .*nothere.xml.: no such file' "a missing --unattend" \
    --windows-iso "$T/unattend.xml" --unattend "$T/nothere.xml"
lab 2 '^pxe-lab: --tftp-only is the BIOS seed.s chain' "--tftp-only --uefi" \
    --tftp-only --uefi
lab 2 '^pxe-lab: --secure-boot boots by HTTP boot: iPXE .* is not signed' \
    "--secure-boot through iPXE" --windows-iso "$T/unattend.xml" --uefi-ipxe --secure-boot
lab 2 '^pxe-lab: --proxy is not for --windows-iso' "--proxy with a Windows ISO" \
    --windows-iso "$T/unattend.xml" --proxy
lab 2 "^pxe-lab: --timeout 'soon' is not a number of seconds" "a bad --timeout" \
    --timeout soon

# An ISO that is not Windows media: mkwinpe --check's reason, in one line.
mkdir -p "$T/media"
echo 'not Windows' > "$T/media/readme.txt"
genisoimage -quiet -o "$T/linux.iso" "$T/media" || fail "genisoimage failed"
lab 1 "^pxe-lab: '$T/linux.iso' is not a Windows ISO .*no sources/boot.wim" \
    "a non-Windows ISO" --windows-iso "$T/linux.iso"
lab 1 "^pxe-lab: '$T/linux.iso' is not a Windows ISO" \
    "a non-Windows ISO, UEFI and Secure Boot" --windows-iso "$T/linux.iso" \
    --uefi --secure-boot --unattend "$T/unattend.xml"

# --help: the mode, its options, and the stand-in said to be one.
sh "$LAB" --help > "$T/help" 2>&1 || fail "--help failed"
for w in '--windows-iso' '--secure-boot' '--unattend' '--tftp-only' \
    'OVMF_CODE_4M.ms.fd' 'stand-in lab' 'qemu-nbd'; do
	grep -q -- "$w" "$T/help" || fail "--help does not mention $w"
done
exit 0
