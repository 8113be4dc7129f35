#!/usr/bin/env bash
# From a fresh clone: installs what is missing and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-dependencies.sh
swift test -c release -Xswiftc -enable-testing "$@"
