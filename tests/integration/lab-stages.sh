#!/bin/sh
# scripts/lab/stages: how far a Windows install got, judged from the
# servers' logs alone, as scripts/pxe-lab --windows-iso judges a real run
# (WinPE has no serial console).  The fixtures in tests/data/lab-stages/
# are timed logs recorded by scripts/pxe-lab --keep (its stages.log: pxe-winstall's merged
# log, each line prefixed by the seconds from QEMU's start), made by
# tests/data/lab-stages/make-fixtures:
#   full.log      the stand-in lab through every stage: firmware DHCP,
#                 winpe.iso, WinPE's DHCP as minint-*, the signed session,
#                 the tree connect, setup.exe read, install.wim read
#   proxy.log     the same beside a router (pxe-lab --proxy): WinPE's DHCP
#                 seen in the router's dnsmasq log
#   unsigned.log  the same with the stand-in's net use unsigned: setup.exe
#                 and install.wim are read, but the run stops at WinPE's
#                 DHCP and the unsigned session is named
# A run stopped at each stage is full.log cut before the line of the next
# stage: the last stage is named, the verdict fails, and --need of that
# stage passes.  Needs nothing but the shell and awk.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

F=$top_srcdir/tests/data/lab-stages
S=$top_srcdir/scripts/lab/stages
[ -f "$F/full.log" ] && [ -f "$F/unsigned.log" ] && [ -f "$F/proxy.log" ] ||
    fail "the fixtures are missing in $F"

# run ARGS...: the script's output in $T/out, its status in $st.
run() {
	st=0
	sh "$S" "$@" > "$T/out" 2>&1 || st=$?
}

# The stages in order: key, label, and a pattern of our own (not the
# script's) for the first line of each in the fixture.
stages='firmware|firmware DHCP|pxe-dhcpd: DHCPDISCOVER.*PXEClient
winpe|WinPE image sent|pxe-tftpd: sent .*winpe\.iso
minint|WinPE.s DHCP \(minint-\*\)|pxe-dhcpd: DHCPACK.* minint-
session|signed SMB session|pxe-smbd: session .* signed
tree|tree connect|pxe-smbd: tree connect
setup|setup\.exe read \(WinPE runs it\)|pxe-smbd: .*(reading /setup\.exe|closed /setup\.exe)
wim|install\.wim read \(setup copies Windows\)|pxe-smbd: .*(reading|closed) /sources/install\.wim'

# A full run: every stage, in order, each with a time from power-on that
# never goes back; the verdict passes.
run --title "full run" "$F/full.log"
[ "$st" = 0 ] || fail "the full run does not pass (exit $st): $(cat "$T/out")"
grep -q '^stages (full run):$' "$T/out" || fail "no heading: $(cat "$T/out")"
grep -q 'not reached\|seen, but' "$T/out" && fail "the full run misses a stage: $(cat "$T/out")"
prev=0
echo "$stages" | while IFS='|' read -r key label pat; do
	line=$(grep -E "^  \[ *[0-9.]+s\] $label " "$T/out") ||
	    fail "full run: no timed row for $key: $(cat "$T/out")"
	t=$(echo "$line" | sed 's/^  \[ *\([0-9.]*\)s\].*/\1/')
	[ "$(echo "$t >= $prev" | bc)" = 1 ] || fail "full run: $key at $t s, before the stage before ($prev s)"
	prev=$t
done || exit 1
grep -q '^last stage: install.wim read (setup copies Windows) (at [0-9.]* s)$' "$T/out" ||
    fail "full run: wrong last stage: $(tail -n 1 "$T/out")"
run --last "$F/full.log"
[ "$st" = 0 ] && [ "$(cat "$T/out")" = "install.wim read (setup copies Windows)" ] ||
    fail "--last of the full run: exit $st, '$(cat "$T/out")'"

# Stopped at each stage: the log up to the line of the next stage.
prevkey= prevlabel=
echo "$stages" | while IFS='|' read -r key label pat; do
	n=$(grep -nE "^ *[0-9.]+ $pat" "$F/full.log" | head -n 1 | cut -d: -f1)
	[ -n "$n" ] || fail "the full fixture has no line for $key"
	head -n $((n - 1)) "$F/full.log" > "$T/cut.log"
	run "$T/cut.log"
	[ "$st" = 1 ] || fail "stopped before $key: exit $st, want 1: $(cat "$T/out")"
	grep -Eq "^  \[     - \] $label +not reached$" "$T/out" ||
	    fail "stopped before $key: its row is not 'not reached': $(cat "$T/out")"
	if [ -z "$prevkey" ]; then
		grep -q '^last stage: none' "$T/out" ||
		    fail "stopped before the firmware's DHCP: $(tail -n 1 "$T/out")"
	else
		grep -Eq "^last stage: $prevlabel \(at [0-9.]+ s\)$" "$T/out" ||
		    fail "stopped before $key: last stage is not $prevkey: $(tail -n 1 "$T/out")"
		run --need "$prevkey" "$T/cut.log"
		[ "$st" = 0 ] || fail "stopped before $key: --need $prevkey fails (exit $st)"
	fi
	prevkey=$key prevlabel=$label
done || exit 1

# Beside a router: WinPE's DHCP is the router's (dnsmasq --log-dhcp puts a
# transaction id before DHCPACK), and the run passes.
run "$F/proxy.log"
[ "$st" = 0 ] || fail "the run beside a router does not pass (exit $st): $(cat "$T/out")"
grep -Eq "^  \[ *[0-9.]+s\] WinPE.s DHCP \(minint-\*\) +.*dnsmasq-dhcp\[[0-9]+\]: [0-9]+ DHCPACK\(tap0\) .* minint-" "$T/out" ||
    fail "beside a router: WinPE's DHCP not from the router's log: $(cat "$T/out")"

# An unsigned session: the later stages are seen but do not count; the
# last stage is WinPE's DHCP, and the note names the unsigned session.
run "$F/unsigned.log"
[ "$st" = 1 ] || fail "the unsigned run passes (exit $st): $(cat "$T/out")"
grep -q "^last stage: WinPE's DHCP (minint-\*) (at [0-9.]* s)$" "$T/out" ||
    fail "unsigned run: wrong last stage: $(tail -n 1 "$T/out")"
grep -q '^note: an SMB session was set up unsigned (pxe-smbd: session .* signing offered .*): it does not count' "$T/out" ||
    fail "unsigned run: no note of the unsigned session: $(cat "$T/out")"
grep -Eq '^  \[ *[0-9.]+s\] setup\.exe read \(WinPE runs it\) +seen, but not after the stage before' "$T/out" ||
    fail "unsigned run: setup.exe's row: $(cat "$T/out")"
run --need minint "$F/unsigned.log"
[ "$st" = 0 ] || fail "unsigned run: --need minint fails (exit $st)"

# Windows' own spelling: MININT-..., SETUP.EXE, and a log line with no
# time (a log read as it is).
sed -e 's/minint-/MININT-/' -e 's/^ *[0-9.]* //' "$F/full.log" > "$T/plain.log"
run "$T/plain.log"
[ "$st" = 0 ] || fail "a log without times, MININT-: exit $st: $(cat "$T/out")"
grep -q '^  \[     - \] WinPE.s DHCP (minint-\*) .*MININT-' "$T/out" ||
    fail "an untimed row: $(cat "$T/out")"

# Usage: exit 2, one line.
run --need nosuch "$F/full.log"
[ "$st" = 2 ] && grep -q "no stage 'nosuch'" "$T/out" || fail "--need nosuch: exit $st: $(cat "$T/out")"
run "$T/nothere.log"
[ "$st" = 2 ] && grep -q "cannot read" "$T/out" || fail "a missing log: exit $st: $(cat "$T/out")"
run
[ "$st" = 2 ] || fail "no log: exit $st"
exit 0
