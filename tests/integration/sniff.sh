#!/bin/sh
# pxe-sniff, the tcpdump way: committed captures in, the expected text,
# JSON, -v and --timeline out (tests/golden/sniff/NAME.pcap -> NAME.out,
# NAME.json, ...).  One capture per diagnosis: a good boot (tsize probe,
# config search, Windows PE asking again), no DHCP answer (PXE-E51), a
# DHCP server without a boot file (PXE-E53), no TFTP server (PXE-E32 by
# ICMP and by silence), a missing boot file, two DHCP servers, a slow
# transfer; and WinPE's "net use" on port 445: connected, a wrong password
# (System error 86), a share that is not there (67), a guest session the
# client hangs up on (1272/58), nothing listening (53), an SMB1-only
# server (58).  As root the scenarios are also run live against today's
# servers (tests/golden/sniff/make-captures) and the diagnoses must fire.
# Then -w, bad usage, and a capture cut short.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

SNIFF=${PXE_SNIFF:-$top_builddir/bin/pxe-sniff/pxe-sniff}
built "$SNIFF"
G=$top_srcdir/tests/golden/sniff

same_output() {	# same_output GOLDEN ARGS...
	want=$1
	shift
	"$SNIFF" "$@" > "$T/out" 2> "$T/err" || fail "pxe-sniff $*: exit $?: $(cat "$T/err")"
	diff -u "$want" "$T/out" > "$T/diff" || fail "pxe-sniff $* differs from $(basename "$want"): $(head -n 40 "$T/diff")"
}

n=0
for pcap in "$G"/*.pcap; do
	name=$(basename "$pcap" .pcap)
	same_output "$G/$name.out" -r "$pcap"
	same_output "$G/$name.json" -r "$pcap" --json
	[ -f "$G/$name.timeline" ] && same_output "$G/$name.timeline" -r "$pcap" --timeline
	[ -f "$G/$name.v.out" ] && same_output "$G/$name.v.out" -r "$pcap" -v
	n=$((n + 1))
done
[ "$n" -ge 14 ] || fail "only $n golden captures"

# Each diagnosis is in its golden output (so the goldens cannot drift
# into saying nothing).
has() {	# has NAME REGEX
	grep -Eq "$2" "$G/$1.out" || fail "$1.out lacks /$2/"
}
has e51 'FAILED \[no-dhcp-answer\].*PXE-E51|failed at DHCP: PXE-E51'
has e53 'failed at DHCP: PXE-E53: No boot filename received'
has e32-refused 'failed at TFTP: PXE-E32: TFTP open timeout \(RRQ "pxelinux.0" to 10.80.0.1 answered by ICMP'
has e32-silent 'failed at TFTP: PXE-E32: TFTP open timeout \(RRQ "pxelinux.0" to 10.80.0.1 sent [0-9]+ times, never answered'
has notfound 'failed at TFTP: PXE-T01: File not found \("boot/pxelinux.0"'
has two-servers 'note \[two-dhcp-servers\] DHCP: 2 DHCP servers answered \(10.80.0.1 and 10.80.0.254\)'
has slow 'note \[slow-transfer\] TFTP: "big.img": .* blksize 512, windowsize 1'
has ok "pxelinux's tsize probe \(normal\)"
has ok 'config search, MAC step: normal'
has ok 'summary: DHCP done, boot file pxelinux.0, TFTP used, menu pxelinux.cfg/default, OS up'
has ok 'hostname minint-k4e2 \(Windows PE\)'
grep -q 'failed at' "$G/ok.out" && fail "the good boot is diagnosed as failed"
has smb-ok 'TREE_CONNECT 10.80.0.1 -> 10.80.0.100: .*install connected, signed'
has smb-ok "note \[smb-connected\] SMB: connected to .*install as 'MININT-K4E2.x', signed"
has smb-ok 'summary: DHCP not seen, TFTP not reached, SMB connected to'
grep -q 'failed at' "$G/smb-ok.out" && fail "the good net use is diagnosed as failed"
has smb-badpw 'failed at SMB: net use: System error 86 .*STATUS_LOGON_FAILURE'
has smb-badshare 'failed at SMB: net use: System error 67 .*instal: STATUS_BAD_NETWORK_NAME'
has smb-guest 'logged on as a GUEST'
has smb-guest 'failed at SMB: net use: System error 1272 \(or 58\)'
has smb-refused 'failed at SMB: net use: System error 53 .*refused the connection'
has smb1 'failed at SMB: net use: System error 58 .*answered the NEGOTIATE in SMB1 only'

if command -v python3 > /dev/null; then
	for j in "$G"/*.json; do
		python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$j" ||
		    fail "$(basename "$j") is not JSON lines"
	done
fi

# -w saves what was seen; reading it back says the same.
"$SNIFF" -r "$G/ok.pcap" -w "$T/copy.pcap" > /dev/null || fail "-w"
same_output "$G/ok.out" -r "$T/copy.pcap"

# Usage and runtime errors.
"$SNIFF" -r "$G/ok.pcap" -i lo > /dev/null 2>&1; [ $? = 2 ] || fail "-i with -r: not exit 2"
"$SNIFF" -r "$T/nothere.pcap" > /dev/null 2> "$T/err"; [ $? = 1 ] || fail "missing file: not exit 1"
grep -q 'nothere.pcap' "$T/err" || fail "the error does not name the file: $(cat "$T/err")"
"$SNIFF" -r "$G/ok.pcap" -f 'udp and and' > /dev/null 2>&1; [ $? = 2 ] || fail "bad filter: not exit 2"
"$SNIFF" --bogus > /dev/null 2>&1; [ $? = 2 ] || fail "unknown option: not exit 2"
"$SNIFF" --help | grep -q -- '--timeline' || fail "--help"
# A capture cut in the middle of a packet: what was whole is decoded.
head -c 3000 "$G/ok.pcap" > "$T/cut.pcap"
"$SNIFF" -r "$T/cut.pcap" > "$T/out" 2>&1
grep -q DHCPDISCOVER "$T/out" || fail "nothing decoded from a cut capture: $(cat "$T/out")"

# Blind spots said, not silent (issue 16): the good boot rewritten into
# 802.1Q and QinQ tagged frames (the default filter matched untagged
# frames only), into BSD loopback (DLT_NULL), raw IP (LINKTYPE_RAW) and
# LINKTYPE_IPV4 captures (not decoded at all before), and into a link type
# pxe-sniff does not decode (said, exit 1); then 1,030 PXE clients (past
# the 1,024 it follows: said once).
if command -v python3 > /dev/null; then
	python3 - "$G/ok.pcap" "$T" <<'PY' || fail "cannot rewrite ok.pcap"
import struct, sys
src, out = sys.argv[1], sys.argv[2]
data = open(src, "rb").read()
magic = data[:4]
e = "<" if magic == b"\xd4\xc3\xb2\xa1" else ">"
recs, off = [], 24
while off + 16 <= len(data):
    ts, tu, incl, orig = struct.unpack(e + "IIII", data[off:off + 16])
    recs.append((ts, tu, data[off + 16:off + 16 + incl]))
    off += 16 + incl
def write(name, link, frames):
    with open("%s/%s.pcap" % (out, name), "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, link))
        for ts, tu, fr in frames:
            f.write(struct.pack("<IIII", ts, tu, len(fr), len(fr)) + fr)
def tag(fr, tags):
    return fr[:12] + b"".join(struct.pack(">HH", t, 42) for t in tags) + fr[12:]
write("vlan", 1, [(a, b, tag(fr, [0x8100])) for a, b, fr in recs])
write("qinq", 1, [(a, b, tag(fr, [0x88a8, 0x8100])) for a, b, fr in recs])
ip = [(a, b, fr[14:]) for a, b, fr in recs if fr[12:14] == b"\x08\x00"]
write("null", 0, [(a, b, struct.pack("<I", 2) + fr) for a, b, fr in ip])
write("raw", 101, ip)
write("ipv4", 228, ip)
write("wifi", 105, ip)
# 1,030 PXE clients, one DHCPDISCOVER each.
def discover(i):
    mac = bytes([2, 0, 0, 0, i >> 8, i & 255])
    opts = b"\x63\x82\x53\x63\x35\x01\x01\x3c\x09PXEClient\xff"
    bootp = bytes([1, 1, 6, 0]) + struct.pack(">I", i) + bytes(20) + mac + \
        bytes(10 + 64 + 128) + opts
    udp = struct.pack(">HHHH", 68, 67, 8 + len(bootp), 0) + bootp
    iph = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17,
        0, bytes(4), b"\xff\xff\xff\xff")
    return b"\xff" * 6 + mac + b"\x08\x00" + iph + udp
write("many", 1, [(1700000000 + i, 0, discover(i)) for i in range(1030)])
PY
	for v in vlan qinq; do
		same_output "$G/ok.out" -r "$T/$v.pcap"
	done
	for v in null raw ipv4; do
		"$SNIFF" -r "$T/$v.pcap" > "$T/out" 2> "$T/err" || fail "$v: exit $?: $(cat "$T/err")"
		grep -q 'DHCPACK 10.80.0.1 -> 02:00:5e:00:00:17 10.80.0.100 next-server 10.80.0.1 file "pxelinux.0"' "$T/out" &&
		    grep -q 'TFTP 10.80.0.100 got "pxelinux.cfg/default"' "$T/out" ||
		    fail "$v capture not decoded: $(cat "$T/out" "$T/err")"
	done
	"$SNIFF" -r "$T/wifi.pcap" > "$T/out" 2> "$T/err"
	st=$?
	[ "$st" = 1 ] && grep -q 'link type .*not decoded' "$T/err" ||
	    fail "an undecoded link type: exit $st, '$(cat "$T/err")'"
	"$SNIFF" -r "$T/many.pcap" > "$T/out" 2> "$T/err" || fail "1030 clients: exit $?"
	n=$(grep -c '^ *[0-9.]* DHCPDISCOVER' "$T/out")
	[ "$n" = 1024 ] || fail "1030 clients: $n followed"
	[ "$(grep -c 'more than 1024 clients' "$T/err")" = 1 ] &&
	    grep -q '02:00:00:00:04:00' "$T/err" ||
	    fail "1030 clients: the limit is not said once: $(head -c 500 "$T/err")"
fi

# Live: today's servers and clients, the same diagnoses.
if [ "$(id -u)" = 0 ] && command -v tcpdump > /dev/null && command -v dnsmasq > /dev/null; then
	PXE_SNIFF=$SNIFF "$G/make-captures" "$T/live" ok e53 e32-refused notfound \
	    smb-ok smb-badpw smb-refused \
	    > "$T/live.log" 2>&1 || fail "make-captures: $(tail -n 5 "$T/live.log")"
	for sc in ok e53 e32-refused notfound smb-ok smb-badpw smb-refused; do
		"$SNIFF" -r "$T/live/$sc.pcap" > "$T/live/$sc.out" || fail "live $sc"
	done
	grep -q 'summary: DHCP done, boot file pxelinux.0, TFTP used, menu pxelinux.cfg/default, OS up' \
	    "$T/live/ok.out" || fail "live good boot: $(cat "$T/live/ok.out")"
	grep -q 'failed at DHCP: PXE-E53' "$T/live/e53.out" || fail "live PXE-E53: $(cat "$T/live/e53.out")"
	grep -q 'failed at TFTP: PXE-E32' "$T/live/e32-refused.out" || fail "live PXE-E32: $(cat "$T/live/e32-refused.out")"
	grep -q 'failed at TFTP: PXE-T01' "$T/live/notfound.out" || fail "live not found: $(cat "$T/live/notfound.out")"
	grep -q 'SMB connected to' "$T/live/smb-ok.out" || fail "live net use: $(cat "$T/live/smb-ok.out")"
	grep -q 'failed at SMB: net use: System error 86' "$T/live/smb-badpw.out" ||
	    fail "live wrong password: $(cat "$T/live/smb-badpw.out")"
	grep -q 'failed at SMB: net use: System error 53' "$T/live/smb-refused.out" ||
	    fail "live nothing on 445: $(cat "$T/live/smb-refused.out")"
	say "live captures diagnosed as the golden ones"
else
	say "live part skipped: needs root, tcpdump and dnsmasq"
fi
exit 0
