# scripts/lab/lib.sh: the kernel and initramfs of the lab's virtual machines
# (sourced by scripts/pxe-lab and the QEMU tests; POSIX sh).
#
# The kernel is Debian's linux-image-amd64, installed by scripts/deps from
# scripts/packages (never booted on this machine).  An initramfs holds a
# statically linked busybox, the modules asked for and their
# dependencies, an /init and a udhcpc script; it is cached under a name
# made from the hash of everything it is made of (the busybox binary, the
# kernel, the init script, the module list and this file), so a change to
# any of them builds a new one and nothing stale is ever booted.

# lab_kernel: set lab_kv (the kernel version) and lab_vmlinuz, or say what
# is missing on stderr and return 1.
lab_kernel() {
	lab_kv=$(dpkg-query -W -f='${Depends}' linux-image-amd64 2>/dev/null |
	    sed -n 's/^linux-image-\([^ ,]*\).*/\1/p')
	if [ -z "$lab_kv" ]; then
		echo "lab: Debian's linux-image-amd64 is not installed (run scripts/deps)" >&2
		return 1
	fi
	lab_vmlinuz=/boot/vmlinuz-$lab_kv
	if [ ! -r "$lab_vmlinuz" ] || [ ! -d "/lib/modules/$lab_kv" ]; then
		echo "lab: $lab_vmlinuz or /lib/modules/$lab_kv is missing (reinstall linux-image-$lab_kv)" >&2
		return 1
	fi
}

# lab_busybox_ok: a statically linked /bin/busybox (busybox-static), or
# one line saying why not.  A dynamically linked one cannot run as the
# initramfs's /init: the kernel panics with "No working init found".
# $LAB_BUSYBOX names another binary (the tests use it).
lab_busybox_ok() {
	_bb=${LAB_BUSYBOX:-/bin/busybox}
	if [ ! -x "$_bb" ]; then
		echo "lab: $_bb is missing (run scripts/deps: it installs busybox-static)" >&2
		return 1
	fi
	if ldd "$_bb" > /dev/null 2>&1; then
		echo "lab: $_bb is dynamically linked and cannot be the VM's /init: apt-get install busybox-static (it replaces busybox)" >&2
		return 1
	fi
}

# _lab_cached CACHE NAME EXT WORD FILE...: set _out to CACHE/NAME-KEY.EXT,
# KEY the hash of the FILEs, WORD and this file; 0 when that is already
# built (then it is printed, and touched so the weekly clean keeps it).
_lab_cached() {
	_cc=$1 _n=$2 _e=$3 _w=$4
	shift 4
	_key=$( { sha256sum "$@" "${top:?}/scripts/lab/lib.sh" | cut -d' ' -f1
	    echo "$_w"; } | sha256sum | cut -c1-16)
	_out=$_cc/$_n-$_key.$_e
	[ -f "$_out" ] || { mkdir -p "$_cc"; return 1; }
	touch "$_out"
	echo "$_out"
}

# lab_initramfs CACHE INIT [MODULE...]: print the path of an initramfs
# with INIT as /init and MODULE... (with what they depend on) under
# /lib/modules; build it into CACHE when no initramfs of these inputs is
# there yet.  Needs lab_kernel first.  Safe when two run at once.
lab_initramfs() {
	_c=$1 _init=$2
	shift 2
	lab_busybox_ok || return 1
	_lab_cached "$_c" initrd gz "$lab_kv $*" "$_bb" "$lab_vmlinuz" \
	    "$_init" && return 0
	_r=$(mktemp -d "$_c/initrd.XXXXXX") || return 1
	mkdir -p "$_r/bin" "$_r/proc" "$_r/sys" "$_r/dev" "$_r/etc" "$_r/mnt" \
	    "$_r/tmp" "$_r/lib/modules/$lab_kv"
	cp "$_bb" "$_r/bin/busybox"
	ln -s bin "$_r/sbin"
	for _a in $("$_bb" --list); do
		# busybox names itself too: a link to itself would loop /init.
		[ "$_a" = busybox ] || ln -sf busybox "$_r/bin/$_a"
	done
	for _m in "$@"; do
		modprobe -S "$lab_kv" --show-depends "$_m" 2>/dev/null |
		    awk '/^insmod/ { print $2 }'
	done | sort -u | while read -r _f; do
		mkdir -p "$(dirname "$_r$_f")"
		cp "$_f" "$_r$_f"
	done
	_m=/lib/modules/$lab_kv
	cp "$_m/modules.order" "$_m/modules.builtin" \
	    "$_m/modules.builtin.modinfo" "$_r/lib/modules/$lab_kv/"
	depmod -b "$_r" "$lab_kv" 2> /dev/null
	cat > "$_r/etc/udhcpc.sh" <<'EOS'
#!/bin/sh
[ "$1" = bound ] && { ip addr add "$ip/$mask" dev "$interface"; echo "$ip" > /tmp/lease; }
exit 0
EOS
	cp "$_init" "$_r/init"
	chmod +x "$_r/init" "$_r/etc/udhcpc.sh"
	(cd "$_r" && find . | cpio -o -H newc --quiet | gzip -6) > "$_r.gz" &&
	    mv -f "$_r.gz" "$_out"
	_st=$?
	rm -rf "$_r" "$_r.gz"
	# Initramfs images nobody has used for a week are stale inputs.
	find "$_c" -maxdepth 1 -name 'initrd-*.gz' -mtime +7 -delete 2>/dev/null
	[ "$_st" = 0 ] && echo "$_out"
}

# lab_standin CACHE INITRD SIZE_MB [hybrid]: print the path of a WinPE
# stand-in: a BIOS-bootable ISO (Debian's isolinux, the lab's kernel and
# INITRD, whose /init does what WinPE and mkwinpe's start script do) padded
# with random data to SIZE_MB MiB, so that loading it is as slow as
# loading a real winpe.iso.  With "hybrid" it boots on UEFI too, as
# mkwinpe's ISO does: a second El Torito entry, a FAT image holding
# \EFI\BOOT\BOOTX64.EFI, a unified kernel image (systemd's EFI stub with
# the kernel, INITRD and the command line in sections: what WinPE's
# signed boot manager is to a Windows ISO).  Cached in CACHE by its
# inputs, like lab_initramfs.  $LAB_EFI_STUB names another stub.
lab_efi_stub() {
	_stub=${LAB_EFI_STUB:-/usr/lib/systemd/boot/efi/linuxx64.efi.stub}
	if [ ! -r "$_stub" ]; then
		echo "lab: $_stub is missing (run scripts/deps: it installs systemd-boot-efi)" >&2
		return 1
	fi
}
lab_standin() {
	_c=$1 _initrd=$2 _mb=$3 _hy=${4:-}
	if [ -n "$_hy" ]; then lab_efi_stub || return 1; fi
	_lab_cached "$_c" standin iso "$_mb${_hy:+ $_hy}" "$_initrd" \
	    "$lab_vmlinuz" /usr/lib/ISOLINUX/isolinux.bin \
	    /usr/lib/syslinux/modules/bios/ldlinux.c32 ${_hy:+"$_stub"} && return 0
	_d=$(mktemp -d "$_c/standin.XXXXXX") || return 1
	mkdir -p "$_d/isolinux"
	cp /usr/lib/ISOLINUX/isolinux.bin \
	    /usr/lib/syslinux/modules/bios/ldlinux.c32 "$_d/isolinux/"
	cp "$lab_vmlinuz" "$_d/vmlinuz"
	cp "$_initrd" "$_d/initrd.gz"
	printf '%s\n' 'SERIAL 0 115200' 'DEFAULT winpe' 'LABEL winpe' \
	    ' KERNEL /vmlinuz' ' INITRD /initrd.gz' \
	    ' APPEND console=ttyS0 panic=-1 quiet' > "$_d/isolinux/isolinux.cfg"
	_efi=
	if [ -n "$_hy" ]; then
		# The UKI's sections at the addresses systemd's stub expects.
		echo "console=ttyS0 panic=-1 quiet" > "$_d.cmdline"
		_efimb=$(( ( $(stat -c %s "$lab_vmlinuz") + $(stat -c %s "$_initrd") ) / 1048576 + 4 ))
		objcopy --add-section .osrel=/etc/os-release \
		    --change-section-vma .osrel=0x20000 \
		    --add-section .cmdline="$_d.cmdline" \
		    --change-section-vma .cmdline=0x30000 \
		    --add-section .linux="$lab_vmlinuz" \
		    --change-section-vma .linux=0x2000000 \
		    --add-section .initrd="$_initrd" \
		    --change-section-vma .initrd=0x3000000 \
		    "$_stub" "$_d.uki" &&
		    mkfs.fat -C "$_d/efiboot.img" $((_efimb * 1024)) > /dev/null &&
		    mmd -i "$_d/efiboot.img" ::/EFI ::/EFI/BOOT &&
		    mcopy -i "$_d/efiboot.img" "$_d.uki" ::/EFI/BOOT/BOOTX64.EFI ||
		    { rm -rf "$_d" "$_d.uki" "$_d.cmdline"; return 1; }
		rm -f "$_d.uki" "$_d.cmdline"
		_efi="-eltorito-alt-boot -e efiboot.img -no-emul-boot"
	fi
	_used=$(du -k -c --apparent-size "$_d" | tail -n 1 | cut -f1)
	_pad=$(( _mb * 1024 - _used - 1024 ))
	[ "$_pad" -gt 0 ] || _pad=1
	head -c "$((_pad * 1024))" /dev/urandom > "$_d/sources.pad"
	# shellcheck disable=SC2086
	xorriso -as mkisofs -quiet -o "$_d.iso" -J -R -V PXEKIT_WINPE_STANDIN \
	    -b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot \
	    -boot-load-size 4 -boot-info-table $_efi "$_d" 2> "$_d.err" &&
	    mv -f "$_d.iso" "$_out"
	_st=$?
	[ "$_st" = 0 ] || cat "$_d.err" >&2
	rm -rf "$_d" "$_d.iso" "$_d.err"
	find "$_c" -maxdepth 1 -name 'standin-*.iso' -mtime +7 -delete 2>/dev/null
	[ "$_st" = 0 ] && echo "$_out"
}
