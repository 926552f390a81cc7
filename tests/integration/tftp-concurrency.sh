#!/bin/sh
# 1000 clients at once: four curl processes, each running 250 transfers in
# parallel, fetch 2 MiB files from one pxe-tftpd; every transfer must
# complete.  Sizes are checked for all of them, contents for one in ten
# (written to disk and compared; the rest go to /dev/null to spare 2 GB).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

need curl cmp
curl --help all 2>/dev/null | grep -q -- '--parallel-max' ||
    skip "this curl has no --parallel"

N=1000
PER=250
SIZE=2097152
for i in $(seq 0 19); do
	mkfile "f$i" $SIZE
done

start_tftpd
mkdir "$T/got"
# Each curl gets a config file with its 250 URLs (too many for argv).
for p in 0 1 2 3; do
	: > "$T/urls.$p"
	for k in $(seq 0 $((PER - 1))); do
		i=$((p * PER + k))
		f=f$((i % 20))
		if [ $((i % 10)) = 0 ]; then
			out=$T/got/$i.$f
		else
			out=/dev/null
		fi
		printf 'url = "tftp://127.0.0.1:%s/%s"\noutput = "%s"\n' \
		    "$PORT" "$f" "$out" >> "$T/urls.$p"
	done
done
start=$(date +%s)
pids=
for p in 0 1 2 3; do
	timeout 300 curl -sS --parallel --parallel-max $PER --parallel-immediate \
	    --tftp-blksize 1468 -w '%{exitcode} %{size_download}\n' \
	    -K "$T/urls.$p" > "$T/res.$p" 2> "$T/err.$p" &
	pids="$pids $!"
done
st=0
for pid in $pids; do
	wait "$pid" || st=$?
done
took=$(( $(date +%s) - start ))
say "1000 transfers of 2 MiB in $took s"
cat "$T"/res.* > "$T/res"
ok=$(grep -c "^0 $SIZE\$" "$T/res")
[ "$ok" = "$N" ] || fail "$ok of $N transfers complete (curl status $st): $(grep -v "^0 $SIZE\$" "$T/res" | sort | uniq -c | head -n 5) $(head -n 3 "$T"/err.*)"
for g in "$T"/got/*; do
	f=${g##*.}
	cmp -s "$ROOT/$f" "$g" || fail "$(basename "$g"): content differs"
done
[ "$(ls "$T/got" | wc -l)" = $((N / 10)) ] || fail "not every checked transfer was written"

kill -USR1 "$SERVER_PID"
expect_log "counters: transfers $N \\(ok $N, failed 0" "counters: $N ok, none failed"
peak=$(sed -n 's/.*counters: .*, peak \([0-9]*\)).*/\1/p' "$LOG" | tail -n 1)
say "at most $peak transfers at once"
# Alone on the machine all 1000 overlap; beside other tests (make -j2)
# curl starts them more slowly.  Half is the floor that still proves the
# server does not serialise them.
[ "${peak:-0}" -ge 500 ] || fail "only $peak transfers ran at once"
stop_tftpd
exit 0
