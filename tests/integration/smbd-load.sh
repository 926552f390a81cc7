#!/bin/sh
# pxe-smbd against clients that try to hurt the others (issue 16), with
# impacket for the logons and hand-built frames where impacket will not
# go: a compound of READs whose answer passes the 24-bit frame length;
# a QUERY_DIRECTORY pattern that cost pattern x name^2 per entry; READ at
# an offset past 2^63; a 300-character user name; and connections that
# hold thousands of opens against the descriptor limit.  Throughout,
# another client must keep being served.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

need smbclient
/usr/bin/python3 -c 'import impacket.smbconnection' 2>/dev/null ||
    skip "impacket is not installed for /usr/bin/python3 (python3-impacket)"

mkfile hello.txt 1000
mkfile big.bin $((9 * 1024 * 1024))
mkdir -p "$ROOT/many"
i=0
while [ $i -lt 200 ]; do
	: > "$ROOT/many/$(printf '%0200d' $i)"
	i=$((i + 1))
done

# py NAME: run the python below (stdin), after the lines every such script
# starts with (sys, raw.py's helpers, the port); output in $T/NAME.out.
py() {
	{ printf 'import sys\nsys.path.insert(0, "%s")\nfrom raw import *\n' "$T"
	  printf 'port = int(sys.argv[1])\n'
	  cat; } |
	    timeout 120 /usr/bin/python3 - "$PORT" > "$T/$1.out" 2>&1 ||
	    fail "$1: $(tail -n 8 "$T/$1.out")"
}

# The descriptor limit low enough to reach: each open used to hold one.
ulimit -n 4096 2>/dev/null || skip "cannot set the open file limit"
start_smbd --password secret

# A helper module: an impacket logon (SMB 2.1, unsigned), then raw frames
# on its socket with the message ids it would have used.
cat > "$T/raw.py" <<'EOF'
import socket, struct, sys, time
from impacket.smbconnection import SMBConnection

def logon(port, user="load", dialect=0x0210):
    c = SMBConnection("127.0.0.1", "127.0.0.1", sess_port=port,
                      preferredDialect=dialect)
    c.login(user, "secret")
    return c, c.getSMBServer(), c.connectTree("install")

class Raw:
    def __init__(self, c, tid):
        self.smb = c.getSMBServer()
        self.sock = self.smb._NetBIOSSession.get_socket()
        self.tid = tid
        self.sid = self.smb._Session["SessionID"]

    def mid(self, charge=1):
        m = self.smb._Connection["SequenceWindow"]
        self.smb._Connection["SequenceWindow"] += charge
        return m

    def hdr(self, cmd, nxt=0, flags=0, charge=1, credits=64):
        return (b"\xfeSMB" + struct.pack("<HHIHHIIQIIQ", 64, charge, 0, cmd,
                credits, flags, nxt, self.mid(charge), 0, self.tid, self.sid)
                + b"\0" * 16)

    def send(self, payload):
        self.sock.sendall(struct.pack(">I", len(payload)) + payload)

    def recv(self, timeout=30):
        self.sock.settimeout(timeout)
        def exact(n):
            b = b""
            while len(b) < n:
                d = self.sock.recv(n - len(b))
                if not d:
                    raise EOFError("connection closed")
                b += d
            return b
        n = struct.unpack(">I", exact(4))[0] & 0xffffff
        return exact(n)

    def responses(self, frame):
        out, off = [], 0
        while True:
            if frame[off:off + 4] != b"\xfeSMB":
                raise ValueError("not an SMB2 header at %d" % off)
            st, cmd = struct.unpack_from("<IH", frame, off + 8)
            nxt = struct.unpack_from("<I", frame, off + 20)[0]
            out.append((cmd, st, frame[off:off + nxt] if nxt else frame[off:]))
            if nxt == 0:
                return out
            off += nxt

    def echo(self, credits=64):
        self.send(self.hdr(13, credits=credits) + struct.pack("<HH", 4, 0))
        r = self.responses(self.recv())
        assert r[0][0] == 13 and r[0][1] == 0, r

def read_req(fid, off, length):
    return struct.pack("<HBBIQ16sIIIHHB", 49, 0x50, 0, length, off, fid, 0, 0,
                       0, 0, 0, 0)

def create_req(name):
    n = name.encode("utf-16le")
    return struct.pack("<HBBIQQIIIIIHHII", 57, 0, 0, 2, 0, 0, 0x00120089, 0,
                       7, 1, 0, 120, len(n), 0, 0) + n
EOF

# ---- a compound of 8 MiB READs: the answer must stay one frame ----------
py compound <<EOF
c, smb, tid = logon(port)
fid = smb.create(tid, "big.bin", 0x00120089, 7, 0, 1, 0)
r = Raw(c, tid)
for i in range(4):              # credits for four 8 MiB READs (128 each)
    r.echo(credits=256)
size = 8 << 20
chain = b""
for i in range(3):
    msg = r.hdr(8, charge=size // 65536, credits=1) + read_req(fid, 0, size)
    if i < 2:
        msg = msg[:20] + struct.pack("<I", len(msg) + (8 - len(msg) % 8) % 8) + msg[24:]
        msg += b"\0" * ((8 - len(msg) % 8) % 8)
    chain += msg
r.send(chain)
frame = r.recv()
got = r.responses(frame)
print("frame %d bytes, statuses %s" % (len(frame), [hex(s) for _, s, _ in got]))
assert len(got) == 3, "not three responses"
assert got[0][1] == 0 and len(got[0][2]) >= 80 + size, "the first READ"
for cmd, st, _ in got[1:]:
    assert st == 0xc000009a, "past 16 MiB: want STATUS_INSUFFICIENT_RESOURCES, got %x" % st
r.echo()                        # still in step
print("compound ok")
EOF
say "$(cat "$T/compound.out")"
well "a compound of READs past 16 MiB" 20

# ---- READ at offset >= 2^63: INVALID_PARAMETER, no error line ------------
py offset <<EOF
c, smb, tid = logon(port)
fid = smb.create(tid, "hello.txt", 0x00120089, 7, 0, 1, 0)
r = Raw(c, tid)
for off in (2**63, 2**64 - 1, 2**63 + 5):
    r.send(r.hdr(8) + read_req(fid, off, 10))
    st = r.responses(r.recv())[0][1]
    assert st == 0xc000000d, "READ at %d: %x, want STATUS_INVALID_PARAMETER" % (off, st)
print("offset ok")
EOF
grep -q 'read error' "$LOG" && fail "a READ past 2^63 logged an error: $(grep 'read error' "$LOG")"

# ---- a 300-character user name with the right password -------------------
py longuser <<EOF
for n in (104, 300, 1000):
    c, smb, tid = logon(port, user="u" * n, dialect=0x0300)
    fid = smb.create(tid, "hello.txt", 0x00120089, 7, 0, 1, 0)
    assert len(smb.read(tid, fid, 0, 1000)) == 1000
    c.logoff()
print("long user ok")
EOF

# ---- a wildcard that was pattern x name^2 per entry ----------------------
# One client asks QUERY_DIRECTORY with a 500-character '<' pattern over 200
# names of 200 characters; another, logged on before, must get its ECHOs
# answered at once meanwhile.
py wildcard <<EOF
import time, threading
bc, bsmb, btid = logon(port)
b = Raw(bc, btid)
took = []
def query():
    c, smb, tid = logon(port)
    dfid = smb.create(tid, "many", 0x00100081, 7, 1, 1, 0)
    t0 = time.time()
    try:
        smb.queryDirectory(tid, dfid, "<" * 500 + "x", maxBufferSize=65536)
    except Exception:
        pass
    took.append(time.time() - t0)
t = threading.Thread(target=query)
t.start()
worst = 0
while t.is_alive():
    t0 = time.time()
    b.echo()
    worst = max(worst, time.time() - t0)
    time.sleep(0.02)
t.join()
print("query took %.2f s, the other client's worst ECHO %.3f s" % (took[0], worst))
assert worst < 0.5, "another client waited %.2f s for an ECHO" % worst
assert took[0] < 2, "the query took %.2f s" % took[0]
EOF
say "$(cat "$T/wildcard.out")"

# ---- thousands of opens per connection against 4,096 descriptors ---------
py opens <<EOF
import time, threading
held = []
def hog():
    c, smb, tid = logon(port)
    r = Raw(c, tid)
    n = 0
    # Pipelined CREATEs, 100 at a time, 2,000 in all.
    for batch in range(20):
        for i in range(100):
            r.send(r.hdr(5, credits=2) + create_req("hello.txt"))
        for i in range(100):
            n += r.responses(r.recv())[0][1] == 0
    held.append((c, n))
ts = [threading.Thread(target=hog) for _ in range(3)]
for t in ts: t.start()
for t in ts: t.join()
print("opens held:", [n for _, n in held])
# A newcomer logs on and reads while the hogs hold theirs.
c, smb, tid = logon(port)
fid = smb.create(tid, "big.bin", 0x00120089, 7, 0, 1, 0)
assert len(smb.read(tid, fid, 0, 65536)) == 65536
print("newcomer ok")
EOF
say "$(cat "$T/opens.out")"
well "3 connections holding 2,000 opens each" 20
n=$(grep -c 'accept' "$LOG")
[ "$n" -lt 5 ] || fail "$n accept lines in the log"
stop_tftpd
exit 0
