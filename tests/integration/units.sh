#!/bin/sh
# The systemd units as built: `systemd-analyze verify` finds nothing to
# say about them (run against this build's programs, so the
# check does not need them installed), and `systemd-analyze security
# --offline=true` rates each service OK or better (exposure below 2.0).
# Also what the package promises: no unit is wanted by anything but
# pxekit.target, and pxe-dhcpd alone gets CAP_NET_ADMIN.  Needs no root
# and no running systemd.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
need systemd-analyze

unset MAKEFLAGS MFLAGS MAKELEVEL
sbindir=$(printf 'pxekit-print-var:\n\t@echo $(sbindir)\n' |
    make -s -C "$top_builddir" -f Makefile -f - pxekit-print-var)
U=$T/units
mkdir -p "$U"
for p in pxe-dhcpd pxe-tftpd pxe-smbd; do
	f=$top_builddir/systemd/$p.service
	[ -f "$f" ] || { say "ERROR: $f is not built"; exit 99; }
	# Exec lines run this build's program.
	sed "s|=$sbindir/$p |=$top_builddir/bin/$p/$p |" "$f" > "$U/$p.service"
done
cp "$top_srcdir/systemd/pxekit.target" "$U/"

cd "$U" || exit 99
systemd-analyze verify --man=no pxe-dhcpd.service pxe-tftpd.service \
    pxe-smbd.service pxekit.target > "$T/verify" 2>&1 ||
    fail "systemd-analyze verify failed: $(cat "$T/verify")"
[ -s "$T/verify" ] && fail "systemd-analyze verify complains: $(cat "$T/verify")"

for p in pxe-dhcpd pxe-tftpd pxe-smbd; do
	systemd-analyze security --offline=true "./$p.service" > "$T/sec" 2>&1 ||
	    fail "systemd-analyze security $p.service: $(tail -n 5 "$T/sec")"
	line=$(grep 'Overall exposure level' "$T/sec")
	say "$line"
	case "$line" in
	*" PERFECT"*|*" SAFE"*|*" OK"*) ;;
	*) fail "$p.service is rated worse than OK: $line; $(grep '✗' "$T/sec")" ;;
	esac
	grep -qx 'WantedBy=pxekit.target' "$p.service" ||
	    fail "$p.service is not wanted by pxekit.target"
	[ "$(grep -c '^WantedBy=' "$p.service")" = 1 ] ||
	    fail "$p.service is wanted by more than pxekit.target"
	caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$p.service")
	case $p in
	pxe-dhcpd) want="CAP_NET_BIND_SERVICE CAP_NET_ADMIN" ;;
	*) want=CAP_NET_BIND_SERVICE ;;
	esac
	[ "$caps" = "$want" ] || fail "$p.service may keep '$caps', want '$want'"
done
say "PASS: units verify, each rated OK or better"
