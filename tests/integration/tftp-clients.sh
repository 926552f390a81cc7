#!/bin/sh
# pxe-tftpd against the clients a new user runs: tftp-hpa's tftp, atftp and
# curl, each fetching an empty file, small ones, exact multiples of the
# block size (the last DATA is empty), and a file of more than 65535 blocks
# (the block number rolls over); windowsize with atftp; netascii with
# tftp-hpa; every result compared byte for byte.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

need tftp atftp curl cmp

mkfile empty 0
mkfile small 1000
mkfile one512 512
mkfile two512 1024
mkfile three1468 4404
mkfile big 34000000		# 66407 blocks of 512: rolls over once
printf 'line one\nline two\r\nlast line without newline' > "$ROOT/text.txt"

start_tftpd

# atftp has windowsize from 0.8 on (Debian 12 ships 0.8.0); its --help
# does not list the options, so ask its version.
atftp_window=
case $(atftp --version 2>&1 | head -n 1) in
*0.7*) ;;
*) atftp_window=yes ;;
esac

for f in empty small one512 two512 three1468 big; do
	hpa_get "$f" "$T/hpa.$f" || fail "tftp-hpa get $f"
	same "$ROOT/$f" "$T/hpa.$f" "tftp-hpa, $f"
	rm -f "$T/hpa.$f"

	for blk in 512 1468; do
		rm -f "$T/atftp.$f"
		timeout 120 atftp --option "blksize $blk" --option "tsize 0" \
		    -g -r "$f" -l "$T/atftp.$f" 127.0.0.1 "$PORT" \
		    > "$T/atftp.out" 2>&1 || fail "atftp blksize $blk get $f: $(cat "$T/atftp.out")"
		same "$ROOT/$f" "$T/atftp.$f" "atftp blksize $blk, $f"
	done
	if [ -n "$atftp_window" ]; then
		rm -f "$T/atftp.$f"
		timeout 120 atftp --option "blksize 1468" --option "windowsize 16" \
		    -g -r "$f" -l "$T/atftp.$f" 127.0.0.1 "$PORT" \
		    > "$T/atftp.out" 2>&1 || fail "atftp windowsize 16 get $f: $(cat "$T/atftp.out")"
		same "$ROOT/$f" "$T/atftp.$f" "atftp windowsize 16, $f"
	fi
	rm -f "$T/atftp.$f"

	# curl 7.88 fails an empty file ("getpeername() failed") against any
	# server, tftpd-hpa included: a curl bug, not tested here.
	[ "$f" = empty ] && continue
	for blk in "" 1468; do
		rm -f "$T/curl.$f"
		timeout 120 curl -sS ${blk:+--tftp-blksize "$blk"} \
		    "tftp://127.0.0.1:$PORT/$f" -o "$T/curl.$f" \
		    > "$T/curl.out" 2>&1 || fail "curl ${blk:+blksize $blk }$f: $(cat "$T/curl.out")"
		same "$ROOT/$f" "$T/curl.$f" "curl ${blk:+blksize $blk }$f"
	done
	rm -f "$T/curl.$f"
done

# The rollover really happened on the wire: 66407 blocks at 512 bytes.
expect_log "sent $ROOT/big to 127\\.0\\.0\\.1 \\(34000000 bytes in .*blksize 512, windowsize 1\\)" \
    "sent line for the big file"
[ -n "$atftp_window" ] && expect_log "sent $ROOT/big .*blksize 1468, windowsize 16\\)" \
    "windowsize 16 granted to atftp"

# netascii: the server sends CR LF and CR NUL, tftp-hpa turns them back.
hpa_get text.txt "$T/text.txt" ascii || fail "tftp-hpa ascii get"
same "$ROOT/text.txt" "$T/text.txt" "netascii round trip"
size=$(wc -c < "$ROOT/text.txt")
lf=$(tr -cd '\n' < "$ROOT/text.txt" | wc -c)
cr=$(tr -cd '\r' < "$ROOT/text.txt" | wc -c)
expect_log "sent $ROOT/text.txt to 127\\.0\\.0\\.1 \\($((size + lf + cr)) bytes" \
    "netascii size on the wire"

# Not found: the client says so, the log names the file.
hpa_get nothere "$T/x" && fail "tftp-hpa got a file that does not exist"
grep -q 'Error code 1: File not found' "$T/hpa.out" ||
    fail "tftp-hpa was not told 'File not found': $(cat "$T/hpa.out")"
expect_log "file $ROOT/nothere not found for 127\\.0\\.0\\.1" "not-found line"
# pxelinux looking for its per-machine config is normal, and said so.
mkdir -p "$ROOT/pxelinux.cfg"
hpa_get pxelinux.cfg/01-20-6a-8a-0f-74-75 "$T/x" && fail "got a per-MAC config that does not exist"
expect_log "pxelinux.cfg/01-20-6a-8a-0f-74-75 not found for 127\\.0\\.0\\.1 \\(pxelinux's config search, MAC step: normal\\)" \
    "config-search line"
stop_tftpd
exit 0
