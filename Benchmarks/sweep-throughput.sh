#!/usr/bin/env bash
# Issue 5's benchmark: the throughput of `tanglesim sweep` on all cores against --jobs 1, on
# Benchmarks/Scenarios/sweep-40.json (40 short runs). Whole process, /usr/bin/time -v,
# alternating --jobs 1 and --jobs N, REPEAT times each; prints every measurement, the medians
# and the ratio. Before each measurement it waits (up to 10 minutes) for the machine to be
# idle, since a busy shared machine makes a parallel figure meaningless.
#
# Usage: Benchmarks/sweep-throughput.sh [REPEAT (5)] [N (all cores)]
set -euo pipefail
cd "$(dirname "$0")/.."
repeat=${1:-5}
jobs=${2:-$(nproc)}
scenario=Benchmarks/Scenarios/sweep-40.json
swift build -c release --product tanglesim >/dev/null
tanglesim=.build/release/tanglesim
out=$(mktemp -d /tmp/tanglesim-sweep-bench.XXXXXX)
trap 'rm -rf "$out"' EXIT

# Idle fraction of all CPUs over half a second, in percent, from /proc/stat.
idle_percent() {
    local a b
    read -r -a a < <(grep '^cpu ' /proc/stat)
    sleep 0.5
    read -r -a b < <(grep '^cpu ' /proc/stat)
    local total=0 index
    for index in 1 2 3 4 5 6 7 8; do total=$((total + b[index] - a[index])); done
    echo $(( (100 * (b[4] - a[4] + b[5] - a[5])) / (total > 0 ? total : 1) ))
}

wait_for_idle() {
    local deadline=$((SECONDS + 600))
    until [ "$(idle_percent)" -ge 95 ]; do
        if [ $SECONDS -ge $deadline ]; then echo "warning: machine still busy, measuring anyway" >&2; return; fi
        sleep 2
    done
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

declare -A walls
for ((i = 1; i <= repeat; i++)); do
    for j in 1 "$jobs"; do
        wait_for_idle
        rm -rf "$out/sweep"
        /usr/bin/time -v "$tanglesim" sweep "$scenario" --jobs "$j" --out "$out/sweep" >/dev/null 2>"$out/time.txt"
        wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$out/time.txt" | awk -F: '{ s = 0; for (k = 1; k <= NF; k++) s = s * 60 + $k; print s }')
        rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$out/time.txt")
        cpu=$(sed -n 's/.*Percent of CPU this job got: //p' "$out/time.txt")
        echo "jobs $j: ${wall} s wall, ${cpu} CPU, peak RSS $((rss / 1024)) MiB"
        walls[$j]+="$wall "
    done
done
one=$(echo ${walls[1]} | tr ' ' '\n' | median)
many=$(echo ${walls[$jobs]} | tr ' ' '\n' | median)
awk -v one="$one" -v many="$many" -v jobs="$jobs" 'BEGIN {
    printf "median wall: --jobs 1 %.2f s (%.2f runs/s), --jobs %d %.2f s (%.2f runs/s); throughput ratio %.2f\n",
        one, 40 / one, jobs, many, 40 / many, one / many }'
