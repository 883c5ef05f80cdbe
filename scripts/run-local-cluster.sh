#!/usr/bin/env bash
# The README's first command: installs dependencies, builds, starts a local Alluxio master on a
# local UFS folder (under ./underFSStorage, journal in ./journal, logs in ./logs) and shows the
# `alluxio fs` commands working. Stop it with: bin/alluxio-stop.sh master
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
if [[ ! -f conf/alluxio-site.properties ]]; then
  cp conf/alluxio-site.properties.template conf/alluxio-site.properties
  echo "alluxio.master.hostname=localhost" >>conf/alluxio-site.properties
fi
bin/alluxio-start.sh master
echo
echo "== Demo: the namespace through the master (journaled, durable) =="
set -x
bin/alluxio fs mkdir /demo /demo/inputs
bin/alluxio fs touch /demo/inputs/part-0000
bin/alluxio fs ls -R /demo
bin/alluxio fs mv /demo/inputs/part-0000 /demo/inputs/part-0001
bin/alluxio fs stat -f "%N %z bytes, owner %u" /demo/inputs/part-0001
ls -l underFSStorage/demo/inputs
bin/alluxio fs rm -R /demo
set +x
echo
echo "The master is running (bin/alluxio fs help lists the commands; bin/alluxio-stop.sh master stops it)."
