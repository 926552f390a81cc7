#!/bin/sh
# mkpxemenu: golden files for every entry kind in the three formats (and
# the seed's menu as one short command); pxelinux's config search for the
# vector from a real boot and IPv4 edge cases; install from Debian's
# syslinux packages; check on the clean tree, then on trees with one
# defect planted each; bad input refused with exit 2.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

M=${MKPXEMENU:-$top_builddir/bin/mkpxemenu/mkpxemenu}
[ -x "$M" ] || { say "ERROR: $M is not built"; exit 99; }
G=$top_srcdir/tests/golden/mkpxemenu

# ---- golden files --------------------------------------------------------
golden() {	# golden NAME ARGS...: output (version blanked) equals $G/NAME
	name=$1
	shift
	"$M" "$@" > "$T/out" 2> "$T/err" || fail "mkpxemenu $*: $(cat "$T/err")"
	sed 's/written by mkpxemenu .*$/written by mkpxemenu VERSION/' "$T/out" > "$T/out.v"
	diff -u "$G/$name" "$T/out.v" > "$T/diff" ||
	    fail "$name differs from the golden file: $(cat "$T/diff")"
}
golden all.pxelinux --spec "$G/all.spec"
golden all.ipxe --spec "$G/all.spec" --format ipxe
# The fast path's menu: every file from --http-base, an ISO through
# memdisk on BIOS and sanboot on UEFI (iPXE's ${platform}).
golden all-http.ipxe --spec "$G/all.spec" --format ipxe --http-base http://10.0.0.1/pxe
"$M" --format ipxe --http-base http://10.0.0.1/ --iso-boot sanboot \
    -e winpe:pe:/winpe.iso > "$T/out" 2> "$T/err" || fail "--iso-boot sanboot: $(cat "$T/err")"
grep -qx 'sanboot --no-describe http://10.0.0.1/winpe.iso || goto failed' "$T/out" ||
    fail "--iso-boot sanboot: $(cat "$T/out")"
grep -q memdisk "$T/out" && fail "--iso-boot sanboot still loads memdisk: $(cat "$T/out")"
printf 'http-base http://10.0.0.1\niso-boot sanboot\nformat ipxe\nentry winpe:pe:winpe.iso\n' > "$T/http.spec"
"$M" --spec "$T/http.spec" > "$T/out" 2> "$T/err" &&
    grep -qx 'sanboot --no-describe http://10.0.0.1/winpe.iso || goto failed' "$T/out" ||
    fail "http-base and iso-boot in a spec: $(cat "$T/out" "$T/err")"
golden all.grub --spec "$G/all.spec" --format grub
grep -q '3 entries left out' "$T/err" || fail "no warning for the ISOs GRUB cannot boot"
golden seed.pxelinux --spec "$G/seed.spec"
# The seed's menu is one short command, and the same as its spec.
golden seed.pxelinux -T 5 -e 'winpe:winpe=Windows PE:winpe.iso' \
    -e 'local:disk=Boot from the local disk'

# ---- lookup ----------------------------------------------------------------
"$M" lookup --mac 20:6a:8a:0f:74:75 --ip 192.168.42.17 \
    --uuid d66ef100-a6d7-11df-9f1a-f938a66fc054 > "$T/out" || fail "lookup"
printf '%s\n' d66ef100-a6d7-11df-9f1a-f938a66fc054 01-20-6a-8a-0f-74-75 \
    C0A82A11 C0A82A1 C0A82A C0A82 C0A8 C0A C0 C default |
    sed 's|^|pxelinux.cfg/|' > "$T/want"
diff -u "$T/want" "$T/out" > "$T/diff" || fail "lookup order: $(cat "$T/diff")"
for v in "10.0.0.1 0A000001" "255.255.255.255 FFFFFFFF" "0.0.0.0 00000000" \
    "172.16.254.3 AC10FE03"; do
	set -- $v
	"$M" lookup --mac 20-6A-8A-0F-74-75 --ip "$1" > "$T/out" || fail "lookup $1"
	[ "$(sed -n 2p "$T/out")" = "pxelinux.cfg/$2" ] ||
	    fail "lookup $1: $(sed -n 2p "$T/out"), want $2"
	[ "$(wc -l < "$T/out")" = 10 ] || fail "lookup $1: not 10 names"
done
"$M" lookup --mac 206a.8a0f.7475 > "$T/out" || fail "lookup, Cisco-style MAC"
[ "$(cat "$T/out")" = "pxelinux.cfg/01-20-6a-8a-0f-74-75
pxelinux.cfg/default" ] || fail "lookup with a MAC only: $(cat "$T/out")"

# ---- install and check a clean tree --------------------------------------
if [ -f /usr/lib/PXELINUX/pxelinux.0 ] && [ -f /usr/lib/syslinux/modules/bios/ldlinux.c32 ]; then
	R=$T/mroot
	mkdir "$R"
	"$M" install --root "$R" > "$T/out" 2>&1 || fail "install: $(cat "$T/out")"
	for f in pxelinux.0 ldlinux.c32 libcom32.c32 libutil.c32 menu.c32 \
	    vesamenu.c32 chain.c32 linux.c32 memdisk; do
		[ -s "$R/$f" ] || fail "install did not copy $f"
	done
	cmp -s "$R/pxelinux.0" /usr/lib/PXELINUX/pxelinux.0 || fail "pxelinux.0 differs from the package's"
	# --ipxe: Debian's iPXE loaders at the root's top, as pxe-dhcpd
	# hands them out (--boot bios=undionly.kpxe, efi-x64=snponly.efi).
	if [ -f /usr/lib/ipxe/undionly.kpxe ]; then
		I=$T/iroot
		mkdir "$I"
		"$M" install --root "$I" --ipxe --no-efi > "$T/out" 2>&1 || fail "install --ipxe: $(cat "$T/out")"
		for f in undionly.kpxe snponly.efi ipxe.efi; do
			cmp -s "$I/$f" "/usr/lib/ipxe/$f" || fail "install --ipxe: $f is not Debian's"
		done
		[ -s "$I/pxelinux.0" ] || fail "install --ipxe left out pxelinux (--tftp-only needs it)"
		grep -q '^undionly.kpxe <- /usr/lib/ipxe/undionly.kpxe$' "$T/out" || fail "install --ipxe does not list its files: $(cat "$T/out")"
		mkdir "$T/noipxe"
		"$M" install --root "$I" --ipxe --ipxe-dir "$T/noipxe" -q 2> "$T/err"
		[ $? = 1 ] && grep -q "ipxe-dir $T/noipxe: no undionly.kpxe" "$T/err" ||
		    fail "install --ipxe-dir with no iPXE: $(cat "$T/err")"
		# The fast path's tree checks clean: boot.ipxe names URLs.
		"$M" -T 1 -e winpe:pe:winpe.iso -e local:disk --format ipxe \
		    --http-base http://10.0.0.1 --root "$I" 2> "$T/err" || fail "boot.ipxe: $(cat "$T/err")"
		"$M" -T 1 -e winpe:pe:winpe.iso -e local:disk --root "$I" 2> "$T/err" || fail "menu: $(cat "$T/err")"
		: > "$I/winpe.iso"
		"$M" check --root "$I" > "$T/out" 2>&1 || fail "check of the fast path's tree: $(cat "$T/out")"
	else
		say "SKIP install --ipxe: Debian's ipxe is not installed"
	fi
	head -c 100000 /dev/urandom > "$R/winpe.iso"
	"$M" -T 5 -e 'winpe:winpe=Windows PE:winpe.iso' -e local:disk \
	    -e 'chain:part=Partition 2:hd0 2' --root "$R" 2> "$T/err" ||
	    fail "menu into the root: $(cat "$T/err")"
	[ -f "$R/pxelinux.cfg/default" ] || fail "no pxelinux.cfg/default written"
	ls "$R/pxelinux.cfg" | grep -q mkpxemenu- && fail "a temporary file was left behind"
	# install put syslinux.efi in efi64/: the same menu is written there,
	# without what syslinux.efi cannot boot (memdisk, chain.c32), each
	# left out with a warning, and with files named from the root.
	if [ -f "$R/efi64/syslinux.efi" ]; then
		E=$R/efi64/pxelinux.cfg/default
		[ -f "$E" ] || fail "no efi64/pxelinux.cfg/default written: $(cat "$T/err")"
		grep -q "warning: 'winpe' left out of $E: syslinux.efi cannot run memdisk" "$T/err" ||
		    fail "no warning for memdisk under syslinux.efi: $(cat "$T/err")"
		grep -q "warning: 'part' left out of $E: chain.c32" "$T/err" ||
		    fail "no warning for chain.c32 under syslinux.efi: $(cat "$T/err")"
		grep -q memdisk "$R/pxelinux.cfg/default" || fail "the BIOS menu lost memdisk"
		grep -Eq '^[^#]*(memdisk|chain.c32)' "$E" && fail "efi64 menu boots memdisk or chain: $(cat "$E")"
		grep -qx 'DEFAULT disk' "$E" || fail "efi64 menu's default: $(grep DEFAULT "$E")"
		"$M" -e 'linux:deb=Debian:vmlinuz:initrd.img' -e local:disk --root "$R" \
		    -o pxelinux.cfg/deb 2> "$T/err" || fail "menu with -o: $(cat "$T/err")"
		[ ! -e "$R/efi64/pxelinux.cfg/deb" ] || fail "-o wrote more than its one file"
		"$M" -T 3 -e 'linux:deb=Debian:vmlinuz:initrd.img' -e local:disk \
		    --host-ip 192.168.42.18 --root "$R" 2> "$T/err" || fail "linux menu: $(cat "$T/err")"
		# syslinux.efi puts efi64/ before every name but "::NAME" (a
		# leading '/' too: "/vmlinuz" is asked for as efi64//vmlinuz).
		grep -qx '	KERNEL ::vmlinuz' "$R/efi64/pxelinux.cfg/C0A82A12" &&
		    grep -qx '	INITRD ::initrd.img' "$R/efi64/pxelinux.cfg/C0A82A12" ||
		    fail "efi64 menu: files not named from the root (::NAME): $(cat "$R/efi64/pxelinux.cfg/C0A82A12")"
		grep -qx '	KERNEL vmlinuz' "$R/pxelinux.cfg/C0A82A12" ||
		    fail "BIOS menu: kernel path changed"
		: > "$R/vmlinuz"
		: > "$R/initrd.img"
	fi
	"$M" --host 20:6a:8a:0f:74:75 -e local:disk --root "$R" 2>/dev/null
	"$M" --host-ip 192.168.42.17 -e local:disk --root "$R" 2>/dev/null
	"$M" --host-uuid D66EF100A6D711DF9F1AF938A66FC054 -e local:disk --root "$R" 2>/dev/null
	for f in 01-20-6a-8a-0f-74-75 C0A82A11 d66ef100-a6d7-11df-9f1a-f938a66fc054; do
		[ -f "$R/pxelinux.cfg/$f" ] || fail "per-host file $f not written"
	done
	"$M" check --root "$R" > "$T/out" 2>&1 || fail "check on a clean tree: $(cat "$T/out")"
	"$M" lookup --mac 20:6a:8a:0f:74:76 --ip 192.168.42.17 --root "$R" > "$T/out" ||
	    fail "lookup --root: $(cat "$T/out")"
	grep -qx 'served: pxelinux.cfg/C0A82A11' "$T/out" || fail "lookup --root: $(cat "$T/out")"
	"$M" lookup --mac 20:6a:8a:0f:74:76 --ip 10.1.1.1 --root "$R" --json > "$T/out"
	grep -q '"served":"pxelinux.cfg/default"' "$T/out" || fail "lookup --json: $(cat "$T/out")"

	# One defect at a time: copy the clean tree, plant, expect the line.
	plant() {	# plant WHAT REGEX: run the planting commands on $P first
		"$M" check --root "$P" -q > "$T/out" 2>&1
		st=$?
		[ "$st" = 1 ] || fail "$1: check exited $st, want 1: $(cat "$T/out")"
		grep -Eq "$2" "$T/out" || fail "$1: no finding like /$2/: $(cat "$T/out")"
		say "planted $1: $(grep -E -m1 "$2" "$T/out")"
		rm -rf "$P"
	}
	fresh() { rm -rf "$P"; cp -a "$R" "$P"; }
	P=$T/planted
	fresh; rm "$P/winpe.iso"
	plant "missing ISO" '^pxelinux.cfg/default:[0-9]+: INITRD winpe.iso: no such file'
	fresh; rm "$P/libutil.c32"
	plant "missing library" '^menu.c32: needs libutil.c32'
	fresh; rm "$P/menu.c32"
	plant "missing UI module" '^pxelinux.cfg/default:[0-9]+: UI menu.c32: no such file'
	fresh; rm "$P/ldlinux.c32"
	plant "no ldlinux.c32" '^pxelinux.0: ldlinux.c32 is not beside it'
	fresh; printf 'x' >> "$P/ldlinux.c32"
	plant "ldlinux.c32 from another build" 'pxelinux.0: pxelinux.0 is this system.s syslinux and ldlinux.c32 is not'
	fresh; LC_ALL=C perl -pi -e 's/\0strcpy\0/\0strcpz\0/' "$P/chain.c32"
	plant "module from another version" '^chain.c32: imports 1 symbol \(strcpz\)'
	if [ -f "$R/efi64/menu.c32" ]; then
		fresh; cp "$R/efi64/menu.c32" "$P/vesamenu.c32"
		plant "EFI module in the BIOS folder" '^vesamenu.c32: a 64-bit EFI module in a BIOS folder'
	fi
	fresh; printf 'LABEL x\n  KERNEL ../../etc/passwd\n' >> "$P/pxelinux.cfg/default"
	plant "path out of the root" "KERNEL \.\./\.\./etc/passwd: '\.\.' in a path"
	fresh; printf 'LABEL disk\n  LOCALBOOT 0\n' >> "$P/pxelinux.cfg/default"
	plant "duplicate label" 'LABEL disk: already defined at pxelinux.cfg/default:[0-9]+'
	fresh; printf 'LABEL empty\n  MENU LABEL nothing\n' >> "$P/pxelinux.cfg/default"
	plant "label that boots nothing" 'LABEL empty boots nothing'
	fresh; sed -i 's/^DEFAULT .*/DEFAULT nosuch/' "$P/pxelinux.cfg/default"
	plant "bad DEFAULT" 'DEFAULT nosuch names no LABEL'
	fresh; printf 'KERNAL vmlinuz\n' >> "$P/pxelinux.cfg/default"
	plant "misspelt keyword" "unknown keyword 'KERNAL'"
	fresh; rm -r "$P/pxelinux.cfg"
	plant "no configuration" 'has no pxelinux.cfg/default'
	if [ -f "$R/efi64/syslinux.efi" ]; then
		# check follows each loader's own rule: a leading '/' in
		# efi64/ is efi64//NAME to syslinux.efi (the boot loop of
		# issue 13), and "::NAME" is NAME from the root.
		fresh; sed -i 's/::vmlinuz/\/vmlinuz/' "$P/efi64/pxelinux.cfg/C0A82A12"
		plant "efi64 menu naming a file with a leading /" \
		    '^efi64/pxelinux.cfg/C0A82A12:[0-9]+: KERNEL /vmlinuz: no such file: syslinux.efi .* asks for efi64//vmlinuz; name it ::vmlinuz'
		fresh; rm "$P/initrd.img"
		plant "missing file named ::NAME" \
		    '^efi64/pxelinux.cfg/C0A82A12:[0-9]+: INITRD ::initrd.img: no such file under the root \(syslinux.efi asks for initrd.img\)'
		fresh; printf 'LABEL y\n  KERNEL ::vmlinuz\nLABEL z\n  KERNEL vmlinuz\n' >> "$P/efi64/pxelinux.cfg/default"
		plant "efi64 menu naming a root file plainly" \
		    '^efi64/pxelinux.cfg/default:[0-9]+: KERNEL vmlinuz: no such file under the root \(syslinux.efi asks for efi64/vmlinuz\)'
		grep -q 'KERNEL ::vmlinuz' "$T/out" &&
		    fail "check: KERNEL ::vmlinuz found wrong: $(cat "$T/out")"
	fi
	# Secure Boot: Debian's signed shim and network GRUB, unpacked from
	# their packages (installing them would run grub-install), and the
	# spec's menu as grub/grub.cfg, where that GRUB looks for it.
	if (cd "$T" && timeout 120 apt-get download -q -o APT::Sandbox::User=root \
	    shim-signed grub-efi-amd64-signed > /dev/null 2>&1); then
		for d in "$T"/shim-signed_*.deb "$T"/grub-efi-amd64-signed_*.deb; do
			dpkg -x "$d" "$T/signed"
		done
		S=$T/sbroot
		mkdir "$S"
		"$M" install --root "$S" -q --secure-boot --signed-from "$T/signed" \
		    --spec "$G/all.spec" 2> "$T/err" || fail "install --secure-boot: $(cat "$T/err")"
		cmp -s "$S/bootx64.efi" "$T/signed/usr/lib/shim/shimx64.efi.signed" ||
		    fail "bootx64.efi is not the signed shim"
		cmp -s "$S/grubx64.efi" "$T/signed/usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed" ||
		    fail "grubx64.efi is not the signed network GRUB"
		grep -aq 'grub.cfg' "$S/grubx64.efi" || fail "grubx64.efi names no grub.cfg"
		sed 's/written by mkpxemenu .*$/written by mkpxemenu VERSION/' "$S/grub/grub.cfg" |
		    diff -u "$G/all.grub" - > "$T/diff" || fail "grub/grub.cfg: $(cat "$T/diff")"
		say "Secure Boot chain: bootx64.efi (shim) -> grubx64.efi -> grub/grub.cfg"
		"$M" install --root "$S" -q --secure-boot --signed-from "$T/nothere" 2> "$T/err" &&
		    fail "--secure-boot without the signed files succeeded"
		grep -q 'apt-get install shim-signed' "$T/err" || fail "no package named: $(cat "$T/err")"
	else
		say "SKIP Secure Boot part: cannot apt-get download shim-signed"
	fi
	fresh; mv "$P/winpe.iso" "$P/WinPE.ISO"
	"$M" check --root "$P" > "$T/out" 2>&1 || fail "a case-only difference is a note, not a finding: $(cat "$T/out")"
	grep -q "note: INITRD winpe.iso is on disk as 'WinPE.ISO'" "$T/out" || fail "no note for the case difference: $(cat "$T/out")"
else
	say "SKIP install/check part: Debian's pxelinux and syslinux-common are not installed"
fi
mkdir "$T/empty"
# An include loop is reported once, at once: a config that INCLUDEs
# itself 6 times cost 6^8 parses and 12 million lines (issue 16).
B=$T/bomb
mkdir -p "$B/pxelinux.cfg"
printf 'x' > "$B/pxelinux.0"
for i in 1 2 3 4 5 6; do echo "INCLUDE pxelinux.cfg/default"; done > "$B/pxelinux.cfg/default"
printf 'INCLUDE pxelinux.cfg/b\nLABEL a\n  LOCALBOOT 0\n' >> "$B/pxelinux.cfg/default"
printf 'INCLUDE pxelinux.cfg/default\n' > "$B/pxelinux.cfg/b"
timeout 20 "$M" check --root "$B" > "$T/out" 2>&1
st=$?
[ "$st" = 1 ] || fail "include bomb: check exited $st, want 1 ($(wc -l < "$T/out") lines)"
[ "$(grep -c 'include loop' "$T/out")" = 2 ] ||
    fail "include bomb: want the two loops once each: $(head -c 2000 "$T/out")"
grep -q 'pxelinux.cfg/default:1: INCLUDE pxelinux.cfg/default: an include loop (pxelinux.cfg/default -> pxelinux.cfg/default)' "$T/out" ||
    fail "include bomb: the loop is not named: $(head -c 2000 "$T/out")"
grep -Eq 'an include loop \(pxelinux.cfg/(default|b) -> pxelinux.cfg/(b|default) -> pxelinux.cfg/(default|b)\)' "$T/out" ||
    fail "include bomb: the two-file loop is not named: $(head -c 2000 "$T/out")"
[ "$(wc -l < "$T/out")" -lt 20 ] || fail "include bomb: $(wc -l < "$T/out") lines: $(head -c 2000 "$T/out")"
"$M" check --root "$T/empty" > "$T/out" 2>&1
[ $? = 1 ] && grep -q 'no pxelinux.0, syslinux.efi' "$T/out" || fail "check on a tree with no loader: $(cat "$T/out")"

# ---- bad input ---------------------------------------------------------------
bad() {	# bad REGEX ARGS...: exit 2 and one line naming the argument
	re=$1
	shift
	"$M" "$@" > "$T/out" 2> "$T/err"
	st=$?
	[ "$st" = 2 ] || fail "mkpxemenu $*: exit $st, want 2"
	[ "$(wc -l < "$T/err")" = 1 ] || fail "mkpxemenu $*: not one line: $(cat "$T/err")"
	grep -Eq -e "$re" "$T/err" || fail "mkpxemenu $*: '$(cat "$T/err")' does not match /$re/"
}
bad "--entry: .*unknown entry kind 'floppy'" -e floppy:x:y
bad "--entry: .*bad label" -e 'linux:two words:vmlinuz'
bad "--entry: .*repeats the label 'DISK'" -e local:disk -e local:DISK
bad "--host: .*not a MAC" --host 20:6a:8a:0f:74 -e local:disk
bad "--host-ip: .*not an IPv4" --host-ip 300.1.1.1 -e local:disk
bad "--host-uuid: .*not a UUID" --host-uuid d66ef100-zz -e local:disk
bad "--timeout: .*0\.\.3600" -T 99999 -e local:disk
bad "--format: .*pxelinux, ipxe or grub" -f yaboot -e local:disk
bad "--http-base: 'ftp://x' is not an http:// or https:// URL" -f ipxe --http-base ftp://x -e local:disk
bad "--http-base: .*names no server" -f ipxe --http-base http:///x -e local:disk
bad "--http-base: .*space" -f ipxe --http-base 'http://a b' -e local:disk
bad "--http-base goes with --format ipxe" --http-base http://10.0.0.1 -e local:disk
bad "--iso-boot: .*not memdisk or sanboot" -f ipxe --iso-boot floppy -e local:disk
bad "install: --ipxe-dir goes with --ipxe" install --root "$T" --ipxe-dir "$T"
bad "--default 'x' names no entry" -d x -e local:disk
bad "no entries" -T 5
bad "lookup: --mac is required" lookup --ip 10.0.0.1
bad "--mac: .*not a MAC" lookup --mac nope
bad "--ip: .*not an IPv4" lookup --mac 20:6a:8a:0f:74:75 --ip 1.2.3
# A usage error frees what was parsed before it (issue 16: the labels of
# earlier entries leaked, and LSan turned exit 2 into 1).
# An ASan build has LeakSanitizer (exit 1 on a leak) and cannot run under
# valgrind; a plain build runs under valgrind when it is installed.
VG=
if grep -q __asan_init "$M"; then
	:
elif command -v valgrind > /dev/null; then
	VG="valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=3"
else
	say "valgrind not installed: the usage-error leak check is skipped"
fi
for args in "-e local:disk -e local:DISK" "-e local:disk -T 99999" \
    "-e local:disk -e linux:a:k -d x" "-e local:disk -e floppy:x:y"; do
	# shellcheck disable=SC2086 # the words are the arguments
	$VG "$M" $args > /dev/null 2> "$T/vg"
	st=$?
	[ "$st" = 2 ] || fail "mkpxemenu $args${VG:+ under valgrind}: exit $st, want 2: $(cat "$T/vg")"
done
"$M" --help | grep -q 'winpe:LABEL' || fail "--help does not describe the entries"
"$M" --version | grep -q '^mkpxemenu ' || fail "--version"
"$M" check --help | grep -q 'Exit status: 0 clean, 1 findings' || fail "check --help"
exit 0
