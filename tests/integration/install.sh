#!/bin/sh
# `make install` as a new user's admin sees it: with DESTDIR, the build's
# own prefix, sysconfdir and localstatedir (configure's, read back from the
# Makefile), every program, page, example configuration, completion and
# (when configure found systemd's folder) unit lands where it should; the
# installed pxe-dhcpd's default lease file is under localstatedir; the
# example configurations are valid -C files, every commented example line
# in them too; an admin's edited configuration is kept by install and
# uninstall; bash completion offers options and the known values; and
# `make uninstall` leaves no file of ours behind.  Needs no root.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
need bash
need make

unset MAKEFLAGS MFLAGS MAKELEVEL
mk() { make -s -C "$top_builddir" "$@"; }
# var NAME: the Makefile's value, expanded ("${prefix}/etc" -> "/usr/local/etc").
var() {
	printf 'pxekit-print-var:\n\t@echo $(%s)\n' "$1" |
	    make -s -C "$top_builddir" -f Makefile -f - pxekit-print-var
}
D=$T/dest
prefix=$(var prefix); sysconfdir=$(var sysconfdir)
localstatedir=$(var localstatedir); sbindir=$(var sbindir); bindir=$(var bindir)
mandir=$(var mandir); pkgdatadir=$(var pkgdatadir)
compdir=$(var bashcompletiondir); unitdir=$(var systemdsystemunitdir)
[ -n "$prefix" ] && [ -n "$compdir" ] || fail "cannot read the Makefile's folders"

mk install DESTDIR="$D" > "$T/install.log" 2>&1 ||
    fail "make install failed: $(tail -n 20 "$T/install.log")"

# ---- where everything goes ----
for f in "$sbindir/pxe-dhcpd" "$sbindir/pxe-tftpd" "$sbindir/pxe-smbd" \
    "$sbindir/pxe-sniff" "$sbindir/pxe-winstall" "$bindir/mkpxemenu" \
    "$bindir/mkwinpe"; do
	[ -x "$D$f" ] || fail "$f is not installed (or not executable)"
done
for f in man8/pxe-dhcpd.8 man8/pxe-tftpd.8 man8/pxe-smbd.8 man8/pxe-sniff.8 \
    man8/pxe-winstall.8 man1/mkpxemenu.1 man1/mkwinpe.1; do
	[ -f "$D$mandir/$f" ] || fail "man page $mandir/$f is not installed"
done
[ -f "$D$pkgdatadir/winpe.mk" ] || fail "winpe.mk is not in $pkgdatadir"
grep -q '@VERSION@\|@pkgdatadir@' "$D$sbindir/pxe-winstall" &&
    fail "installed pxe-winstall still has @VERSION@ or @pkgdatadir@"
for n in pxe-dhcpd pxe-tftpd pxe-smbd; do
	[ -f "$D$sysconfdir/pxekit/$n.conf" ] ||
	    fail "example $sysconfdir/pxekit/$n.conf is not installed"
done
[ -d "$D$localstatedir/lib/pxekit" ] ||
    fail "the lease folder $localstatedir/lib/pxekit is not made"
for n in pxe-dhcpd pxe-tftpd pxe-smbd pxe-sniff mkpxemenu mkwinpe pxe-winstall; do
	[ -f "$D$compdir/$n" ] || fail "no bash completion $compdir/$n"
done
if [ "$unitdir" != no ]; then
	for u in pxe-dhcpd.service pxe-tftpd.service pxe-smbd.service pxekit.target; do
		[ -f "$D$unitdir/$u" ] || fail "unit $unitdir/$u is not installed"
	done
	grep -qx "ExecStart=$sbindir/pxe-dhcpd -C $sysconfdir/pxekit/pxe-dhcpd.conf --foreground" \
	    "$D$unitdir/pxe-dhcpd.service" ||
	    fail "pxe-dhcpd.service does not run $sbindir/pxe-dhcpd -C $sysconfdir/pxekit/pxe-dhcpd.conf: $(grep ExecStart "$D$unitdir/pxe-dhcpd.service")"
fi
# The lease default follows localstatedir.
"$D$sbindir/pxe-dhcpd" --help | grep -qF "(default $localstatedir/lib/pxekit/dhcpd.leases)" ||
    fail "pxe-dhcpd's lease default is not under $localstatedir: $("$D$sbindir/pxe-dhcpd" --help | grep lease-file)"

# ---- the example configurations are valid -C files ----
C=$D$sysconfdir/pxekit
mkdir -p "$T/srv"
"$D$sbindir/pxe-dhcpd" -C "$C/pxe-dhcpd.conf" --interface lo \
    --range 127.0.0.100,127.0.0.150 --lease-file "$T/l" --test > "$T/o" 2>&1 ||
    fail "pxe-dhcpd.conf as shipped: $(cat "$T/o")"
"$D$sbindir/pxe-tftpd" -C "$C/pxe-tftpd.conf" --root "$T/srv" --test > "$T/o" 2>&1 ||
    fail "pxe-tftpd.conf as shipped: $(cat "$T/o")"
"$D$sbindir/pxe-smbd" -C "$C/pxe-smbd.conf" --share x="$T/srv" --password p \
    --test > "$T/o" 2>&1 || fail "pxe-smbd.conf as shipped: $(cat "$T/o")"
# Every example line ("#name value"), uncommented, on this machine's lo.
echo secret > "$T/pw"
uncomment() {
	sed -n -e 's/^#\([a-z]\)/\1/p' "$C/$1" | sed \
	    -e 's/eno1/lo/g' -e 's/192\.168\.42\./127.0.0./g' \
	    -e "s|/srv/tftp|$T/srv|" -e "s|/srv/win11|$T/srv|" \
	    -e "s|^lease-file .*|lease-file $T/l|" \
	    -e "s|^password-file .*|password-file $T/pw|" \
	    -e '/\.iso$/d' -e '/^proxy$/d' > "$T/$1"
	[ -s "$T/$1" ] || fail "$1 has no example lines"
}
for n in pxe-dhcpd pxe-tftpd pxe-smbd; do
	uncomment $n.conf
	"$D$sbindir/$n" -C "$T/$n.conf" --test > "$T/o" 2>&1 ||
	    fail "$n.conf's example lines: $(cat "$T/o"); the lines: $(cat "$T/$n.conf")"
done
grep -qx 'configuration OK\|pxe-smbd: configuration OK' "$T/o" ||
    fail "pxe-smbd --test said: $(cat "$T/o")"

# ---- bash completion ----
# (in an empty folder: file names would join the values)
mkdir -p "$T/empty"
comp() {
	cd "$T/empty" && PATH=$D$sbindir:$D$bindir:$PATH bash -c '
	. "$0"
	COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ))
	_pxekit "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
	printf "%s\n" "${COMPREPLY[@]}"' "$D$compdir/pxe-dhcpd" "$@"
}
got=$(comp pxe-dhcpd --lease-f)
[ "$got" = --lease-file ] || fail "pxe-dhcpd --lease-f completes to '$got'"
got=$(comp mkpxemenu --format "" | tr '\n' ' ')
[ "$got" = "pxelinux ipxe grub " ] || fail "mkpxemenu --format completes to '$got'"
got=$(comp pxe-tftpd -i l)
[ "$got" = lo ] || fail "pxe-tftpd -i l completes to '$got'"
got=$(comp mkpxemenu install --no-e)
[ "$got" = --no-efi ] || fail "mkpxemenu install --no-e completes to '$got'"
got=$(comp pxe-winstall --dry)
[ "$got" = --dry-run ] || fail "pxe-winstall --dry completes to '$got'"
# --boot ARCH=: exactly the names pxe-dhcpd knows (libpxe's arch_names).
want=$(sed -n 's/^	{ [0-9]*, "\([a-z0-9-]*\)", ".*/\1=/p' \
    "$top_srcdir/lib/libpxe/dhcp.c" | sort | tr '\n' ' ')
got=$(comp pxe-dhcpd --boot efi | sort | tr '\n' ' ')
[ "$got" = "$(printf '%s\n' $want | grep '^efi' | tr '\n' ' ')" ] ||
    fail "pxe-dhcpd --boot efi completes to '$got', libpxe knows '$want'"
got=$(comp pxe-dhcpd --boot bi)
[ "$got" = bios= ] || fail "pxe-dhcpd --boot bi completes to '$got'"

# ---- an admin's edit survives install and uninstall ----
echo "interface lo" >> "$C/pxe-dhcpd.conf"
mk install DESTDIR="$D" > "$T/install2.log" 2>&1 || fail "second make install failed"
grep -qx "interface lo" "$C/pxe-dhcpd.conf" || fail "make install replaced an edited pxe-dhcpd.conf"
mk uninstall DESTDIR="$D" > "$T/uninstall.log" 2>&1 ||
    fail "make uninstall failed: $(tail -n 20 "$T/uninstall.log")"
left=$(cd "$D" && find . ! -type d | sort)
[ "$left" = "./${sysconfdir#/}/pxekit/pxe-dhcpd.conf" ] ||
    fail "after make uninstall, left: $left"
say "PASS: install layout under $prefix, configs, completion, units, uninstall"
