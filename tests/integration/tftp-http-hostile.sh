#!/bin/sh
# pxe-tftpd --http against bad input (issue 15): no Host, absolute URLs,
# ".." in every encoding (%2e%2e, %2f, backslashes, overlong UTF-8), NUL,
# a 1 MB header, 10,000 headers, a slowloris client, a client that stops
# reading, 2,000 idle connections against a cap of 300, pipelined requests
# with a bad one among them.  Each gets a clear status or a closed
# connection, a good client is served in the middle of every case, and
# nothing from outside the root ever comes back.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

need python3

mkfile good.bin 200000
mkfile big.bin 50000000
echo "served from the root" > "$ROOT/inside.txt"
mkdir -p "$ROOT/etc"
echo "root's own passwd" > "$ROOT/etc/passwd"
echo "SECRET-OUTSIDE-THE-ROOT" > "$T/secret"
ln -s ../secret "$ROOT/escape"

start_tftpd_http --http-timeout 2 --http-max-connections 300

python3 - 127.0.0.1 "$HPORT" "$ROOT" <<'EOF' || fail "see above"
import resource, socket, sys, threading, time

host, port, root = sys.argv[1], int(sys.argv[2]), sys.argv[3]
good = open(root + '/good.bin', 'rb').read()
failed = []

def check(cond, what):
    if not cond:
        print('FAIL:', what)
        failed.append(what)

def conn():
    return socket.create_connection((host, port), timeout=10)

def read_all(s, limit=10):
    """Everything until the server closes (or limit seconds pass)."""
    s.settimeout(limit)
    data = b''
    try:
        while True:
            b = s.recv(1 << 16)
            if not b:
                break
            data += b
    except (socket.timeout, ConnectionResetError):
        pass
    return data

def status_of(data):
    if data.startswith(b'HTTP/1.1 ') and len(data) >= 12:
        return int(data[9:12])
    return None

def ask(raw):
    """Send raw bytes on a new connection: (status or None, all bytes)."""
    s = conn()
    try:
        s.sendall(raw)
        s.shutdown(socket.SHUT_WR)
    except (BrokenPipeError, ConnectionResetError):
        pass
    data = read_all(s)
    s.close()
    check(b'SECRET-OUTSIDE' not in data, 'the secret came back for %r' % raw[:60])
    return status_of(data), data

def served(what):
    """A good client is served while the case is going on."""
    s = conn()
    s.sendall(b'GET /good.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    data = read_all(s)
    s.close()
    check(status_of(data) == 200 and data.endswith(good),
          'a good client was not served during: ' + what)

def expect(raw, want, what):
    st, data = ask(raw)
    ok = st in want if isinstance(want, tuple) else st == want
    check(ok, '%s: got %s, want %s (%r)' % (what, st, want, data[:80]))
    served(what)

# No Host, absolute URLs.
expect(b'GET /inside.txt HTTP/1.1\r\n\r\n', 400, 'no Host in HTTP/1.1')
st, data = ask(b'GET http://elsewhere.example/inside.txt HTTP/1.1\r\nHost: x\r\n\r\n')
check(st == 200 and data.endswith(b'served from the root\n'),
      'an absolute URL serves the path from the root: %s' % st)
expect(b'GET http://x/../secret HTTP/1.1\r\nHost: x\r\n\r\n', 403, 'absolute URL with ..')
expect(b'GET ftp://x/inside.txt HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'another scheme')
expect(b'GET //etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n', 200, '//etc/passwd is the root\'s')

# ".." in every encoding: refused (403) or malformed (400), never served.
for t in [b'/../secret', b'/%2e%2e/secret', b'/%2E%2E/secret', b'/.%2e/secret',
          b'/..%2fsecret', b'/..%2Fsecret', b'/%2e%2e%2fsecret',
          b'/inside/..%2f..%2fsecret', b'/..\\secret', b'/..%5csecret',
          b'/%5c..%5csecret', b'\\..\\secret', b'/%c0%ae%c0%ae/secret',
          b'/%c0%ae%c0%ae%c0%afsecret', b'/..%c0%afsecret', b'/%e0%80%ae%e0%80%ae/secret',
          b'/..%u2216secret', b'/escape', b'/etc/../../secret',
          b'/%252e%252e/secret']:
    st, data = ask(b'GET ' + t + b' HTTP/1.1\r\nHost: x\r\n\r\n')
    check(st in (400, 403, 404), 'dot-dot %r: got %s' % (t, st))
served('the dot-dot list')

# NUL, raw and encoded; control characters.
expect(b'GET /inside.txt\x00.iso HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'a raw NUL')
expect(b'GET /inside.txt%00.iso HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'an encoded NUL')
expect(b'GET / HTTP/1.1\r\nHost: x\x00y\r\n\r\n', 400, 'a NUL in a field')
expect(b'GET /a%0d%0aSet-Cookie:x HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'encoded CR LF')

# A 1 MB header and 10,000 headers: 431, then the connection is closed.
expect(b'GET /good.bin HTTP/1.1\r\nHost: x\r\nX-Big: ' + b'a' * (1 << 20) + b'\r\n\r\n',
       431, 'a 1 MB header')
expect(b'GET /good.bin HTTP/1.1\r\nHost: x\r\n' +
       b''.join(b'X-%d: y\r\n' % i for i in range(10000)) + b'\r\n', 431, '10,000 headers')
expect(b'GET /' + b'a' * 100000 + b' HTTP/1.1\r\nHost: x\r\n\r\n', 414, 'a 100 kB URL')
expect(b'\r\n' * 100000, 431, '100,000 empty lines')
expect(b'\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03' + bytes(range(256)) * 4, 400,
       'a TLS hello')

# Pipelined: 50 good requests in one write, then a bad one, then a good one
# that must not be answered (the bad one ends the connection).
s = conn()
s.sendall(b'GET /inside.txt HTTP/1.1\r\nHost: x\r\n\r\n' * 50 +
          b'GET /x HTTP/9.9\r\nHost: x\r\n\r\n' +
          b'GET /inside.txt HTTP/1.1\r\nHost: x\r\n\r\n')
data = read_all(s)
s.close()
check(data.count(b'HTTP/1.1 200 OK') == 50, 'pipelined: %d answers of 50' %
      data.count(b'HTTP/1.1 200 OK'))
check(data.count(b'HTTP/1.1 505 ') == 1 and data.rstrip().endswith(b'505 HTTP Version Not Supported'),
      'pipelined: the bad request ends the connection with 505')
served('pipelined requests')

# Raise our own descriptor limit, as the daemon raises its.
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))

# Slowloris: a head trickling one byte every 0.3 s is cut off with 408
# after --http-timeout (2 s), while others are served.
s = conn()
start = time.time()
head = b'GET /good.bin HTTP/1.1\r\nHost: x\r\n' + b'X-Slow: ' + b'z' * 100
closed = None
for i, ch in enumerate(head):
    try:
        s.send(bytes([ch]))
    except (BrokenPipeError, ConnectionResetError):
        closed = time.time() - start
        break
    if i == 5:
        served('a slowloris client')
    time.sleep(0.3)
    s.settimeout(0.01)
    try:
        b = s.recv(4096)
        if b == b'' or b.startswith(b'HTTP/1.1 408'):
            closed = time.time() - start
            break
    except socket.timeout:
        pass
s.close()
check(closed is not None and closed < 4, 'slowloris: not cut off (%s s)' % closed)

# A client that stops reading a 50 MB file is dropped after the timeout
# (the server log says so; checked below).
s = conn()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.sendall(b'GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n')
time.sleep(0.5)
served('a client that stopped reading')
time.sleep(3)
s.close()

# 2,000 idle connections against a cap of 300: the longest-idle ones make
# room, each new one is served, and the server still serves a good client.
idle = []
for i in range(2000):
    try:
        idle.append(conn())
    except OSError as e:
        check(False, 'idle connection %d: %s' % (i, e))
        break
served('2,000 idle connections')
s = idle[-1]
s.sendall(b'GET /inside.txt HTTP/1.1\r\nHost: x\r\n\r\n')
s.settimeout(10)
check(s.recv(4096).startswith(b'HTTP/1.1 200'), 'the newest idle connection is served')
closed = 0
for s in idle[:1000]:
    s.settimeout(0.01)
    try:
        if s.recv(1) == b'':
            closed += 1
    except socket.timeout:
        pass
    except ConnectionResetError:
        closed += 1
check(closed >= 900, 'the oldest idle connections were closed (%d of 1000)' % closed)
for s in idle:
    s.close()
served('after the idle connections')

sys.exit(1 if failed else 0)
EOF

expect_log "failed sending $ROOT/big\\.bin to 127\\.0\\.0\\.1 over HTTP: the client stopped reading" \
    "a client that stops reading is dropped"
kill -USR1 "$SERVER_PID"
expect_log 'counters: HTTP connections [0-9]+ \(active [0-9]+, peak ([0-9]+), refused 0, idle ones closed for new [1-9][0-9]+, timeouts [1-9]' \
    "the counters show the idle connections closed and the timeouts"
peak=$(sed -n 's/.*HTTP connections [0-9]* (active [0-9]*, peak \([0-9]*\).*/\1/p' "$LOG" | tail -n 1)
[ "$peak" -le 300 ] || fail "more connections than the cap: $peak"
kill -0 "$SERVER_PID" || fail "the server died"
grep -q 'SECRET' "$LOG" && fail "the secret is in the log"
stop_tftpd
exit 0
