#!/usr/bin/env bash
# Regenerates the reference outputs of the shipped scenarios (Tests/Reference/) and prints
# how they changed. Run it only when a change alters results on purpose, and say why in the
# commit message. The regression test (Tests/TangleSimCLITests/RegressionTests.swift) compares
# every later build with these files byte for byte.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-dependencies.sh
TANGLESIM_UPDATE_REFERENCES=1 swift test -c release -Xswiftc -enable-testing --filter RegressionTests
git add -N Tests/Reference
git --no-pager diff --stat -- Tests/Reference
git --no-pager diff -- Tests/Reference
