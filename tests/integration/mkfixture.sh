#!/bin/sh
# mkfixture.sh DIR: build synthetic Windows-like install media in DIR, for
# mkwinpe's tests and benchmark; nothing here is ever committed.
#
#   DIR/tree/         the extracted media: bootmgr, boot/{bcd,boot.sdi,
#                     etfsboot.com}, efi/boot/bootx64.efi,
#                     efi/microsoft/boot/efisys.bin (a real FAT image with
#                     EFI/BOOT/BOOTX64.EFI), setup.exe, sources/boot.wim
#                     (two images, made by wimlib-imagex), sources/install.wim
#   DIR/bridge.iso    UDF + ISO9660 + Joliet, every file on every side
#   DIR/udfonly.iso   the same with only README.TXT left on the ISO9660 and
#                     Joliet sides, like Windows 10/11 ISOs
#
# boot.wim image 1 is "Microsoft Windows PE (x64)"; image 2 "Microsoft
# Windows Setup (x64)" (the boot image) adds setup.exe, sources/setup.exe
# and Windows/System32/winpeshl.ini.  Both have Windows/System32/kernel32.dll
# with an x86-64 PE header, so wimlib records the architecture.
# Environment: BOOTWIM_MB (default 1) of data shared by both images;
# ISOS (default "bridge udfonly"): the images to make;
# WIM_COMPRESS (default LZX, as Microsoft's); ISOHIDE (default
# $PXE_TESTTOOLS/isohide).  Both ISOs have the El Torito entries of the
# real ones: BIOS etfsboot.com (8 sectors loaded) and UEFI efisys.bin.
set -eu

dir=$1
: "${BOOTWIM_MB:=1}"
: "${WIM_COMPRESS:=LZX}"
: "${ISOS:=bridge udfonly}"
: "${ISOHIDE:=${PXE_TESTTOOLS:-}/isohide}"
for tool in wimlib-imagex genisoimage mkfs.fat mmd mcopy; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "mkfixture.sh: $tool is not installed (see scripts/deps)" >&2
		exit 77
	}
done
[ -x "$ISOHIDE" ] || { echo "mkfixture.sh: no isohide at '$ISOHIDE'" >&2; exit 99; }

mkdir -p "$dir"
t=$dir/tree
pe=$dir/wim-pe
setup=$dir/wim-setup
rm -rf "$t" "$pe" "$setup"

# rnd FILE BYTES: random content.
rnd() {
	mkdir -p "$(dirname "$1")"
	head -c "$2" /dev/urandom > "$1"
}

# A kernel32.dll whose PE header says x86-64 (machine 0x8664 at 0x44).
kernel32() {
	{
		printf 'MZ'
		head -c 58 /dev/zero
		printf '\100\000\000\000PE\000\000\144\206'
		head -c 4000 /dev/zero
	} > "$1"
}

# Image 1: a WinPE.
mkdir -p "$pe/Windows/System32/config" "$pe/Program Files"
kernel32 "$pe/Windows/System32/kernel32.dll"
for f in cmd.exe wpeinit.exe drvload.exe winpeshl.exe net.exe reg.exe; do
	rnd "$pe/Windows/System32/$f" 3000
done
rnd "$pe/Windows/System32/config/SYSTEM" 8192
# The bulk: compressible like real binaries (base64 of random bytes packs
# to about 3/4), so that wimlib keeps it compressed and copies it raw, as
# it does a real boot.wim, instead of storing it and recompressing it.
head -c $((BOOTWIM_MB * 786432)) /dev/urandom | base64 -w 0 \
    > "$pe/Windows/System32/big.dat"
# Image 2: Windows Setup, the boot image.
cp -a "$pe" "$setup"
rnd "$setup/setup.exe" 5000
rnd "$setup/sources/setup.exe" 7000
rnd "$setup/sources/setupprep.exe" 2000
printf '[LaunchApps]\r\nX:\\setup.exe\r\n' > "$setup/Windows/System32/winpeshl.ini"

mkdir -p "$t/sources"
wimlib-imagex capture "$pe" "$t/sources/boot.wim" "Microsoft Windows PE (x64)" \
    --compress="$WIM_COMPRESS" > /dev/null
wimlib-imagex append "$setup" "$t/sources/boot.wim" \
    "Microsoft Windows Setup (x64)" --boot > /dev/null
rm -rf "$pe" "$setup"

# install.wim: one small image, never read by mkwinpe.
mkdir -p "$dir/wim-install/Windows/System32"
kernel32 "$dir/wim-install/Windows/System32/kernel32.dll"
rnd "$dir/wim-install/Windows/explorer.exe" 20000
wimlib-imagex capture "$dir/wim-install" "$t/sources/install.wim" \
    "Windows 11 Pro" > /dev/null
rm -rf "$dir/wim-install"

rnd "$t/bootmgr" 400000
rnd "$t/bootmgr.efi" 300000
rnd "$t/boot/bcd" 16384
rnd "$t/efi/microsoft/boot/bcd" 16384
rnd "$t/boot/boot.sdi" 300000
rnd "$t/boot/etfsboot.com" 4096
rnd "$t/efi/boot/bootx64.efi" 100000
rnd "$t/setup.exe" 9000
rnd "$t/sources/setupprep.exe" 3000
printf 'This disc contains a "UDF" file system.\r\n' > "$t/README.TXT"

# efisys.bin: a 1.44 MB FAT12 floppy image holding the UEFI loader.
mkdir -p "$t/efi/microsoft/boot"
rm -f "$t/efi/microsoft/boot/efisys.bin"
mkfs.fat -C -n EFISYS "$t/efi/microsoft/boot/efisys.bin" 1440 > /dev/null
MTOOLS_SKIP_CHECK=1 mmd -i "$t/efi/microsoft/boot/efisys.bin" ::/EFI ::/EFI/BOOT
MTOOLS_SKIP_CHECK=1 mcopy -i "$t/efi/microsoft/boot/efisys.bin" \
    "$t/efi/boot/bootx64.efi" ::/EFI/BOOT/BOOTX64.EFI

# The images: BIOS etfsboot.com (8 sectors loaded) and UEFI efisys.bin.
mkiso() {
	genisoimage -quiet -udf -J -joliet-long -iso-level 3 \
	    -V CCCOMA_X64FRE_EN-US_DV9 \
	    -b boot/etfsboot.com -no-emul-boot -boot-load-size 8 \
	    -hide boot.catalog -hide-joliet boot.catalog \
	    -eltorito-alt-boot -e efi/microsoft/boot/efisys.bin -no-emul-boot \
	    -o "$1" "$t"
}
for iso in $ISOS; do
	mkiso "$dir/$iso.iso"
	[ "$iso" = udfonly ] && "$ISOHIDE" "$dir/udfonly.iso" README.TXT
done
exit 0
