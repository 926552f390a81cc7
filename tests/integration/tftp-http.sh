#!/bin/sh
# pxe-tftpd --http: the TFTP root over HTTP/1.1 to real clients (curl,
# wget, Python's urllib and http.client): whole files, HEAD, 304, ranges of
# every kind (single, open-ended, suffix, several as multipart/byteranges,
# unsatisfiable, malformed), keep-alive reuse, pipelining, every error
# status, backslashes and case like TFTP, the end of a 6 GiB sparse file,
# the log lines and counters, and TFTP still served beside it.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

need curl wget python3

mkfile big.bin 3000000
mkfile boot/bcd 3000
mkfile Sources/boot.wim 5000
printf 'menu\n' > "$ROOT/boot.ipxe"
mkdir -p "$ROOT/dir"
mkfifo "$ROOT/fifo"
truncate -s 6G "$ROOT/huge.iso" || skip "no sparse files here"
printf 'END-OF-6-GIB-ISO' | dd of="$ROOT/huge.iso" bs=1 seek=$((6 * 1073741824 - 16)) \
    conv=notrunc status=none || skip "cannot write at 6 GiB"
echo "secret outside the root" > "$T/secret"

start_tftpd_http
URL=http://127.0.0.1:$HPORT

# status CURL-ARGS...: the HTTP status curl got, headers in $T/h, body $T/b.
status() {
	rm -f "$T/h" "$T/b"
	curl -s -o "$T/b" -D "$T/h" -w '%{http_code}' --max-time 30 "$@"
}

# header NAME: a field's value from $T/h (first match, CR dropped).
header() {
	tr -d '\r' < "$T/h" | sed -n "s/^$1: //Ip" | head -n 1
}

expect() {	# expect WANT WHAT CURL-ARGS...
	want=$1 what=$2
	shift 2
	got=$(status "$@")
	[ "$got" = "$want" ] || fail "$what: status $got, want $want"
}

# part FILE OFFSET LENGTH: those bytes of FILE.
part() {
	tail -c +"$(($2 + 1))" "$1" | head -c "$3"
}

# ---- whole files, three clients ----
expect 200 "curl GET" "$URL/big.bin"
same "$ROOT/big.bin" "$T/b" "curl GET big.bin"
[ "$(header Content-Length)" = 3000000 ] || fail "Content-Length: $(header Content-Length)"
[ -n "$(header Last-Modified)" ] || fail "no Last-Modified"
[ "$(header Accept-Ranges)" = bytes ] || fail "no Accept-Ranges: bytes"
rm -f "$T/w"
wget -q -O "$T/w" "$URL/big.bin" || fail "wget failed"
same "$ROOT/big.bin" "$T/w" "wget GET big.bin"
python3 -c "
import sys, urllib.request
sys.stdout.buffer.write(urllib.request.urlopen('$URL/Sources/boot.wim').read())" \
    > "$T/p" || fail "urllib failed"
same "$ROOT/Sources/boot.wim" "$T/p" "urllib GET"
expect_log "sent $ROOT/big\\.bin to 127\\.0\\.0\\.1 over HTTP \\(3000000 bytes in" \
    "the dnsmasq-style log line"

# ---- the same names as TFTP: backslashes, case ----
expect 200 "backslashes and case" "$URL/BOOT%5CBcd"
same "$ROOT/boot/bcd" "$T/b" "\\BOOT\\Bcd"
expect 200 "absolute-form target" --request-target "http://boot-server/sources/BOOT.WIM" "$URL/"
same "$ROOT/Sources/boot.wim" "$T/b" "absolute-form target"
status "$URL/boot.ipxe" > /dev/null
[ "$(header Content-Type)" = text/plain ] ||
    fail "an iPXE script is not text/plain"

# ---- HEAD and 304 ----
expect 200 HEAD -I "$URL/big.bin"
[ "$(header Content-Length)" = 3000000 ] || fail "HEAD: Content-Length $(header Content-Length)"
# (That HEAD sends no body is checked below, pipelined before the close.)
lm=$(header Last-Modified)
expect 304 "If-Modified-Since the file's date" -H "If-Modified-Since: $lm" "$URL/big.bin"
[ ! -s "$T/b" ] || fail "304 with a body"
expect 200 "If-Modified-Since an older date" \
    -H "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT" "$URL/big.bin"
expect 200 "If-Modified-Since garbage is ignored" -H "If-Modified-Since: yesterday" "$URL/big.bin"

# ---- ranges ----
expect 206 "single range" -r 1000-1999 "$URL/big.bin"
[ "$(header Content-Range)" = "bytes 1000-1999/3000000" ] || fail "Content-Range: $(header Content-Range)"
part "$ROOT/big.bin" 1000 1000 > "$T/want"
same "$T/want" "$T/b" "range 1000-1999"
expect 206 "open-ended range" -r 2999000- "$URL/big.bin"
part "$ROOT/big.bin" 2999000 1000 > "$T/want"
same "$T/want" "$T/b" "range 2999000-"
expect 206 "suffix range" -r -500 "$URL/big.bin"
[ "$(header Content-Range)" = "bytes 2999500-2999999/3000000" ] || fail "suffix: $(header Content-Range)"
part "$ROOT/big.bin" 2999500 500 > "$T/want"
same "$T/want" "$T/b" "range -500"
expect 206 "range past the end is cut" -r 2999990-4000000 "$URL/big.bin"
[ "$(wc -c < "$T/b")" = 10 ] || fail "cut range: $(wc -c < "$T/b") bytes"
expect 416 "unsatisfiable range" -r 3000000- "$URL/big.bin"
[ "$(header Content-Range)" = "bytes */3000000" ] || fail "416 Content-Range: $(header Content-Range)"
expect 200 "malformed Range is ignored" -H "Range: bytes=abc" "$URL/big.bin"
same "$ROOT/big.bin" "$T/b" "malformed Range: the whole file"
expect 200 "another unit is ignored" -H "Range: pages=1-2" "$URL/big.bin"
expect 200 "overlapping ranges: the whole file" -r 0-100,50-150 "$URL/big.bin"
same "$ROOT/big.bin" "$T/b" "overlapping ranges"
expect 206 "If-Range with the file's date" -r 0-9 -H "If-Range: $lm" "$URL/big.bin"
expect 200 "If-Range with another date" -r 0-9 \
    -H "If-Range: Sun, 06 Nov 1994 08:49:37 GMT" "$URL/big.bin"

# Several ranges: one multipart/byteranges body, each part checked.
expect 206 "several ranges" -r 0-9,100000-100099,-7 "$URL/big.bin"
case $(header Content-Type) in
"multipart/byteranges; boundary="*) ;;
*) fail "several ranges: Content-Type $(header Content-Type)" ;;
esac
[ "$(header Content-Length)" = "$(wc -c < "$T/b")" ] || fail "multipart: Content-Length is not the body's"
python3 - "$T/h" "$T/b" "$ROOT/big.bin" <<'EOF' || fail "multipart body is wrong"
import email.parser, sys
head = open(sys.argv[1], 'rb').read().decode()
body = open(sys.argv[2], 'rb').read()
data = open(sys.argv[3], 'rb').read()
ctype = [l.split(':', 1)[1].strip() for l in head.split('\r\n')
         if l.lower().startswith('content-type:')][0]
msg = email.parser.BytesParser().parsebytes(
    b'Content-Type: ' + ctype.encode() + b'\r\n\r\n' + body)
parts = msg.get_payload()
want = [(0, 9), (100000, 100099), (len(data) - 7, len(data) - 1)]
assert len(parts) == 3, len(parts)
for p, (a, b) in zip(parts, want):
    assert p['Content-Range'] == 'bytes %d-%d/%d' % (a, b, len(data)), p['Content-Range']
    assert p['Content-Type'] == 'application/octet-stream'
    assert p.get_payload(decode=True) == data[a:b + 1], (a, b)
EOF

# ---- 64-bit offsets: the end of a 6 GiB sparse file ----
expect 206 "a range at 6 GiB" -r $((6 * 1073741824 - 16))- "$URL/huge.iso"
[ "$(cat "$T/b")" = END-OF-6-GIB-ISO ] || fail "6 GiB: got '$(head -c 40 "$T/b")'"
[ "$(header Content-Range)" = "bytes 6442450928-6442450943/6442450944" ] ||
    fail "6 GiB: Content-Range $(header Content-Range)"
expect 200 "HEAD of 6 GiB" -I "$URL/huge.iso"
[ "$(header Content-Length)" = 6442450944 ] || fail "6 GiB: Content-Length $(header Content-Length)"
[ "$(header Content-Type)" = application/x-iso9660-image ] || fail "ISO type: $(header Content-Type)"

# ---- keep-alive: one connection for several requests ----
curl -sv -o /dev/null -o /dev/null -o /dev/null "$URL/boot/bcd" "$URL/big.bin" \
    "$URL/nothere" > "$T/kv" 2>&1 || fail "curl keep-alive run failed"
grep -q 'Re-using existing connection' "$T/kv" ||
    fail "curl did not reuse the connection: $(grep -i connect "$T/kv" | head -n 5)"
python3 - 127.0.0.1 "$HPORT" "$ROOT" <<'EOF' || fail "http.client keep-alive"
import http.client, sys
host, port, root = sys.argv[1], int(sys.argv[2]), sys.argv[3]
c = http.client.HTTPConnection(host, port, timeout=10)
for name in ['boot/bcd', 'big.bin', 'nothere', 'Sources/boot.wim']:
    c.request('GET', '/' + name)
    r = c.getresponse()
    body = r.read()
    if name == 'nothere':
        assert r.status == 404, r.status
    else:
        assert r.status == 200 and body == open(root + '/' + name, 'rb').read(), name
c.close()
EOF

# ---- pipelining: three requests in one write, three answers in order ----
python3 - 127.0.0.1 "$HPORT" "$ROOT" <<'EOF' || fail "pipelined requests"
import socket, sys
host, port, root = sys.argv[1], int(sys.argv[2]), sys.argv[3]
names = ['boot/bcd', 'boot.ipxe', 'Sources/boot.wim']
s = socket.create_connection((host, port), timeout=10)
req = b''.join(b'GET /%s HTTP/1.1\r\nHost: x\r\n\r\n' % n.encode() for n in names)
s.sendall(req + b'HEAD /boot/bcd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
data = b''
while True:
    b = s.recv(65536)
    if not b:
        break
    data += b
for n in names:
    head, _, data = data.partition(b'\r\n\r\n')
    assert head.startswith(b'HTTP/1.1 200 '), head
    clen = int([l for l in head.split(b'\r\n') if l.lower().startswith(b'content-length:')][0].split(b':')[1])
    want = open(root + '/' + n, 'rb').read()
    assert data[:clen] == want, n
    data = data[clen:]
head, _, rest = data.partition(b'\r\n\r\n')
assert head.startswith(b'HTTP/1.1 200 ') and b'Connection: close' in head, head
assert rest == b'', rest[:40]
EOF

# ---- every error status ----
expect 404 "missing file" "$URL/nothere.iso"
expect 404 "the root itself" "$URL/"
expect 403 "a directory" "$URL/dir"
expect 403 "a FIFO (opening it must not hang the server)" "$URL/fifo"
expect 403 "dot-dot" --path-as-is "$URL/../secret"
expect 403 "encoded dot-dot" "$URL/%2e%2e/secret"
expect 405 "POST" -X POST "$URL/big.bin"
[ "$(header Allow)" = "GET, HEAD" ] || fail "405 without Allow: GET, HEAD"
expect 405 "PUT" -X PUT "$URL/big.bin"
expect 400 "NUL" "$URL/a%00b"
expect 400 "overlong UTF-8" "$URL/%c0%ae%c0%ae/secret"
expect 414 "a long target" "$URL/$(head -c 9000 /dev/zero | tr '\0' a)"
expect 431 "a huge header" -H "X-Big: $(head -c 20000 /dev/zero | tr '\0' b)" "$URL/big.bin"
python3 - 127.0.0.1 "$HPORT" <<'EOF' || fail "raw requests"
import socket, sys
host, port = sys.argv[1], int(sys.argv[2])
def status(raw):
    s = socket.create_connection((host, port), timeout=10)
    s.sendall(raw)
    data = b''
    while b'\r\n\r\n' not in data:
        b = s.recv(4096)
        if not b:
            break
        data += b
    s.close()
    return int(data.split(b' ')[1]) if data.startswith(b'HTTP/1.1 ') else data
for raw, want in [
        (b'GET /big.bin HTTP/1.1\r\n\r\n', 400),             # no Host
        (b'GET /big.bin HTTP/2.0\r\nHost: x\r\n\r\n', 505),
        (b'GET /big.bin HTTP/1.0\r\n\r\n', 200),             # 1.0 needs none
        (b'OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n', 405),
        (b'GET /big.bin HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nabcd', 400)]:
    got = status(raw)
    assert got == want, (raw, got, want)
EOF

# ---- TFTP beside it, and the counters ----
curl -s --max-time 30 -o "$T/t" "tftp://127.0.0.1:$PORT/boot/bcd" || fail "TFTP failed beside HTTP"
same "$ROOT/boot/bcd" "$T/t" "TFTP beside HTTP"
kill -USR1 "$SERVER_PID"
expect_log 'counters: HTTP connections [0-9]+ .*responses: 200 [0-9]+ 206 [0-9]+ 304 [0-9]+ 400 [0-9]+ 403 [0-9]+ 404 [0-9]+ 405 [0-9]+ 414 [0-9]+ 416 [0-9]+ 431 [0-9]+ 505 [0-9]+, bytes sent' \
    "SIGUSR1 counts HTTP responses by status"
grep -q "secret outside" "$T/b" && fail "the secret was served"
stop_tftpd
exit 0
