#!/usr/bin/env bash
# Starts Alluxio processes, with Alluxio's arguments:
#   alluxio-start.sh [-hNwa] [-i backup] ACTION [MOPT] [-f]
# ACTION: local (master and worker), master, worker. MOPT (worker, local): Mount or SudoMount mount
# a ramfs of alluxio.worker.ramdisk.size at every level-0 MEM directory that is not on a RAM file
# system yet; NoMount (the default) requires them to be on one already.
# -a: do not wait for the process to serve.
# -N: do not stop a running process first. -f: format the journal before starting.
# -w: wait for the started process to exit. A journal folder that does not exist yet is formatted
# first (as Alluxio does for the embedded journal); an existing unformatted one makes the master
# refuse to start ("Journal ... has not been formatted!").
. "$(dirname "${BASH_SOURCE[0]}")/../libexec/alluxio-config.sh"
BIN=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() {
  cat <<USAGE
Usage: alluxio-start.sh [-hNwa] [-i backup] ACTION [MOPT] [-f]
Where ACTION is one of:
  local     \tStart all processes locally.
  master    \tStart the local master on this node.
  worker    \tStart a worker on this node.
MOPT (Mount Option) is one of:
  Mount    \tMount the configured RamFS if it is not already mounted.
  SudoMount\tMount the configured RamFS using sudo if it is not already mounted.
  NoMount  \tDo not mount the configured RamFS (the default).
-a  asynchronously start processes without monitoring for start completion
-f  format Journal, UnderFS Data and Workers Folder on master
-h  display this help
-i  a journal backup to restore the master from (not supported yet)
-N  do not try to kill previous running processes before starting new ones
-w  wait for processes to end before returning
USAGE
}

async=false; nokill=false; wait_end=false; backup=""
while getopts "ahNwi:" o; do
  case "$o" in
    a) async=true ;;
    h) usage; exit 0 ;;
    N) nokill=true ;;
    w) wait_end=true ;;
    i) backup=$OPTARG ;;
    *) usage; exit 1 ;;
  esac
done
shift $((OPTIND - 1))
ACTION=${1:-}
[[ -n "$ACTION" ]] || { usage; exit 1; }
shift
format=false
mopt=""
for a in "$@"; do
  case "$a" in
    -f) format=true ;;
    NoMount|Mount|SudoMount) mopt=$a ;;
    *) echo "Unknown argument: $a" >&2; usage; exit 1 ;;
  esac
done
if [[ -n "$backup" ]]; then
  echo "Restoring from a backup (-i) is not supported yet." >&2
  exit 1
fi

start_master() {
  local work_dir logs_dir journal_dir port pid_file
  work_dir=$(alluxio_conf alluxio.work.dir) || exit 1
  logs_dir=$(alluxio_conf alluxio.logs.dir) || exit 1
  journal_dir=$(alluxio_conf alluxio.master.journal.folder) || exit 1
  journal_dir=${journal_dir#file://}
  pid_file="$work_dir/run/alluxio-master.pid"
  mkdir -p "$logs_dir" "$work_dir/run"
  if [[ "$nokill" != true ]]; then
    "$BIN/alluxio-stop.sh" master >/dev/null 2>&1 || true
  fi
  if [[ -f "$journal_dir" ]]; then
    echo "Journal location $journal_dir is a file not a directory. Please remove the file before retrying."
    exit 1
  fi
  if [[ "$format" == true || ! -e "$journal_dir" ]]; then
    "$BIN/alluxio" formatJournal || exit 1
  fi
  echo "Starting master @ $(hostname -f 2>/dev/null || hostname). Logging to $logs_dir"
  nohup "$ALLUXIO_BIN_DIR/alluxio-master" >>"$logs_dir/master.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$pid_file"
  if [[ "$async" == true ]]; then return 0; fi
  # Wait (up to 120 s) until the master answers.
  local deadline=$((SECONDS + 120))
  while (( SECONDS < deadline )); do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "[ FAILED ] The master service @ $(hostname) exited. Last lines of $logs_dir/master.log:"
      tail -n 20 "$logs_dir/master.log"
      rm -f "$pid_file"
      exit 1
    fi
    if "$ALLUXIO_BIN_DIR/alluxio" fs -Dalluxio.user.rpc.retry.max.duration=1sec test -e / \
        >/dev/null 2>&1; then
      echo "[ OK ] The master service @ $(hostname) is in a healthy state."
      if [[ "$wait_end" == true ]]; then wait "$pid"; fi
      return 0
    fi
    sleep 0.2
  done
  echo "[ FAILED ] The master service @ $(hostname) is not serving requests after 120s. Please check if the process is running and the logs/ if necessary."
  exit 1
}

# The level-0 directories of the MEM tier, one per line.
mem_dirs() {
  local alias paths types i
  alias=$(alluxio_conf alluxio.worker.tieredstore.level0.alias) || exit 1
  [[ "$alias" == MEM ]] || return 0
  paths=$(alluxio_conf alluxio.worker.tieredstore.level0.dirs.path) || exit 1
  types=$(alluxio_conf alluxio.worker.tieredstore.level0.dirs.mediumtype) || exit 1
  IFS=',' read -ra P <<<"$paths"
  IFS=',' read -ra T <<<"$types"
  for i in "${!P[@]}"; do
    local t=${T[$i]:-${T[0]:-MEM}}
    [[ "${t// /}" == MEM ]] && echo "${P[$i]// /}"
  done
  return 0
}

on_ram_fs() { [[ "$(stat -f -c %T "$1" 2>/dev/null)" =~ ^(tmpfs|ramfs)$ ]]; }

prepare_ramdisks() {  # MOPT
  local mopt=$1 dir size
  if [[ -z "$mopt" ]]; then
    echo "Assuming NoMount by default."
    mopt=NoMount
  fi
  if [[ "$mopt" != NoMount ]]; then
    if [[ "$(alluxio_conf alluxio.worker.tieredstore.level0.alias)" != MEM ]]; then
      echo "ERROR: $mopt requires alluxio.worker.tieredstore.level0.alias to be MEM" >&2
      exit 1
    fi
    size=$(alluxio_conf --unit B alluxio.worker.ramdisk.size) || exit 1
  fi
  while read -r dir; do
    [[ -n "$dir" ]] || continue
    case "$mopt" in
      NoMount)
        if [[ "$dir" == /dev/shm* ]]; then
          echo "WARNING: Using tmpFS does not guarantee data to be stored in memory."
        fi
        if ! on_ram_fs "$dir"; then
          echo "ERROR: Ramdisk $dir is not mounted with mount option NoMount. Use alluxio-mount.sh to mount ramdisk." >&2
          exit 1
        fi ;;
      Mount|SudoMount)
        if ! on_ram_fs "$dir"; then
          local sudo=""
          [[ "$mopt" == SudoMount ]] && sudo=sudo
          $sudo mkdir -p "$dir" && $sudo mount -t ramfs -o "size=$size" ramfs "$dir" &&
            $sudo chmod a+w "$dir" || {
            echo "ERROR: mounting a ramfs at $dir failed" >&2
            exit 1
          }
        fi ;;
    esac
  done < <(mem_dirs)
}

start_worker() {
  local work_dir logs_dir pid_file host port
  work_dir=$(alluxio_conf alluxio.work.dir) || exit 1
  logs_dir=$(alluxio_conf alluxio.logs.dir) || exit 1
  pid_file="$work_dir/run/alluxio-worker.pid"
  mkdir -p "$logs_dir" "$work_dir/run"
  if [[ "$nokill" != true ]]; then
    "$BIN/alluxio-stop.sh" worker >/dev/null 2>&1 || true
  elif [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    echo "The worker is already running (pid $(cat "$pid_file"))."
    return 0
  fi
  prepare_ramdisks "$mopt"
  if [[ "$format" == true ]]; then "$BIN/alluxio" formatWorker || exit 1; fi
  host=$(alluxio_conf alluxio.worker.hostname 2>/dev/null)
  [[ -n "$host" ]] || host=$(hostname)
  port=$(alluxio_conf alluxio.worker.rpc.port) || exit 1
  echo "Starting worker @ $host. Logging to $logs_dir"
  nohup "$ALLUXIO_BIN_DIR/alluxio-worker" >>"$logs_dir/worker.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$pid_file"
  if [[ "$async" == true ]]; then return 0; fi
  local deadline=$((SECONDS + 120))
  while (( SECONDS < deadline )); do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "[ FAILED ] The worker service @ $host exited. Last lines of $logs_dir/worker.log:"
      tail -n 20 "$logs_dir/worker.log"
      rm -f "$pid_file"
      exit 1
    fi
    # Serving, and registered with the master.
    if grep -q "registered with the master" "$logs_dir/worker.log" 2>/dev/null &&
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "[ OK ] The worker service @ $host is in a healthy state."
      if [[ "$wait_end" == true ]]; then wait "$pid"; fi
      return 0
    fi
    sleep 0.2
  done
  echo "[ FAILED ] The worker service @ $host is not serving requests after 120s. Please check if the process is running and the logs/ if necessary."
  exit 1
}

case "$ACTION" in
  master) start_master ;;
  worker) start_worker ;;
  local|all)
    if [[ "$ACTION" == local ]] && ! grep -qs '^alluxio.master.hostname' "$ALLUXIO_CONF_DIR/alluxio-site.properties"; then
      echo "alluxio.master.hostname=localhost" >>"$ALLUXIO_CONF_DIR/alluxio-site.properties"
    fi
    start_master
    start_worker ;;
  *) echo "Error: Invalid ACTION $ACTION" >&2; usage; exit 1 ;;
esac
