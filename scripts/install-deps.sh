#!/usr/bin/env bash
# Installs every Debian 12 package this project needs to build, test and benchmark.
# Called by the README's two commands and by .ci/run. Safe to run repeatedly.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config ccache clang-format
  # RPC and serialization
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler libabsl-dev
  # storage, journal, compression, hashing
  librocksdb-dev libraft-dev libuv1-dev zlib1g-dev libxxhash-dev liblz4-dev libzstd-dev
  # FUSE, S3, HTTP
  libfuse3-dev fuse3 libcurl4-openssl-dev libssl-dev libboost-dev libboost-system-dev
  # logging, CLI, JSON
  libspdlog-dev libfmt-dev libcli11-dev nlohmann-json3-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev procps psmisc
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
