#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# System test of the data path with real processes started by the scripts:
# bin/alluxio-start.sh local (master + worker with a RAM tier under /dev/shm), then
# copyFromLocal / cat / copyToLocal of a 200 MB file with matching MD5s, free and re-read from the
# UFS, a worker restart that keeps its cached blocks, and bin/alluxio-stop.sh local.
#   data_test.sh <source dir> <binary dir>
set -u -o pipefail
# shellcheck source=tests/system/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

init_system_test data-test "$@"
FAILED=0

trap finish_local_cluster EXIT

write_cluster_site "$WORK/conf/alluxio-site.properties" "$WORK" "$RAM"
cat >>"$WORK/conf/alluxio-site.properties" <<CONF
alluxio.worker.ramdisk.size=512MB
alluxio.user.block.size.bytes.default=16MB
alluxio.user.file.writetype.default=CACHE_THROUGH
alluxio.user.rpc.retry.max.duration=20sec
CONF


"$SRC/bin/alluxio-start.sh" local NoMount || { FAILED=1; tail -n 30 "$WORK"/logs/*.log; exit 1; }

head -c 200000000 /dev/urandom >"$WORK/data.bin"
want=$(md5sum <"$WORK/data.bin" | cut -d' ' -f1)

expect "copyFromLocal" "$A" fs copyFromLocal "$WORK/data.bin" /data.bin
expect "cat matches" test "$("$A" fs cat /data.bin | md5sum | cut -d' ' -f1)" == "$want"
expect "copyToLocal" "$A" fs copyToLocal /data.bin "$WORK/copy.bin"
expect "copyToLocal matches" cmp -s "$WORK/data.bin" "$WORK/copy.bin"
expect "checksum" grep -q "$want" <("$A" fs checksum /data.bin)
expect "the UFS holds the file (CACHE_THROUGH)" cmp -s "$WORK/data.bin" "$WORK/underFSStorage/data.bin"
expect "fully cached" grep -q "100%" <("$A" fs ls /data.bin)
# The 12 blocks (16 MB) written through short-circuit are one packed file on the ramdisk, the file
# itself byte for byte.
packed=$(find "$RAM/alluxioworker/.packed" -type f)
expect "one packed file in the RAM tier (got: $packed)" test "$(wc -w <<<"$packed")" -eq 1
expect "the packed file is the file" cmp -s "$WORK/data.bin" "$packed"

# A worker restart keeps the cache.
"$SRC/bin/alluxio-stop.sh" worker >/dev/null
"$SRC/bin/alluxio-start.sh" worker NoMount >/dev/null || fail "worker restart"
expect "still 100% cached after a worker restart" grep -q "100%" <("$A" fs ls /data.bin)
rm -f "$WORK/copy.bin"
expect "copyToLocal after restart" "$A" fs copyToLocal /data.bin "$WORK/copy.bin"
expect "copy after restart matches" cmp -s "$WORK/data.bin" "$WORK/copy.bin"

# Free, then read again from the UFS.
expect "free" "$A" fs free /data.bin
expect "0% cached after free" grep -q " 0%" <("$A" fs ls /data.bin)
expect "cat after free matches" test "$("$A" fs cat /data.bin | md5sum | cut -d' ' -f1)" == "$want"

if (( FAILED > 0 )); then
  echo "$FAILED check(s) failed"
  exit 1
fi
echo "data_test: all checks passed"
