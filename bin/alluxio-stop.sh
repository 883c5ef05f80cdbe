#!/usr/bin/env bash
# Stops Alluxio processes: alluxio-stop.sh [component] [-s]
# component: all, local, master, worker. The process gets SIGTERM and up to 120 s
# to exit; then SIGKILL unless -s is given.
. "$(dirname "${BASH_SOURCE[0]}")/../libexec/alluxio-config.sh"

usage() {
  echo "Usage: alluxio-stop.sh [component] [-s]"
  echo "Where component is one of:"
  echo -e "  all    \t\t\tStop all masters and workers."
  echo -e "  local\t\t\tStop all processes locally."
  echo -e "  master\t\t\tStop local master."
  echo -e "  worker\t\t\tStop local worker."
  echo "-s  processes won't be forcibly killed even if operation is timeout"
}

COMPONENT=${1:-}
[[ -n "$COMPONENT" ]] || { usage; exit 1; }
shift
soft=false
for a in "$@"; do
  case "$a" in
    -s) soft=true ;;
    *) usage; exit 1 ;;
  esac
done

stop_process() {  # name pid_file
  local name=$1 pid_file=$2 killed=0
  if [[ -f "$pid_file" ]]; then
    local pid
    pid=$(cat "$pid_file")
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null
      local deadline=$((SECONDS + 120))
      while kill -0 "$pid" 2>/dev/null && (( SECONDS < deadline )); do sleep 0.1; done
      if kill -0 "$pid" 2>/dev/null; then
        if [[ "$soft" == true ]]; then
          echo "Failed to stop $name (pid $pid) within 120 seconds" >&2
          return 1
        fi
        kill -KILL "$pid" 2>/dev/null
      fi
      killed=1
    fi
    rm -f "$pid_file"
  fi
  echo "Successfully Killed $killed process(es) successfully on $(hostname)"
}

work_dir=$(alluxio_conf alluxio.work.dir) || exit 1
case "$COMPONENT" in
  master) stop_process master "$work_dir/run/alluxio-master.pid" ;;
  worker) stop_process worker "$work_dir/run/alluxio-worker.pid" ;;
  local|all)
    stop_process worker "$work_dir/run/alluxio-worker.pid"
    stop_process master "$work_dir/run/alluxio-master.pid" ;;
  -h) usage ;;
  *) echo "Error: Invalid component $COMPONENT" >&2; usage; exit 1 ;;
esac
