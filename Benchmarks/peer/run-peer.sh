#!/usr/bin/env bash
# Paired timing of TangleSim against res-sim-tangle (see README.md in this folder).
# A manual tool: CI must not call it. Build the peer first with ./build-peer.sh.
#
# Usage: ./run-peer.sh [-n PAIRS] [-c CPU] CASE...
#   CASE: urts-20k urts-100k urts-1m             URTS, peer at 57a7061 (HEAD)
#         mcmc-20k mcmc-100k                     MCMC alpha 0.01 from the genesis, peer at 1bef1ac
#         mcmc-exact-20k mcmc-exact-100k         the same, TangleSim with exactSteps: true
#         urts-old-20k urts-old-100k urts-old-1m URTS, peer at 1bef1ac (exact cumulative weights kept)
#         all  (every case but urts-old-1m, which takes about 20 minutes)
# Env: TANGLESIM (default .build/release/tanglesim from the repository root),
#      PEER_BIN (default /tmp/peer-build/bin), WORK (default /tmp/peer-run).
#
# Each case: one warm-up run of each program, then PAIRS pairs (default 5), TangleSim then the
# peer, both pinned to the same CPU (taskset), timed as whole processes by /usr/bin/time.
# Prints each run, the median wall time of each program, the median of the pairwise ratios
# peer/TangleSim, and the load average before and after.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
TANGLESIM=${TANGLESIM:-$root/.build/release/tanglesim}
PEER_BIN=${PEER_BIN:-/tmp/peer-build/bin}
WORK=${WORK:-/tmp/peer-run}
PAIRS=5
CPU=1
while getopts n:c: o; do
  case $o in n) PAIRS=$OPTARG ;; c) CPU=$OPTARG ;; *) exit 2 ;; esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { sed -n 5,13p "$0"; exit 2; }
[ "$1" = all ] && set -- urts-20k urts-100k urts-1m mcmc-20k mcmc-100k mcmc-exact-20k mcmc-exact-100k urts-old-20k urts-old-100k
mkdir -p "$WORK"
cd "$WORK" # the peer writes (empty) data/ and graph/ folders here

tx_of() { case $1 in *-20k) echo 20000 ;; *-100k) echo 100000 ;; *-1m) echo 1000000 ;; esac; }
lab_of() { echo "${1##*-}"; }

timed() { # label cmd... -> prints "label wall user sys maxrss_kb"
  local label=$1; shift
  local t; t=$(mktemp)
  taskset -c "$CPU" /usr/bin/time -f "%e %U %S %M" -o "$t" "$@" > "$WORK/last-$label.out" 2>&1
  echo "$label $(cat "$t")"; rm -f "$t"
}

for case in "$@"; do
  tx=$(tx_of "$case"); lab=$(lab_of "$case")
  case $case in
    urts-old-*) scen=peer-urts-$lab;               peer=(env PEER_TSA=URTS PEER_TX=$tx "$PEER_BIN/res-sim-tangle-1bef1ac") ;;
    urts-*)     scen=peer-urts-$lab;               peer=(env PEER_TX=$tx "$PEER_BIN/res-sim-tangle-57a7061") ;;
    mcmc-exact-*) scen=peer-mcmc-genesis-exact-$lab; peer=(env PEER_TX=$tx "$PEER_BIN/res-sim-tangle-1bef1ac") ;;
    mcmc-*)     scen=peer-mcmc-genesis-$lab;       peer=(env PEER_TX=$tx "$PEER_BIN/res-sim-tangle-1bef1ac") ;;
    *) echo "unknown case $case" >&2; exit 2 ;;
  esac
  ts=("$TANGLESIM" run "$here/scenarios/$scen.json" --out "$WORK/ts-$scen")
  echo "== $case   $(date -u +%FT%TZ)   load before:$(uptime | sed 's/.*load average://')"
  timed warmup-tanglesim "${ts[@]}" >/dev/null
  timed warmup-peer "${peer[@]}" >/dev/null
  out=$(for i in $(seq "$PAIRS"); do timed tanglesim "${ts[@]}"; timed peer "${peer[@]}"; done)
  echo "$out"
  grep -h 'mean_visible_tips' "$WORK/last-peer.out" | sed 's/^/peer /'
  python3 -c 'import csv, sys; print("TangleSim mean_visible_tips", list(csv.DictReader(open(sys.argv[1])))[0]["mean_visible_tips"])' \
    "$WORK/ts-$scen/summary.csv"
  echo "$out" | python3 -c '
import sys, statistics as st
rows = [l.split() for l in sys.stdin]
a = [float(r[1]) for r in rows if r[0] == "tanglesim"]
b = [float(r[1]) for r in rows if r[0] == "peer"]
print(f"median wall: TangleSim {st.median(a):.3f} s, peer {st.median(b):.3f} s, "
      f"median pairwise ratio peer/TangleSim {st.median([y / x for x, y in zip(a, b)]):.1f}")'
  echo "   load after:$(uptime | sed 's/.*load average://')"
done
