#!/bin/sh
# Names from the network: Windows backslashes and case (bootmgr asks for
# \Boot\BCD, the disk has boot/bcd), leading slashes, and everything that
# must never leave the root: "..", symlinks that point out, directories,
# FIFOs, over-long names.  Refusals reach the client as ERROR 1 or 2 with
# no server path in them, and the server keeps serving.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

need tftp curl
built "$TFTPC"

mkfile boot/bcd 3000
mkfile pxelinux.cfg/default 200
mkfile Sources/boot.wim 5000
mkdir -p "$ROOT/etc"
echo "served from the root" > "$ROOT/etc/passwd"
echo "secret outside the root" > "$T/secret"
ln -s ../secret "$ROOT/escape"
ln -s "$T" "$ROOT/outdir"
ln -s boot/bcd "$ROOT/bcd-link"
mkfifo "$ROOT/fifo"

start_tftpd

# get NAME: fetch with tftpc (any bytes in the name), output in $T/out.
get() {
	rm -f "$T/out"
	"$TFTPC" -q -t 1000 -O "$T/out" 127.0.0.1 "$PORT" "$1" > "$T/c.out" 2>&1
}

# served NAME FILE: NAME must fetch FILE's content.
served() {
	get "$1" || fail "\"$1\" not served: $(cat "$T/c.out")"
	same "$2" "$T/out" "\"$1\""
}

# refused NAME ERROR: NAME must be refused with that ERROR line.
refused() {
	get "$1" && fail "\"$1\" was served: $(head -c 100 "$T/out")"
	got=$(head -n 1 "$T/c.out")
	[ "$got" = "$2" ] || fail "\"$1\": got '$got', want '$2'"
	case $(cat "$T/c.out") in
	*"$ROOT"*|*"$T"*) fail "\"$1\": the error shows a server path: $(cat "$T/c.out")" ;;
	esac
}

served '\Boot\BCD' "$ROOT/boot/bcd"
served 'BOOT/BCD' "$ROOT/boot/bcd"
served '/boot/bcd' "$ROOT/boot/bcd"
served '//boot///bcd' "$ROOT/boot/bcd"
served './boot/./bcd' "$ROOT/boot/bcd"
served '\sources\BOOT.WIM' "$ROOT/Sources/boot.wim"
served 'PXELINUX.CFG\default' "$ROOT/pxelinux.cfg/default"
served '/etc/passwd' "$ROOT/etc/passwd"
served 'bcd-link' "$ROOT/boot/bcd"
expect_log "sent $ROOT/boot/bcd to 127\\.0\\.0\\.1" "the log names the file found on disk"

ACCESS='ERROR 2 "Access violation"'
NOTFOUND='ERROR 1 "File not found"'
refused '../secret' "$ACCESS"
refused '../../../../../../etc/shadow' "$ACCESS"
refused '/../secret' "$ACCESS"
refused '\..\secret' "$ACCESS"
refused 'boot/../../secret' "$ACCESS"
refused 'boot\..\..\secret' "$ACCESS"
refused 'escape' "$ACCESS"
refused 'ESCAPE' "$ACCESS"
refused 'outdir/secret' "$ACCESS"
refused 'boot' "$ACCESS"
refused 'fifo' "$ACCESS"
refused '/' "$ACCESS"
refused "$(head -c 1100 /dev/zero | tr '\0' 'a')" "$ACCESS"
refused "boot/$(head -c 300 /dev/zero | tr '\0' 'b')" "$ACCESS"
refused 'nothere' "$NOTFOUND"
refused 'boot/nothere' "$NOTFOUND"
refused 'bcd/x' "$NOTFOUND"
refused 'boot/bcd/' "$NOTFOUND"
refused '\Boot\BCD\' "$NOTFOUND"
expect_log "refused \"\\.\\./secret\" from 127\\.0\\.0\\.1" "refusal line"
expect_log "file $ROOT/boot/nothere not found for 127\\.0\\.0\\.1" "not-found line"

# The packaged clients see the same: tftp-hpa and curl.
hpa_get '\Boot\BCD' "$T/hpa" || fail "tftp-hpa \\Boot\\BCD: $(cat "$T/hpa.out")"
same "$ROOT/boot/bcd" "$T/hpa" "tftp-hpa \\Boot\\BCD"
hpa_get '../secret' "$T/hpa" && fail "tftp-hpa fetched ../secret"
grep -q 'Error code 2: Access violation' "$T/hpa.out" ||
    fail "tftp-hpa ../secret: $(cat "$T/hpa.out")"
curl -sS "tftp://127.0.0.1:$PORT/%5CBoot%5CBCD" -o "$T/curl" 2> "$T/curl.err" ||
    fail "curl \\Boot\\BCD: $(cat "$T/curl.err")"
same "$ROOT/boot/bcd" "$T/curl" "curl \\Boot\\BCD"
curl -sS "tftp://127.0.0.1:$PORT/..%2Fsecret" -o "$T/curl2" 2> "$T/curl.err" &&
    fail "curl fetched ../secret"
grep -q "$T" "$T/curl.err" && fail "curl's error shows a server path: $(cat "$T/curl.err")"

# And it still serves.
served 'boot/bcd' "$ROOT/boot/bcd"
stop_tftpd
exit 0
