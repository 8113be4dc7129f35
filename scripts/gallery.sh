#!/usr/bin/env bash
# Regenerates the README's gallery, docs/figures/*.svg, from Scenarios/papers/: runs each
# paper scenario (sweeps on all cores) into Results/ and draws its figures with tanglesim plot
# (gnuplot) and tanglesim draw (Graphviz). The gnuplot scripts and data land beside the
# figures (ignored by git). About 80 s on two cores once built (the strategies zoo takes a minute); the sweeps resume from
# Results/, so delete those folders to rerun them from scratch.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-dependencies.sh
swift build -c release --product tanglesim >/dev/null
t=.build/release/tanglesim
out=docs/figures
$t sweep Scenarios/papers/urts-tips.json >/dev/null 2>&1 && $t plot Results/urts-tips --out $out
$t run Scenarios/papers/urts-weight-growth.json >/dev/null && $t plot Results/urts-weight-growth --out $out
$t sweep Scenarios/papers/mcmc-alpha.json >/dev/null 2>&1 && $t plot Results/mcmc-alpha --out $out
$t sweep Scenarios/papers/coordinator-latency.json >/dev/null 2>&1 && $t plot Results/coordinator-latency --out $out
$t compare Scenarios/papers/strategies.json --replications 5 >/dev/null && $t plot Results/strategies --out $out
$t compare Scenarios/papers/strategies-zoo.json >/dev/null && $t plot Results/strategies-zoo --out $out
$t compare Scenarios/iot-pow.json >/dev/null && $t plot Results/iot-pow --out $out
$t draw Scenarios/papers/tangle-picture.json --transactions 100 --out $out
