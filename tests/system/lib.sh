# SPDX-License-Identifier: Apache-2.0
# Sourced by the system tests: a free loopback port and pass/fail bookkeeping.
# Counters: PASSED, FAILED (the sourcing script reports them).
PASSED=${PASSED:-0}
FAILED=${FAILED:-0}

# A TCP port free on 127.0.0.1 right now.
pick_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

fail() {
  echo "FAIL: $*" >&2
  FAILED=$((FAILED + 1))
}

# expect DESCRIPTION COMMAND...: runs COMMAND; counts a pass, or a failure named DESCRIPTION.
expect() {
  local what=$1
  shift
  if "$@"; then PASSED=$((PASSED + 1)); else fail "$what"; fi
}

# write_cluster_site CONF_FILE WORK RAM: the site file of a one-host test cluster — work dir,
# localhost master and worker on free ports, the MEM tier in RAM, fast heartbeats, no safe mode.
# Callers append their own keys (sizes, write type, retry budget) with `cat >>`.
write_cluster_site() {
  cat >"$1" <<CONF
alluxio.work.dir=$2
alluxio.master.hostname=localhost
alluxio.master.rpc.port=$(pick_port)
alluxio.master.embedded.journal.port=$(pick_port)
alluxio.worker.hostname=localhost
alluxio.worker.rpc.port=$(pick_port)
alluxio.worker.web.port=$(pick_port)
alluxio.proxy.web.port=$(pick_port)
alluxio.worker.tieredstore.level0.dirs.path=$3
alluxio.worker.block.heartbeat.interval=200ms
# No safe mode after each (re)start: the worker registers within a heartbeat here.
alluxio.master.worker.connect.wait.time=0sec
CONF
}
