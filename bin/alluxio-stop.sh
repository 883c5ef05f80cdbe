#!/usr/bin/env bash
# Stops Alluxio processes, with Alluxio's arguments: alluxio-stop.sh [-h] [component] [-c cache] [-s]
# Only this cluster's processes are stopped: the ones named by the pid files under
# ${alluxio.work.dir}/run. A process gets SIGTERM and 120 s to exit, then SIGKILL unless -s.
# masters/workers/all run on every host of conf/masters / conf/workers (ssh for remote hosts,
# with the same ALLUXIO_HOME and ALLUXIO_CONF_DIR). Design: docs/design/operations.md.
#
# -c CACHE (worker, workers, local, all) saves each level-0 MEM dir's worker data folder to
# CACHE/<absolute dir path>/ AFTER the worker has stopped (it ends cleanly on SIGTERM: open writes
# aborted, committed blocks and their manifest durable), checks the copy against md5sums taken
# from the source, and only then writes CACHE/.alluxio-cache-complete (the md5sum list), which
# alluxio-start.sh -c requires.
# shellcheck source=../libexec/alluxio-config.sh
. "$(dirname "${BASH_SOURCE[0]}")/../libexec/alluxio-config.sh"
BIN=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

USAGE="Usage: alluxio-stop.sh [-h] [component] [-c cache] [-s]
Where component is one of:
  all [-c cache]      \tStop all masters and workers.
  local [-c cache]    \tStop all processes locally.
  master              \tStop local primary master.
  masters             \tStop masters on master nodes.
  worker  [-c cache]  \tStop local worker.
  workers [-c cache]  \tStop workers on worker nodes.
  proxy               \tStop the local proxy.
  proxies             \tStop proxies on master and worker nodes.

-c cache   save the worker ramcache(s) from the worker node(s) to the
           specified directory (relative to each worker node's host filesystem).
-s         processes won't be forcibly killed even if operation is timeout.
-h         display this help."

WHAT=${1:--h}
shift
cache=""
soft_kill=false
while getopts "c:s" o; do
  case "$o" in
    c) cache=$OPTARG ;;
    s) soft_kill=true ;;
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
STOP_TIMEOUT=120
if [[ -n "$cache" && -e "$cache" && ! -d "$cache" ]]; then
  # Checked before anything stops (Alluxio checks it when it reaches the worker).
  echo "Non-directory file already exists at the path $cache; aborting"
  exit 1
fi

# stop_role master|worker: SIGTERM to this cluster's process, wait, SIGKILL unless -s.
stop_role() {
  local role=$1 run_dir pid
  run_dir=$(alluxio_run_dir) || exit 1
  if ! pid=$(alluxio_live_pid "$role" "$run_dir"); then
    if [[ -f "$run_dir/alluxio-$role.pid" ]]; then
      rm -f "$run_dir/alluxio-$role.pid"
      echo "The $role @ $HOST is not running (removed the stale pid file $run_dir/alluxio-$role.pid)."
    else
      echo "The $role @ $HOST is not running."
    fi
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while alluxio_pid_alive "$pid" && ((SECONDS < deadline)); do sleep 0.1; done
  if alluxio_pid_alive "$pid"; then
    if [[ "$soft_kill" == true ]]; then
      echo "The $role @ $HOST (pid $pid) did not stop within ${STOP_TIMEOUT}s; not killing it (-s)." >&2
      return 1
    fi
    echo "The $role @ $HOST (pid $pid) did not stop within ${STOP_TIMEOUT}s; killing it."
    kill -KILL "$pid" 2>/dev/null
    while alluxio_pid_alive "$pid"; do sleep 0.1; done
  fi
  rm -f "$run_dir/alluxio-$role.pid"
  echo "Successfully Killed 1 process(es) successfully on $HOST"
}

# Copies each MEM dir's data folder into $cache (see the header). Exits 1 or 2 on failure.
save_cache() {
  local cache_abs folder dir n=0
  cache_abs=$(realpath -m "$cache")
  if [[ -d "$cache" ]]; then
    echo "Directory already exists at $cache; overwritting its contents"
    # Everything, hidden files included, but not the directory itself (its owner and mode stay).
    (shopt -s dotglob && rm -rf "${cache_abs:?}/"*)
  else
    mkdir -p "$cache" || { echo "Failed to create directory: $cache"; exit 2; }
  fi
  folder=$(alluxio_data_folder) || exit 1
  local sums="$cache_abs/$ALLUXIO_CACHE_MARKER.tmp"
  : >"$sums" || exit 1
  while read -r dir; do
    [[ -n "$dir" ]] || continue
    alluxio_check_ramcache_dir "$dir" || exit 2
    echo "Saving worker ramcache at $dir to ${cache%/}$dir"
    mkdir -p "$cache_abs$dir" || { echo "Failed to create directory: ${cache%/}$dir"; exit 2; }
    [[ -d "$dir/$folder" ]] || continue
    # Checksums of the source (quiescent: the worker has stopped), relative to / and so to the
    # cache root. Blocks being written when the worker stopped (.tmp_blocks) are not kept.
    (cd / && find "${dir#/}/$folder" -path "*/$folder/.tmp_blocks" -prune -o -type f -print0 |
      xargs -0 -r md5sum) >>"$sums" || { echo "Failed to read $dir/$folder"; exit 1; }
    if ! cp -R "$dir/$folder" "$cache_abs$dir/"; then
      echo "Failed to copy worker ramcache from $dir to ${cache%/}$dir"
      exit 1
    fi
    rm -rf "${cache_abs:?}$dir/$folder/.tmp_blocks"
  done < <(alluxio_mem_dirs)
  # Verify the copy against the source's checksums, make it durable, then mark it complete.
  if [[ -s "$sums" ]] &&
      ! (cd "$cache_abs" && md5sum --quiet --strict -c "$ALLUXIO_CACHE_MARKER.tmp" >&2); then
    echo "The copy of the worker ramcache in $cache does not match the ramdisk; aborting (the cache is left incomplete)"
    exit 1
  fi
  n=$(wc -l <"$sums")
  sync -f "$cache_abs" 2>/dev/null || sync
  mv "$sums" "$cache_abs/$ALLUXIO_CACHE_MARKER" && sync -f "$cache_abs" 2>/dev/null
  echo "Saved and verified $n file(s) of the worker ramcache in $cache"
}

stop_worker() {
  if [[ -n "$cache" ]]; then
    echo "Cache directory: $cache"
    if [[ -e "$cache" && ! -d "$cache" ]]; then
      echo "Non-directory file already exists at the path $cache; aborting"
      exit 1
    fi
  fi
  # Stop first: the copy must see a quiescent data folder.
  if ! stop_role worker; then
    [[ -n "$cache" ]] && echo "The worker is still running; not saving its ramcache to $cache"
    exit 1
  fi
  if [[ -n "$cache" ]]; then save_cache; fi
}

stop_master() { stop_role master || exit 1; }

stop_proxy() { stop_role proxy || exit 1; }

stop_proxies() {
  local opts=() rc=0
  [[ "$soft_kill" == true ]] && opts+=(-s)
  alluxio_on_hosts masters "$BIN/alluxio-stop.sh" proxy "${opts[@]}" || rc=1
  if alluxio_has_remote_host workers; then
    alluxio_on_hosts workers "$BIN/alluxio-stop.sh" proxy "${opts[@]}" || rc=1
  fi
  return "$rc"
}

stop_workers() {
  local opts=()
  [[ -n "$cache" ]] && opts+=(-c "$cache")
  [[ "$soft_kill" == true ]] && opts+=(-s)
  alluxio_on_hosts workers "$BIN/alluxio-stop.sh" worker "${opts[@]}"
}

stop_masters() {
  local opts=()
  [[ "$soft_kill" == true ]] && opts+=(-s)
  alluxio_on_hosts masters "$BIN/alluxio-stop.sh" master "${opts[@]}"
}

rc=0
case "$WHAT" in
  all)
    stop_proxies || rc=1
    stop_workers || rc=1
    stop_masters || rc=1 ;;
  local)
    stop_proxy
    stop_worker
    stop_master ;;
  master) stop_master ;;
  masters) stop_masters || rc=1 ;;
  worker) stop_worker ;;
  workers) stop_workers || rc=1 ;;
  proxy) stop_proxy ;;
  proxies) stop_proxies || rc=1 ;;
  -h)
    echo -e "$USAGE"
    exit 0 ;;
  *)
    echo "Error: Invalid component: $WHAT" >&2
    echo -e "$USAGE" >&2
    exit 1 ;;
esac
exit "$rc"
