#!/usr/bin/env bash
# Configures and builds the project into build/ (Release with debug info, warnings as errors).
# Extra arguments are passed to cmake (e.g. -DALLUXIO_SANITIZE=ON).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DALLUXIO_WERROR=ON "$@" >/dev/null
ninja -C "$BUILD_DIR" -j"${JOBS:-2}"
