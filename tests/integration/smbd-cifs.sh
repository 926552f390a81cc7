#!/bin/sh
# The Linux kernel's cifs client against pxe-smbd: the closest stand-in for
# WinPE's "net use" available here.  A QEMU machine (Debian's kernel, a
# busybox initramfs with cifs and the crypto it needs, booted directly)
# on a tap device in a private network namespace mounts the share with
# vers=2.1, 3.0 and 3.1.1, each with "sign", a different user name and the
# shared password, lists it and hashes a file read through the mount; the
# hashes must match.  The same tree is also served from a UDF image (the
# share "iso") and mounted with vers=3.1.1.  The kernel is Debian's
# linux-image-amd64 (scripts/packages), as scripts/pxe-lab's.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

need_root
need qemu-system-x86_64 busybox cpio modprobe depmod sha256sum genisoimage

top=$top_srcdir
. "$top_srcdir/scripts/lab/lib.sh"
lab_kernel 2> "$T/kernel.out" || skip "$(cat "$T/kernel.out")"
lab_busybox_ok 2> "$T/kernel.out" || skip "$(cat "$T/kernel.out")"

# The share: a 3 MiB file (several 1 MiB reads), a directory.
mkfile hello.bin 3145731
mkfile sub/inner.txt 100
want=$(sum "$ROOT/hello.bin")
genisoimage -quiet -input-charset utf-8 -udf -J -iso-level 3 \
    -o "$T/share.iso" "$ROOT" 2> "$T/mkiso.out" ||
    fail "genisoimage: $(cat "$T/mkiso.out")"

# The initramfs: busybox, e1000, cifs and its crypto (scripts/lab/lib.sh
# caches it by what it is made of).
R=$T/init
cat > "$R" <<'EOF'
#!/bin/sh
mount -t proc p /proc; mount -t sysfs s /sys; mount -t devtmpfs d /dev
for m in e1000 cifs gcm ccm cmac sha256_generic sha512_generic ecb nls_utf8 \
    ctr ghash_generic md4 md5 hmac aes_generic; do
	modprobe $m 2>/dev/null
done
ip link set lo up
ip link set eth0 up
ip addr add 10.78.0.2/24 dev eth0
for v in 2.1 3.0 3.1.1; do
	if mount -t cifs //10.78.0.1/install /mnt -o \
	    ro,vers=$v,sign,username=linux$v,password=secret,domain=LAB; then
		s=$(sha256sum /mnt/hello.bin | cut -d' ' -f1)
		l=$(ls /mnt/sub | tr '\n' ' ')
		echo "CIFS-RESULT vers=$v sha=$s ls=$l"
		touch /mnt/new 2>/dev/null && echo "CIFS-WROTE vers=$v"
		umount /mnt
	else
		echo "CIFS-RESULT vers=$v mount-failed"
		dmesg | tail -n 5
	fi
done
if mount -t cifs //10.78.0.1/iso /mnt -o \
    ro,vers=3.1.1,sign,username=isouser,password=secret,domain=LAB; then
	s=$(sha256sum /mnt/HELLO.BIN | cut -d' ' -f1)
	l=$(ls /mnt/sub | tr '\n' ' ')
	echo "CIFS-RESULT iso sha=$s ls=$l"
	umount /mnt
else
	echo "CIFS-RESULT iso mount-failed"
	dmesg | tail -n 5
fi
echo "CIFS-""DONE"
poweroff -f
EOF
initrd=$(lab_initramfs "${LAB_CACHE:-$top_builddir/lab}" "$R" e1000 cifs gcm \
    ccm cmac sha256_generic sha512_generic ecb nls_utf8 ctr ghash_generic md4 \
    md5 hmac aes_generic arc4 des_generic) || fail "cannot build the initramfs"

# The network: a namespace with a tap device; pxe-smbd on port 445.
NS=pxekit-cifs-$$
ip netns add "$NS" || skip "cannot create a network namespace"
CLEANUP="ip netns del $NS 2>/dev/null"
ip -n "$NS" link set lo up
ip -n "$NS" tuntap add tap0 mode tap
ip -n "$NS" addr add 10.78.0.1/24 dev tap0
ip -n "$NS" link set tap0 up
: > "$LOG"
ip netns exec "$NS" "$PXE_SMBD" -s "install=$ROOT" -s "iso=$T/share.iso" \
    -P secret \
    -l 10.78.0.1 2>> "$LOG" &
SERVER_PID=$!
wait_log 'listening on' 5 || fail "pxe-smbd did not start"

serial=$T/serial.log
: > "$serial"
ip netns exec "$NS" qemu-system-x86_64 -accel tcg -m 512 -nodefaults \
    -display none -no-reboot -kernel "$lab_vmlinuz" \
    -initrd "$initrd" -append "console=ttyS0 panic=-1 quiet" \
    -serial "file:$serial" -monitor none \
    -netdev tap,id=n0,ifname=tap0,script=no,downscript=no \
    -device e1000,netdev=n0,mac=52:54:00:78:00:02 > "$T/qemu.log" 2>&1 &
QPID=$!
CLEANUP="kill $QPID 2>/dev/null; $CLEANUP"
i=0
while ! grep -aq 'CIFS-DONE' "$serial"; do
	i=$((i + 1))
	kill -0 "$QPID" 2>/dev/null || break
	[ $i -lt 3000 ] || break	# 300 s: TCG is slow
	sleep 0.1
done
grep -aq 'CIFS-DONE' "$serial" ||
    fail "the machine did not finish: $(tail -n 20 "$serial" | tr -d '\r')"
for v in 2.1 3.0 3.1.1; do
	line=$(grep -a "CIFS-RESULT vers=$v " "$serial" | tr -d '\r')
	case $line in
	*"sha=$want ls=inner.txt "*) ;;
	*) fail "cifs vers=$v: '$line' (want sha=$want): $(tail -n 20 "$serial" | tr -d '\r')" ;;
	esac
	expect_log "session 10\\.78\\.0\\.2 user 'LAB\\\\linux$v' dialect $v signed" \
	    "vers=$v session signed"
done
line=$(grep -a "CIFS-RESULT iso " "$serial" | tr -d '\r')
case $line in
*"sha=$want ls=inner.txt "*) ;;
*) fail "cifs, the ISO share: '$line' (want sha=$want)" ;;
esac
grep -aq 'CIFS-WROTE' "$serial" && fail "a write through the mount succeeded"
stop_tftpd
exit 0
