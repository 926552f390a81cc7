#!/bin/sh
# -C FILE in every program: every string-valued option goes through a
# configuration file, several per file and some in a file it includes, and
# must arrive whole (a value used to point into the line buffer that the
# next line overwrote).  The daemons' --test -v prints the settings as
# understood and binds nothing, so this needs neither root nor a network
# namespace; mkpxemenu's and mkwinpe's outputs and pxe-sniff's reading
# show theirs.  Also --test's own verdicts: "configuration OK" exit 0, or
# each problem named with its fix and exit 1.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

DHCPD=$top_builddir/bin/pxe-dhcpd/pxe-dhcpd
SMBD=$PXE_SMBD
SNIFF=$top_builddir/bin/pxe-sniff/pxe-sniff
M=$top_builddir/bin/mkpxemenu/mkpxemenu
W=$top_builddir/bin/mkwinpe/mkwinpe
for p in "$DHCPD" "$SMBD" "$SNIFF" "$M" "$W"; do
	[ -x "$p" ] || { say "ERROR: $p is not built"; exit 99; }
done
G=$top_srcdir/tests/golden
C=$T/conf
mkdir -p "$C" "$T/run"
id nobody > /dev/null 2>&1 || skip "no user nobody"

# has FILE LINE...: FILE has each LINE as a whole line.
has() {
	f=$1
	shift
	for l in "$@"; do
		grep -qxF -- "$l" "$f" || fail "'$l' not in $(cat "$f")"
	done
}

# run WANT CMD...: exit status WANT, output in $T/cmd.out.
run() {
	want=$1
	shift
	st=0
	"$@" > "$T/cmd.out" 2>&1 || st=$?
	[ "$st" = "$want" ] || fail "$* exited $st, want $want: $(cat "$T/cmd.out")"
}

# ---- pxe-tftpd ------------------------------------------------------------
cat > "$C/tftpd.conf" <<EOF
# pxe-tftpd, as an admin writes it
root $ROOT
listen 127.0.0.1
include tftpd-more.conf
interface lo
pid-file $T/run/tftpd.pid
log $T/tftpd-file.log
user nobody
EOF
cat > "$C/tftpd-more.conf" <<EOF
listen ::1
port 6969
verbose
EOF
run 0 "$PXE_TFTPD" -C "$C/tftpd.conf" --test
has "$T/cmd.out" "root $ROOT" "listen 127.0.0.1" "listen ::1" "interface lo" \
    "port 6969" "pid-file $T/run/tftpd.pid" "log $T/tftpd-file.log" \
    "user nobody" "pxe-tftpd: configuration OK"
[ ! -e "$T/run/tftpd.pid" ] || fail "--test wrote the pid file"

run 1 "$PXE_TFTPD" --root "$T/nothere" --user no-such-user-x -i nosuchif0 --test
has "$T/cmd.out" \
    "pxe-tftpd: --root $T/nothere: No such file or directory (make it and put the boot files there, or give --root)" \
    "pxe-tftpd: --interface nosuchif0: no such interface (ip -br link lists them)" \
    "pxe-tftpd: --user no-such-user-x: no such user on this system (create it: adduser --system --no-create-home no-such-user-x; or use nobody)" \
    "pxe-tftpd: 3 problems in the configuration"

# ---- pxe-dhcpd (on lo: --test binds nothing) --------------------------------
cat > "$C/dhcpd.conf" <<EOF
interface lo
range 127.0.0.100,127.0.0.150
boot bios=pxelinux.0
include dhcpd-boot.conf
lease-file $T/run/dhcpd.leases
ipxe-boot http://127.0.0.1/boot.ipxe
pxelinux-config pxelinux.cfg/lab
pxelinux-prefix boot/
user nobody
pid-file $T/run/dhcpd.pid
log $T/dhcpd-file.log
EOF
cat > "$C/dhcpd-boot.conf" <<EOF
boot efi-x64=efi64/syslinux.efi
http-boot efi-x64=http://127.0.0.1/winpe.iso
host 20:6a:8a:0f:74:75,127.0.0.17,laptop,winpe/pxelinux.0
router 127.0.0.1
dns 127.0.0.1,127.0.0.2
domain lab.example
option ntp-server,127.0.0.1
next-server 127.0.0.1
lease-time 2h
verbose
EOF
run 0 "$DHCPD" -C "$C/dhcpd.conf" --test
has "$T/cmd.out" "interface lo" "range 127.0.0.100,127.0.0.150" \
    "boot bios=pxelinux.0" "boot efi-x64=efi64/syslinux.efi" \
    "http-boot efi-x64=http://127.0.0.1/winpe.iso" \
    "host 20:6a:8a:0f:74:75,127.0.0.17,laptop,winpe/pxelinux.0" \
    "option router,127.0.0.1" "option dns-server,127.0.0.1,127.0.0.2" \
    'option domain-name,"lab.example"' "option ntp-server,127.0.0.1" \
    "next-server 127.0.0.1" "lease-time 7200" \
    "lease-file $T/run/dhcpd.leases" "ipxe-boot http://127.0.0.1/boot.ipxe" \
    "pxelinux-config pxelinux.cfg/lab" "pxelinux-prefix boot/" \
    "user nobody" "pid-file $T/run/dhcpd.pid" "log $T/dhcpd-file.log" \
    "pxe-dhcpd: configuration OK"
[ ! -e "$T/run/dhcpd.leases" ] || fail "--test made the lease file"

run 1 "$DHCPD" -i lo --range 10.9.0.100,10.9.0.150 --range 127.0.0.1,127.0.0.9 \
    --lease-file "$T/nothere/dhcpd.leases" --user no-such-user-x --test
has "$T/cmd.out" \
    "pxe-dhcpd: --range 10.9.0.100,10.9.0.150 is outside the subnet of lo (127.0.0.1/8): use addresses of that subnet, or give the range's netmask (--range START,END,MASK) to serve it through a relay" \
    "pxe-dhcpd: --range 127.0.0.1,127.0.0.9 holds this server's own address 127.0.0.1 (lo): start it above or end it below" \
    "pxe-dhcpd: --lease-file $T/nothere/dhcpd.leases: the folder $T/nothere does not exist (make it: mkdir -p $T/nothere)" \
    "pxe-dhcpd: --user no-such-user-x: no such user on this system (create it: adduser --system --no-create-home no-such-user-x; or use nobody)" \
    "pxe-dhcpd: 4 problems in the configuration"
grep -q "no --boot for bios (BIOS) machines.*add --boot bios=pxelinux.0" "$T/cmd.out" ||
    fail "no warning for BIOS machines without --boot: $(cat "$T/cmd.out")"
grep -q "no --boot for efi-x64 (x64 UEFI) machines.*PXE-E53.*add --boot efi-x64=" "$T/cmd.out" ||
    fail "no warning for UEFI machines without --boot: $(cat "$T/cmd.out")"
run 1 "$DHCPD" -i nosuchif0 --range 10.9.0.100,10.9.0.150 --test
has "$T/cmd.out" "pxe-dhcpd: --interface nosuchif0: no such interface (ip -br link lists them)"

# ---- pxe-smbd --------------------------------------------------------------
mkdir -p "$T/share" "$T/share2"
echo hello > "$T/share/a.txt"
printf 'secret\n' > "$T/pw"
cat > "$C/smbd.conf" <<EOF
share GUEST=$T/share
password-file $T/pw
include smbd-more.conf
name PXEKIT
pid-file $T/run/smbd.pid
EOF
cat > "$C/smbd-more.conf" <<EOF
share install=$T/share2
listen 127.0.0.1
listen ::1
workgroup LAB
user nobody
log $T/smbd-file.log
verbose
EOF
run 0 "$SMBD" -C "$C/smbd.conf" --test
has "$T/cmd.out" "share GUEST=$T/share" "share install=$T/share2" \
    "listen 127.0.0.1" "listen ::1" "name PXEKIT" "workgroup LAB" \
    "user nobody" "pid-file $T/run/smbd.pid" "log $T/smbd-file.log" \
    "# a password is set (not shown)" "pxe-smbd: configuration OK"
grep -q secret "$T/cmd.out" && fail "--test -v showed the password"
printf 'password p4ss\nshare x=%s\n' "$T/share" > "$C/smbd-pw.conf"
run 0 "$SMBD" -C "$C/smbd-pw.conf" --test
run 1 "$SMBD" -s "x=$T/nothere" -P a --test
has "$T/cmd.out" "pxe-smbd: 1 problem in the configuration"
grep -q -- "--share x=$T/nothere: No such file or directory" "$T/cmd.out" ||
    fail "missing share not named: $(cat "$T/cmd.out")"

# ---- pxe-sniff -------------------------------------------------------------
cat > "$C/sniff.conf" <<EOF
read $G/sniff/ok.pcap
include sniff-more.conf
EOF
cat > "$C/sniff-more.conf" <<EOF
write $T/copy.pcap
filter udp
EOF
run 0 "$SNIFF" -r "$G/sniff/ok.pcap" -f udp
mv "$T/cmd.out" "$T/want.out"
run 0 "$SNIFF" -C "$C/sniff.conf"
cmp -s "$T/want.out" "$T/cmd.out" ||
    fail "pxe-sniff -C differs from its options: $(diff "$T/want.out" "$T/cmd.out" | head)"
[ -s "$T/copy.pcap" ] || fail "pxe-sniff -C: write did not write $T/copy.pcap"
printf 'interface nosuchif0\nfilter udp port 67\n' > "$C/sniff-if.conf"
run 1 "$SNIFF" -C "$C/sniff-if.conf"
grep -q -- "-i nosuchif0" "$T/cmd.out" || fail "interface from -C: $(cat "$T/cmd.out")"

# ---- mkpxemenu -------------------------------------------------------------
mkdir -p "$T/tftp/pxelinux.cfg"
cat > "$C/menu.conf" <<EOF
title Lab boot
entry winpe:winpe=Windows PE:winpe.iso
include menu-more.conf
default disk
root $T/tftp
EOF
cat > "$C/menu-more.conf" <<EOF
entry local:disk=Boot from the local disk
ui vesamenu
serial 0,115200
output pxelinux.cfg/lab
EOF
run 0 "$M" -C "$C/menu.conf"
has "$T/tftp/pxelinux.cfg/lab" "MENU TITLE Lab boot" "DEFAULT disk" \
    "UI vesamenu.c32" "SERIAL 0 115200" "LABEL winpe" "LABEL disk" \
    "	MENU LABEL Windows PE" "	MENU LABEL Boot from the local disk"
printf 'format ipxe\nentry local:disk\nhost-ip 192.168.42.17\n' > "$C/menu-ipxe.conf"
run 2 "$M" -C "$C/menu-ipxe.conf"
printf 'host 20:6a:8a:0f:74:75\nentry local:disk\nroot %s\n' "$T/tftp" > "$C/menu-host.conf"
run 0 "$M" -C "$C/menu-host.conf"
[ -s "$T/tftp/pxelinux.cfg/01-20-6a-8a-0f-74-75" ] || fail "host from -C"
printf 'host-uuid d66ef100-a6d7-11df-9f1a-f938a66fc054\nentry local:disk\nroot %s\n' \
    "$T/tftp" > "$C/menu-uuid.conf"
run 0 "$M" -C "$C/menu-uuid.conf"
[ -s "$T/tftp/pxelinux.cfg/d66ef100-a6d7-11df-9f1a-f938a66fc054" ] || fail "host-uuid from -C"
printf 'spec %s\nformat grub\n' "$G/mkpxemenu/seed.spec" > "$C/menu-spec.conf"
run 0 "$M" -C "$C/menu-spec.conf"
grep -q "menuentry" "$T/cmd.out" || fail "spec and format from -C: $(head -n 3 "$T/cmd.out")"

cat > "$C/lookup.conf" <<EOF
mac 20:6a:8a:0f:74:75
include lookup-more.conf
root $T/tftp
EOF
cat > "$C/lookup-more.conf" <<EOF
ip 192.168.42.17
uuid d66ef100-a6d7-11df-9f1a-f938a66fc054
prefix boot
EOF
run 1 "$M" lookup -C "$C/lookup.conf"
sed 's/ *-$//' "$T/cmd.out" > "$T/lookup.out"
has "$T/lookup.out" "boot/pxelinux.cfg/d66ef100-a6d7-11df-9f1a-f938a66fc054" \
    "boot/pxelinux.cfg/01-20-6a-8a-0f-74-75" "boot/pxelinux.cfg/C0A82A11"

if [ -e /usr/lib/PXELINUX/pxelinux.0 ] && [ -d /usr/lib/syslinux/modules/bios ]; then
	mkdir -p "$T/inst"
	printf 'root %s\nsyslinux-dir /\nno-efi\n' \
	    "$T/inst" > "$C/install.conf"
	run 0 "$M" install -C "$C/install.conf"
	[ -s "$T/inst/ldlinux.c32" ] || fail "install -C: no ldlinux.c32 in $T/inst"
	printf 'root %s\n' "$T/inst" > "$C/check.conf"
	run 1 "$M" check -C "$C/check.conf"
	grep -q "pxelinux.cfg/default" "$T/cmd.out" ||
	    fail "check -C: root not used: $(cat "$T/cmd.out")"
else
	say "no syslinux packages: install and check through -C not run"
fi

# ---- mkwinpe ---------------------------------------------------------------
cat > "$C/winpe.conf" <<EOF
smb-server 192.168.42.1
share win11
include winpe-more.conf
smb-password s3cret
print-script
EOF
cat > "$C/winpe-more.conf" <<EOF
smb-user install
drivers $T/drivers
EOF
run 0 "$W" -C "$C/winpe.conf"
tr -d '\r' < "$T/cmd.out" > "$T/script"
grep -qF 'net use I: "\\192.168.42.1\win11" /user:"install" "s3cret"' "$T/script" ||
    fail "mkwinpe -C: net use line: $(grep 'net use' "$T/script")"
grep -qF 'drvload' "$T/script" || fail "mkwinpe -C: drivers not taken"

if command -v wimlib-imagex > /dev/null && command -v genisoimage > /dev/null &&
    [ -x "$PXE_TESTTOOLS/isohide" ]; then
	F=$T/fx
	ISOHIDE=$PXE_TESTTOOLS/isohide sh "$top_srcdir/tests/integration/mkfixture.sh" \
	    "$F" > "$T/fixture.log" 2>&1 || fail "mkfixture.sh: $(tail -n 3 "$T/fixture.log")"
	mkdir -p "$F/overlay/Tools" "$F/drivers/nic" "$T/wout"
	echo tool > "$F/overlay/Tools/tool.txt"
	printf '[Version]\r\n' > "$F/drivers/nic/e1000.inf"
	printf '<unattend/>\r\n' > "$F/unattend.xml"
	cat > "$C/winpe-run.conf" <<EOF
windows-dir $F/tree
wim $T/wout/boot.wim
include winpe-run2.conf
volume-id PXEKIT TEST
arch x64
EOF
	cat > "$C/winpe-run2.conf" <<EOF
tftp-dir $T/wout/tftp
overlay $F/overlay
drivers $F/drivers
smb-server 192.168.42.1
smb-password s3cret
unattend $F/unattend.xml
iso $T/wout/winpe.iso
quiet
EOF
	run 0 timeout 120 "$W" -C "$C/winpe-run.conf"
	for f in boot.wim winpe.iso tftp/sources/boot.wim; do
		[ -s "$T/wout/$f" ] || fail "mkwinpe -C: no $f"
	done
	wimlib-imagex dir "$T/wout/boot.wim" 1 > "$T/dir.out" 2>&1 || fail "wimlib dir"
	has "$T/dir.out" /Tools/tool.txt /mkwinpe/unattend.xml /mkwinpe/drivers/nic/e1000.inf
	isoinfo -d -i "$T/wout/winpe.iso" 2>/dev/null | grep -q "Volume id: PXEKIT TEST" ||
	    fail "mkwinpe -C: volume-id not used"
	printf 'windows-dir %s\nwim %s\nstart-script %s\n' "$F/tree" \
	    "$T/wout/b2.wim" "$F/go.cmd" > "$C/winpe-script.conf"
	echo 'echo hi' > "$F/go.cmd"
	run 0 timeout 120 "$W" -q -C "$C/winpe-script.conf"
	wimlib-imagex dir "$T/wout/b2.wim" 1 > "$T/dir.out" 2>&1 || fail "wimlib dir"
	has "$T/dir.out" /go.cmd
else
	say "no wimlib-imagex/genisoimage: mkwinpe's path options through -C not run"
fi
exit 0
