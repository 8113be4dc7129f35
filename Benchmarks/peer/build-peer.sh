#!/usr/bin/env bash
# Build IOTA's research simulator res-sim-tangle (Go) for the paired benchmark described in
# Benchmarks/peer/README.md. A manual tool: CI must not call it.
#
# It builds two binaries from two commits of res-sim-tangle:
#   $OUT/bin/res-sim-tangle-57a7061   HEAD (URTS, RURTS, HPS)            -> URTS runs
#   $OUT/bin/res-sim-tangle-1bef1ac   newest commit with the alpha walk  -> MCMC runs
# (52b5253, "changed files", deleted the random walks; 1bef1ac is its parent.)
#
# Inputs: git directories (bare or not) of these GitHub repositories, as
#   $MIRROR/<owner>+<name>/repo   (default MIRROR=/work/.mirror)
#     iotaledger/res-sim-tangle   the peer
#     gonum/gonum                 tag v0.6.1    (gonum.org/v1/gonum, as the peer's go.mod)
#     willf/bitset                tag v1.1.10
#     schollz/progressbar         tag v1.0.0
#     iotaledger/iota.go          tag v1.0.0-beta.10 (only its trinary + consts packages)
#     pkg/errors                  tag v0.8.1    (needed by iota.go/trinary)
#     capossele/GoGraphviz        commit 7802999 (the peer's Tangle drawing; off in our runs)
# With network access, `./build-peer.sh --clone` clones any that are missing into $MIRROR.
#
# The build is offline and in GOPATH mode (GO111MODULE=off): each dependency is `git archive`d
# at the exact version the peer's go.mod / go.sum pins, into $OUT/gopath/src/<import path>.
# (Module mode with `replace` directives would also need go.mod files for every module in
# gonum's and iota.go's dependency graphs - dozens of repositories - because the peer's go.mod
# says `go 1.13`, which turns off module-graph pruning. GOPATH mode needs only the packages
# actually compiled.)
#
# What is changed in the peer's tree (the simulation code is not touched):
#   1. parseRealData.go is deleted: it imports a Tangle from a live IRI node (iota.go's api
#      package) and its ZeroMQ feed (capossele/zmq-backend, which needs the C library libzmq).
#      No simulation run calls it. At 1bef1ac, main.go's runRealDataEvaluation (never called)
#      refers to four of its functions: stub_realdata.go defines them to exit with an error.
#   2. main.go's `func main()` is renamed resSimTangleMain (kept, unused): the peer's main
#      sweeps 32 values of a parameter (HEAD) or runs 10 Tangles on NumCPU/2-1 goroutines,
#      which is 0 on a 2-core machine (1bef1ac), and writes analysis files.
#   3. peerbench_main.go (written below, not res-sim-tangle code) is the new main: it calls the
#      peer's own newParameters(), overrides the fields listed there from PEER_* environment
#      variables, runs ONE Tangle with the peer's own (*Parameters).RunTangle(), and prints the
#      mean number of visible tips (from the peer's own per-transaction tip count) and the
#      simulation's own wall time.
#   4. HEAD only: an_numTips.go calls stat.MeanInt and stat.VarInt, which no gonum release has
#      (HEAD does not compile as published). They are replaced by peerMeanInt / peerVarInt,
#      defined in peerbench_main.go (mean; unbiased variance, as gonum's stat.Variance). They
#      are used only by the end-of-run tip statistics, which the driver does not call.
#
# Usage: ./build-peer.sh [--clone]     (env: MIRROR, OUT=/tmp/peer-build, GO=go)
set -euo pipefail

MIRROR=${MIRROR:-/work/.mirror}
OUT=${OUT:-/tmp/peer-build}
GO=${GO:-go}
HEAD_COMMIT=57a7061
WALK_COMMIT=1bef1ac

repos="iotaledger/res-sim-tangle gonum/gonum willf/bitset schollz/progressbar iotaledger/iota.go pkg/errors capossele/GoGraphviz"

gitdir() { # owner/name -> its git directory
  local d="$MIRROR/${1/\//+}/repo"
  if [ -d "$d/.git" ]; then echo "$d/.git"; elif [ -d "$d" ]; then echo "$d"; else return 1; fi
}

if [ "${1:-}" = "--clone" ]; then
  for r in $repos; do
    gitdir "$r" >/dev/null 2>&1 || git clone --bare "https://github.com/$r" "$MIRROR/${r/\//+}/repo"
  done
fi
for r in $repos; do
  gitdir "$r" >/dev/null || { echo "missing git dir for $r under $MIRROR (try --clone)" >&2; exit 1; }
done

rm -rf "$OUT/gopath" "$OUT/src-$HEAD_COMMIT" "$OUT/src-$WALK_COMMIT"
mkdir -p "$OUT/gopath/src" "$OUT/bin"

dep() { # owner/name  rev  import-path
  local g; g=$(gitdir "$1")
  mkdir -p "$OUT/gopath/src/$3"
  git --git-dir="$g" archive "$2" | tar -x -C "$OUT/gopath/src/$3"
  echo "dep $3 = $1@$2 ($(git --git-dir="$g" rev-parse --short "$2^{commit}"))"
}
dep gonum/gonum          v0.6.1           gonum.org/v1/gonum
dep willf/bitset         v1.1.10          github.com/willf/bitset
dep schollz/progressbar  v1.0.0           github.com/schollz/progressbar
dep iotaledger/iota.go   v1.0.0-beta.10   github.com/iotaledger/iota.go
dep pkg/errors           v0.8.1           github.com/pkg/errors
dep capossele/GoGraphviz 7802999          github.com/capossele/GoGraphviz

PEER_GIT=$(gitdir iotaledger/res-sim-tangle)

# ---- the driver (not res-sim-tangle code), shared part ----
common_driver='
func peerEnv(name string, def float64) float64 {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bad", name, err)
		os.Exit(2)
	}
	return v
}

func peerReport(commit, tsa string, lambda, alpha float64, h, k, n, warm int, seed int64,
	nTips []int, el time.Duration, perf Benchmark) {
	sum := 0.
	for _, v := range nTips[warm+1:] {
		sum += float64(v)
	}
	fmt.Printf("res-sim-tangle %s: TSA=%s lambda=%g alpha=%g h=%d k=%d transactions=%d seed=%d\n",
		commit, tsa, lambda, alpha, h, k, n, seed)
	fmt.Printf("mean_visible_tips %.3f (over transactions %d..%d)\n", sum/float64(len(nTips)-warm-1), warm+1, len(nTips)-1)
	for name, d := range perf {
		fmt.Printf("peer_timer %q %.3f s\n", name, d.Seconds())
	}
	fmt.Printf("simulation_seconds %.3f\n", el.Seconds())
}
'

build() { # commit  driver-body
  local c=$1 src="$OUT/src-$1"
  mkdir -p "$src"
  git --git-dir="$PEER_GIT" archive "$c" | tar -x -C "$src"
  rm "$src/parseRealData.go"
  sed -i 's/^func main() {$/func resSimTangleMain() {/' "$src/main.go"
  sed -i 's/stat\.MeanInt(/peerMeanInt(/; s/stat\.VarInt(/peerVarInt(/' "$src/an_numTips.go"
  grep -q '^func resSimTangleMain() {$' "$src/main.go"
  {
    echo '// Code generated by TangleSim Benchmarks/peer/build-peer.sh; not part of res-sim-tangle.'
    echo 'package main'
    echo 'import ("fmt"; "os"; "strconv"; "time")'
    echo "$common_driver"
    echo "$2"
  } > "$src/peerbench_main.go"
  (cd "$src" && GO111MODULE=off GOPATH="$OUT/gopath" GOFLAGS= CGO_ENABLED=0 \
     "$GO" build -o "$OUT/bin/res-sim-tangle-$c" .)
  echo "built $OUT/bin/res-sim-tangle-$c from $(git --git-dir="$PEER_GIT" rev-parse "$c")"
}

# HEAD: URTS. newParameters(variable, simStep) hardcodes lambda = 100 (and sets the
# adversary share q = variable; we pass 0 and set q = 0: no adversary).
build $HEAD_COMMIT '
func peerMeanInt(x []int) float64 {
	s := 0.
	for _, v := range x {
		s += float64(v)
	}
	return s / float64(len(x))
}
func peerVarInt(x []int) float64 {
	m, s := peerMeanInt(x), 0.
	for _, v := range x {
		s += (float64(v) - m) * (float64(v) - m)
	}
	return s / float64(len(x)-1)
}

func main() {
	n := int(peerEnv("PEER_TX", 20000))
	h := int(peerEnv("PEER_H", 1))
	warm := int(peerEnv("PEER_WARMUP_TX", 1000))
	seed := int64(peerEnv("PEER_SEED", 1))
	if os.Getenv("PEER_TSA") != "" && os.Getenv("PEER_TSA") != "URTS" {
		fmt.Fprintln(os.Stderr, "this build runs URTS only")
		os.Exit(2)
	}
	p := newParameters(0, 0)
	p.TSA, p.tsa = "URTS", URTS{}
	p.K, p.Hsmall, p.Hlarge, p.p = 2, h, h, 0
	p.q = 0
	p.nParallelSims, p.nRun, p.Seed = 1, 1, seed
	p.TangleSize = n + 1 // the genesis + n transactions
	p.minCut = warm
	p.maxCut = p.TangleSize - p.maxCutrange
	p.CountTipsEnabled = true     // O(1) per transaction: the number of visible tips each tx sees
	p.AnOrphanageEnabled = false  // end-of-run orphanage analysis (default on): off
	p.drawTangleMode = 0
	start := time.Now()
	r, perf := p.RunTangle()
	el := time.Since(start)
	peerReport("57a7061", p.TSA, p.Lambda, 0, h, p.K, n, warm, seed, r.tipsResult.nTips[0], el, perf)
}
'

# 1bef1ac: the alpha walk from the genesis (BRW; URW when alpha = 0) or URTS.
build $WALK_COMMIT '
func pullData(a, b, c string, n int) error { return fmt.Errorf("real-data import removed from this build") }
func (sim *Sim) buildTangleFromFile(a, b string) error {
	return fmt.Errorf("real-data import removed from this build")
}
func isRefConsistent(t []Tx) bool { return false }
func isTOAConsistent(t []Tx) bool { return false }

func main() {
	lambda := peerEnv("PEER_LAMBDA", 100)
	alpha := peerEnv("PEER_ALPHA", 0.01)
	n := int(peerEnv("PEER_TX", 20000))
	h := int(peerEnv("PEER_H", 1))
	warm := int(peerEnv("PEER_WARMUP_TX", 10*lambda))
	seed := int64(peerEnv("PEER_SEED", 1))
	tsa := os.Getenv("PEER_TSA")
	if tsa == "" {
		tsa = "RW"
	}
	p := newParameters(lambda, alpha)
	switch tsa {
	case "RW":
		p.TSA = "RW"
		if alpha == 0 {
			p.tsa = URW{}
		} else {
			p.tsa = BRW{}
		}
	case "URTS":
		p.TSA, p.tsa = "URTS", URTS{}
	default:
		fmt.Fprintln(os.Stderr, "PEER_TSA must be RW or URTS")
		os.Exit(2)
	}
	p.K, p.H = 2, h
	p.nParallelSims, p.nRun, p.Seed = 1, 1, seed
	p.TangleSize = n + 1 // the genesis + n transactions
	p.minCut = warm
	p.maxCut = p.TangleSize - p.maxCutrange
	p.CountTipsEnabled = true // O(1) per transaction (default off here)
	p.drawTangleMode = 0      // default 1: a Graphviz drawing of every Tangle
	start := time.Now()
	r, perf := p.RunTangle()
	el := time.Since(start)
	peerReport("1bef1ac", p.TSA, p.Lambda, p.Alpha, h, p.K, n, warm, seed, r.tips.nTips[0], el, perf)
}
'
echo "done: $OUT/bin"
