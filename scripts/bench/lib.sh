# scripts/bench/lib.sh: what the benchmarks share (sourced by bash).
# A script sets BENCH (how its messages start: "bench", "bench/lab") and
# whatever the functions it calls read, then sources this file.

: "${BENCH:=bench}"

die() {
	echo "$BENCH: $*" >&2
	exit 1
}

note() {
	echo "$BENCH: $*" >&2
}

# need_arg "$@": the option in $1 must have a value in $2 (usage error 2).
need_arg() {
	[ $# -ge 2 ] || { echo "$BENCH: $1 needs an argument" >&2; exit 2; }
}

# is_count VALUE MIN MAX: VALUE is a whole number in MIN..MAX.
is_count() {
	[[ $1 =~ ^[0-9]+$ ]] && [ "${#1}" -le 6 ] && [ "$1" -ge "$2" ] &&
	    [ "$1" -le "$3" ]
}

# pick_port BASE [PAIR]: into $port, a port from BASE up (a random start
# below BASE + 1000) that port_bound (the script's) says is free; with
# PAIR=1 the port below it must be free too.
pick_port() {
	local p i
	for ((p = $1 + RANDOM % 1000, i = 0; i < 200; p++, i++)); do
		port_bound "$p" && continue
		[ "${2:-0}" = 1 ] && port_bound "$((p - 1))" && continue
		port=$p
		return
	done
	die "no free port"
}

# cpu_now: the CPU seconds the server under test has used: its cgroup
# $cur_cg (v2's cpu.stat; v1's cpuacct.usage when cg_kind=v1), else the
# process $cur_pid (with cpu_session=1, every process of its session).
# Needs clk_tck.
cpu_now() {
	local p pids=$cur_pid
	case ${cg_kind:-v2}${cur_cg:+set} in
	v2set) awk '$1 == "usage_usec" { printf "%.3f\n", $2 / 1e6 }' "$cur_cg/cpu.stat" ;;
	v1set) awk '{ printf "%.3f\n", $1 / 1e9 }' "$cur_cg/cpuacct.usage" ;;
	*)
		[ "${cpu_session:-0}" = 1 ] && pids=$(pgrep -s "$cur_pid")
		# fields after the ")" that ends comm: 12 utime .. 15 cstime
		for p in $pids; do
			sed 's/.*) //' "/proc/$p/stat" 2>/dev/null
		done | awk -v t="$clk_tck" -v all="${cpu_session:-0}" \
		    '{ s += $12 + $13 + $14 + $15 }
		    END { if (NR || all == 1) printf "%.3f\n", s / t }' ;;
	esac
}

# median: the median of the numbers on stdin, one a line; $median_none
# (nothing by default) when there are none.
# median COLUMN SERVER SETTING: the median of COLUMN over the rounds in
# $results that SERVER ran SETTING ok; printed with $median_fmt (default:
# the middle value as it is, the mean of the middle two with %.3f).
median() {
	if [ $# -ge 3 ]; then
		awk -v c="$1" -v s="$2" -v set="$3" \
		    '$1 == s && $2 == set && $6 == "ok" { print $c }' "$results" |
		    median_fmt_odd=${median_fmt:-'%s\n'} \
		    median_fmt_even=${median_fmt:-'%.3f\n'} median
		return
	fi
	sort -g | awk -v o="${median_fmt_odd:-%s\n}" \
	    -v e="${median_fmt_even:-%s\n}" -v none="${median_none:-}" \
	    '{ v[NR] = $1 } END {
		if (NR == 0) { if (none != "") print none; exit }
		if (NR % 2) printf o, v[(NR + 1) / 2]
		else printf e, (v[NR / 2] + v[NR / 2 + 1]) / 2
	}'
}

# ---- watching a boot without starting processes (bash) ----
# A fork costs about 5 ms on a small VM: a watcher that ran date, grep and
# sleep every 0.1 s took some 40% of a core beside the boot it timed.
# pause_init DIR: a FIFO in DIR that nobody writes; pause SECS then sleeps
# by reading it with a timeout.
pause_init() {
	mkfifo "$1/pause"
	exec {pause_fd}<> "$1/pause"
}
pause() { read -r -t "$1" -u "$pause_fd" _ || true; }
# us_s US: microseconds (from $EPOCHREALTIME without its dot) as seconds.
us_s() { printf '%d.%06d' $(($1 / 1000000)) $(($1 % 1000000)); }
# new_lines FD: the whole lines written to the file open on FD since the
# last call, into the array new; a line still being written is kept in
# line_part[FD] until its end.
declare -A line_part=()
new_lines() {
	local l
	new=()
	while IFS= read -r -u "$1" l || { line_part[$1]+=$l; false; }; do
		new+=("${line_part[$1]:-}$l")
		line_part[$1]=
	done
}
