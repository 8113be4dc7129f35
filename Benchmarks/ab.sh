#!/usr/bin/env bash
# A/B timing of two whole commands with public tools only: one warm-up run of each, then
# PAIRS alternating pairs (A then B), both pinned to one CPU (taskset), each timed by
# /usr/bin/time (wall, user + system CPU, peak RSS). Prints every run, the medians of each
# command and the median of the pairwise ratios A/B (wall and CPU), and the load average
# before and after. A manual tool: CI does not call it.
#
# Usage: Benchmarks/ab.sh [-n PAIRS (5)] [-c CPU (1)] 'COMMAND A' 'COMMAND B'
#   A is the new build, B the old one: a ratio below 1 means the new one is faster. Run it from
#   the folder the commands expect (the README runs it from Benchmarks/Scenarios), e.g.
#   ../ab.sh 'NEW/tanglesim run mcmc-genesis-100k.json --out /tmp/a' 'OLD/tanglesim run mcmc-genesis-100k.json --out /tmp/b'
set -euo pipefail
pairs=5
cpu=1
while getopts n:c: option; do
    case $option in
    n) pairs=$OPTARG ;;
    c) cpu=$OPTARG ;;
    *) exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ $# -eq 2 ] || {
    sed -n 2,11p "$0"
    exit 2
}
a=$1
b=$2
log=$(mktemp)
trap 'rm -f "$log" "$log.t"' EXIT

# Runs one command pinned; appends "label wall cpu peak_kib" to the log.
timed() {
    local label=$1 command=$2
    taskset -c "$cpu" /usr/bin/time -f "%e %U %S %M" -o "$log.t" bash -c "$command" >/dev/null 2>&1 || {
        echo "failed: $command" >&2
        exit 1
    }
    read -r wall user system peak <"$log.t"
    echo "$label $wall $(echo "$user + $system" | bc) $peak" | tee -a "$log"
}

echo "load before:$(uptime | sed 's/.*load average://')"
timed warm-up-A "$a" >/dev/null
timed warm-up-B "$b" >/dev/null
: >"$log"
for _ in $(seq "$pairs"); do
    timed A "$a"
    timed B "$b"
done
python3 - "$log" <<'EOF'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
a = [list(map(float, r[1:])) for r in rows if r[0] == "A"]
b = [list(map(float, r[1:])) for r in rows if r[0] == "B"]
for name, runs in (("A", a), ("B", b)):
    print(f"{name}: median wall {statistics.median(r[0] for r in runs):.3f} s, CPU {statistics.median(r[1] for r in runs):.3f} s, "
          f"peak {statistics.median(r[2] for r in runs) / 1024:.1f} MiB")
walls = [x[0] / y[0] for x, y in zip(a, b)]
cpus = [x[1] / y[1] for x, y in zip(a, b)]
print(f"A/B wall: median {statistics.median(walls):.3f} (pairs {min(walls):.3f}-{max(walls):.3f}); "
      f"CPU: median {statistics.median(cpus):.3f}")
EOF
echo "load after:$(uptime | sed 's/.*load average://')"
