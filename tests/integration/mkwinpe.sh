#!/bin/sh
# mkwinpe on synthetic Windows media (tests/integration/mkfixture.sh): each
# output checked by other tools (xorriso's El Torito report and extraction,
# wimlib-imagex info/dir/extract, cmp against the source), the same result
# from an ISO (UDF-only or bridge) and from the extracted tree, the file set
# of wimlib's own mkwinpeimg on the same tree, and every bad input: not an
# ISO, not a Windows ISO, boot.wim without image 2, a damaged boot.wim, an
# existing output, an unreadable overlay, a full disk, an interruption --
# each with one clear line, exit 1 and nothing left behind.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

: "${MKWINPE:=$top_builddir/bin/mkwinpe/mkwinpe}"
built "$MKWINPE"
need wimlib-imagex genisoimage xorriso mkfs.fat mmd mcopy cmp
export ISOHIDE="$PXE_TESTTOOLS/isohide"
built "$ISOHIDE"

F=$T/fx
O=$T/out
mkdir -p "$O"
st=0
sh "$top_srcdir/tests/integration/mkfixture.sh" "$F" > "$T/fixture.log" 2>&1 || st=$?
[ "$st" = 77 ] && skip "$(tail -n 1 "$T/fixture.log")"
[ "$st" = 0 ] || fail "mkfixture.sh: $(tail -n 3 "$T/fixture.log")"

# run WANT ARGS...: mkwinpe's exit status must be WANT; output in $T/cmd.out.
run() {
	want=$1
	shift
	st=0
	timeout 120 "$MKWINPE" "$@" > "$T/cmd.out" 2>&1 || st=$?
	[ "$st" = "$want" ] ||
	    fail "mkwinpe $* exited $st, want $want: $(head -n 3 "$T/cmd.out")"
}

# said REGEX WHAT: mkwinpe's output must match.
said() {
	grep -Eq -- "$1" "$T/cmd.out" || fail "$2: got '$(head -n 3 "$T/cmd.out")'"
}

# one_line WHAT: exactly one line of output (the error).
one_line() {
	[ "$(wc -l < "$T/cmd.out")" = 1 ] ||
	    fail "$1: want one line, got: $(cat "$T/cmd.out")"
}

# only_in DIR NAMES...: DIR holds exactly these names (hidden ones too).
only_in() {
	d=$1
	shift
	got=$(ls -A "$d" | sort | tr '\n' ' ')
	want=$(for n in "$@"; do echo "$n"; done | sort | tr '\n' ' ')
	[ "$got" = "$want" ] || fail "$d holds '$got', want '$want'"
}

# wim_has WIM PATH: image 1 of WIM has PATH.
wim_has() {
	wimlib-imagex dir "$1" 1 > "$T/dir.out" 2>&1 || fail "wimlib-imagex dir $1"
	grep -qx -- "$2" "$T/dir.out"
}

# check_wim WIM WHAT: one image, bootable, Windows Setup, setup.exe renamed.
check_wim() {
	wimlib-imagex info "$1" > "$T/info.out" 2>&1 || fail "$2: wimlib-imagex info: $(head -n 2 "$T/info.out")"
	grep -Eq '^Image Count: +1$' "$T/info.out" || fail "$2: not one image"
	grep -Eq '^Boot Index: +1$' "$T/info.out" || fail "$2: image 1 is not the boot image"
	grep -Eq '^Name: +Microsoft Windows Setup \(x64\)$' "$T/info.out" ||
	    fail "$2: not the Windows Setup image"
	grep -Eq '^Architecture: +x86_64$' "$T/info.out" || fail "$2: architecture lost"
	wim_has "$1" /setup.exe.orig || fail "$2: no /setup.exe.orig"
	wim_has "$1" /sources/setup.exe.orig || fail "$2: no /sources/setup.exe.orig"
	! wim_has "$1" /setup.exe || fail "$2: /setup.exe still there"
	! wim_has "$1" /sources/setup.exe || fail "$2: /sources/setup.exe still there"
	wim_has "$1" /Windows/System32/kernel32.dll || fail "$2: System32 lost"
	wimlib-imagex verify "$1" > "$T/verify.out" 2>&1 ||
	    fail "$2: wimlib-imagex verify: $(tail -n 3 "$T/verify.out")"
}

# extract WIM PATH DIR: one file of image 1 into DIR.
extract() {
	rm -rf "$3"
	mkdir -p "$3"
	wimlib-imagex extract "$1" 1 "$2" --dest-dir="$3" > /dev/null 2>&1 ||
	    fail "cannot extract $2 from $1"
}

# iso_extract ISO DIR: every file of ISO, read by xorriso.
iso_extract() {
	rm -rf "$2"
	xorriso -osirrox on -indev "$1" -extract / "$2" > "$T/xorriso.out" 2>&1 ||
	    fail "xorriso cannot extract $1: $(tail -n 2 "$T/xorriso.out")"
	chmod -R u+w "$2"
}

# --- usage (exit 2) -------------------------------------------------------
run 0 --help
said -- '--tftp-dir' "--help lists --tftp-dir"
run 0 --version
said '^mkwinpe \(pxekit\) [0-9]' "--version"
run 2 --iso "$O/x.iso"
said 'no WINDOWS.iso' "no input"
run 2 "$F/udfonly.iso"
said 'no output' "no output"
run 2 --wim "$O/x.wim" --windows-dir "$F/tree" "$F/udfonly.iso"
run 2 --wim "$O/x.wim" "$F/udfonly.iso" "$F/bridge.iso"
run 2 --wim "$O/x.wim" -S 10.0.0.1 -s "$F/tree/README.TXT" "$F/udfonly.iso"
run 2 --wim "$O/x.iso" --iso "$O/x.iso" "$F/udfonly.iso"
said 'the same file' "--iso and --wim the same"
run 2 --wim "$O/x.wim" --bypass-checks "$F/udfonly.iso"
said 'need --smb-server' "--bypass-checks alone"
# No password: pxe-smbd has none to agree with (it refuses guest/guest).
run 2 --wim "$O/x.wim" -S 10.0.0.1 "$F/udfonly.iso"
said '^mkwinpe: --smb-server needs --smb-password or --smb-password-file: the password pxe-smbd was started with \(--password\)' \
    "--smb-server without --smb-password"
one_line "--smb-server without --smb-password"
run 2 --smb-server 10.0.0.1 --print-script
said -- '--smb-server needs --smb-password' "--print-script without --smb-password"
run 0 --smb-server 192.168.42.1 --smb-password secret --print-script
said 'net use I: "\\\\192.168.42.1\\install" /user:"pxe" "secret"' "--print-script"
run 2 --wim "$O/x.wim" -S 10.0.0.1 --smb-password 'a"b' "$F/udfonly.iso"
said -- "--smb-password: 'a\"b'" "a quote in the password"
run 2 --wim "$O/x.wim" -S 'host&x' "$F/udfonly.iso"
said -- '--smb-server' "a bad server name"
run 2 --wim "$O/x.wim" --volume-id 123456789012345678901234567890123 "$F/udfonly.iso"
said -- '--volume-id' "a long volume id"
run 2 --wim "$O/x.wim" --arch sparc "$F/udfonly.iso"
only_in "$O"
say "ok: usage errors"

# --- --wim from the UDF-only ISO, the way Windows 10/11 ISOs are --------------
run 0 --wim "$O/a.wim" "$F/udfonly.iso"
[ -s "$T/cmd.out" ] && fail "a quiet run printed: $(cat "$T/cmd.out")"
check_wim "$O/a.wim" "--wim from udfonly.iso"
only_in "$O" a.wim
# No start script asked for: the image's own winpeshl.ini stays.
extract "$O/a.wim" /Windows/System32/winpeshl.ini "$T/x"
grep -q 'setup.exe' "$T/x/winpeshl.ini" || fail "winpeshl.ini changed without a start script"

# The same image from the bridge ISO read as UDF and from the tree.
run 0 --wim "$O/b.wim" "$F/bridge.iso"
run 0 --wim "$O/c.wim" --windows-dir "$F/tree" --arch amd64
for w in b c; do
	check_wim "$O/$w.wim" "--wim $w"
	wimlib-imagex dir "$O/a.wim" 1 > "$T/a.dir"
	wimlib-imagex dir "$O/$w.wim" 1 > "$T/$w.dir"
	cmp -s "$T/a.dir" "$T/$w.dir" || fail "$w.wim holds other files than a.wim"
done
rm -f "$O"/*.wim
say "ok: --wim from the UDF-only ISO, the bridge ISO and the tree"

# --- --iso and --tftp-dir with the generated start script ---------------------
mkdir -p "$F/drivers/nic" "$F/overlay/Tools"
printf '[Version]\r\nSignature="$Windows NT$"\r\n' > "$F/drivers/nic/e1000.inf"
head -c 3000 /dev/urandom > "$F/drivers/nic/e1000.sys"
printf '<?xml version="1.0"?><unattend/>\r\n' > "$F/unattend.xml"
head -c 5000 /dev/urandom > "$F/overlay/Tools/tool.exe"
run 0 -v --iso "$O/pe.iso" --tftp-dir "$O/tftp" --smb-server 192.0.2.7 \
    --share win11 --smb-user inst --smb-password 'se%cr&t' \
    --unattend "$F/unattend.xml" --drivers "$F/drivers" --bypass-checks \
    --overlay "$F/overlay" "$F/udfonly.iso"
said 'reading .*udfonly.iso. \(UDF\)' "-v names the UDF side"
said 'image 2 is "Microsoft Windows Setup \(x64\)", x64' "-v names the image"
said "^mkwinpe: wrote '$O/pe.iso' \([0-9.]+ (KiB|MiB)\), [0-9]+ files in '$O/tftp' \([0-9.]+ (KiB|MiB)\): Windows PE x64, installs from the share" \
    "-v ends with a summary line"
only_in "$O" pe.iso tftp

xorriso -indev "$O/pe.iso" -report_el_torito plain > "$T/elt.out" 2>&1 ||
    fail "xorriso cannot read pe.iso"
grep -Eq 'El Torito boot img : +1 +BIOS +y +none +0x0000 +0x00 +8 ' "$T/elt.out" ||
    fail "no BIOS entry loading 8 sectors: $(grep 'boot img' "$T/elt.out")"
grep -Eq 'El Torito boot img : +2 +UEFI +y +none +0x0000 +0x00 +2880 ' "$T/elt.out" ||
    fail "no UEFI entry with efisys.bin's 2880 sectors: $(grep 'boot img' "$T/elt.out")"
grep -Eq 'El Torito img path : +1 +/boot/etfsboot.com' "$T/elt.out" || fail "BIOS image is not etfsboot.com"
grep -Eq 'El Torito img path : +2 +/efi/microsoft/boot/efisys.bin' "$T/elt.out" || fail "UEFI image is not efisys.bin"
grep -q "Volume id    : 'Microsoft Windows PE (x64)'" "$T/elt.out" ||
    fail "volume id: $(grep 'Volume id' "$T/elt.out")"

iso_extract "$O/pe.iso" "$T/pe"
for f in bootmgr boot/bcd boot/boot.sdi boot/etfsboot.com efi/boot/bootx64.efi \
    efi/microsoft/boot/bcd efi/microsoft/boot/efisys.bin; do
	same "$F/tree/$f" "$T/pe/$f" "pe.iso: $f"
done
for f in bootmgr boot/bcd boot/boot.sdi efi/boot/bootx64.efi \
    efi/microsoft/boot/bcd; do
	same "$F/tree/$f" "$O/tftp/$f" "tftp: $f"
done
[ ! -e "$O/tftp/boot/etfsboot.com" ] || fail "tftp: etfsboot.com is for CDs only"
same "$T/pe/sources/boot.wim" "$O/tftp/sources/boot.wim" "the TFTP boot.wim is the ISO's"
check_wim "$T/pe/sources/boot.wim" "pe.iso's boot.wim"
W=$T/pe/sources/boot.wim
extract "$W" /mkwinpe.cmd "$T/x"
S=$T/x/mkwinpe.cmd
for want in 'wpeinit' 'drvload' 'wpeutil WaitForNetwork' \
    'net use I: "\\192.0.2.7\win11" /user:"inst" "se%%cr&t"' \
    'BypassTPMCheck' 'BypassSecureBootCheck' 'BypassRAMCheck' \
    'I:\setup.exe /unattend:%SYSTEMDRIVE%\mkwinpe\unattend.xml' 'cmd.exe /k'; do
	grep -qF -- "$want" "$S" || fail "start script lacks: $want"
done
grep -q "$(printf '\r')\$" "$S" || fail "start script lines do not end in CRLF"
extract "$W" /Windows/System32/winpeshl.ini "$T/x"
grep -q '^\[LaunchApps\]' "$T/x/winpeshl.ini" || fail "winpeshl.ini has no [LaunchApps]"
grep -qF 'cmd.exe, /c "%SYSTEMDRIVE%\mkwinpe.cmd"' "$T/x/winpeshl.ini" ||
    fail "winpeshl.ini does not run the script: $(cat "$T/x/winpeshl.ini")"
extract "$W" /mkwinpe/unattend.xml "$T/x"
same "$F/unattend.xml" "$T/x/unattend.xml" "unattend.xml"
extract "$W" /mkwinpe/drivers/nic/e1000.sys "$T/x"
same "$F/drivers/nic/e1000.sys" "$T/x/e1000.sys" "drivers"
extract "$W" /Tools/tool.exe "$T/x"
same "$F/overlay/Tools/tool.exe" "$T/x/tool.exe" "overlay"
rm -rf "$O/pe.iso" "$O/tftp" "$T/pe"
say "ok: --iso and --tftp-dir with the generated start script"

# --- scattered files in the source (UDF extents stop at 1 GiB): read
# through isofs, not cut out; boot.wim copied with reads, not a range copy.
cp "$F/udfonly.iso" "$T/split.iso"
"$PXE_TESTTOOLS/udfsplit" "$T/split.iso" 400000 200704 ||
    fail "udfsplit bootmgr"
"$PXE_TESTTOOLS/udfsplit" "$T/split.iso" "$(stat -c %s "$F/tree/sources/boot.wim")" 65536 ||
    fail "udfsplit boot.wim"
run 0 --iso "$O/split.iso" --tftp-dir "$O/splittftp" "$T/split.iso"
iso_extract "$O/split.iso" "$T/sp"
same "$F/tree/bootmgr" "$T/sp/bootmgr" "a scattered bootmgr in the ISO"
same "$F/tree/bootmgr" "$O/splittftp/bootmgr" "a scattered bootmgr in the TFTP tree"
check_wim "$T/sp/sources/boot.wim" "from a scattered boot.wim"
rm -rf "$O/split.iso" "$O/splittftp" "$T/sp" "$T/split.iso"
say "ok: scattered source files"

# --- an ISO where the filesystem cannot insert ranges (tmpfs): boot.wim
# goes through a scratch file, which is gone at the end.
if [ -d /dev/shm ] && [ -w /dev/shm ] &&
    [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ]; then
	shm=$(mktemp -d /dev/shm/pxekit-mkwinpe.XXXXXX) || fail "mktemp in /dev/shm"
	CLEANUP="rm -rf '$shm'"
	run 0 -v --iso "$shm/pe.iso" "$F/udfonly.iso"
	said 'no FALLOC_FL_INSERT_RANGE here' "tmpfs cannot insert ranges"
	only_in "$shm" pe.iso
	mv "$shm/pe.iso" "$T/shm.iso"
	iso_extract "$T/shm.iso" "$T/shm"
	check_wim "$T/shm/sources/boot.wim" "the ISO written on tmpfs"
	same "$F/tree/bootmgr" "$T/shm/bootmgr" "bootmgr on tmpfs"
	rm -rf "$shm" "$T/shm" "$T/shm.iso"
	CLEANUP=
	say "ok: --iso on tmpfs, through a scratch boot.wim"
fi
if [ "$(stat -f -c %T "$O")" = ext2/ext3 ] || [ "$(stat -f -c %T "$O")" = xfs ]; then
	run 0 -v --iso "$O/inplace.iso" --windows-dir "$F/tree"
	said 'boot.wim moved to byte [0-9]+ of the ISO in place' "ext4/xfs: boot.wim in place"
	iso_extract "$O/inplace.iso" "$T/inplace"
	check_wim "$T/inplace/sources/boot.wim" "the ISO written in place"
	rm -rf "$O/inplace.iso" "$T/inplace"
	say "ok: --iso with boot.wim moved in place"
fi

# --- the same file set as wimlib's mkwinpeimg on the extracted tree -------------
printf '@echo off\r\nwpeinit\r\n' > "$F/start.cmd"
if command -v mkwinpeimg > /dev/null 2>&1 && command -v mkisofs > /dev/null 2>&1; then
	(cd "$T" && mkwinpeimg --iso --windows-dir="$F/tree" \
	    --start-script="$F/start.cmd" "$T/ref.iso") > "$T/ref.out" 2>&1 ||
	    fail "mkwinpeimg failed: $(tail -n 3 "$T/ref.out")"
	run 0 --iso "$O/ours.iso" --start-script "$F/start.cmd" --windows-dir "$F/tree"
	iso_extract "$T/ref.iso" "$T/ref"
	iso_extract "$O/ours.iso" "$T/ours"
	# ISO files: mkwinpeimg's, but for the two command files it leaks.
	(cd "$T/ref" && find . -type f | tr 'A-Z' 'a-z' | grep -v '__mkwinp' | sort) > "$T/ref.files"
	(cd "$T/ours" && find . -type f | tr 'A-Z' 'a-z' | sort) > "$T/ours.files"
	missing=$(comm -23 "$T/ref.files" "$T/ours.files" | tr '\n' ' ')
	[ -z "$missing" ] || fail "files of mkwinpeimg's ISO missing from ours: $missing"
	extra=$(comm -13 "$T/ref.files" "$T/ours.files" | tr '\n' ' ')
	[ "$extra" = "./boot/etfsboot.com ./efi/boot/bootx64.efi ./efi/microsoft/boot/bcd ./efi/microsoft/boot/efisys.bin " ] ||
	    fail "our ISO's extra files are not the boot images and UEFI files: $extra"
	# boot.wim: the same files and the same start script wiring.
	refw=$(find "$T/ref" -iname boot.wim)
	ourw=$(find "$T/ours" -iname boot.wim)
	wimlib-imagex dir "$refw" 1 | sort > "$T/ref.dir"
	wimlib-imagex dir "$ourw" 1 | sort > "$T/ours.dir"
	cmp -s "$T/ref.dir" "$T/ours.dir" ||
	    fail "boot.wim files differ from mkwinpeimg's: $(diff "$T/ref.dir" "$T/ours.dir" | head -n 5 | tr '\n' ' ')"
	for f in /start.cmd /Windows/System32/kernel32.dll /setup.exe.orig; do
		extract "$refw" "$f" "$T/r1"
		extract "$ourw" "$f" "$T/o1"
		b=$(basename "$f")
		same "$T/r1/$b" "$T/o1/$b" "$f as mkwinpeimg adds it"
	done
	rm -f "$O/ours.iso"
	say "ok: the files of mkwinpeimg's ISO and boot.wim"
else
	say "note: mkwinpeimg or mkisofs missing, the comparison with it is skipped"
fi

# --- a progress line on a terminal (script(1) gives mkwinpe one), none with -q
if command -v script > /dev/null 2>&1; then
	script -qec "'$MKWINPE' --wim '$O/tty.wim' '$F/udfonly.iso'" /dev/null \
	    > "$T/tty.out" 2>&1 || fail "mkwinpe on a terminal: $(cat "$T/tty.out")"
	grep -Eq 'mkwinpe: (reading|writing) boot.wim 100%' "$T/tty.out" ||
	    fail "no progress line on a terminal: $(od -c "$T/tty.out" | head -n 5)"
	rm -f "$O/tty.wim"
	script -qec "'$MKWINPE' -q --wim '$O/tty.wim' '$F/udfonly.iso'" /dev/null \
	    > "$T/tty.out" 2>&1 || fail "mkwinpe -q on a terminal"
	[ ! -s "$T/tty.out" ] || fail "-q on a terminal printed: $(od -c "$T/tty.out" | head -n 3)"
	rm -f "$O/tty.wim"
	say "ok: progress on a terminal, none with --quiet"
fi

# --- bad inputs: one line, exit 1, nothing left ---------------------------------
head -c 100000 /dev/urandom > "$T/random.iso"
run 1 --iso "$O/x.iso" "$T/random.iso"
said "'.*random.iso' is not an ISO image" "random bytes"
one_line "random bytes"
run 1 --iso "$O/x.iso" "$T/no-such.iso"
said "no-such.iso.*No such file" "a missing ISO"

mkdir -p "$T/notwin"
cp "$F/tree/README.TXT" "$F/tree/bootmgr" "$T/notwin/"
genisoimage -quiet -udf -J -o "$T/notwin.iso" "$T/notwin" 2>/dev/null || fail "genisoimage"
run 1 --iso "$O/x.iso" "$T/notwin.iso"
said "'.*notwin.iso' is not a Windows ISO \(read as UDF\): no sources/boot.wim, boot/bcd, boot/boot.sdi, boot/etfsboot.com$" "not a Windows ISO"
one_line "not a Windows ISO"
run 1 --wim "$O/x.wim" --windows-dir "$T/notwin"
said "is not a Windows tree: no sources/boot.wim$" "not a Windows tree (--wim needs boot.wim only)"

# boot.wim with one image only; then a damaged one.
cp -a "$F/tree" "$T/oneimg"
wimlib-imagex export "$F/tree/sources/boot.wim" 1 "$T/one.wim" > /dev/null 2>&1 || fail "export"
mv "$T/one.wim" "$T/oneimg/sources/boot.wim"
genisoimage -quiet -udf -J -o "$T/oneimg.iso" "$T/oneimg" 2>/dev/null || fail "genisoimage"
run 1 --iso "$O/x.iso" "$T/oneimg.iso"
said "sources/boot.wim has 1 image, not the Windows Setup image 2" "boot.wim without image 2"
one_line "boot.wim without image 2"
head -c 200000 /dev/urandom > "$T/oneimg/sources/boot.wim"
run 1 --wim "$O/x.wim" --windows-dir "$T/oneimg"
said "boot.wim: .*(not|invalid|WIM)" "a damaged boot.wim"
one_line "a damaged boot.wim"
run 1 --wim "$O/x.wim" --arch x86 "$F/udfonly.iso"
said -- "--arch x86: boot.wim image 2 is x64" "--arch against the WIM"
only_in "$O"
say "ok: not an ISO, not a Windows ISO, no image 2, damaged WIM, --arch"

# An existing output: refused, untouched; --force replaces it.
echo "precious" > "$O/keep.iso"
run 1 --iso "$O/keep.iso" "$F/udfonly.iso"
said "keep.iso' exists \(--force replaces it\)" "existing output"
[ "$(cat "$O/keep.iso")" = precious ] || fail "the existing output was changed"
run 0 --force --iso "$O/keep.iso" "$F/udfonly.iso"
xorriso -indev "$O/keep.iso" -report_el_torito plain > /dev/null 2>&1 || fail "--force did not write an ISO"
only_in "$O" keep.iso
rm -f "$O/keep.iso"

# Overlays that cannot be read.
run 1 --wim "$O/x.wim" --overlay "$T/no-such-dir" "$F/udfonly.iso"
said -- "--overlay: cannot read '.*no-such-dir'" "missing overlay"
run 1 --wim "$O/x.wim" --overlay "$F/unattend.xml" "$F/udfonly.iso"
said -- "--overlay: '.*unattend.xml' is not a directory" "overlay is a file"
if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null 2>&1; then
	mkdir -p "$T/nobody/out" "$T/nobody/ov"
	echo secret > "$T/nobody/ov/locked.txt"
	chmod 000 "$T/nobody/ov/locked.txt"
	chmod 777 "$T/nobody/out"
	chmod 755 "$T" "$T/nobody"
	chmod -R a+rX "$F"
	st=0
	setpriv --reuid=65534 --regid=65534 --clear-groups "$MKWINPE" \
	    --wim "$T/nobody/out/x.wim" --overlay "$T/nobody/ov" "$F/udfonly.iso" \
	    > "$T/cmd.out" 2>&1 || st=$?
	[ "$st" = 1 ] || fail "unreadable overlay file: exit $st: $(cat "$T/cmd.out")"
	said -- "--overlay: cannot read '.*locked.txt': Permission denied" "unreadable overlay file"
	only_in "$T/nobody/out"
	say "ok: an unreadable file in the overlay"
fi

# A full disk: past a file size limit (EFBIG), and a small tmpfs (the
# up-front check).  Nothing may be left behind either way.
st=0
(ulimit -f 1000 && exec "$MKWINPE" --wim "$O/full.wim" "$F/udfonly.iso") > "$T/cmd.out" 2>&1 || st=$?
[ "$st" = 1 ] || fail "ulimit -f, boot.wim copy: exit $st: $(cat "$T/cmd.out")"
said "cannot copy sources/boot.wim of .*: File too large" "boot.wim copied past the size limit"
one_line "ulimit -f, boot.wim copy"
only_in "$O"
for blocks in 4000 6000; do	# the dry run, the range insert
	st=0
	(ulimit -f $blocks && exec "$MKWINPE" --iso "$O/full.iso" --windows-dir "$F/tree") > "$T/cmd.out" 2>&1 || st=$?
	[ "$st" = 1 ] || fail "ulimit -f $blocks: exit $st: $(cat "$T/cmd.out")"
	said "cannot write '.*full.iso': File too large" "the ISO past $blocks blocks"
	one_line "ulimit -f $blocks"
	only_in "$O"
done
say "ok: writes past a file size limit"
if [ "$(id -u)" = 0 ] && command -v unshare > /dev/null 2>&1 &&
    unshare -m true 2> /dev/null; then
	mkdir -p "$T/small"
	st=0
	unshare -m sh -c 'mount -t tmpfs -o size=1m tmpfs "$1" || exit 77
	    "$2" --iso "$1/pe.iso" "$3"; st=$?
	    ls -A "$1" > "$4"; exit $st' sh "$T/small" "$MKWINPE" \
	    "$F/udfonly.iso" "$T/small.ls" > "$T/cmd.out" 2>&1 || st=$?
	if [ "$st" != 77 ]; then
		[ "$st" = 1 ] || fail "small tmpfs: exit $st: $(cat "$T/cmd.out")"
		said "not enough space in '.*small': [0-9]+ bytes needed, [0-9]+ available" "a small tmpfs"
		[ ! -s "$T/small.ls" ] || fail "left on the tmpfs: $(cat "$T/small.ls")"
		say "ok: a tmpfs too small"
		# The estimate is near the real need: the ISO and one scratch
		# boot.wim (tmpfs cannot move it in place), not four boot.wims.
		need=$(sed -n 's/.* \([0-9]*\) bytes needed.*/\1/p' "$T/cmd.out")
		wim=$(stat -c %s "$F/tree/sources/boot.wim")
		st=0
		unshare -m sh -c 'mount -t tmpfs -o size=$(( ($5 + 65535) / 4096 * 4096 + 65536 )) tmpfs "$1" || exit 77
		    "$2" --iso "$1/pe.iso" "$3"; st=$?
		    stat -c %s "$1/pe.iso" > "$4"; exit $st' sh "$T/small" "$MKWINPE" \
		    "$F/udfonly.iso" "$T/small.size" "$need" > "$T/cmd.out" 2>&1 || st=$?
		[ "$st" = 0 ] || fail "a tmpfs of the estimate ($need bytes): exit $st: $(cat "$T/cmd.out")"
		iso=$(cat "$T/small.size")
		[ "$need" -le $(( iso + wim + 1572864 )) ] ||
		    fail "free space estimate $need for a $iso-byte ISO and a $wim-byte boot.wim"
		say "ok: the free space estimate ($need bytes for a $iso-byte ISO) suffices and is close"
	fi
fi

# On a terminal: the progress line never shows "(0 of 0 MiB)", and a
# summary line ends the run.
if command -v script > /dev/null; then
	script -qec "'$MKWINPE' --iso '$O/tty.iso' '$F/udfonly.iso'" /dev/null \
	    > "$T/tty.out" 2>&1 || fail "mkwinpe under a terminal: $(cat "$T/tty.out")"
	tr '\r' '\n' < "$T/tty.out" > "$T/cmd.out"
	grep -q 'of 0 MiB' "$T/cmd.out" && fail "progress shows 0 of 0 MiB: $(grep 'of 0' "$T/cmd.out" | head -n 2)"
	said 'reading boot.wim 100% \(8[0-9][0-9] KiB of 8[0-9][0-9] KiB\)' "progress in KiB for a small boot.wim"
	said "mkwinpe: wrote '$O/tty.iso' \([0-9.]+ MiB\): Windows PE x64, starts to a command prompt" \
	    "a summary line on a terminal"
	rm -f "$O/tty.iso"
fi

# Interrupted: SIGINT in the middle of a large boot.wim leaves nothing.
BOOTWIM_MB=150 WIM_COMPRESS=none ISOS=udfonly sh "$top_srcdir/tests/integration/mkfixture.sh" \
    "$T/big" > "$T/fixture.log" 2>&1 || fail "big fixture: $(tail -n 3 "$T/fixture.log")"
"$MKWINPE" --iso "$O/int.iso" "$T/big/udfonly.iso" > "$T/cmd.out" 2>&1 &
pid=$!
# From an ISO, boot.wim is copied into the output under a temporary name:
# once that name shows, the copy is under way; stopped there, the process
# gets SIGINT and goes on to find it at its next check.
i=0
while [ $i -lt 500 ] && kill -0 "$pid" 2>/dev/null; do
	if ls -A "$O" | grep -q '^\.int\.iso\.mkwinpe-'; then
		kill -STOP "$pid"
		kill -INT "$pid"
		kill -CONT "$pid"
		break
	fi
	sleep 0.01
	i=$((i + 1))
done
st=0
wait "$pid" || st=$?
if [ "$st" = 0 ]; then
	say "note: mkwinpe finished before SIGINT; interruption not checked"
	rm -rf "$O/int.iso"
	rm -rf "$T/big"
else
	[ "$st" = 1 ] || fail "SIGINT: exit $st: $(cat "$T/cmd.out")"
	said "interrupted by Interrupt; nothing was written" "SIGINT"
	one_line "SIGINT"
	say "ok: SIGINT while boot.wim is copied"
	rm -rf "$T/big"
fi
only_in "$O"
exit 0
