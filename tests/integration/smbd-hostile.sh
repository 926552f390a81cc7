#!/bin/sh
# pxe-smbd under hostile input: garbage and truncated frames, absurd
# lengths, offsets pointing outside messages, compound chains that leave
# the frame, message ids outside the credit window, traversal and
# malformed names after a real logon, 500 idle connections and a
# --max-connections overflow.  Throughout, the server stays up and serves
# a well-behaved client, and nothing outside the share is ever read.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

need smbclient
/usr/bin/python3 -c 'import impacket.smbconnection' 2>/dev/null ||
    skip "impacket is not installed for /usr/bin/python3 (python3-impacket)"

mkfile hello.txt 1000
mkfile sub/inner.txt 10
echo "outside the share" > "$T/secret.txt"
ln -s "$T/secret.txt" "$ROOT/link-out"

# well: a normal client still gets a file.
start_smbd --password secret --max-connections 600 --idle-timeout 30

timeout 300 /usr/bin/python3 - "$PORT" > "$T/hostile.out" 2>&1 <<'EOF' ||
import os, random, socket, struct, sys
from impacket.smbconnection import SMBConnection
from impacket import smb3structs as s3

port = int(sys.argv[1])
rnd = random.Random(6)

def conn():
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    return s

def frame(payload):
    return struct.pack(">I", len(payload)) + payload

def hdr(cmd, mid, nxt=0, flags=0, sid=0, tid=0, charge=1, credits=1):
    return (b"\xfeSMB" + struct.pack("<HHIHHIIQIIQ", 64, charge, 0, cmd,
            credits, flags, nxt, mid, 0, tid, sid) + b"\0" * 16)

def negotiate(mid=0, dialects=(0x202, 0x210, 0x300)):
    body = struct.pack("<HHHHI16sIHH", 36, len(dialects), 1, 0, 0,
                       b"g" * 16, 0, 0, 0)
    body += b"".join(struct.pack("<H", d) for d in dialects)
    return hdr(0, mid) + body

def send_and_close(payload, wait=True):
    s = conn()
    try:
        s.sendall(payload)
        if wait:
            s.settimeout(2)
            try:
                s.recv(65536)
            except OSError:
                pass
    finally:
        s.close()

# 1. Garbage before anything: random frames, huge and truncated lengths.
for i in range(200):
    n = rnd.choice([0, 1, 3, 4, 63, 64, 65, 200, 5000])
    send_and_close(frame(bytes(rnd.getrandbits(8) for _ in range(n))),
                   wait=False)
send_and_close(b"\x00\xff\xff\xff" + b"A" * 1000, wait=False)
send_and_close(b"\x81\x00\x00\x44" + b"B" * 68, wait=False)
send_and_close(b"\x00\x00\x00\x40" + b"\xfeSMB", wait=False)   # short
send_and_close(frame(b"\xffSMB\x72" + b"\0" * 40))              # SMB1 junk
send_and_close(frame(b"\xfdSMB" + b"\0" * 60))                  # encrypted

# 2. NEGOTIATE variants: no dialects, a chain out of the frame, too many.
send_and_close(frame(negotiate(dialects=())))
bad = bytearray(negotiate())
struct.pack_into("<I", bad, 20, 0x1000)         # NextCommand past the end
send_and_close(frame(bytes(bad)))
struct.pack_into("<I", bad, 20, 12)             # unaligned, inside header
send_and_close(frame(bytes(bad)))
send_and_close(frame(negotiate(dialects=tuple(range(0x200, 0x200 + 3000)))))
# Every message of a 200-long compound of ECHOs before NEGOTIATE.
chain = b"".join(hdr(13, i, nxt=72) + struct.pack("<HH", 4, 0) + b"\0" * 4
                 for i in range(200))
send_and_close(frame(chain))
# 3.1.1 with context offsets and counts that lie.
body = struct.pack("<HHHHI16sIHH", 36, 1, 1, 0, 0, b"g" * 16, 0xfff8, 9, 0)
send_and_close(frame(hdr(0, 0) + body + struct.pack("<H", 0x311)))

# 3. Session setup with malformed security blobs.
for blob in (b"", b"\x60\x84\xff\xff\xff\xff", b"NTLMSSP\0\x03\0\0\0" + b"\xff" * 60,
             b"\xa1\x05\x30\x03\xa2\x01", bytes(rnd.getrandbits(8) for _ in range(300))):
    s = conn()
    s.sendall(frame(negotiate()))
    s.recv(65536)
    ss = struct.pack("<HBBIIHHQ", 25, 0, 1, 0, 0, 64 + 24, len(blob), 0)
    s.sendall(frame(hdr(1, 1) + ss + blob))
    s.settimeout(2)
    try:
        s.recv(65536)
    except OSError:
        pass
    s.close()

# 4. Credit exhaustion: message ids far beyond the window are dropped.
s = conn()
s.sendall(frame(negotiate()))
s.recv(65536)
s.sendall(frame(hdr(13, 5000) + struct.pack("<HH", 4, 0)))
s.settimeout(3)
try:
    assert s.recv(65536) == b"", "an out-of-window message id was answered"
except ConnectionResetError:
    pass
s.close()

# 5. After a real logon: names that try to leave the share or break it.
c = SMBConnection("127.0.0.1", "127.0.0.1", sess_port=port,
                  preferredDialect=0x0300)
c.login("hostile", "secret")
smb = c.getSMBServer()
tid = c.connectTree("install")
names = ["..\\..\\etc\\passwd", "sub\\..\\..\\hello.txt", "..", "sub\\..",
         "\\\\?\\C:\\Windows", "C:\\Windows", "link-out", "sub\\link-out",
         "hello.txt:secret", "hello.txt:$DATA", "CON", "NUL", "a*b", "a?b",
         "a|b", "a<b", "x" * 4000, "\\".join(["d"] * 600),
         "hello.txt\\", "hello.txt\\x"]
for n in names:
    try:
        fid = smb.create(tid, n, 0x00120089, 7, 0, 1, 0)
        data = smb.read(tid, fid, 0, 64)
        assert b"outside the share" not in data, "escaped with %r" % n
        smb.close(tid, fid)
    except Exception as e:
        if "escaped" in str(e):
            raise
# A NUL inside a UTF-16 name, and an odd byte count.
for raw in ("a\0b".encode("utf-16le"), b"h\0e\0l"):
    pkt = smb.SMB_PACKET()
    pkt["Command"] = s3.SMB2_CREATE
    pkt["TreeID"] = tid
    cr = s3.SMB2Create()
    cr["DesiredAccess"] = 0x00120089
    cr["ShareAccess"] = 7
    cr["CreateDisposition"] = 1
    cr["NameLength"] = len(raw)
    cr["Buffer"] = raw
    pkt["Data"] = cr
    ans = smb.recvSMB(smb.sendSMB(pkt))
    assert ans["Status"] != 0, "a broken name opened"

# READ with absurd lengths and offsets, QUERY_DIRECTORY with a huge
# buffer, handles never opened: each on its own logon, as the server may
# rightly drop a connection whose credit charge it never granted.
def session():
    c = SMBConnection("127.0.0.1", "127.0.0.1", sess_port=port,
                      preferredDialect=0x0300)
    c.login("hostile", "secret")
    return c, c.getSMBServer(), c.connectTree("install")

def attempt(fn):
    try:
        c, smb, tid = session()
        fn(smb, tid)
        c.logoff()
    except Exception:
        pass

def read_at(off, ln):
    def fn(smb, tid):
        fid = smb.create(tid, "hello.txt", 0x00120089, 7, 0, 1, 0)
        smb.read(tid, fid, off, ln)
    return fn

for off, ln in ((2**63, 10), (2**64 - 1, 1), (0, 2**31), (999, 1),
                (0, 16 << 20)):
    attempt(read_at(off, ln))

def bigdir(smb, tid):
    dfid = smb.create(tid, "", 0x00100081, 7, 1, 1, 0)
    smb.queryDirectory(tid, dfid, "*", maxBufferSize=0x7fffffff)

attempt(bigdir)
for fake in (b"\xff" * 16, b"\0" * 16, os.urandom(16)):
    attempt(lambda smb, tid: smb.read(tid, fake, 0, 10))
print("hostile ok")
EOF
    fail "the hostile client: $(tail -n 5 "$T/hostile.out")"
grep -q "hostile ok" "$T/hostile.out" || fail "hostile client: $(cat "$T/hostile.out")"
well "garbage, broken messages and hostile names"
grep -q "outside the share" "$T/smb.out" && fail "a file outside the share was served"

# 500 idle connections, and a normal client among them.
timeout 120 /usr/bin/python3 - "$PORT" > "$T/idle.out" 2>&1 <<'EOF' &
import socket, sys, time
port = int(sys.argv[1])
socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(500)]
print("open", len(socks), flush=True)
time.sleep(15)
EOF
IDLE=$!
i=0
while ! grep -q "open 500" "$T/idle.out" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 200 ] || fail "500 connections did not open: $(cat "$T/idle.out")"
	sleep 0.1
done
well "500 idle connections"
# --max-connections 600: 100 more get in, the rest are refused.
timeout 60 /usr/bin/python3 - "$PORT" > "$T/max.out" 2>&1 <<'EOF' || true
import socket, sys, time
port = int(sys.argv[1])
socks = []
for _ in range(150):
    socks.append(socket.create_connection(("127.0.0.1", port)))
time.sleep(1)
EOF
expect_log "refused a connection: 600 already" "--max-connections"
wait "$IDLE" 2>/dev/null
well "the idle connections closing"

kill -USR1 "$SERVER_PID"
expect_log "counters: connections [0-9]+ .*refused [1-9]" "counters after hostility"
stop_tftpd
exit 0
