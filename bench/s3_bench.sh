#!/usr/bin/env bash
# S3 gateway benchmark (issue 7), run by hand on an idle machine, never by CI:
#   bench/s3_bench.sh [build dir (default: build)] [rounds (default: 5)] [small ops (default: 500)]
# Starts a master, a worker (RAM tier in /dev/shm, 64 MiB blocks) and alluxio-proxy in a temp dir,
# and s3rver (/opt/alluxio-test-tools, data dir in the same temp dir) on loopback. The same client
# drives both: curl 7.88 (C, no client-side bottleneck below ~GiB/s), SigV4-signed with
# --aws-sigv4 for both (the gateway ignores the signature by default). Measures, per target:
#   GET 64 MiB   the median of `rounds` downloads to /dev/null (cached in Alluxio: written first)
#   PUT 64 MiB   the median of `rounds` uploads (gateway: alluxio.proxy.s3.writetype, default
#                CACHE_THROUGH, i.e. worker RAM + the local UFS under /tmp; s3rver: its files)
#   GET/PUT 4 KiB  ops/s over `small ops` requests on one keep-alive connection
#   cold 64 MiB  s3rver's bucket mounted in Alluxio (S3 under-store), freed before each read: read
#                with `alluxio fs cat` and through the gateway, against GET from s3rver directly
# and prints the ratios gateway (or Alluxio) / s3rver (goal: cached GET >= 3x).
set -u -o pipefail
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$(cd "${1:-$SRC/build}" && pwd) || exit 1
ROUNDS=${2:-5}
NSMALL=${3:-500}
WRITETYPE=${WRITETYPE:-CACHE_THROUGH}
S3RVER=/opt/alluxio-test-tools/node_modules/.bin/s3rver
# shellcheck source=tests/system/lib.sh
. "$SRC/tests/system/lib.sh"
for tool in curl node python3; do
  command -v "$tool" >/dev/null || { echo "s3_bench needs $tool" >&2; exit 1; }
done
[[ -x "$S3RVER" ]] || { echo "s3_bench needs $S3RVER (scripts/install-deps.sh)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/alluxio-s3-bench-XXXXXX) || exit 1
RAM=$(mktemp -d /dev/shm/alluxio-s3-bench-XXXXXX) || exit 1
mkdir -p "$WORK/conf" "$WORK/s3rver"
export ALLUXIO_HOME=$SRC ALLUXIO_BIN_DIR=$BUILD/bin ALLUXIO_CONF_DIR=$WORK/conf
unset ALLUXIO_LOGS_DIR ALLUXIO_MASTER_HOSTNAME ALLUXIO_MASTER_MOUNT_TABLE_ROOT_UFS
S3RVER_PID=""
finish() {
  [[ -n "$S3RVER_PID" ]] && kill "$S3RVER_PID" 2>/dev/null && wait "$S3RVER_PID" 2>/dev/null
  "$SRC/bin/alluxio-stop.sh" local >/dev/null 2>&1
  for p in "$WORK"/run/*.pid; do [[ -f "$p" ]] && kill -9 "$(cat "$p")" 2>/dev/null; done
  rm -rf "$WORK" "$RAM"
}
trap finish EXIT

write_cluster_site "$WORK/conf/alluxio-site.properties" "$WORK" "$RAM"
cat >>"$WORK/conf/alluxio-site.properties" <<CONF
alluxio.worker.ramdisk.size=4GB
alluxio.user.block.size.bytes.default=64MB
alluxio.proxy.web.bind.host=127.0.0.1
alluxio.proxy.s3.writetype=$WRITETYPE
CONF
PORT=$(sed -n 's/^alluxio.proxy.web.port=//p' "$WORK/conf/alluxio-site.properties")
"$SRC/bin/alluxio-start.sh" local NoMount >/dev/null || { echo "cluster failed to start" >&2; exit 1; }
S3PORT=$(pick_port)
node "$S3RVER" -d "$WORK/s3rver" -a 127.0.0.1 -p "$S3PORT" --silent >"$WORK/s3rver.log" 2>&1 &
S3RVER_PID=$!
deadline=$((SECONDS + 30))
until curl -s -o /dev/null "http://127.0.0.1:$S3PORT/" || ((SECONDS > deadline)); do sleep 0.1; done

declare -A ENDPOINT=([gateway]="http://127.0.0.1:$PORT/api/v1/s3" [s3rver]="http://127.0.0.1:$S3PORT")
# The gateway's access key is the Alluxio user (this user: the cluster's superuser).
declare -A KEY=([gateway]="$(id -un):unused" [s3rver]="S3RVER:S3RVER")
head -c $((64 << 20)) /dev/urandom >"$WORK/big"
head -c 4096 /dev/urandom >"$WORK/small"

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A R
for t in gateway s3rver; do
  e=${ENDPOINT[$t]}
  CURL=(curl -sS --fail --noproxy '*' --aws-sigv4 "aws:amz:us-east-1:s3" --user "${KEY[$t]}"
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD")
  "${CURL[@]}" -X PUT -o /dev/null "$e/bench" || { echo "$t: create bucket failed" >&2; exit 1; }
  # PUT 64 MiB (the last one stays for the GETs).
  put=$(for i in $(seq "$ROUNDS"); do
    "${CURL[@]}" -o /dev/null -w '%{time_total}\n' -T "$WORK/big" "$e/bench/big"
  done | median)
  get=$(for i in $(seq "$ROUNDS"); do
    "${CURL[@]}" -o /dev/null -w '%{time_total}\n' "$e/bench/big"
  done | median)
  "${CURL[@]}" -o "$WORK/check" "$e/bench/big" && cmp -s "$WORK/big" "$WORK/check" ||
    { echo "$t: GET returned other bytes" >&2; exit 1; }
  R[$t.put]=$(python3 -c "print(64 / $put)")
  R[$t.get]=$(python3 -c "print(64 / $get)")
  # 4 KiB: all requests on one connection.
  args=()
  for i in $(seq "$NSMALL"); do args+=(-T "$WORK/small" "$e/bench/s$i"); done
  t0=$(date +%s.%N)
  "${CURL[@]}" -o /dev/null "${args[@]}" || { echo "$t: small PUTs failed" >&2; exit 1; }
  t1=$(date +%s.%N)
  args=()
  for i in $(seq "$NSMALL"); do args+=("$e/bench/s$i" -o /dev/null); done
  "${CURL[@]}" "${args[@]}" || { echo "$t: small GETs failed" >&2; exit 1; }
  t2=$(date +%s.%N)
  R[$t.sput]=$(python3 -c "print($NSMALL / ($t1 - $t0))")
  R[$t.sget]=$(python3 -c "print($NSMALL / ($t2 - $t1))")
done

# Cold reads of S3-UFS data: s3rver's bucket mounted in Alluxio as an S3 under-store; every round
# frees the file first, so each read goes worker <- s3rver. Through the native CLI (fs cat) and
# through the gateway (the mount point is a bucket), against GET from s3rver directly (above).
A=$SRC/bin/alluxio
"$A" fs mount /s3cold s3://bench/ --option "alluxio.underfs.s3.endpoint=http://127.0.0.1:$S3PORT" \
  --option s3a.accessKeyId=S3RVER --option s3a.secretKey=S3RVER >/dev/null ||
  { echo "mounting s3rver's bucket failed" >&2; exit 1; }
GW=(curl -sS --fail --noproxy '*' --aws-sigv4 "aws:amz:us-east-1:s3" --user "${KEY[gateway]}"
  -H "x-amz-content-sha256: UNSIGNED-PAYLOAD")
cold_cli=$(for i in $(seq "$ROUNDS"); do
  "$A" fs free /s3cold/big >/dev/null
  t0=$(date +%s.%N)
  "$A" fs cat /s3cold/big >/dev/null
  t1=$(date +%s.%N)
  python3 -c "print($t1 - $t0)"
done | median)
cold_gw=$(for i in $(seq "$ROUNDS"); do
  "$A" fs free /s3cold/big >/dev/null
  "${GW[@]}" -o /dev/null -w '%{time_total}\n' "${ENDPOINT[gateway]}/s3cold/big"
done | median)
"$A" fs cat /s3cold/big | cmp -s - "$WORK/big" || { echo "cold read returned other bytes" >&2; exit 1; }
R[gateway.coldcli]=$(python3 -c "print(64 / $cold_cli)")
R[gateway.coldgw]=$(python3 -c "print(64 / $cold_gw)")
R[s3rver.coldcli]=${R[s3rver.get]}
R[s3rver.coldgw]=${R[s3rver.get]}

printf '\n%-22s %12s %12s %8s\n' "" gateway s3rver ratio
row() { printf '%-22s %12.1f %12.1f %7.2fx\n' "$1" "${R[gateway.$2]}" "${R[s3rver.$2]}" \
  "$(python3 -c "print(${R[gateway.$2]} / ${R[s3rver.$2]})")"; }
row "GET 64 MiB (MiB/s)" get
row "PUT 64 MiB (MiB/s)" put
row "GET 4 KiB (ops/s)" sget
row "PUT 4 KiB (ops/s)" sput
row "cold 64 MiB, fs cat" coldcli
row "cold 64 MiB, gateway" coldgw
echo "(medians of $ROUNDS rounds; $NSMALL small ops on one connection; writetype $WRITETYPE; curl client)"
