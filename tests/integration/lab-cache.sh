#!/bin/sh
# The lab's set-up: the package list is installed whole (so no two of its
# packages conflict, and `scripts/deps --check` agrees right after
# scripts/deps), the initramfs cache is keyed by what the image is made of
# (the same inputs reuse it; a changed init script or module list builds a
# new one), and a dynamically linked busybox is refused with one line
# instead of a VM that panics with "No working init found".  Calls no apt.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

need cpio modprobe depmod sha256sum ldd
out=$("$top_srcdir/scripts/deps" --check) ||
    skip "packages of scripts/packages are not installed ($out): run scripts/deps as root"
n=$("$top_srcdir/scripts/deps" --list | wc -l)
[ "$n" -gt 30 ] || fail "scripts/deps --list names only $n packages"
"$top_srcdir/scripts/deps" --group nosuch > "$T/g.out" 2>&1
[ $? = 2 ] || fail "an unknown --group is not a usage error"
grep -q "no group 'nosuch'" "$T/g.out" || fail "unclear --group error: $(cat "$T/g.out")"

top=$top_srcdir
. "$top_srcdir/scripts/lab/lib.sh"
lab_kernel || fail "lab_kernel fails although scripts/deps --check passes"
C=$T/cache
printf '#!/bin/sh\necho one\n' > "$T/init"
a=$(lab_initramfs "$C" "$T/init" e1000) || fail "no initramfs built"
[ -s "$a" ] || fail "lab_initramfs printed $a, which is empty"
zcat "$a" | cpio -it --quiet > "$T/list" 2>/dev/null
for f in init bin/busybox bin/udhcpc etc/udhcpc.sh; do
	grep -qx "$f" "$T/list" || fail "the initramfs lacks $f"
done
grep -q '/e1000\.ko' "$T/list" || fail "the initramfs lacks the e1000 module"
zcat "$a" | cpio -itv --quiet 2>/dev/null | grep -q '^-.* bin/busybox$' ||
    fail "bin/busybox is not a regular file (a link to itself loops /init)"
b=$(lab_initramfs "$C" "$T/init" e1000)
[ "$a" = "$b" ] || fail "the same inputs built a second image ($a, $b)"
printf '#!/bin/sh\necho two\n' > "$T/init"
c=$(lab_initramfs "$C" "$T/init" e1000)
[ "$c" != "$a" ] || fail "a changed init script reused the old image"
d=$(lab_initramfs "$C" "$T/init" e1000 cifs)
[ "$d" != "$c" ] || fail "a changed module list reused the old image"
# Another busybox binary (a changed package) is another input too.
cp /bin/busybox "$T/busybox" && printf 'x' >> "$T/busybox"
e=$(LAB_BUSYBOX=$T/busybox lab_initramfs "$C" "$T/init" e1000 cifs)
[ "$e" != "$d" ] || fail "a changed busybox reused the old image"

# A dynamically linked busybox (Debian's busybox package) is refused.
LAB_BUSYBOX=/bin/sh lab_initramfs "$C" "$T/init" e1000 > "$T/dyn.out" 2>&1 &&
    fail "a dynamically linked busybox was accepted"
[ "$(wc -l < "$T/dyn.out")" = 1 ] || fail "more than one line: $(cat "$T/dyn.out")"
grep -q 'dynamically linked.*busybox-static' "$T/dyn.out" ||
    fail "the refusal does not name the fix: $(cat "$T/dyn.out")"
exit 0
