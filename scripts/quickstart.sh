#!/usr/bin/env bash
# From a fresh clone: installs what is missing, builds TangleSim (release) and runs the
# default scenario end to end. Results land in Results/quickstart/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-dependencies.sh
swift build -c release --product tanglesim
.build/release/tanglesim run "${1:-Scenarios/quickstart.json}"
