#!/bin/sh
# pxe-winstall: its refusals, each before anything starts and each one line
# naming the fix; --dry-run's commands and the lease range it derives; -C
# files; and a served run in a network namespace that SIGTERM stops whole
# (exit 0, no server left, the address it added taken back).  The fast
# path by default (iPXE for BIOS and UEFI, the ISO's URL for UEFI HTTP
# boot, the root over HTTP), --tftp-only the seed's chain as before; the
# path each machine took, from the logs.  The boot itself, through
# memdisk and the WinPE stand-in, is scripts/pxe-lab's
# (tests/integration/pxe-lab.sh).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

need_root
need dnsmasq genisoimage xorriso ss setpriv wimlib-imagex mkfs.fat mcopy
W=$top_srcdir/scripts/pxe-winstall
export PXE_DHCPD PXE_TFTPD PXE_SMBD PXE_SNIFF MKPXEMENU MKWINPE
: "${PXE_DHCPD:=$top_builddir/bin/pxe-dhcpd/pxe-dhcpd}"
: "${PXE_SNIFF:=$top_builddir/bin/pxe-sniff/pxe-sniff}"
: "${MKPXEMENU:=$top_builddir/bin/mkpxemenu/mkpxemenu}"
: "${MKWINPE:=$top_builddir/bin/mkwinpe/mkwinpe}"
export WINPE_MK="$top_srcdir/scripts/winpe.mk"
[ -f /usr/lib/PXELINUX/pxelinux.0 ] || skip "pxelinux is not installed"

SRV= WPID=
CLEANUP='[ -n "$SRV" ] && kill $SRV 2>/dev/null; [ -n "$WPID" ] && kill $WPID 2>/dev/null; sleep 0.3'
netns_pair w	# no addresses yet: the refusals below need none
IF=$VS
export TMPDIR="$T/tmp"	# where pxe-winstall makes its work folders
mkdir -p "$TMPDIR"

# A bootable stand-in (El Torito, isolinux) and an unbootable ISO.
mkdir -p "$T/iso/isolinux" "$T/plain"
cp /usr/lib/ISOLINUX/isolinux.bin "$T/iso/isolinux/"
echo 'DEFAULT local' > "$T/iso/isolinux/isolinux.cfg"
xorriso -as mkisofs -quiet -o "$T/winpe.iso" -b isolinux/isolinux.bin \
    -c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table \
    "$T/iso" 2> "$T/x.err" || fail "xorriso: $(cat "$T/x.err")"
echo hello > "$T/plain/setup.exe"
genisoimage -quiet -o "$T/plain.iso" "$T/plain" 2>/dev/null || fail "genisoimage"
mkdir -p "$ROOT/share"
echo setup > "$ROOT/share/setup.exe"
printf 'pw-for-the-test\n' > "$T/pw"

# ready FILE: wait until pxe-winstall ($WPID) printed its status block.
ready() {
	i=0
	until grep -q "ready on $IF" "$1"; do
		i=$((i + 1))
		kill -0 "$WPID" 2>/dev/null && [ $i -lt 600 ] ||
		    fail "pxe-winstall did not get ready: $(tail -n 20 "$1")"
		sleep 0.1
	done
}
# ws ARGS...: pxe-winstall in the server namespace; its output in $T/out,
# its status in $st.
ws() {
	st=0
	ip netns exec "$S" timeout 60 sh "$W" "$@" > "$T/out" 2>&1 || st=$?
}
# refused STATUS REGEX WHAT ARGS...: one line, that status, that text,
# and nothing started.
refused() {
	want=$1 re=$2 what=$3
	shift 3
	ws "$@"
	[ "$st" = "$want" ] || fail "$what: exit $st, want $want: $(cat "$T/out")"
	grep -Eq "$re" "$T/out" || fail "$what: no /$re/ in: $(cat "$T/out")"
	[ "$(grep -c . "$T/out")" -le 2 ] || fail "$what: more than one line: $(cat "$T/out")"
	for p in pxe-dhcpd pxe-tftpd pxe-smbd pxe-sniff; do
		for q in $(pgrep -x $p); do
			[ "$(ip netns identify "$q" 2>/dev/null)" = "$S" ] && fail "$what: $p was started"
		done
	done
	return 0
}

# Usage errors (2).
refused 2 'interface is required' "no --interface" --winpe "$T/winpe.iso" --share "$ROOT/share"
refused 2 'give the Windows ISO' "no ISO" -i "$IF"
refused 2 "unknown option '--nosuch'" "an unknown option" --nosuch
refused 2 "'--address' needs a value|option '--address' needs a value" "--address without a value" -i "$IF" --address
refused 2 "is not ADDR/LEN" "a bad --address" -i "$IF" --address 10.1.2.300/24 --winpe "$T/winpe.iso" --share "$ROOT/share"

# Refusals (1), each naming the fix.
st=0
# (the script comes on stdin: nobody may not read the tree, e.g. under /root)
(cd / && setpriv --reuid=nobody --regid=nogroup --clear-groups sh -s -- -i lo \
    --winpe "$T/winpe.iso" --share "$ROOT/share" < "$W") > "$T/out" 2>&1 || st=$?
[ "$st" = 1 ] && grep -q 'needs root.*sudo' "$T/out" ||
    fail "not root: exit $st: $(cat "$T/out")"
refused 1 "no such interface 'nosuch0' \(ip -br link" "no such interface" \
    -i nosuch0 --winpe "$T/winpe.iso" --share "$ROOT/share"
refused 1 "$IF has no IPv4 address: give it one with --address 192\.168\.42\.1/24" \
    "no IPv4 address" -i "$IF" --winpe "$T/winpe.iso" --share "$ROOT/share"
refused 1 "has no El Torito boot record" "an unbootable --winpe" \
    -i "$IF" --address 10.72.0.1/24 --winpe "$T/plain.iso" --share "$ROOT/share"
ip -n "$S" -4 -o addr show dev "$IF" | grep -q . &&
    fail "a refused run left its --address on $IF"
ip -n "$S" addr add 10.72.0.1/24 dev "$IF"
ip -n "$C" addr add 10.72.0.2/24 dev wc$$
printf 'bad"quote\n' > "$T/badpw"
refused 1 'double quote' "a password cmd.exe cannot pass" -i "$IF" \
    --winpe "$T/winpe.iso" --share "$ROOT/share" --password-file "$T/badpw"

# Refusals leave no work folder behind.
[ -z "$(ls "$TMPDIR")" ] || fail "refused runs left work folders: $(ls "$TMPDIR")"

# A port held by another server: named, with the usual fix.
ip netns exec "$S" dnsmasq --keep-in-foreground --conf-file=/dev/null \
    --port=0 --enable-tftp --tftp-root=/tmp --pid-file= --user=root \
    --interface="$IF" --bind-interfaces 2> "$T/dnsmasq.err" &
SRV=$!
sleep 0.5
kill -0 "$SRV" 2>/dev/null || fail "dnsmasq did not start: $(cat "$T/dnsmasq.err")"
refused 1 'UDP port 69 \(TFTP\) is in use by dnsmasq \(pid [0-9]+\): stop it first' \
    "TFTP port held" -i "$IF" --winpe "$T/winpe.iso" --share "$ROOT/share"
kill "$SRV"; wait "$SRV" 2>/dev/null; SRV=
# The fast path serves HTTP on port 80: a web server there is named, and
# --tftp-only is the way round it.
ip netns exec "$S" busybox httpd -f -p 10.72.0.1:80 -h "$T/plain" 2> "$T/httpd.err" &
SRV=$!
sleep 0.5
refused 1 'TCP port 80 \(HTTP\) is in use by busybox \(pid [0-9]+\): stop it first .*or use --tftp-only' \
    "HTTP port held" -i "$IF" --winpe "$T/winpe.iso" --share "$ROOT/share"
ws -i "$IF" --tftp-only --dry-run --winpe "$T/winpe.iso" --share "$ROOT/share"
[ "$st" = 0 ] || fail "--tftp-only beside a web server: exit $st: $(cat "$T/out")"
kill "$SRV"; wait "$SRV" 2>/dev/null; SRV=

# Another DHCP server on the link (a router on the other end): use --proxy.
ip netns exec "$C" dnsmasq --keep-in-foreground --conf-file=/dev/null \
    --port=0 --interface=wc$$ --bind-interfaces --pid-file= \
    --dhcp-range=10.72.0.50,10.72.0.60,1h \
    --dhcp-leasefile="$T/router.leases" 2> "$T/dnsmasq.err" &
SRV=$!
sleep 0.5
refused 1 'another DHCP server answers on .*10\.72\.0\.2 offered .*--proxy' \
    "a DHCP server on the link" -i "$IF" --winpe "$T/winpe.iso" --share "$ROOT/share"
kill "$SRV"; wait "$SRV" 2>/dev/null; SRV=

# --dry-run: the commands, with the derived range, and nothing run.
# --tftp-only: the seed's chain, as before the fast path.
ws -i "$IF" --dry-run --tftp-only --winpe "$T/winpe.iso" --share "$ROOT/share" -U admin
[ "$st" = 0 ] || fail "--dry-run --tftp-only: exit $st: $(cat "$T/out")"
grep -q -- "pxe-dhcpd -i $IF --boot bios=pxelinux.0 --pid-file [^ ]* --range 10.72.0.100,10.72.0.199 " "$T/out" ||
    fail "--tftp-only: no pxe-dhcpd line with pxelinux.0 and the derived range: $(cat "$T/out")"
grep -q -- "pxe-tftpd -r [^ ]* -l 10.72.0.1 --pid-file" "$T/out" ||
    fail "--tftp-only: pxe-tftpd is not TFTP only: $(grep pxe-tftpd "$T/out")"
grep -q 'IPXE=\|HTTP_BASE\|undionly\|boot.ipxe\|--http' "$T/out" && fail "--tftp-only names iPXE or HTTP: $(cat "$T/out")"
# The default: the fast path.
ws -i "$IF" --dry-run --winpe "$T/winpe.iso" --share "$ROOT/share" -U admin
[ "$st" = 0 ] || fail "--dry-run: exit $st: $(cat "$T/out")"
grep -q -- "pxe-dhcpd -i $IF --boot bios=undionly.kpxe --boot efi-x64=snponly.efi --ipxe-boot http://10.72.0.1/boot.ipxe --http-boot efi-x64=http://10.72.0.1/winpe.iso .*--range 10.72.0.100,10.72.0.199 " "$T/out" ||
    fail "--dry-run: no fast-path pxe-dhcpd line with the derived range: $(cat "$T/out")"
grep -q -- "pxe-tftpd -r [^ ]* -l 10.72.0.1 --http 80 " "$T/out" ||
    fail "--dry-run: pxe-tftpd does not serve HTTP: $(grep pxe-tftpd "$T/out")"
grep -q -- "^make .* IPXE=1 HTTP_BASE=http://10.72.0.1 " "$T/out" ||
    fail "--dry-run: make does not write boot.ipxe: $(grep '^make' "$T/out")"
grep -q -- "pxe-smbd -s install=$ROOT/share --password-file [^ ]* --require-signing -l 10.72.0.1" "$T/out" ||
    fail "--dry-run: no pxe-smbd line: $(cat "$T/out")"
grep -q -- "^make -f .*winpe.mk .*WINPE_ISO=$T/winpe.iso" "$T/out" ||
    fail "--dry-run: no make line: $(cat "$T/out")"
# The range leaves out the server's address: .150 on a /24 and a /28.
ws -i "$IF" -n --address 10.73.0.150/24 --winpe "$T/winpe.iso" --share "$ROOT/share"
grep -q -- "--range 10.73.0.100,10.73.0.149 " "$T/out" || fail "range beside .150: $(grep dhcpd "$T/out")"
ws -i "$IF" -n --address 10.73.0.9/28 --winpe "$T/winpe.iso" --share "$ROOT/share"
grep -q -- "--range 10.73.0.10,10.73.0.14 " "$T/out" || fail "range on a /28: $(grep dhcpd "$T/out")"
ws -i "$IF" -n --proxy --winpe "$T/winpe.iso" --share "$ROOT/share"
grep -q -- "pxe-dhcpd -i $IF --boot bios=undionly.kpxe .*--http-boot .*--proxy" "$T/out" && ! grep -q -- '--range' "$T/out" ||
    fail "--proxy --dry-run: $(grep dhcpd "$T/out")"

# -C: options and the ISO from files, one including another.
printf '# the lab link\ninterface %s\ninclude %s\n' "$IF" "$T/more.conf" > "$T/a.conf"
printf 'winpe %s\nshare %s\ndry-run\nuser fromfile\n' "$T/winpe.iso" "$ROOT/share" > "$T/more.conf"
ws -C "$T/a.conf"
[ "$st" = 0 ] && grep -q -- "pxe-dhcpd -i $IF " "$T/out" ||
    fail "-C with include: exit $st: $(cat "$T/out")"
printf 'interface %s\nbogus-option 1\n' "$IF" > "$T/b.conf"
refused 2 "unknown option '--bogus-option'" "a bad -C line" -C "$T/b.conf"

# --unattend: into the WinPE it builds (winpe.mk's UNATTEND, mkwinpe
# --unattend), so not with a ready --winpe image.
printf '<unattend/>\n' > "$T/unattend.xml"
ws -i "$IF" -n --unattend "$T/unattend.xml" "$T/winpe.iso"
[ "$st" = 0 ] && grep -q -- "^make .* UNATTEND=$T/unattend.xml " "$T/out" ||
    fail "--unattend: no UNATTEND= in the make line: $(cat "$T/out")"
refused 2 "^pxe-winstall: --unattend goes into the WinPE that pxe-winstall builds" \
    "--unattend with --winpe" -i "$IF" --unattend "$T/unattend.xml" \
    --winpe "$T/winpe.iso" --share "$ROOT/share"

# A served run: ready, then SIGTERM stops everything and exits 0.
ip netns exec "$S" sh "$W" -i "$IF" --winpe "$T/winpe.iso" \
    --share "$ROOT/share" --password-file "$T/pw" --dir "$T/work" \
    > "$T/run.out" 2>&1 &
WPID=$!
ready "$T/run.out"
for want in 'pxe-dhcpd: listening on' 'pxe-tftpd: listening on' \
    'pxe-smbd: listening on' 'password  pw-for-the-test' \
    "share     .*10.72.0.1.install = $ROOT/share" 'mkpxemenu: wrote'; do
	grep -q "$want" "$T/run.out" || fail "the run's output lacks /$want/: $(cat "$T/run.out")"
done
[ -f "$T/work/tftp/pxelinux.0" ] && [ -f "$T/work/tftp/winpe.iso" ] &&
    grep -q 'memdisk' "$T/work/tftp/pxelinux.cfg/default" ||
    fail "the TFTP tree is incomplete"
for f in undionly.kpxe snponly.efi ipxe.efi boot.ipxe; do
	[ -s "$T/work/tftp/$f" ] || fail "the fast path's tree lacks $f"
done
grep -qx 'initrd http://10.72.0.1/winpe.iso' "$T/work/tftp/boot.ipxe" ||
    fail "boot.ipxe does not fetch winpe.iso over HTTP: $(cat "$T/work/tftp/boot.ipxe")"
grep -q 'UEFI: HTTP boot of winpe.iso' "$T/run.out" || fail "the status block does not say the UEFI path: $(cat "$T/run.out")"
# A client on the link gets a lease from it, and the menu and the ISO
# over HTTP, as iPXE fetches them.
ip netns exec "$C" ip addr flush dev wc$$
ip netns exec "$C" timeout 30 busybox udhcpc -i wc$$ -f -q -n -t 5 -T 1 \
    -s /bin/true > /dev/null 2>&1 || fail "no lease from pxe-winstall's pxe-dhcpd"
grep -q 'DHCPACK(.*10.72.0.1[0-9][0-9]' "$T/run.out" || fail "no DHCPACK in the merged log"
ip -n "$C" addr add 10.72.0.250/24 dev wc$$
ip netns exec "$C" curl -sf http://10.72.0.1/boot.ipxe -o "$T/got.ipxe" &&
    cmp -s "$T/got.ipxe" "$T/work/tftp/boot.ipxe" || fail "boot.ipxe is not served over HTTP"
ip netns exec "$C" curl -sf http://10.72.0.1/winpe.iso -o "$T/got.iso" &&
    cmp -s "$T/got.iso" "$T/winpe.iso" || fail "winpe.iso is not served over HTTP"
# Each machine's path, from the logs, as it happens and at the end: a
# BIOS ROM, a chained iPXE, a UEFI HTTP boot client (pxe-dhcpd's log
# lines, as those clients make them).
L=$T/work/logs
printf '%s\n' 'pxe-dhcpd: DHCPDISCOVER(ws) 52:54:00:00:00:0a PXEClient arch bios' \
    'pxe-dhcpd: DHCPACK(ws) 10.72.0.150 52:54:00:00:00:0a undionly.kpxe' \
    'pxe-dhcpd: DHCPACK(ws) 10.72.0.150 52:54:00:00:00:0a http://10.72.0.1/boot.ipxe' \
    'pxe-dhcpd: DHCPDISCOVER(ws) 52:54:00:00:00:0b HTTPClient arch efi-x64-http' \
    'pxe-dhcpd: DHCPACK(ws) 10.72.0.151 52:54:00:00:00:0b http://10.72.0.1/winpe.iso' >> "$L/pxe-dhcpd.log"
i=0
until grep -q 'machine 52:54:00:00:00:0b 10.72.0.151 .*UEFI HTTP boot' "$T/run.out"; do
	i=$((i + 1))
	[ $i -lt 50 ] || fail "no path line for the UEFI HTTP boot client: $(tail -n 5 "$T/run.out")"
	sleep 0.1
done
grep -q 'machine 52:54:00:00:00:0a 10.72.0.150 .*BIOS fast path: undionly.kpxe' "$T/run.out" ||
    fail "no path line for the BIOS machine: $(grep machine "$T/run.out")"
kill -TERM "$WPID"
st=0
wait "$WPID" || st=$?
WPID=
[ "$st" = 0 ] || fail "SIGTERM: exit $st: $(tail -n 10 "$T/run.out")"
sleep 0.3
for p in pxe-dhcpd pxe-tftpd pxe-smbd pxe-sniff; do
	for q in $(pgrep -x $p); do
		[ "$(ip netns identify "$q" 2>/dev/null)" = "$S" ] && fail "$p still runs after SIGTERM"
	done
done
grep -q 'logs and timeline kept' "$T/run.out" || fail "no word on the kept work folder"
grep -A3 'the path each machine took' "$T/run.out" | grep -q '52:54:00:00:00:0b 10.72.0.151 .*UEFI HTTP boot' ||
    fail "the paths are not summed up at exit: $(tail -n 20 "$T/run.out")"

# From a Windows ISO (synthetic media, as mkwinpe's tests make it): not a
# Windows ISO is refused in one line; a real one is built into WinPE by
# winpe.mk and mkwinpe, whose start script carries a password full of what
# cmd.exe treats specially ("%" doubled, the rest literal inside quotes).
ISOS=udfonly sh "$top_srcdir/tests/integration/mkfixture.sh" "$T/fx" > "$T/fx.out" 2>&1 ||
    fail "mkfixture.sh: $(tail -n 3 "$T/fx.out")"
refused 1 "is not a Windows ISO" "a plain ISO as the Windows ISO" \
    -i "$IF" "$T/plain.iso"
pw='p%w ^&|<>!x y'
printf '%s\n' "$pw" > "$T/pw2"
ip netns exec "$S" sh "$W" -i "$IF" --password-file "$T/pw2" -U inst \
    --dir "$T/work2" "$T/fx/udfonly.iso" > "$T/run2.out" 2>&1 &
WPID=$!
ready "$T/run2.out"
grep -q "share     .*10.72.0.1.install = $T/fx/udfonly.iso" "$T/run2.out" ||
    fail "the Windows ISO is not the share: $(grep share "$T/run2.out")"
kill -TERM "$WPID"
wait "$WPID" || fail "SIGTERM after a Windows ISO run: exit $?"
WPID=
xorriso -osirrox on -indev "$T/work2/tftp/winpe.iso" \
    -extract /sources/boot.wim "$T/boot.wim" > /dev/null 2>&1 ||
    fail "no sources/boot.wim in the WinPE image pxe-winstall built"
wimlib-imagex extract "$T/boot.wim" 1 /mkwinpe.cmd --dest-dir="$T/x" \
    > /dev/null 2>&1 || fail "no mkwinpe.cmd in the image's boot.wim"
line=$(tr -d '\r' < "$T/x/mkwinpe.cmd" | grep '^net use ')
case $line in
*'\\10.72.0.1\install" /user:"inst" "'*) ;;
*) fail "net use does not name this server, share and user: $line" ;;
esac
# What cmd.exe hands net use: %% is %, and the quoted text is literal.
got=$(printf '%s\n' "$line" | sed 's/.* \/user:"inst" "\([^"]*\)".*/\1/; s/%%/%/g')
[ "$got" = "$pw" ] || fail "the password reaches net use as '$got', not '$pw'"
tr -d '\r' < "$T/x/mkwinpe.cmd" | grep -qi 'enabledelayedexpansion' &&
    fail "delayed expansion is on: '!' would not be literal"
exit 0
