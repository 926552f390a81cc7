#!/bin/sh
# pxe-sniff claims no more than it saw: a transfer whose capture lacks a
# block (fewer bytes than the OACK's tsize) is said to be an incomplete
# capture and never "got"; --json --timeline is refused (exit 2) rather
# than mixing text into JSON; --exit-status exits 1 on a FAILED boot and 0
# on a good one; a file not found after pxelinux got its menu is the
# menu's problem, not DHCP's boot file.  The captures are built here, frame
# by frame (Python), so each shows exactly one thing.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

SNIFF=$top_builddir/bin/pxe-sniff/pxe-sniff
built "$SNIFF"
need python3
G=$top_srcdir/tests/golden/sniff

# mkpcap FILE: frames from stdin, one a line: "SRCPORT DSTPORT DIR HEX"
# (DIR c: client to server, s: server to client), 10 ms apart.
mkpcap() {
	python3 -c '
import struct, sys
CM, SM = bytes.fromhex("02005e000017"), bytes.fromhex("02005e0000fe")
CI, SI = bytes([10, 80, 0, 100]), bytes([10, 80, 0, 1])
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff
out = open(sys.argv[1], "wb")
out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
t = 0
for line in sys.stdin:
    sp, dp, d, hx = line.split()
    pl = bytes.fromhex(hx)
    src, dst, smac, dmac = (CI, SI, CM, SM) if d == "c" else (SI, CI, SM, CM)
    udp = struct.pack("!HHHH", int(sp), int(dp), 8 + len(pl), 0) + pl
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    fr = dmac + smac + b"\x08\x00" + ip + udp
    t += 10000
    out.write(struct.pack("<IIII", 1700000000, t, len(fr), len(fr)) + fr)
' "$1"
}

# tftp helpers: hex of a packet.
hx() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'; }
rrq() { printf '0001%s00%s00%s' "$(hx "$1")" "$(hx octet)" "${2:-}"; }
opt() { printf '%s00%s00' "$(hx "$1")" "$(hx "$2")"; }
data() { printf '0003%04x%s' "$1" "$(head -c "$2" /dev/zero | od -An -v -tx1 | tr -d ' \n')"; }
ack() { printf '0004%04x' "$1"; }

# ---- a block missing from the capture ----------------------------------------
{
	echo "2000 69 c $(rrq big.img "$(opt tsize 0)$(opt blksize 512)")"
	echo "3000 2000 s 0006$(opt tsize 2000)$(opt blksize 512)"
	echo "2000 3000 c $(ack 0)"
	echo "3000 2000 s $(data 1 512)"
	echo "2000 3000 c $(ack 1)"
	# DATA 2 is not in the capture (a full buffer, a filter).
	echo "2000 3000 c $(ack 2)"
	echo "3000 2000 s $(data 3 512)"
	echo "2000 3000 c $(ack 3)"
	echo "3000 2000 s $(data 4 464)"
	echo "2000 3000 c $(ack 4)"
} | mkpcap "$T/gap.pcap"
"$SNIFF" -r "$T/gap.pcap" > "$T/out" 2>&1 || fail "pxe-sniff on gap.pcap: $(cat "$T/out")"
grep -q 'got "big.img"' "$T/out" && fail "a capture with a block missing called the transfer got: $(cat "$T/out")"
grep -q 'TFTP 10.80.0.100 "big.img": the capture is incomplete: it holds 1488 of 2000 bytes (1 block missing)' "$T/out" ||
    fail "incomplete capture not said: $(cat "$T/out")"
grep -q 'note \[capture-incomplete\] capture: "big.img": 1488 bytes in the capture of its tsize, 1 block missing' "$T/out" ||
    fail "no capture-incomplete note: $(cat "$T/out")"
"$SNIFF" -r "$T/gap.pcap" --json > "$T/out" 2>&1 || fail "--json on gap.pcap"
grep -q '"result":"incomplete capture".*"tsize":2000,"blocks_missing":1' "$T/out" ||
    fail "JSON does not say incomplete: $(cat "$T/out")"

# ---- the same transfer, whole: got --------------------------------------------
{
	echo "2000 69 c $(rrq big.img "$(opt tsize 0)$(opt blksize 512)")"
	echo "3000 2000 s 0006$(opt tsize 2000)$(opt blksize 512)"
	echo "2000 3000 c $(ack 0)"
	for b in 1 2 3; do
		echo "3000 2000 s $(data $b 512)"
		echo "2000 3000 c $(ack $b)"
	done
	echo "3000 2000 s $(data 4 464)"
	echo "2000 3000 c $(ack 4)"
} | mkpcap "$T/whole.pcap"
"$SNIFF" -r "$T/whole.pcap" > "$T/out" 2>&1 || fail "pxe-sniff on whole.pcap"
grep -q 'got "big.img": 2000 bytes, 4 blocks' "$T/out" || fail "a whole transfer: $(cat "$T/out")"
grep -q 'incomplete' "$T/out" && fail "a whole transfer called incomplete: $(cat "$T/out")"

# ---- a file the menu names, not found -------------------------------------------
{
	echo "2000 69 c $(rrq pxelinux.cfg/default)"
	echo "3000 2000 s $(data 1 39)"
	echo "2000 3000 c $(ack 1)"
	echo "2001 69 c $(rrq vmlinuz)"
	echo "3001 2001 s 00050001$(hx 'File not found')00"
} | mkpcap "$T/menu.pcap"
"$SNIFF" -r "$T/menu.pcap" > "$T/out" 2>&1 || fail "pxe-sniff on menu.pcap"
grep -q 'FAILED \[menu-file-not-found\] menu: "vmlinuz", named by the menu pxelinux.cfg/default, not found on the server' "$T/out" ||
    fail "a file the menu names: $(cat "$T/out")"
grep -q 'tftp-not-found\|boot file named by DHCP' "$T/out" &&
    fail "a menu's file blamed on DHCP's boot file: $(cat "$T/out")"
# Before the menu, a missing file is still DHCP's boot file.
"$SNIFF" -r "$G/notfound.pcap" > "$T/out" 2>&1
grep -q 'FAILED \[tftp-not-found\]' "$T/out" || fail "notfound.pcap: $(cat "$T/out")"

# ---- --json --timeline, --exit-status -------------------------------------------
st=0
"$SNIFF" -r "$G/ok.pcap" --json --timeline > "$T/out" 2>&1 || st=$?
[ "$st" = 2 ] || fail "--json --timeline exited $st, want 2: $(head -n 3 "$T/out")"
[ "$(wc -l < "$T/out")" = 1 ] && grep -q -- '--json and --timeline exclude each other' "$T/out" ||
    fail "--json --timeline: $(cat "$T/out")"
st=0
"$SNIFF" -r "$G/e53.pcap" --exit-status > /dev/null 2>&1 || st=$?
[ "$st" = 1 ] || fail "--exit-status on a failed boot exited $st, want 1"
st=0
"$SNIFF" -r "$G/e53.pcap" > /dev/null 2>&1 || st=$?
[ "$st" = 0 ] || fail "without --exit-status a failed boot exited $st"
st=0
"$SNIFF" -r "$G/ok.pcap" --exit-status --json > /dev/null 2>&1 || st=$?
[ "$st" = 0 ] || fail "--exit-status on a good boot exited $st, want 0"
exit 0
