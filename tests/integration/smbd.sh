#!/bin/sh
# pxe-smbd against Samba's smbclient: every dialect (-m SMB2_02, SMB2,
# SMB3_00, SMB3_02, SMB3_11) with signing required by the client, each
# 3.1.1 signing algorithm, any user name with the shared password; ls, a
# large file and a recursive mget of a tree with odd names, compared by
# sha256; a wrong password and anonymous logons refused; guests only with
# --guest; every write refused; impacket's SMBConnection through the SMB1
# NEGOTIATE that asks for "SMB 2.???"; CHANGE_NOTIFY ended by CLOSE and by
# CANCEL.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

need smbclient sha256sum diff

# The tree: names Windows install media and users have.
mkfile big.bin 67108865			# 64 MiB and one byte
mkfile tree/empty 0
mkfile "tree/with space.txt" 1000
mkfile "tree/$(printf 'caf\303\251 cr\303\250me.txt')" 2000
mkfile "tree/$(printf '\346\227\245\346\234\254\350\252\236.txt')" 3000
mkfile "tree/it's #1 & 100% [ok] {x} ~y @z +w =v ,u ;t.txt" 4000
mkfile "tree/.hidden" 5
mkfile "tree/UPPER.TXT" 6
mkfile "tree/a/b/c/d/deep.bin" 70000
mkfile "tree/sources/install.wim" 1048577
mkfile "tree/$(printf 'n%.0s' $(seq 1 200)).txt" 7
mkdir -p "$ROOT/tree/emptydir"

# The command line: exit 0 for --help/--version, 2 for usage errors
# (naming the argument), 1 when a share cannot be served.
status 0 "$PXE_SMBD" --help
grep -q -- '--password-file' "$T/cmd.out" || fail "--help lacks --password-file"
status 0 "$PXE_SMBD" --version
status 2 "$PXE_SMBD" -P x
grep -q 'no --share' "$T/cmd.out" || fail "no --share: $(cat "$T/cmd.out")"
status 2 "$PXE_SMBD" -s "install=$ROOT"
grep -q 'password' "$T/cmd.out" || fail "no password: $(cat "$T/cmd.out")"
status 2 "$PXE_SMBD" -s install -P x
status 2 "$PXE_SMBD" -s "IPC\$=$ROOT" -P x
status 2 "$PXE_SMBD" -s "a=$ROOT" -s "A=$ROOT" -P x
status 2 "$PXE_SMBD" -s "install=$ROOT" -P x -p 0
status 2 "$PXE_SMBD" -s "install=$ROOT" --password-file "$T/none"
status 1 "$PXE_SMBD" -s "install=$T/no-such-dir" -P x -l 127.0.0.1 -p 1
grep -q 'no-such-dir' "$T/cmd.out" || fail "missing share not named: $(cat "$T/cmd.out")"
status 1 "$PXE_SMBD" -s "install=$ROOT/big.bin" -P x -l 127.0.0.1 -p 1
grep -q 'neither UDF nor ISO9660' "$T/cmd.out" ||
    fail "a file that is no image: $(cat "$T/cmd.out")"
printf 'secret\n' > "$T/pw"

start_smbd --password-file "$T/pw"

for mode in SMB2_02 SMB2 SMB3_00 SMB3_02 SMB3_11; do
	fetch_all "$mode" "user-$mode"
	expect_log "session 127\\.0\\.0\\.1 user '[A-Z]*\\\\user-$mode' dialect .* signed" \
	    "the -m $mode session, signed"
done
expect_log "dialect 2\\.0\\.2 signed" "2.0.2"
expect_log "dialect 2\\.1 signed" "2.1"
expect_log "dialect 3\\.0 signed" "3.0"
expect_log "dialect 3\\.0\\.2 signed" "3.0.2"
expect_log "dialect 3\\.1\\.1 signed" "3.1.1"
expect_log "tree connect \\\\\\\\127\\.0\\.0\\.1\\\\install" "tree connect line"

# 3.1.1 with each signing algorithm the client can be made to ask for.
for alg in AES-128-GMAC AES-128-CMAC HMAC-SHA256; do
	smb SMB3_11 "alg%secret" "get big.bin $T/alg.bin" \
	    --client-protection=sign \
	    --option="client smb3 signing algorithms=$alg" ||
	    fail "3.1.1 signed with $alg: $(tail -n 3 "$T/smb.out")"
	same "$ROOT/big.bin" "$T/alg.bin" "3.1.1 signed with $alg"
	rm -f "$T/alg.bin"
done
expect_log "3\\.1\\.1 signed \\(AES-GMAC\\)" "GMAC negotiated"
expect_log "3\\.1\\.1 signed \\(AES-CMAC\\)" "CMAC negotiated"
expect_log "3\\.1\\.1 signed \\(HMAC-SHA256\\)" "HMAC-SHA256 negotiated"

# Unsigned, as smbclient does when nobody asks for signing.
smb SMB3_11 "plain%secret" "get big.bin $T/plain.bin" ||
    fail "unsigned 3.1.1: $(tail -n 3 "$T/smb.out")"
same "$ROOT/big.bin" "$T/plain.bin" "unsigned 3.1.1"

# A wrong password and anonymous logons are refused.
smb SMB3_11 "x%wrong" "ls" && fail "a wrong password was accepted"
grep -q NT_STATUS_LOGON_FAILURE "$T/smb.out" ||
    fail "wrong password: $(tail -n 2 "$T/smb.out")"
expect_log "logon failure 127\\.0\\.0\\.1 user '.*x': wrong password" \
    "wrong password logged"
timeout 60 smbclient //127.0.0.1/install -p "$PORT" -N -c ls \
    > "$T/smb.out" 2>&1 && fail "-N logged on without --guest"
smb SMB3_11 "x%secret" "ls" --client-protection=sign ||
    fail "the server stopped answering after refusals"

# Nothing can be changed.
printf 'new' > "$T/new.txt"
for cmd in "put $T/new.txt new.txt" "put $T/new.txt big.bin" \
    "mkdir newdir" "rm big.bin" "rename big.bin b2.bin" "rmdir tree/emptydir" \
    "setmode big.bin +r"; do
	smb SMB3_11 "x%secret" "$cmd" --client-protection=sign
	grep -Eq 'NT_STATUS_ACCESS_DENIED|NT_STATUS_MEDIA_WRITE_PROTECTED' \
	    "$T/smb.out" || fail "'$cmd' was not refused: $(tail -n 3 "$T/smb.out")"
done
[ -f "$ROOT/new.txt" ] && fail "put created a file"
[ -d "$ROOT/newdir" ] && fail "mkdir created a directory"
[ -f "$ROOT/big.bin" ] || fail "rm removed a file"
[ -d "$ROOT/tree/emptydir" ] || fail "rmdir removed a directory"
expect_log "access denied: " "refusals are logged"

# Names that do not exist; paths that try to leave the share.
smb_refused NT_STATUS_OBJECT_NAME_NOT_FOUND "missing file" \
    "get nothere.txt $T/x"
smb_refused NT_STATUS_OBJECT_PATH_NOT_FOUND "missing directory" \
    "get nodir/x.txt $T/x"
smb SMB3_11 "x%secret" "get ../../etc/passwd $T/x" --client-protection=sign
[ -f "$T/x" ] && fail "a path escaped the share"
# Case-insensitive names, as Windows expects.
smb SMB3_11 "x%secret" "get TREE/Sources/INSTALL.WIM $T/ci.wim" \
    --client-protection=sign || fail "case-insensitive get"
same "$ROOT/tree/sources/install.wim" "$T/ci.wim" "case-insensitive name"

# The share list, through IPC$ and srvsvc (DCE/RPC over the pipe).
for mode in SMB2_02 SMB3_11; do
	timeout 60 smbclient -L 127.0.0.1 -p "$PORT" -U x%secret -m "$mode" \
	    --client-protection=sign > "$T/smb.out" 2>&1
	grep -Eq '^[[:space:]]+install[[:space:]]+Disk' "$T/smb.out" &&
	    grep -Eq '^[[:space:]]+IPC\$[[:space:]]+IPC' "$T/smb.out" ||
	    fail "smbclient -L -m $mode: $(cat "$T/smb.out")"
done
expect_log "share list sent|tree connect .*IPC\\$" "IPC\$ connected"

# SIGUSR1: the counters.
kill -USR1 "$SERVER_PID"
expect_log "counters: connections [0-9]+ .*logon failures [1-9]" "counters"

# impacket, through the SMB1 NEGOTIATE (SMB 2.???) and with each dialect.
if /usr/bin/python3 -c 'import impacket.smbconnection' 2>/dev/null; then
	for dialect in smb1 0x0202 0x0210 0x0300; do
		rm -f "$T/imp.bin"
		timeout 120 /usr/bin/python3 - "$PORT" "$dialect" "$T/imp.bin" \
		    > "$T/imp.out" 2>&1 <<'EOF' || fail "impacket $dialect: $(tail -n 5 "$T/imp.out")"
import sys
from impacket.smbconnection import SMBConnection
port, dialect, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
pref = None if dialect == "smb1" else int(dialect, 16)
c = SMBConnection("127.0.0.1", "127.0.0.1", sess_port=port,
                  preferredDialect=pref)
c.login("impacket", "secret")
names = [f.get_longname() for f in c.listPath("install", "*")]
assert "big.bin" in names and "tree" in names, names
shares = [s["shi1_netname"][:-1] for s in c.listShares()]
assert shares == ["install", "IPC$"], shares
with open(out, "wb") as f:
    c.getFile("install", "big.bin", f.write)
print("dialect 0x%04x" % c.getDialect())
c.logoff()
EOF
		same "$ROOT/big.bin" "$T/imp.bin" "impacket $dialect getFile"
	done
	# CHANGE_NOTIFY waits (nothing here changes) until CLOSE answers it
	# with NOTIFY_CLEANUP or CANCEL with CANCELLED; credits stay right.
	timeout 60 /usr/bin/python3 - "$PORT" > "$T/imp.out" 2>&1 <<'EOF' ||
import sys
from impacket.smbconnection import SMBConnection
from impacket import smb3structs as s3
from impacket.nt_errors import STATUS_PENDING

port = int(sys.argv[1])
c = SMBConnection("127.0.0.1", "127.0.0.1", sess_port=port,
                  preferredDialect=0x0300)
c.login("impacket", "secret")
smb = c.getSMBServer()
tid = c.connectTree("install")

def notify(fid):
    pkt = smb.SMB_PACKET()
    pkt["Command"] = s3.SMB2_CHANGE_NOTIFY
    pkt["TreeID"] = tid
    cn = s3.SMB2ChangeNotify()
    cn["OutputBufferLength"] = 1000
    cn["FileID"] = fid
    cn["CompletionFilter"] = 0x17
    pkt["Data"] = cn
    mid = smb.sendSMB(pkt)
    p = s3.SMB2Packet(smb._NetBIOSSession.recv_packet(10).get_trailer())
    assert p["Status"] == STATUS_PENDING, hex(p["Status"])
    assert p["Flags"] & s3.SMB2_FLAGS_ASYNC_COMMAND, p["Flags"]
    return mid

def opendir():
    return smb.create(tid, "tree", 0x00100081, 7, 1, 1, 0)

# CLOSE ends the wait with STATUS_NOTIFY_CLEANUP.
fid = opendir()
mid = notify(fid)
smb.close(tid, fid)
p = smb.recvSMB(mid)
assert p["Status"] == 0x10b, "after close: 0x%x" % p["Status"]
# CANCEL ends it with STATUS_CANCELLED.
fid = opendir()
mid = notify(fid)
smb.cancel(mid)
p = s3.SMB2Packet(smb._NetBIOSSession.recv_packet(10).get_trailer())
assert p["MessageID"] == mid and p["Status"] == 0xc0000120, hex(p["Status"])
# The connection still works.
c.listPath("install", "*")
smb.close(tid, fid)
print("notify ok")
EOF
	    fail "CHANGE_NOTIFY with impacket: $(tail -n 5 "$T/imp.out")"
else
	say "impacket is not installed for /usr/bin/python3: skipping that part"
fi

stop_tftpd

# --guest without a password: anonymous and any user are guests.
start_smbd --guest
timeout 60 smbclient //127.0.0.1/install -p "$PORT" -N -m SMB3_11 \
    -c "get tree/UPPER.TXT $T/g.txt" > "$T/smb.out" 2>&1 ||
    fail "guest -N: $(tail -n 3 "$T/smb.out")"
same "$ROOT/tree/UPPER.TXT" "$T/g.txt" "guest get"
expect_log "session 127\\.0\\.0\\.1 user .* (guest|anonymous)" "guest session"
smb SMB3_11 "x%secret" "ls" --client-protection=sign &&
    fail "a guest session claimed to be signed"
stop_tftpd

# --guest with a password: the password signs, anonymous is a guest.
# (With a 2-second --idle-timeout, to see a silent connection closed.)
start_smbd --guest --password secret --idle-timeout 2
/usr/bin/python3 -c 'import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
time.sleep(4)' "$PORT" &
SILENT=$!
expect_log "connection 127\\.0\\.0\\.1 closed: idle before logging on" \
    "a silent connection closed"
wait "$SILENT"
smb SMB3_11 "x%secret" "ls" --client-protection=sign ||
    fail "password with --guest: $(tail -n 3 "$T/smb.out")"
timeout 60 smbclient //127.0.0.1/install -p "$PORT" -N -c ls \
    > "$T/smb.out" 2>&1 || fail "-N with --guest: $(tail -n 3 "$T/smb.out")"
smb SMB3_11 "x%wrong" "ls" && fail "a wrong password became a guest"
stop_tftpd

# -v: the first read of each open file is said once ("reading /PATH"), so
# a long copy (setup and install.wim) shows long before its close line;
# a look at a file (allinfo: opened, nothing read) says nothing of reading.
start_smbd --password secret -v
smb SMB3_11 "x%secret" "allinfo tree/UPPER.TXT" --client-protection=sign ||
    fail "allinfo: $(tail -n 3 "$T/smb.out")"
expect_log "open /tree/UPPER\.TXT" "-v: the open of a file looked at"
grep -q 'reading /tree/UPPER\.TXT' "$LOG" && fail "-v: a file looked at was said to be read"
smb SMB3_11 "x%secret" "get tree/sources/install.wim $T/install.wim" --client-protection=sign ||
    fail "get install.wim: $(tail -n 3 "$T/smb.out")"
expect_log "127\.0\.0\.1: reading /tree/sources/install\.wim$" "-v: the first read of install.wim"
expect_log "closed /tree/sources/install\.wim for 127\.0\.0\.1: 1048577 of 1048577 bytes" "install.wim's close line"
[ "$(grep -c 'reading /tree/sources/install\.wim' "$LOG")" = 1 ] ||
    fail "-v: install.wim's reading said more than once: $(grep reading "$LOG")"
stop_tftpd
exit 0
