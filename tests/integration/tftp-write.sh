#!/bin/sh
# Uploads: refused unless --write; with it, tftp-hpa, atftp and curl
# uploads arrive intact, existing files are kept unless --overwrite, and an
# upload that breaks off leaves neither the file nor a temporary file.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

need tftp atftp curl
built "$TFTPC"

for n in 0 512 1000 1024 2000000; do
	head -c "$n" /dev/urandom > "$T/up.$n"
done
head -c 60000000 /dev/urandom > "$T/up.big"

# no_temps: no file whose name starts with a dot anywhere under $ROOT.
no_temps() {
	left=$(find "$ROOT" -name '.*' ! -name . | head -n 3)
	[ -z "$left" ] || fail "$1: temporary files left: $left"
}

# --overwrite needs --write.
st=0
"$PXE_TFTPD" -r "$ROOT" --overwrite -p 1 > "$T/x" 2>&1 || st=$?
[ "$st" = 2 ] || fail "--overwrite without --write exited $st, want 2"

start_tftpd
hpa_put "$T/up.1000" x.bin && fail "upload accepted without --write"
grep -q 'Error code 2: Access violation' "$T/hpa.out" ||
    fail "tftp-hpa was not told why: $(cat "$T/hpa.out")"
[ ! -e "$ROOT/x.bin" ] || fail "x.bin written without --write"
expect_log 'refused write request from 127\.0\.0\.1: writes are disabled' "refusal line"
stop_tftpd

start_tftpd -w -T 200 -R 2
mkdir "$ROOT/up"
for n in 0 512 1000 1024 2000000; do
	hpa_put "$T/up.$n" "up/hpa.$n" || fail "tftp-hpa put $n: $(cat "$T/hpa.out")"
	same "$T/up.$n" "$ROOT/up/hpa.$n" "tftp-hpa upload of $n bytes"
	timeout 60 atftp --option "blksize 1468" -p -l "$T/up.$n" -r "up/atftp.$n" \
	    127.0.0.1 "$PORT" > "$T/a.out" 2>&1 || fail "atftp put $n: $(cat "$T/a.out")"
	same "$T/up.$n" "$ROOT/up/atftp.$n" "atftp upload of $n bytes"
	[ "$n" = 0 ] && continue	# curl -T of an empty file sends nothing
	timeout 60 curl -sS --tftp-blksize 1024 -T "$T/up.$n" \
	    "tftp://127.0.0.1:$PORT/up/curl.$n" > "$T/c.out" 2>&1 ||
	    fail "curl -T $n: $(cat "$T/c.out")"
	same "$T/up.$n" "$ROOT/up/curl.$n" "curl upload of $n bytes"
done
expect_log "received $ROOT/up/hpa\\.2000000 from 127\\.0\\.0\\.1 \\(2000000 bytes" \
    "received line"
no_temps "after complete uploads"

# Case-insensitive directory, name kept as the client wrote it.
hpa_put "$T/up.1000" '\UP\New.Bin' || fail "put \\UP\\New.Bin: $(cat "$T/hpa.out")"
same "$T/up.1000" "$ROOT/up/New.Bin" "upload into a directory found by case"

# Create-only: an existing file is kept.
cp "$T/up.512" "$ROOT/up/keep"
hpa_put "$T/up.1000" up/keep && fail "existing file replaced without --overwrite"
grep -q 'Error code 6: File already exists' "$T/hpa.out" ||
    fail "tftp-hpa was not told the file exists: $(cat "$T/hpa.out")"
same "$T/up.512" "$ROOT/up/keep" "existing file kept"

# Outside the root, or into a missing directory: refused.
hpa_put "$T/up.1000" ../evil && fail "upload outside the root accepted"
[ ! -e "$T/evil" ] || fail "../evil written"
hpa_put "$T/up.1000" nodir/x && fail "upload into a missing directory accepted"

# A broken upload: the client dies halfway; after -T 200 -R 2 the server
# gives up, and neither the target nor its temporary file remains.
# (atftp itself in the background, not under timeout: $! must be atftp.)
atftp --option "blksize 512" -p -l "$T/up.big" -r up/broken \
    127.0.0.1 "$PORT" > /dev/null 2>&1 &
apid=$!
i=0
until [ -n "$(find "$ROOT/up" -name '.broken.*' -size +100k 2>/dev/null)" ]; do
	i=$((i + 1))
	[ $i -lt 200 ] || fail "the broken upload never started"
	sleep 0.05
done
kill -9 "$apid"
wait "$apid" 2>/dev/null
expect_log "failed receiving $ROOT/up/broken from 127\\.0\\.0\\.1" "failure line"
[ ! -e "$ROOT/up/broken" ] || fail "a broken upload left the target"
no_temps "after a broken upload"
stop_tftpd

# With --overwrite the file is replaced, atomically.
start_tftpd -w --overwrite
hpa_put "$T/up.1000" up/keep || fail "overwrite: $(cat "$T/hpa.out")"
same "$T/up.1000" "$ROOT/up/keep" "file replaced with --overwrite"
no_temps "after an overwrite"
stop_tftpd
exit 0
