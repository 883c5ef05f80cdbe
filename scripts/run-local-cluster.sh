#!/usr/bin/env bash
# The README's first command: installs dependencies, builds, starts a local Alluxio cluster — a
# master on a local UFS folder (./underFSStorage, journal in ./journal, logs in ./logs) and a
# worker caching blocks in a RAM tier (/dev/shm/alluxio-ramdisk, 1GB) — and shows data written
# and read through the cache. Stop it with: bin/alluxio-stop.sh local
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
[[ -f conf/alluxio-site.properties ]] ||
  cp conf/alluxio-site.properties.template conf/alluxio-site.properties
# The demo's settings, unless the site file already sets them.
for kv in alluxio.master.hostname=localhost alluxio.worker.hostname=localhost \
    alluxio.worker.ramdisk.size=1GB \
    alluxio.worker.tieredstore.level0.dirs.path=/dev/shm/alluxio-ramdisk; do
  grep -q "^${kv%%=*}=" conf/alluxio-site.properties || echo "$kv" >>conf/alluxio-site.properties
done
mkdir -p "$(bin/alluxio getConf alluxio.worker.tieredstore.level0.dirs.path)"
bin/alluxio-start.sh local NoMount
echo
echo "== Demo: data through the cache =="
demo=$(mktemp -d)
trap 'rm -rf "$demo"' EXIT
head -c 100000000 /dev/urandom >"$demo/data.bin"
bin/alluxio fs rm -R /demo >/dev/null 2>&1 || true  # left by an earlier run
set -x
bin/alluxio fs mkdir /demo
bin/alluxio fs copyFromLocal "$demo/data.bin" /demo/data.bin
bin/alluxio fs ls /demo
bin/alluxio fs checksum /demo/data.bin
md5sum "$demo/data.bin"
bin/alluxio fs copyToLocal /demo/data.bin "$demo/copy.bin"
cmp "$demo/data.bin" "$demo/copy.bin"
bin/alluxio fsadmin report capacity
bin/alluxio fs persist /demo/data.bin
bin/alluxio fs free /demo/data.bin
bin/alluxio fs ls /demo
bin/alluxio fs cat /demo/data.bin | md5sum
ls -l underFSStorage/demo
bin/alluxio fs rm -R /demo
set +x
echo
echo "The cluster is running (bin/alluxio fs help lists the commands; bin/alluxio-stop.sh local stops it)."
