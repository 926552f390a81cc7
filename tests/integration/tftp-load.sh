#!/bin/sh
# pxe-tftpd under load a client can cause without any login (issue 16):
# netascii requests for a big file cost no more memory than octet ones
# and are converted block by block (exact on the wire, across windows,
# retransmissions and a CR or LF split at a block's end); and a boot storm
# of 2,000 requests arriving at once is answered in full (the listening
# socket's receive buffer holds them).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

need python3
built "$TFTPC"

# ---- netascii: exact, block by block ---------------------------------------
# Text with CR, LF and CR LF everywhere, some at block ends: byte 511 of a
# 512-byte block is a CR or an LF (its pair goes to the next block).
python3 - "$ROOT" <<'EOF'
import os, random, sys
root = sys.argv[1]
r = random.Random(16)
out = bytearray()
while len(out) < 300000:
    out += bytes(r.choice(b"abcdefgh ") for _ in range(r.randrange(0, 90)))
    out += r.choice([b"\n", b"\r\n", b"\r", b"\n\n", b"\r\r"])
for k in range(1, 200, 7):	# a CR or LF as the last byte of a block
    out[k * 256 - 1] = r.choice(b"\r\n")
open(os.path.join(root, "text.txt"), "wb").write(out)
wire = bytearray()
for c in out:
    wire += b"\r\n" if c == 10 else b"\r\0" if c == 13 else bytes([c])
open(os.path.join(root, "..", "text.wire"), "wb").write(wire)
# A big text file for the memory check.
line = b"x" * 79 + b"\n"
with open(os.path.join(root, "big.txt"), "wb") as f:
    f.write(line * (24 * 1024 * 1024 // len(line)))
EOF
start_tftpd -m 64
for args in "" "-o blksize=512 -o windowsize=16 -D 40" "-o blksize=1024 -D 3" \
    "-o blksize=8 -o windowsize=64 -D 100"; do
	# shellcheck disable=SC2086 # the words are the options
	"$TFTPC" -q -m netascii $args -O "$T/got" 127.0.0.1 "$PORT" text.txt \
	    > "$T/c.out" 2>&1 || fail "netascii $args: $(cat "$T/c.out")"
	cmp -s "$T/text.wire" "$T/got" ||
	    fail "netascii $args: not the netascii form of the file ($(wc -c < "$T/got") bytes, want $(wc -c < "$T/text.wire"))"
done
# tsize is not offered for netascii (its size is not known before the
# end), as tftp-hpa and dnsmasq do.
"$TFTPC" -t 300 -s 0 -m netascii -o tsize=0 127.0.0.1 "$PORT" text.txt > "$T/c.out" 2>&1
grep -q 'tsize' "$T/c.out" && fail "tsize granted for netascii: $(cat "$T/c.out")"

# ---- netascii: memory bounded like octet ----------------------------------
# Ten requests for a 24 MB text file, never acknowledged: the server used
# to convert each whole file in memory (2x its size) inside the event loop.
rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$SERVER_PID/status"; }
before=$(rss)
python3 - "$PORT" <<'EOF' || fail "netascii requests were not answered"
import socket, sys, time
port = int(sys.argv[1])
socks = []
for i in range(10):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    s.sendto(b"\0\1big.txt\0netascii\0", ("127.0.0.1", port))
    socks.append(s)
for s in socks:
    d, _ = s.recvfrom(2000)
    if d[:4] != b"\0\3\0\1":
        sys.exit("not DATA 1: %r" % d[:8])
EOF
after=$(rss)
say "server RSS ${before} kB before, ${after} kB with 10 netascii transfers of 24 MB"
[ "$after" -lt $((before + 16384)) ] ||
    fail "10 netascii transfers took the server from ${before} kB to ${after} kB"

# ---- a boot storm: 2,000 requests at once ----------------------------------
stop_tftpd
mkfile small 100
start_tftpd -m 4000
python3 - "$PORT" <<'EOF' || fail "boot storm"
import select, socket, sys, time
port = int(sys.argv[1])
n = 2000
socks = []
for i in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setblocking(False)
    socks.append(s)
req = b"\0\1small\0octet\0"
for s in socks:		# as fast as the kernel takes them
    s.sendto(req, ("127.0.0.1", port))
got = set()
ep = select.epoll()
fds = {s.fileno(): s for s in socks}
for f in fds:
    ep.register(f, select.EPOLLIN)
end = time.time() + 20
while len(got) < n and time.time() < end:
    for f, _ in ep.poll(0.5):
        try:
            d = fds[f].recv(2000)
        except BlockingIOError:
            continue
        if d[:4] == b"\0\3\0\1":
            got.add(f)
print("answered %d of %d" % (len(got), n))
sys.exit(0 if len(got) == n else 1)
EOF
exit 0
