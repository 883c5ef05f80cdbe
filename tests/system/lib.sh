# SPDX-License-Identifier: Apache-2.0
# Sourced by the system tests: a free loopback port and pass/fail bookkeeping.
# Counters: PASSED, FAILED (the sourcing script reports them).
PASSED=${PASSED:-0}
FAILED=${FAILED:-0}

# init_system_test NAME SRC_DIR BUILD_DIR: the common start of a system test. Sets SRC and BUILD
# (absolute), a temporary WORK dir (with WORK/conf) and RAM dir (in /dev/shm) named after NAME, the
# environment the scripts read (ALLUXIO_HOME, ALLUXIO_BIN_DIR, ALLUXIO_CONF_DIR=WORK/conf; the
# machine's own overrides unset), and A, START, STOP for bin/alluxio, alluxio-start.sh and
# alluxio-stop.sh.
init_system_test() {
  local name=$1
  SRC=$(cd "${2:?usage: $name.sh <source dir> <binary dir>}" && pwd) || exit 2
  BUILD=$(cd "${3:?usage: $name.sh <source dir> <binary dir>}" && pwd) || exit 2
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/alluxio-$name-XXXXXX") || exit 1
  RAM=$(mktemp -d "/dev/shm/alluxio-$name-XXXXXX") || exit 1
  mkdir -p "$WORK/conf"
  export ALLUXIO_HOME=$SRC ALLUXIO_BIN_DIR=$BUILD/bin ALLUXIO_CONF_DIR=$WORK/conf
  unset ALLUXIO_LOGS_DIR ALLUXIO_MASTER_HOSTNAME ALLUXIO_MASTER_MOUNT_TABLE_ROOT_UFS
  A=$SRC/bin/alluxio
  START=$SRC/bin/alluxio-start.sh
  STOP=$SRC/bin/alluxio-stop.sh
}

# kill_pid_files DIR...: kill -9 of every process with a pid file in DIR/run (leftovers).
kill_pid_files() {
  local d p
  for d in "$@"; do
    for p in "$d"/run/*.pid; do [[ -f "$p" ]] && kill -9 "$(cat "$p")" 2>/dev/null; done
  done
}

# remove_work [KEEP]: deletes WORK unless a check failed or KEEP is 1 (then says where it is);
# deletes RAM in any case.
remove_work() {
  if ((FAILED > 0)) || [[ "${1:-}" == 1 ]]; then
    echo "Kept $WORK (logs in $WORK/logs)"
  else
    rm -rf "$WORK"
  fi
  rm -rf "$RAM"
}

# finish_local_cluster: the EXIT trap of a test that runs `alluxio-start.sh local`: stops it,
# kills leftovers, removes the work dirs (see remove_work).
finish_local_cluster() {
  "$STOP" local >/dev/null 2>&1
  kill_pid_files "$WORK"
  remove_work
}

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
