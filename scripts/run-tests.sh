#!/usr/bin/env bash
# The README's second command: installs dependencies, builds everything and runs the whole test
# suite (unit, integration and system tests) with CTest, two tests at a time.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
cd "${BUILD_DIR:-build}"
ctest -j2 --output-on-failure --timeout 600 "$@"
