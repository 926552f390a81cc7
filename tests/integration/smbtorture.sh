#!/bin/sh
# pxe-smbd against Samba's smbtorture (Debian samba-testsuite): the tests
# a read-only share must pass (issue 6's list, and the others pxe-smbd
# passes there: smb2.scan.scan throws every command at the server with
# junk), each in its own run, and the server must still serve a
# well-behaved client afterwards.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

need smbtorture smbclient

TESTS="smb2.credits.session_setup_credits_granted
smb2.create.leading-slash
smb2.getinfo.qsec_buffercheck
smb2.scan.find
smb2.compound.invalid1
smb2.compound.related5
smb2.create_no_streams.no_stream
smb2.session.ntlmssp_bug14932
smb2.session.two_logoff
smb2.bench.echo
smb2.getinfo.fsinfo
smb2.getinfo.qfs_buffercheck
smb2.scan.scan
smb2.create.quota-fake-file"

mkfile hello.txt 100
start_smbd --password secret

for t in $TESTS; do
	timeout 120 smbtorture "//127.0.0.1/install" -p "$PORT" -U x%secret \
	    --option=torture:timelimit=2 "$t" > "$T/torture.out" 2>&1
	grep -q "^success: " "$T/torture.out" && ! grep -Eq "^(failure|error): " "$T/torture.out" ||
	    fail "$t: $(grep -E '^(failure|error|skip)' -A 3 "$T/torture.out" | head -n 6)"
	kill -0 "$SERVER_PID" 2>/dev/null || fail "pxe-smbd died during $t"
done

timeout 60 smbclient //127.0.0.1/install -p "$PORT" -U x%secret \
    -c "get hello.txt $T/hello.txt" > "$T/smb.out" 2>&1 ||
    fail "smbclient after smbtorture: $(tail -n 3 "$T/smb.out")"
same "$ROOT/hello.txt" "$T/hello.txt" "get after smbtorture"
stop_tftpd
exit 0
