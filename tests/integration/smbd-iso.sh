#!/bin/sh
# pxe-smbd serving a share straight out of an ISO image file, through
# libpxe's isofs: no loop mount, no extraction.  Two images of one tree:
# UDF (genisoimage -udf, as Windows media are read) and ISO9660+Joliet
# (xorriso).  For each: smbclient -m SMB2_02 and SMB3_11 signed, ls, a large
# file and a recursive mget of a tree with odd names (8-bit and 16-bit UDF
# names, a directory of 300 entries, empty files and directories), compared
# with the source; names matched without regard to case, also beyond ASCII;
# the NOT_FOUND statuses; every write refused; the share list; impacket's
# getFile; a damaged image keeps the server up.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

need smbclient genisoimage xorriso sha256sum diff

# The tree: names Windows media and users have, within what both image
# writers keep as they are (Joliet allows 103 characters, and both turn
# ';' into '_').
mkfile big.bin 67108865			# 64 MiB and one byte
mkfile tree/empty 0
mkfile "tree/with space.txt" 1000
mkfile "tree/$(printf 'caf\303\251 cr\303\250me.txt')" 2000
mkfile "tree/$(printf '\346\227\245\346\234\254\350\252\236.txt')" 3000
mkfile "tree/it's #1 & 100% [ok] {x} ~y @z +w =v ,u.txt" 4000
mkfile "tree/UPPER.TXT" 6
mkfile "tree/a/b/c/d/deep.bin" 70000
mkfile "tree/sources/install.wim" 1048577
mkfile "tree/$(printf 'n%.0s' $(seq 1 90)).txt" 7
mkdir -p "$ROOT/tree/emptydir" "$ROOT/tree/many"
i=0
while [ $i -lt 300 ]; do
	printf '%s\n' "$i" > "$ROOT/tree/many/file-$i.txt"
	i=$((i + 1))
done

genisoimage -quiet -input-charset utf-8 -udf -J -joliet-long -iso-level 3 \
    -V PXEKIT_UDF -o "$T/udf.iso" "$ROOT" 2> "$T/mkiso.out" ||
    fail "genisoimage: $(tail -n 3 "$T/mkiso.out")"
xorriso -as mkisofs -quiet -J -joliet-long -V PXEKIT_JOLIET \
    -o "$T/joliet.iso" "$ROOT" > "$T/mkiso.out" 2>&1 ||
    fail "xorriso: $(tail -n 3 "$T/mkiso.out")"

for img in udf joliet; do
	case $img in
	udf) format=UDF ;;
	joliet) format='ISO9660\+Joliet' ;;
	esac
	SMBD_SHARE=$T/$img.iso start_smbd --password secret
	expect_log "share .*install is .*$img\\.iso \\(read-only, ISO image, $format\\)" \
	    "the $img share announced as an ISO image"

	for mode in SMB2_02 SMB3_11; do
		fetch_all "$mode" "user-$mode"
	done
	expect_log "dialect 2\\.0\\.2 signed" "$img: 2.0.2 signed"
	expect_log "dialect 3\\.1\\.1 signed" "$img: 3.1.1 signed"

	# Names in any case, also beyond ASCII: CAFÉ CRÈME.TXT is café
	# crème.txt, as on Windows.
	rm -f "$T/ci.bin" "$T/ci.txt"
	smb SMB3_11 "x%secret" "get TREE/Sources/INSTALL.WIM $T/ci.bin; \
	    get \"tree/$(printf 'CAF\303\211 CR\303\210ME.TXT')\" $T/ci.txt" \
	    --client-protection=sign ||
	    fail "$img: case-insensitive get: $(tail -n 3 "$T/smb.out")"
	same "$ROOT/tree/sources/install.wim" "$T/ci.bin" "$img: TREE/Sources/INSTALL.WIM"
	same "$ROOT/tree/$(printf 'caf\303\251 cr\303\250me.txt')" "$T/ci.txt" \
	    "$img: a non-ASCII name in upper case"
	smb SMB3_11 "x%secret" "ls tree/many/FILE-299.TXT" --client-protection=sign ||
	    fail "$img: the last of 300 entries: $(tail -n 3 "$T/smb.out")"
	grep -q 'file-299.txt' "$T/smb.out" ||
	    fail "$img: ls tree/many/FILE-299.TXT: $(cat "$T/smb.out")"

	# What is not there, and what tries to leave the share.
	smb_refused NT_STATUS_OBJECT_NAME_NOT_FOUND "$img: missing file" \
	    "get nothere.txt $T/x"
	smb_refused NT_STATUS_OBJECT_PATH_NOT_FOUND "$img: missing directory" \
	    "get nodir/x.txt $T/x"
	smb_refused 'NT_STATUS_OBJECT_PATH_NOT_FOUND|NT_STATUS_NOT_A_DIRECTORY' \
	    "$img: a file used as a directory" "get big.bin/x $T/x"
	smb SMB3_11 "x%secret" "get ../../etc/passwd $T/x" --client-protection=sign
	[ -f "$T/x" ] && fail "$img: a path escaped the share"

	# Nothing can be changed.
	printf 'new' > "$T/new.txt"
	for cmd in "put $T/new.txt new.txt" "put $T/new.txt big.bin" \
	    "mkdir newdir" "rm big.bin" "rename big.bin b2.bin" \
	    "rmdir tree/emptydir"; do
		smb SMB3_11 "x%secret" "$cmd" --client-protection=sign
		grep -Eq 'NT_STATUS_ACCESS_DENIED|NT_STATUS_MEDIA_WRITE_PROTECTED' \
		    "$T/smb.out" ||
		    fail "$img: '$cmd' was not refused: $(tail -n 3 "$T/smb.out")"
	done

	# The share list; the volume's size is the image's.
	timeout 60 smbclient -L 127.0.0.1 -p "$PORT" -U x%secret -m SMB3_11 \
	    --client-protection=sign > "$T/smb.out" 2>&1
	grep -Eq '^[[:space:]]+install[[:space:]]+Disk' "$T/smb.out" ||
	    fail "$img: smbclient -L: $(cat "$T/smb.out")"
	smb SMB3_11 "x%secret" "du" --client-protection=sign
	blocks=$(( $(wc -c < "$T/$img.iso") / 2048 ))
	grep -Eq "^[[:space:]]*$blocks blocks of size 2048\\. 0 blocks available" \
	    "$T/smb.out" || fail "$img: du: $(tail -n 2 "$T/smb.out")"

	if /usr/bin/python3 -c 'import impacket.smbconnection' 2>/dev/null; then
		rm -f "$T/imp.bin"
		timeout 120 /usr/bin/python3 - "$PORT" "$T/imp.bin" \
		    > "$T/imp.out" 2>&1 <<'EOF' || fail "$img: impacket: $(tail -n 5 "$T/imp.out")"
import sys
from impacket.smbconnection import SMBConnection
port, out = int(sys.argv[1]), sys.argv[2]
c = SMBConnection("127.0.0.1", "127.0.0.1", sess_port=port,
                  preferredDialect=0x0300)
c.login("impacket", "secret")
names = sorted(f.get_longname() for f in c.listPath("install", "tree\\many\\*"))
want = sorted([".", ".."] + ["file-%d.txt" % i for i in range(300)])
assert names == want, (len(names), names[:5])
with open(out, "wb") as f:
    c.getFile("install", "big.bin", f.write)
c.logoff()
EOF
		same "$ROOT/big.bin" "$T/imp.bin" "$img: impacket getFile"
	fi
	stop_tftpd
done

# A damaged image: cut after its directories, so reading file data fails.
# The server may refuse it or serve errors, but it must not crash and must
# go on serving a good share beside it.
head -c 1048576 "$T/udf.iso" > "$T/cut.iso"
SMBD_SHARE=$T/cut.iso start_smbd --password secret -s "good=$T/joliet.iso"
smb SMB3_11 "x%secret" "get big.bin $T/cut.bin" --client-protection=sign &&
    fail "a file beyond the end of a cut image was read whole"
kill -0 "$SERVER_PID" || fail "pxe-smbd died reading a cut image"
grep -q NT_STATUS_IO_DEVICE_ERROR "$T/smb.out" ||
    fail "a read beyond a cut image: $(tail -n 2 "$T/smb.out")"
expect_log "read error: big\.bin( at [0-9]+)?: Input/output error" \
    "the read error logged ($(tail -n 2 "$T/smb.out"))"
rm -f "$T/good.bin"
timeout 120 smbclient //127.0.0.1/good -p "$PORT" -m SMB3_11 -U x%secret \
    --client-protection=sign -c "get big.bin $T/good.bin" > "$T/smb.out" 2>&1 ||
    fail "the good share after the cut one: $(tail -n 3 "$T/smb.out")"
same "$ROOT/big.bin" "$T/good.bin" "the good share after the cut one"
stop_tftpd
exit 0
