#!/bin/sh
# mkwinpe's options for Makefiles, on synthetic Windows media
# (tests/integration/mkfixture.sh): --depfile read back by GNU make itself
# (every input a prerequisite, a changed, new or deleted driver file makes
# the image out of date, names with spaces, nothing written on failure),
# --smb-password-file (the password in the start script, never on the
# command line), --check (usable media named on one line, unusable media
# refused with the run's own error, nothing written), and reproducible
# outputs: two runs on the same inputs give the same bytes (cmp), and
# SOURCE_DATE_EPOCH sets the times written.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

: "${MKWINPE:=$top_builddir/bin/mkwinpe/mkwinpe}"
built "$MKWINPE"
need wimlib-imagex genisoimage xorriso mkfs.fat mmd mcopy cmp make
export ISOHIDE="$PXE_TESTTOOLS/isohide"
built "$ISOHIDE"

st=0
sh "$top_srcdir/tests/integration/mkfixture.sh" "$T/fx" > "$T/fixture.log" 2>&1 || st=$?
[ "$st" = 77 ] && skip "$(tail -n 1 "$T/fixture.log")"
[ "$st" = 0 ] || fail "mkfixture.sh: $(tail -n 3 "$T/fixture.log")"
cd "$T" || fail "cd $T"

run() {
	want=$1
	shift
	st=0
	timeout 120 "$MKWINPE" "$@" > cmd.out 2>&1 || st=$?
	[ "$st" = "$want" ] ||
	    fail "mkwinpe $* exited $st, want $want: $(head -n 3 cmd.out)"
}
said() {
	grep -Eq -- "$1" cmd.out || fail "$2: got '$(head -n 3 cmd.out)'"
}
# stale: make -q says the image is out of date.
stale() {
	st=0
	make -q -f dep.mk > /dev/null 2>&1 || st=$?
	[ "$st" = 1 ] || fail "$1: make -q exited $st, want 1 (out of date)"
}
fresh() {
	st=0
	make -q -f dep.mk > make.out 2>&1 || st=$?
	[ "$st" = 0 ] || fail "$1: make -q exited $st, want 0: $(cat make.out)"
}

mkdir -p "in/drv/net card" in/ov/Tools out
printf '[Version]\r\n' > "in/drv/net card/e1000.inf"
head -c 3000 /dev/urandom > "in/drv/net card/e1000.sys"
head -c 2000 /dev/urandom > in/ov/Tools/tool.exe
printf '<unattend/>\r\n' > in/unattend.xml
printf 's3cr%%t&x\n' > in/pw
printf '@echo off\r\n' > in/start.cmd

# --- --depfile: make reads it, every input counts ---------------------------
run 0 --iso out/pe.iso --depfile out/pe.d -S 10.0.0.1 --smb-password-file in/pw \
    --drivers in/drv --overlay in/ov --unattend in/unattend.xml fx/udfonly.iso
for f in fx/udfonly.iso in/pw in/unattend.xml 'in/drv/net\ card/e1000.inf' \
    'in/drv/net\ card/e1000.sys' 'in/drv/net\ card' in/ov/Tools/tool.exe; do
	grep -qxF -- " $f \\" out/pe.d || grep -qxF -- " $f" out/pe.d ||
	    fail "the depfile lacks $f: $(cat out/pe.d)"
	grep -qxF -- "$f:" out/pe.d || fail "the depfile has no empty rule for $f"
done
head -n 1 out/pe.d | grep -qx 'out/pe.iso: \\' || fail "the depfile's target: $(head -n 1 out/pe.d)"
printf 'out/pe.iso:\n\t@echo remake\ninclude out/pe.d\n' > dep.mk
# aged: every input old, the output 2 s old: what changes next is newer.
aged() {
	find in fx/udfonly.iso -exec touch -h -d '2001-01-01' {} +
	touch -d '-2 seconds' out/pe.iso
}
fresh "right after the run"
aged
fresh "inputs older than the output"
touch "in/drv/net card/e1000.sys"
stale "a driver file changed"
aged
echo x > "in/drv/net card/new.inf"
stale "a driver file added (its folder changed)"
aged
rm "in/drv/net card/new.inf" in/ov/Tools/tool.exe
aged
stale "an overlay file deleted"
make -f dep.mk > make.out 2>&1 || fail "make stopped on a deleted input: $(cat make.out)"
head -c 2000 /dev/urandom > in/ov/Tools/tool.exe
# From the tree: the files it took, one by one; with -w and -t both targets.
run 0 --wim out/t.wim --tftp-dir out/tftp --depfile out/t.d -s in/start.cmd \
    --windows-dir fx/tree
head -n 1 out/t.d | grep -qx 'out/t.wim out/tftp: \\' || fail "targets -w -t: $(head -n 1 out/t.d)"
for f in fx/tree/sources/boot.wim fx/tree/bootmgr fx/tree/boot/bcd in/start.cmd; do
	grep -qxF -- "$f:" out/t.d || fail "the tree's depfile lacks $f: $(cat out/t.d)"
done
grep -q 'install.wim\|setup.exe' out/t.d && fail "the depfile names files never read"
# Only on success, and atomically: a failed run leaves the old one.
cp out/t.d out/t.d.before
run 1 --force --wim out/t.wim --depfile out/t.d --windows-dir in
cmp -s out/t.d out/t.d.before || fail "a failed run changed the depfile"
ls out | grep -q mkwinpe- && fail "a temporary depfile was left: $(ls out)"
run 2 --check --depfile out/x.d fx/udfonly.iso
say "ok: --depfile"

# --- --smb-password-file ------------------------------------------------------
run 0 --wim out/pw.wim -S 10.0.0.1 --smb-user inst --smb-password-file in/pw fx/udfonly.iso
rm -rf x && mkdir x
wimlib-imagex extract out/pw.wim 1 /mkwinpe.cmd --dest-dir=x > /dev/null 2>&1 || fail "extract mkwinpe.cmd"
grep -qF '/user:"inst" "s3cr%%t&x"' x/mkwinpe.cmd || fail "the password file's line is not in net use: $(grep 'net use' x/mkwinpe.cmd)"
run 2 --wim out/y.wim -S 10.0.0.1 --smb-password-file in/no-such fx/udfonly.iso
said -- "--smb-password-file: 'in/no-such' cannot be read" "a missing password file"
: > in/empty
run 2 --wim out/y.wim -S 10.0.0.1 --smb-password-file in/empty fx/udfonly.iso
said "has an empty first line" "an empty password file"
printf 'a"b\n' > in/quote
run 2 --wim out/y.wim -S 10.0.0.1 --smb-password-file in/quote fx/udfonly.iso
said "cannot carry" "a double quote in the password file"
grep -q 'a"b' cmd.out && fail "the error printed the password"
[ ! -e out/y.wim ] || fail "an output was written after a usage error"
say "ok: --smb-password-file"

# --- --check ----------------------------------------------------------------
before=$(ls -A out | sort | tr '\n' ' ')
run 0 --check fx/udfonly.iso
said '^fx/udfonly.iso: Windows media \(UDF\), boot.wim image 2 "Microsoft Windows Setup \(x64\)", x64; install.wim: Windows 11 Pro$' "--check on the UDF-only ISO"
[ "$(wc -l < cmd.out)" = 1 ] || fail "--check: want one line: $(cat cmd.out)"
run 0 --check --windows-dir fx/tree
said 'Windows media \(directory\).*x64; install.wim: Windows 11 Pro$' "--check on the tree"
# The editions of a solid install.esd, as Microsoft's download tool makes.
cp -a fx/tree esd
mkdir -p e && echo a > e/a
rm esd/sources/install.wim
for n in Home Pro Education 'Pro N' Enterprise; do
	[ -e multi.wim ] && op=append || op=capture
	wimlib-imagex $op e multi.wim "Windows 11 $n" > /dev/null 2>&1 || fail "wimlib-imagex $op"
done
wimlib-imagex export multi.wim all esd/sources/install.esd --compress=LZMS --solid > /dev/null 2>&1 || fail "export install.esd"
run 0 --check --windows-dir esd
said 'x64; install.esd: Windows 11 Home, Windows 11 Pro, Windows 11 Education and 2 more$' "--check names the editions of install.esd"
rm esd/sources/install.esd
run 0 --check --windows-dir esd
said 'x64$' "--check with no install.wim"
run 1 --check --arch x86 fx/udfonly.iso
said -- "--arch x86: boot.wim image 2 is x64" "--check --arch"
head -c 100000 /dev/urandom > random.iso
run 1 --check random.iso
said "'random.iso' is not an ISO image" "--check on random bytes"
mkdir -p notwin && cp fx/tree/README.TXT fx/tree/bootmgr notwin/
genisoimage -quiet -udf -J -o notwin.iso notwin 2>/dev/null || fail genisoimage
run 1 --check notwin.iso
said "'notwin.iso' is not a Windows ISO \(read as UDF\): no sources/boot.wim" "--check on a non-Windows ISO"
[ "$(wc -l < cmd.out)" = 1 ] || fail "--check failure: want one line: $(cat cmd.out)"
cp -a fx/tree one
wimlib-imagex export fx/tree/sources/boot.wim 1 one.wim > /dev/null 2>&1 || fail export
mv one.wim one/sources/boot.wim
run 1 --check --windows-dir one
said "sources/boot.wim has 1 image, not the Windows Setup image 2" "--check, boot.wim without image 2"
head -c 300000 /dev/urandom > one/sources/boot.wim
run 1 --check --windows-dir one
said "boot.wim: .*WIM" "--check, a damaged boot.wim"
[ "$(ls -A out | sort | tr '\n' ' ')" = "$before" ] || fail "--check wrote something"
say "ok: --check"

# --- the same inputs, the same bytes ----------------------------------------
# Inputs read a moment ago (new access times) and a second later.
for n in 1 2; do
	mkdir -p "r$n"
	run 0 --iso "r$n/a.iso" --wim "r$n/a.wim" -S 10.0.0.1 --smb-password-file in/pw --drivers in/drv \
	    --overlay in/ov --unattend in/unattend.xml fx/udfonly.iso
	run 0 --iso "r$n/b.iso" --tftp-dir "r$n/t" -s in/start.cmd --windows-dir fx/tree
	sleep 1.1
done
for f in a.iso a.wim b.iso t/sources/boot.wim; do
	cmp r1/$f r2/$f > cmp.out 2>&1 || fail "two runs differ: $(cat cmp.out)"
done
ls -A r1 | grep -q stage && fail "the stage folder was left: $(ls -A r1)"
SOURCE_DATE_EPOCH=1700000000 "$MKWINPE" --iso r1/e.iso -S 10.0.0.1 --smb-password-file in/pw --drivers in/drv fx/udfonly.iso ||
    fail "SOURCE_DATE_EPOCH run"
xorriso -indev r1/e.iso -pvd_info 2>&1 | grep -q 'Creation Time: 2023111422132000' ||
    fail "SOURCE_DATE_EPOCH is not the volume's time: $(xorriso -indev r1/e.iso -pvd_info 2>&1 | grep Time)"
rm -rf e && mkdir e
xorriso -osirrox on -indev r1/e.iso -extract /sources/boot.wim e/boot.wim > /dev/null 2>&1 || fail "extract boot.wim"
wimlib-imagex info e/boot.wim | grep -q 'Last Modification Time: *Tue Nov 14 22:13:20 2023' ||
    fail "SOURCE_DATE_EPOCH is not boot.wim's time: $(wimlib-imagex info e/boot.wim | grep Time)"
wimlib-imagex dir e/boot.wim 1 --detailed --path=/mkwinpe/drivers 2>/dev/null > det.out
grep -q 'Last Access Time *= Tue Nov 14 22:13:20 2023' det.out ||
    fail "the drivers' times are not clamped to SOURCE_DATE_EPOCH: $(grep Time det.out | head -n 3)"
# A failure while the stage is laid out leaves neither it nor the folders made.
mkdir -p ovfifo && mkfifo ovfifo/pipe
run 1 --tftp-dir newt/sub --overlay ovfifo -S 10.0.0.1 --smb-password-file in/pw fx/udfonly.iso
said "--overlay: 'ovfifo/pipe' is not a file, a folder or a symbolic link" "a fifo in the overlay"
[ "$(wc -l < cmd.out)" = 1 ] || fail "a fifo in the overlay: want one line: $(cat cmd.out)"
[ ! -e newt ] || fail "a failed run left: $(find newt)"
SOURCE_DATE_EPOCH=soon "$MKWINPE" --iso r1/f.iso fx/udfonly.iso > cmd.out 2>&1 && fail "a bad SOURCE_DATE_EPOCH was taken"
said "SOURCE_DATE_EPOCH: 'soon' is not a number" "a bad SOURCE_DATE_EPOCH"
say "ok: the same inputs give the same bytes; SOURCE_DATE_EPOCH"
exit 0
