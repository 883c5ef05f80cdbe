#!/usr/bin/env bash
# Starts Alluxio processes, with Alluxio's arguments:
#   alluxio-start.sh [-hNwa] [-i backup] ACTION [MOPT] [-f] [-c cache]
# Pid files go to ${alluxio.work.dir}/run and logs to ${alluxio.logs.dir} (master.log,
# worker.log), so clusters with different configurations never touch each other's processes.
# masters/workers/all run on every host of conf/masters / conf/workers: this machine directly,
# other hosts over ssh with the same ALLUXIO_HOME and ALLUXIO_CONF_DIR.
# After starting, unless -a, each service is polled until it is healthy (master: answers
# `fs test -e /`; worker: registered with the master and its RPC port open; proxy: answers
# GET /api/v1/proxy/info), it dies (the log's
# tail is printed) or 120 s pass: "[ OK ] ..." or "[ FAILED ] ..." per service, exit 1 on failure.
# -c CACHE restores a worker cache written by alluxio-stop.sh -c (see there); it is verified
# against its md5sums before anything is stopped or touched. Design: docs/design/operations.md.
# shellcheck source=../libexec/alluxio-config.sh
. "$(dirname "${BASH_SOURCE[0]}")/../libexec/alluxio-config.sh"
BIN=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

USAGE="Usage: alluxio-start.sh [-hNwa] [-i backup] ACTION [MOPT] [-f] [-c cache]
Where ACTION is one of:
  all [MOPT] [-c cache]     \tStart all masters and workers.
  local [MOPT] [-c cache]   \tStart all processes locally.
  master                    \tStart the local master on this node.
  masters                   \tStart masters on master nodes.
  worker  [MOPT] [-c cache] \tStart a worker on this node.
  workers [MOPT] [-c cache] \tStart workers on worker nodes.
  restart_worker            \tRestart a failed worker on this node.
  restart_workers           \tRestart any failed workers on worker nodes.
  proxy                     \tStart the proxy (S3 API) on this node.
  proxies                   \tStart proxies on master and worker nodes.

MOPT (Mount Option) is one of:
  Mount    \tMount the configured RamFS if it is not already mounted.
  SudoMount\tMount the configured RamFS using sudo if it is not already mounted.
  NoMount  \tDo not mount the configured RamFS.
           \tNotice: to avoid sudo requirement but using tmpFS in Linux,
             set alluxio.worker.tieredstore.level0.dirs.path under /dev/shm and use NoMount.
  NoMount is assumed if MOPT is not specified.

-a         asynchronously start all processes. The script may exit before all
           processes have been started.
-c cache   populate the worker ramcache(s) for each worker node from the
           specified directory (relative to each worker node's host filesystem).
-f         format Journal, UnderFS Data and Workers Folder on master.
-h         display this help.
-i backup  a journal backup to restore the master from. The backup should be
           a URI path within the root under filesystem, e.g.
           hdfs://mycluster/alluxio_backups/alluxio-journal-YYYY-MM-DD-timestamp.gz.
-N         do not try to kill previous running processes before starting new ones.
-w         wait for processes to end before returning."

async=false; killonstart=true; wait_end=false; journal_backup=""
while getopts "ahNwi:" o; do
  case "$o" in
    a) async=true ;;
    h) echo -e "$USAGE"; exit 0 ;;
    i) journal_backup=$OPTARG ;;
    N) killonstart=false ;;
    w) wait_end=true ;;
    *) echo -e "$USAGE" >&2; exit 1 ;;
  esac
done
shift $((OPTIND - 1))
ACTION=${1:-}
if [[ -z "$ACTION" ]]; then
  echo "Error: no ACTION specified" >&2
  echo -e "$USAGE" >&2
  exit 1
fi
shift
MOPT=${1:-}
case "$ACTION" in
  all|worker|workers|local)
    if [[ -z "$MOPT" ]]; then
      echo "Assuming NoMount by default."
      MOPT=NoMount
    elif [[ "$MOPT" == -f ]]; then
      echo "Assuming SudoMount given -f option."
      MOPT=SudoMount
    else
      shift
    fi
    case "$MOPT" in
      Mount|SudoMount|NoMount) ;;
      -*) echo "This command requires a mount mode be specified" >&2; echo -e "$USAGE" >&2; exit 1 ;;
      *) echo "Invalid mount mode: $MOPT" >&2; echo -e "$USAGE" >&2; exit 1 ;;
    esac ;;
  *) MOPT="" ;;
esac
FORMAT=false; cache=""
OPTIND=1
while getopts "fc:" o; do
  case "$o" in
    f) FORMAT=true ;;
    c) cache=$OPTARG ;;
    *) echo -e "$USAGE" >&2; exit 1 ;;
  esac
done
shift $((OPTIND - 1))
if (($# > 0)); then
  echo "Error: unexpected argument: $1" >&2
  echo -e "$USAGE" >&2
  exit 1
fi

HOST=$(hostname)
FQDN=$(hostname -f 2>/dev/null || hostname)
START_TIMEOUT=120
WORK_DIR=$(alluxio_conf alluxio.work.dir) || exit 1
LOGS_DIR=$(alluxio_conf alluxio.logs.dir) || exit 1
RUN_DIR=$WORK_DIR/run
mkdir -p "$LOGS_DIR" "$RUN_DIR" || exit 1
STARTED_PIDS=()

# ---- health checks -----------------------------------------------------------------------------
# log_size FILE: its size in bytes (0 if missing), to read only what a new process appends.
log_size() { stat -c %s "$1" 2>/dev/null || echo 0; }

# wait_healthy ROLE PID LOG OFFSET: polls until ROLE (master|worker) serves, the process dies or
# the deadline passes; prints "[ OK ]" or "[ FAILED ]".
wait_healthy() {
  local role=$1 pid=$2 log=$3 offset=$4 port="" raft_host="" raft_port="" type addrs
  [[ "$role" == worker ]] && port=$(alluxio_conf alluxio.worker.rpc.port)
  local proxy_url=""
  if [[ "$role" == proxy ]]; then
    local bind
    bind=$(alluxio_conf alluxio.proxy.web.bind.host)
    [[ "$bind" == 0.0.0.0 || -z "$bind" ]] && bind=127.0.0.1
    proxy_url="http://$bind:$(alluxio_conf alluxio.proxy.web.port)/api/v1/proxy/info"
  fi
  if [[ "$role" == master ]]; then
    # In a quorum of several masters a standby serves no RPCs: it is healthy once its embedded
    # journal listens (and the quorum may still be waiting for the other masters).
    type=$(alluxio_conf alluxio.master.journal.type 2>/dev/null || true)
    addrs=$(alluxio_conf alluxio.master.embedded.journal.addresses 2>/dev/null || true)
    if [[ "${type^^}" == EMBEDDED && "$addrs" == *,* ]]; then
      raft_port=$(alluxio_conf alluxio.master.embedded.journal.port)
      raft_host=$(alluxio_conf alluxio.master.hostname 2>/dev/null || true)
      [[ -n "$raft_host" ]] || raft_host=$(hostname)
    fi
  fi
  local deadline=$((SECONDS + START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! alluxio_pid_alive "$pid"; then
      echo "[ FAILED ] The $role service @ $HOST exited. Last lines of $log:"
      tail -c +$((offset + 1)) "$log" 2>/dev/null | tail -n 20
      rm -f "$RUN_DIR/alluxio-$role.pid"
      return 1
    fi
    if [[ "$role" == proxy ]]; then
      if curl -sf --noproxy '*' -m 2 -o /dev/null "$proxy_url" 2>/dev/null; then
        echo "[ OK ] The proxy service @ $HOST is in a healthy state."
        return 0
      fi
    elif [[ "$role" == master ]]; then
      if "$ALLUXIO_BIN_DIR/alluxio" fs -Dalluxio.user.rpc.retry.max.duration=1sec test -e / \
          >/dev/null 2>&1; then
        echo "[ OK ] The master service @ $HOST is in a healthy state."
        return 0
      fi
      if [[ -n "$raft_port" ]] && (exec 3<>"/dev/tcp/$raft_host/$raft_port") 2>/dev/null; then
        echo "[ OK ] The master service @ $HOST is in a healthy state."
        return 0
      fi
    elif tail -c +$((offset + 1)) "$log" 2>/dev/null | grep -q "registered with the master" &&
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "[ OK ] The worker service @ $HOST is in a healthy state."
      return 0
    fi
    sleep 0.2
  done
  echo "[ FAILED ] The $role service @ $HOST is not serving requests after ${START_TIMEOUT}s. Please check if the process is running and the logs/ if necessary."
  return 1
}

# launch ROLE: starts alluxio-ROLE in the background, writes its pid file, and (unless
# -a) waits until it is healthy.
launch() {
  local role=$1 log="$LOGS_DIR/$1.log" offset pid
  offset=$(log_size "$log")
  if [[ "$role" == master && -n "$journal_backup" ]]; then
    # Alluxio's launch-process turns JOURNAL_BACKUP into this -D option; both are passed.
    JOURNAL_BACKUP=$journal_backup nohup "$ALLUXIO_BIN_DIR/alluxio-$role" \
      "-Dalluxio.master.journal.init.from.backup=$journal_backup" >>"$log" 2>&1 </dev/null &
  else
    nohup "$ALLUXIO_BIN_DIR/alluxio-$role" >>"$log" 2>&1 </dev/null &
  fi
  pid=$!
  echo "$pid" >"$RUN_DIR/alluxio-$role.pid"
  STARTED_PIDS+=("$pid")
  [[ "$async" == true ]] && return 0
  wait_healthy "$role" "$pid" "$log" "$offset"
}

# already_running ROLE: true (with a message) if this cluster's ROLE runs here.
already_running() {
  local pid
  pid=$(alluxio_live_pid "$1" "$RUN_DIR") || return 1
  echo "The $1 @ $HOST is already running (pid $pid); not starting another one."
}

# ---- master ------------------------------------------------------------------------------------
start_master() {
  already_running master && return 0
  local journal_dir
  journal_dir=$(alluxio_conf alluxio.master.journal.folder) || exit 1
  journal_dir=${journal_dir#file://}
  if [[ -f "$journal_dir" ]]; then
    echo "Journal location $journal_dir is a file not a directory. Please remove the file before retrying."
    exit 1
  fi
  if [[ ! -e "$journal_dir" ]]; then
    "$BIN/alluxio" formatJournal || exit 1
  fi
  echo "Starting master @ $FQDN. Logging to $LOGS_DIR"
  launch master
}

# ---- worker ------------------------------------------------------------------------------------
prepare_ramdisks() {
  local dir
  case "$MOPT" in
    Mount|SudoMount)
      if [[ "$(alluxio_conf alluxio.worker.tieredstore.level0.alias)" != MEM ]]; then
        echo "Can't Mount/SudoMount when alluxio.worker.tieredstore.level0.alias is not MEM"
        exit 1
      fi
      "$BIN/alluxio-mount.sh" "$MOPT" local || { echo "Mount failed, not starting worker" >&2; exit 1; }
      return ;;
  esac
  while read -r dir; do
    [[ -n "$dir" ]] || continue
    if ! alluxio_on_ram_fs "$dir"; then
      echo "ERROR: Ramdisk $dir is not mounted with mount option NoMount. Use alluxio-mount.sh to mount ramdisk." >&2
      exit 1
    fi
    if [[ "$dir" =~ ^/dev/shm/?$ ]]; then
      echo "WARNING: Using tmpFS does not guarantee data to be stored in memory."
      echo "WARNING: Check vmstat for memory statistics (e.g. swapping)."
    fi
  done < <(alluxio_mem_dirs)
}

cache_is_empty() { [[ -z "$(ls -A "$cache" 2>/dev/null)" ]]; }

# Checks the cache of -c before anything is stopped or touched: Alluxio's checks, then ours (the
# completion marker, and every file against its md5sum). Exits 2 on failure.
check_cache() {
  [[ -n "$cache" ]] || return 0
  if [[ ! -e "$cache" ]]; then
    echo "Cache path $cache does not exist; aborting"
    exit 2
  fi
  if [[ ! -d "$cache" ]]; then
    echo "Cache path $cache is not a directory; aborting"
    exit 2
  fi
  cache_is_empty && return 0
  if [[ ! -f "$cache/$ALLUXIO_CACHE_MARKER" ]]; then
    echo "Cache path $cache is incomplete: it has no $ALLUXIO_CACHE_MARKER marker, so the alluxio-stop.sh -c that wrote it did not finish; aborting"
    exit 2
  fi
  local dir
  while read -r dir; do
    [[ -n "$dir" ]] || continue
    if [[ ! -e "${cache%/}$dir" ]]; then
      echo "Path does not exist: ${cache%/}$dir"
      exit 2
    fi
    if [[ ! -d "${cache%/}$dir" ]]; then
      echo "Path is not a directory: ${cache%/}$dir"
      exit 2
    fi
  done < <(alluxio_mem_dirs)
  if [[ -s "$cache/$ALLUXIO_CACHE_MARKER" ]] &&
      ! (cd "$cache" && md5sum --quiet --strict -c "$ALLUXIO_CACHE_MARKER" >&2); then
    echo "Cache path $cache does not match its checksums ($ALLUXIO_CACHE_MARKER); aborting"
    exit 2
  fi
}

# Replaces each MEM dir's saved entries (the worker data folder) with the cache's copy. The worker
# adopts the block files at startup (its manifest checks their sizes) and reports them to the
# master. Called with the worker stopped, after check_cache.
populate_cache() {
  [[ -n "$cache" ]] || return 0
  if cache_is_empty; then
    echo "Cache path $cache is an empty directory; skipping cache population"
    return 0
  fi
  echo "Populating worker ramcache(s) with contents from $cache"
  local dir entry src
  while read -r dir; do
    [[ -n "$dir" ]] || continue
    alluxio_check_ramcache_dir "$dir" || exit 2
    src="${cache%/}$dir"
    echo "Populating worker ramcache at $dir with $src"
    # Only what the cache holds is replaced (the data folder); the rest of the ramdisk stays.
    for entry in "$src"/* "$src"/.[!.]* "$src"/..?*; do
      [[ -e "$entry" ]] || continue
      rm -rf "${dir:?}/${entry##*/}"
    done
    if ! cp -R "$src/." "$dir/"; then
      echo "Failed to populate ramcache at $dir with $src"
      exit 2
    fi
    if [[ "$(cd "$src" && find . -type f -printf '%p %s\n' | sort)" != \
          "$(cd "$dir" && find . -type f -printf '%p %s\n' | sort)" ]]; then
      echo "Failed to populate ramcache at $dir with $src: the copy differs in size"
      exit 2
    fi
  done < <(alluxio_mem_dirs)
}

start_worker() {
  already_running worker && return 0
  prepare_ramdisks
  populate_cache
  echo "Starting worker @ $FQDN. Logging to $LOGS_DIR"
  launch worker
}

restart_worker() {
  already_running worker && return 0
  echo "Restarting worker @ $FQDN. Logging to $LOGS_DIR"
  launch worker
}

# ---- proxy (S3 gateway) ------------------------------------------------------------------------
start_proxy() {
  already_running proxy && return 0
  echo "Starting proxy @ $FQDN. Logging to $LOGS_DIR"
  launch proxy
}

# ---- several hosts -----------------------------------------------------------------------------
# Each host runs this script for its own process (-N: whatever had to stop was stopped already).
sub_opts() {
  SUB=(-N)
  [[ "$async" == true ]] && SUB+=(-a)
  return 0
}

start_masters() {
  sub_opts
  [[ -n "$journal_backup" ]] && SUB+=(-i "$journal_backup")
  alluxio_on_hosts masters "$BIN/alluxio-start.sh" "${SUB[@]}" master
}

start_workers() {
  sub_opts
  local extra=()
  [[ -n "$cache" ]] && extra=(-c "$cache")
  alluxio_on_hosts workers "$BIN/alluxio-start.sh" "${SUB[@]}" worker "$MOPT" "${extra[@]}"
}

restart_workers() {
  sub_opts
  alluxio_on_hosts workers "$BIN/alluxio-start.sh" "${SUB[@]}" restart_worker
}

# As Alluxio: a proxy on every master and worker host (this machine once).
start_proxies() {
  sub_opts
  local rc=0
  alluxio_on_hosts masters "$BIN/alluxio-start.sh" "${SUB[@]}" proxy || rc=1
  if alluxio_has_remote_host workers || ! alluxio_live_pid proxy "$RUN_DIR" >/dev/null; then
    alluxio_on_hosts workers "$BIN/alluxio-start.sh" "${SUB[@]}" proxy || rc=1
  fi
  return "$rc"
}

# ---- main --------------------------------------------------------------------------------------
case "$ACTION" in
  all|local|master|masters|worker|workers|restart_worker|restart_workers|proxy|proxies) ;;
  *)
    echo "Error: Invalid ACTION: $ACTION" >&2
    echo -e "$USAGE" >&2
    exit 1 ;;
esac
# Nothing is stopped or touched before the cache of -c checks out (on this machine; other hosts
# check their own).
case "$ACTION" in
  worker|local) check_cache ;;
  all|workers)
    if [[ -n "$cache" ]] && ! alluxio_has_remote_host workers; then check_cache; fi ;;
esac

if [[ "$killonstart" == true ]]; then
  case "$ACTION" in
    all|local|master|masters|worker|workers|proxy|proxies) "$BIN/alluxio-stop.sh" "$ACTION" ;;
  esac
fi

rc=0
case "$ACTION" in
  all)
    if [[ "$FORMAT" == true ]]; then "$BIN/alluxio" format || exit 1; fi
    # Workers need a master: do not make them wait for one that failed.
    start_masters && start_workers || rc=1
    start_proxies || rc=1 ;;
  local)
    master_hostname=$(alluxio_conf alluxio.master.hostname)
    if [[ -z "$master_hostname" ]] || ! alluxio_is_local_host "$master_hostname"; then
      echo -e "\n# The following line is auto-generated by command \"bin/alluxio-start.sh local\"" \
        >>"$ALLUXIO_CONF_DIR/alluxio-site.properties"
      echo "alluxio.master.hostname=localhost" >>"$ALLUXIO_CONF_DIR/alluxio-site.properties"
    fi
    if [[ "$FORMAT" == true ]]; then
      "$BIN/alluxio" formatJournal || exit 1
      "$BIN/alluxio" formatWorker || exit 1
    fi
    start_master && start_worker || rc=1
    start_proxy || rc=1 ;;
  master)
    if [[ "$FORMAT" == true ]]; then "$BIN/alluxio" format || exit 1; fi
    start_master || rc=1 ;;
  masters)
    if [[ "$FORMAT" == true ]]; then "$BIN/alluxio" format || exit 1; fi
    start_masters || rc=1 ;;
  worker)
    if [[ "$FORMAT" == true ]]; then "$BIN/alluxio" formatWorker || exit 1; fi
    start_worker || rc=1 ;;
  workers) start_workers || rc=1 ;;
  restart_worker) restart_worker || rc=1 ;;
  restart_workers) restart_workers || rc=1 ;;
  proxy) start_proxy || rc=1 ;;
  proxies) start_proxies || rc=1 ;;
esac

if [[ "$wait_end" == true && ${#STARTED_PIDS[@]} -gt 0 ]]; then
  wait "${STARTED_PIDS[@]}"
fi
exit "$rc"
