#!/bin/sh
# scripts/winpe.mk run by GNU make, with our mkwinpe and mkpxemenu, on
# synthetic Windows media (tests/integration/mkfixture.sh): from scratch it
# lays out a TFTP root that mkpxemenu check passes; a second make runs no
# recipe; touching the start script remakes winpe.iso alone (not the menu,
# not the loaders); a changed driver file, a changed SMB_SERVER or
# MENU_TIMEOUT remake what depends on them and nothing else; WINPE_ISO is
# served as it is; make -j2 from scratch gives the same bytes as make -j1;
# and a Makefile that includes winpe.mk gets its targets.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

: "${MKWINPE:=$top_builddir/bin/mkwinpe/mkwinpe}"
: "${MKPXEMENU:=$top_builddir/bin/mkpxemenu/mkpxemenu}"
MK=$top_srcdir/scripts/winpe.mk
built "$MKWINPE"
built "$MKPXEMENU"
[ -f "$MK" ] || fail "no $MK"
need wimlib-imagex genisoimage mkfs.fat mmd mcopy cmp make
[ -f /usr/lib/PXELINUX/pxelinux.0 ] || skip "no pxelinux (Debian's pxelinux package)"
export ISOHIDE="$PXE_TESTTOOLS/isohide"
built "$ISOHIDE"

st=0
ISOS=udfonly sh "$top_srcdir/tests/integration/mkfixture.sh" "$T/fx" > "$T/fixture.log" 2>&1 || st=$?
[ "$st" = 77 ] && skip "$(tail -n 1 "$T/fixture.log")"
[ "$st" = 0 ] || fail "mkfixture.sh: $(tail -n 3 "$T/fixture.log")"
cd "$T" || fail "cd $T"
# Our own make, not a sub-make of make check's (its messages say make[N]).
unset MAKELEVEL MAKEFLAGS MFLAGS MAKEOVERRIDES

mkdir -p drv/nic ov/Tools
printf '[Version]\r\n' > drv/nic/e1000.inf
head -c 3000 /dev/urandom > drv/nic/e1000.sys
head -c 2000 /dev/urandom > ov/Tools/tool.exe
printf '@echo off\r\nwpeinit\r\n' > start.cmd
printf 'pass word\n' > pw

# mk ARGS...: make -f winpe.mk with our programs; output in make.out.
mk() {
	st=0
	timeout 300 make --no-print-directory -f "$MK" MKWINPE="$MKWINPE" \
	    MKPXEMENU="$MKPXEMENU" WINDOWS_ISO=fx/udfonly.iso "$@" \
	    > make.out 2>&1 || st=$?
	[ "$st" = 0 ] || fail "make $*: exit $st: $(tail -n 5 make.out)"
}
# nothing ARGS...: a make that runs no recipe.
nothing() {
	mk "$@"
	[ "$(cat make.out)" = "make: Nothing to be done for 'all'." ] ||
	    fail "a make with nothing changed did something: $(cat make.out)"
}
# stamp FILES...: their modification times, to see which were remade.
stamp() {
	for f in "$@"; do stat -c '%n %Y.%y' "$f"; done
}
# remade FILE WHAT: FILE's time changed since stamps.before.
remade() {
	grep -F "$1 " stamps.before > a.t
	stamp "$1" > b.t
	cmp -s a.t b.t && fail "$2: $1 was not remade"
	return 0
}
kept() {
	grep -F "$1 " stamps.before > a.t
	stamp "$1" > b.t
	cmp -s a.t b.t || fail "$2: $1 was remade"
}
TREE="tftp/winpe.iso tftp/pxelinux.cfg/default tftp/pxelinux.0 tftp/memdisk"
S="START_SCRIPT=start.cmd DRIVERS=drv OVERLAY=ov"

# --- from scratch, then nothing to do ------------------------------------
# shellcheck disable=SC2086
mk $S check
grep -q 'mkpxemenu check: 0 findings' make.out || fail "check did not pass: $(cat make.out)"
for f in $TREE tftp/ldlinux.c32 tftp/menu.c32; do
	[ -s "$f" ] || fail "make left no $f"
done
grep -q 'KERNEL memdisk' tftp/pxelinux.cfg/default && grep -q 'INITRD winpe.iso' tftp/pxelinux.cfg/default &&
    grep -q 'APPEND iso raw' tftp/pxelinux.cfg/default && grep -q 'LOCALBOOT 0' tftp/pxelinux.cfg/default &&
    grep -q 'TIMEOUT 100' tftp/pxelinux.cfg/default || fail "not the seed's menu: $(cat tftp/pxelinux.cfg/default)"
[ ! -e tftp/efi64 ] || fail "installed UEFI files (want --no-efi)"
ls -A tftp | grep -q 'mkwinpe\|\.d$\|settings' && fail "state left in the TFTP root: $(ls -A tftp)"
# shellcheck disable=SC2086
nothing $S
say "ok: from scratch, then nothing to do"

# --- touch the start script: winpe.iso alone --------------------------------
# shellcheck disable=SC2086
stamp $TREE > stamps.before
sleep 1.1
touch start.cmd
# shellcheck disable=SC2086
mk $S
remade tftp/winpe.iso "start script touched"
for f in tftp/pxelinux.cfg/default tftp/pxelinux.0 tftp/memdisk; do
	kept "$f" "start script touched"
done
# shellcheck disable=SC2086
nothing $S
say "ok: a touched start script remakes winpe.iso alone"

# --- a driver file changed, one added ----------------------------------------
for change in 'head -c 3000 /dev/urandom > drv/nic/e1000.sys' 'echo new > drv/nic/new.cat'; do
	# shellcheck disable=SC2086
	stamp $TREE > stamps.before
	sleep 1.1
	eval "$change"
	# shellcheck disable=SC2086
	mk $S
	remade tftp/winpe.iso "$change"
	kept tftp/pxelinux.cfg/default "$change"
	# shellcheck disable=SC2086
	nothing $S
done
say "ok: a changed or new driver file remakes winpe.iso"

# --- settings: SMB_SERVER, then the menu's timeout -------------------------
G="DRIVERS=drv SMB_SERVER=10.0.0.1 SMB_USER=inst SMB_PASSWORD_FILE=pw"
for step in "$G" "DRIVERS=drv SMB_SERVER=10.0.0.2 SMB_USER=inst SMB_PASSWORD_FILE=pw"; do
	# shellcheck disable=SC2086
	stamp $TREE > stamps.before
	sleep 1.1
	# shellcheck disable=SC2086
	mk $step
	remade tftp/winpe.iso "settings $step"
	kept tftp/pxelinux.cfg/default "settings $step"
	# shellcheck disable=SC2086
	nothing $step
done
G="DRIVERS=drv SMB_SERVER=10.0.0.2 SMB_USER=inst SMB_PASSWORD_FILE=pw"
rm -rf x && mkdir x
xorriso -osirrox on -indev tftp/winpe.iso -extract /sources/boot.wim x/boot.wim > /dev/null 2>&1 ||
    fail "winpe.iso has no boot.wim"
wimlib-imagex extract x/boot.wim 1 /mkwinpe.cmd --dest-dir=x > /dev/null 2>&1 || fail "no mkwinpe.cmd"
grep -qF 'net use I: "\\10.0.0.2\install" /user:"inst" "pass word"' x/mkwinpe.cmd ||
    fail "the settings did not reach the start script: $(grep 'net use' x/mkwinpe.cmd)"
# The password changed in its file: remade.
stamp $TREE > stamps.before
sleep 1.1
printf 'other\n' > pw
# shellcheck disable=SC2086
mk $G
remade tftp/winpe.iso "the password file changed"
# The menu's timeout: the menu alone.
stamp $TREE > stamps.before
sleep 1.1
# shellcheck disable=SC2086
mk $G MENU_TIMEOUT=3 MENU_SERIAL=0,115200 check
remade tftp/pxelinux.cfg/default "MENU_TIMEOUT"
kept tftp/winpe.iso "MENU_TIMEOUT"
kept tftp/pxelinux.0 "MENU_TIMEOUT"
grep -q 'TIMEOUT 30' tftp/pxelinux.cfg/default && grep -q 'SERIAL 0 115200' tftp/pxelinux.cfg/default ||
    fail "MENU_TIMEOUT/MENU_SERIAL not in the menu: $(cat tftp/pxelinux.cfg/default)"
# shellcheck disable=SC2086
nothing $G MENU_TIMEOUT=3 MENU_SERIAL=0,115200
say "ok: SMB_SERVER, the password file and MENU_TIMEOUT remake what uses them"

# --- WINPE_ISO: a ready image, served as it is -----------------------------
cp tftp/winpe.iso ready.iso
mk TFTP_ROOT=ready WINPE_ISO=ready.iso check
cmp -s ready.iso ready/winpe.iso || fail "WINPE_ISO was not served as it is"
grep -q 'mkwinpe' make.out && fail "WINPE_ISO: mkwinpe ran: $(cat make.out)"
mk TFTP_ROOT=ready WINPE_ISO=ready.iso
[ "$(cat make.out)" = "make: Nothing to be done for 'all'." ] || fail "WINPE_ISO: a second make did something: $(cat make.out)"
say "ok: WINPE_ISO"

# --- make -j2 from scratch: the same bytes as make -j1 -----------------------
# shellcheck disable=SC2086
mk -j1 TFTP_ROOT=j1 $G
# shellcheck disable=SC2086
mk -j2 TFTP_ROOT=j2 $G
diff -r j1 j2 > diff.out 2>&1 || fail "make -j2 differs from make -j1: $(head -n 5 diff.out)"
cmp j1/winpe.iso j2/winpe.iso || fail "winpe.iso differs"
say "ok: make -j2 gives the bytes of make -j1"

# --- included in a Makefile of one's own -------------------------------------
mkdir -p own
cat > own/Makefile <<EOF
WINDOWS_ISO = ../fx/udfonly.iso
SMB_SERVER = 192.168.42.1
SMB_PASSWORD_FILE = ../pw
TFTP_ROOT = srv/tftp
MKWINPE = $MKWINPE
MKPXEMENU = $MKPXEMENU
include $MK
all: served
served: srv/tftp/winpe.iso
	touch served
EOF
st=0
(cd own && timeout 300 make --no-print-directory check) > make.out 2>&1 || st=$?
[ "$st" = 0 ] || fail "an including Makefile: exit $st: $(tail -n 5 make.out)"
(cd own && timeout 300 make --no-print-directory) > make.out 2>&1 || fail "make all: $(cat make.out)"
[ -f own/served ] && [ -s own/srv/tftp/winpe.iso ] || fail "an including Makefile did not build: $(cat make.out)"
(cd own && make --no-print-directory) > make.out 2>&1
[ "$(cat make.out)" = "make: Nothing to be done for 'all'." ] || fail "an including Makefile, again: $(cat make.out)"
say "ok: included by a Makefile of one's own"
exit 0
