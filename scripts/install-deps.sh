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
  # the processes' allocator (README, "Dependencies")
  libgoogle-perftools-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev procps psmisc
  # test-only peers: FUSE baselines (bindfs, rclone mount), fio, S3 clients, nftables for partitions
  fio bindfs rclone rsync git awscli python3-boto3 s3cmd nftables
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The machine's Node.js (with npm) runs s3rver; Debian's npm only where none is present.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
else
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# s3rver (a local S3 server, test-only) from the npm registry, outside the repository.
S3RVER_DIR=${ALLUXIO_TEST_TOOLS:-/opt/alluxio-test-tools}
if [ ! -x "$S3RVER_DIR/node_modules/.bin/s3rver" ]; then
  echo "install-deps: installing s3rver into $S3RVER_DIR"
  $SUDO mkdir -p "$S3RVER_DIR"
  $SUDO npm install --prefix "$S3RVER_DIR" s3rver@3.7.1 --no-audit --no-fund --loglevel=error
fi
