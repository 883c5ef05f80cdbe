#!/usr/bin/env bash
# Sourced by every script in bin/: locates ALLUXIO_HOME, the configuration and the binaries.
# Environment (Alluxio's names): ALLUXIO_HOME, ALLUXIO_CONF_DIR, ALLUXIO_LOGS_DIR; ALLUXIO_BIN_DIR
# overrides where the compiled binaries are found (default: <home>/build/bin).
this="${BASH_SOURCE[0]}"
ALLUXIO_LIBEXEC_DIR=$(cd "$(dirname "$this")" && pwd)
export ALLUXIO_HOME=${ALLUXIO_HOME:-$(dirname "$ALLUXIO_LIBEXEC_DIR")}
export ALLUXIO_CONF_DIR=${ALLUXIO_CONF_DIR:-$ALLUXIO_HOME/conf}
if [[ -f "$ALLUXIO_CONF_DIR/alluxio-env.sh" ]]; then
  # shellcheck disable=SC1091
  . "$ALLUXIO_CONF_DIR/alluxio-env.sh"
fi
ALLUXIO_BIN_DIR=${ALLUXIO_BIN_DIR:-$ALLUXIO_HOME/build/bin}
if [[ ! -x "$ALLUXIO_BIN_DIR/alluxio" ]]; then
  echo "Cannot find the Alluxio binaries in $ALLUXIO_BIN_DIR (build first, or set ALLUXIO_BIN_DIR)" >&2
  exit 1
fi
export ALLUXIO_BIN_DIR

# Prints the effective value of a configuration key (site file, environment, "$@" -D options).
alluxio_conf() {
  "$ALLUXIO_BIN_DIR/alluxio" getConf "$@"
}

# ---- Hosts (conf/masters, conf/workers) ------------------------------------------------------
# alluxio_hosts masters|workers: the hosts listed in $ALLUXIO_CONF_DIR/<file>, one per line, with
# '#' comments and blank lines dropped; "localhost" when the file does not exist.
alluxio_hosts() {
  local f="$ALLUXIO_CONF_DIR/$1"
  if [[ -f "$f" ]]; then
    sed -e 's/#.*$//' -e 's/[[:space:]]//g' -e '/^$/d' "$f"
  else
    echo localhost
  fi
}

# True if HOST names this machine: localhost, 127.*, ::1, or one of its names or addresses.
alluxio_is_local_host() {
  local h=$1 ip
  case "$h" in
    localhost|localhost.localdomain|127.*|::1) return 0 ;;
  esac
  [[ "$h" == "$(hostname)" || "$h" == "$(hostname -s 2>/dev/null)" ||
     "$h" == "$(hostname -f 2>/dev/null)" ]] && return 0
  for ip in $(hostname -I 2>/dev/null); do [[ "$h" == "$ip" ]] && return 0; done
  return 1
}

# alluxio_on_host HOST COMMAND [ARGS...]: runs COMMAND here when HOST is this machine, else over
# ssh with the same ALLUXIO_HOME, ALLUXIO_CONF_DIR and ALLUXIO_BIN_DIR (which must exist there),
# each output line prefixed by "[HOST] ". Returns COMMAND's exit code.
alluxio_on_host() {
  local host=$1 cmd
  shift
  if alluxio_is_local_host "$host"; then
    "$@"
    return
  fi
  cmd=$(printf '%q ' env "ALLUXIO_HOME=$ALLUXIO_HOME" "ALLUXIO_CONF_DIR=$ALLUXIO_CONF_DIR" \
    "ALLUXIO_BIN_DIR=$ALLUXIO_BIN_DIR" "$@")
  ssh -o ConnectTimeout=5 -o StrictHostKeyChecking=no "$host" "$cmd" 2>&1 </dev/null |
    sed -u "s/^/[$host] /"
  return "${PIPESTATUS[0]}"
}

# alluxio_on_hosts masters|workers COMMAND [ARGS...]: alluxio_on_host for every listed host, in
# order; this machine runs the command once however many of its names are listed. Returns 1 if
# the command failed on any host.
alluxio_on_hosts() {
  local list=$1 host rc=0 local_done=false
  shift
  while read -r host; do
    if alluxio_is_local_host "$host"; then
      [[ "$local_done" == true ]] && continue
      local_done=true
    fi
    alluxio_on_host "$host" "$@" || rc=1
  done < <(alluxio_hosts "$list")
  return "$rc"
}

# True if some host of the list is not this machine.
alluxio_has_remote_host() {
  local host
  while read -r host; do
    alluxio_is_local_host "$host" || return 0
  done < <(alluxio_hosts "$1")
  return 1
}

# ---- Processes of this cluster on this machine -----------------------------------------------
# Pid files live in ${alluxio.work.dir}/run (alluxio-master.pid, alluxio-worker.pid), so clusters
# with different configurations never see each other's processes.
alluxio_run_dir() {
  echo "$(alluxio_conf alluxio.work.dir)/run"
}

# True if PID is a live (not zombie) process.
alluxio_pid_alive() {
  kill -0 "$1" 2>/dev/null || return 1
  if [[ -r "/proc/$1/stat" ]]; then
    local stat
    stat=$(<"/proc/$1/stat") 2>/dev/null || return 1
    stat=${stat##*) }
    [[ "${stat%% *}" != Z ]] || return 1
  fi
  return 0
}

# alluxio_live_pid master|worker [RUN_DIR]: prints the pid of this cluster's running master or
# worker and succeeds, or fails when the pid file is missing or names no live alluxio-<role>.
alluxio_live_pid() {
  local role=$1 run_dir=${2:-$(alluxio_run_dir)} pid
  [[ -f "$run_dir/alluxio-$role.pid" ]] || return 1
  pid=$(<"$run_dir/alluxio-$role.pid")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  alluxio_pid_alive "$pid" || return 1
  # The pid may have been reused by an unrelated process since the file was written.
  if [[ -r "/proc/$pid/comm" && "$(<"/proc/$pid/comm")" != "alluxio-$role" ]]; then
    return 1
  fi
  echo "$pid"
}

# ---- Worker storage ----------------------------------------------------------------------------
# alluxio_check_ramcache_dir DIR: fails, with Alluxio's message, unless the configured ramcache
# (MEM tier) directory DIR exists and is a directory (used by -c in start and stop).
alluxio_check_ramcache_dir() {
  if [[ ! -e "$1" ]]; then
    echo "Alluxio has a configured ramcache path $1, but that path does not exist"
    return 1
  fi
  if [[ ! -d "$1" ]]; then
    echo "Alluxio has a configured ramcache path $1, but that path is not a directory"
    return 1
  fi
}

# True if DIR is on a tmpfs or ramfs (a mounted ramdisk).
alluxio_on_ram_fs() { [[ "$(stat -f -c %T "$1" 2>/dev/null)" =~ ^(tmpfs|ramfs)$ ]]; }

# The level-0 directories whose medium type is MEM (when level 0 is the MEM tier), one per line.
alluxio_mem_dirs() {
  local alias paths types i t
  alias=$(alluxio_conf alluxio.worker.tieredstore.level0.alias) || return 1
  [[ "$alias" == MEM ]] || return 0
  paths=$(alluxio_conf alluxio.worker.tieredstore.level0.dirs.path) || return 1
  types=$(alluxio_conf alluxio.worker.tieredstore.level0.dirs.mediumtype) || return 1
  IFS=',' read -ra P <<<"$paths"
  IFS=',' read -ra T <<<"$types"
  for i in "${!P[@]}"; do
    if (( ${#T[@]} == 0 )); then
      t=MEM
    else
      t=${T[$i]:-${T[$((${#T[@]} - 1))]}}  # a shorter list repeats its last type
    fi
    [[ "${t// /}" == MEM ]] || continue
    t=${P[$i]// /}
    [[ "$t" == / ]] || t=${t%/}
    echo "$t"
  done
}

# The worker's data folder inside each tier dir (alluxio.worker.data.folder without slashes).
alluxio_data_folder() {
  local f
  f=$(alluxio_conf alluxio.worker.data.folder) || return 1
  f=${f#/}
  echo "${f%/}"
}

# Name of the file that marks a worker cache (alluxio-stop.sh -c) as complete; it holds the
# md5sum of every saved file, relative to the cache directory.
# shellcheck disable=SC2034  # used by the scripts that source this file
ALLUXIO_CACHE_MARKER=.alluxio-cache-complete
