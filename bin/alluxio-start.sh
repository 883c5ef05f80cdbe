#!/usr/bin/env bash
# Starts Alluxio processes, with Alluxio's arguments:
#   alluxio-start.sh [-hNwa] [-i backup] ACTION [MOPT] [-f]
# ACTION: master (more actions come with workers). -a: do not wait for the process to serve.
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
  master    \tStart the local master on this node.
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
for a in "$@"; do
  case "$a" in
    -f) format=true ;;
    NoMount|Mount|SudoMount) ;;
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

case "$ACTION" in
  master) start_master ;;
  *) echo "Error: Invalid ACTION $ACTION" >&2; usage; exit 1 ;;
esac
