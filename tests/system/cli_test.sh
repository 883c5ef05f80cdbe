#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# System test of the `alluxio` CLI against a real master started by bin/alluxio-start.sh.
#   cli_test.sh <source dir> <binary dir>
#
# Each `check` runs one command and compares its transcript with the expected text that follows it
# (DuckDB-style): stdout, then stderr with every line prefixed by "stderr: ", then "[exit N]" when N
# is not 0. Before comparing, the output is masked:
#   <TMP>                        this test's temp dir
#   <PORT>                       the master RPC port
#   MM-dd-yyyy HH:mm:ss:SSS      ls timestamps
#   <MS> <ID> <FP>               epoch milliseconds, file ids and UFS fingerprints in `stat`
#   capacity=<SIZE>, used=<SIZE> UFS space in the mount table
#   <TAB>                        a tab; a line ending in spaces gets a "$" after them
# The expected texts are Alluxio 2.x's (see the research notes on the CLI formats): where this
# implementation differs, the test fails on purpose; do not copy our output into an expectation.
#
# Environment: CLI_TEST_KEEP=1 keeps the temp dir even on success.
# Functions run indirectly (the EXIT trap, check_cmd), which shellcheck cannot see.
# shellcheck disable=SC2317
set -u -o pipefail

SRC=${1:?usage: cli_test.sh <source dir> <binary dir>}
BUILD=${2:?usage: cli_test.sh <source dir> <binary dir>}
SRC=$(cd "$SRC" && pwd)
BUILD=$(cd "$BUILD" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/alluxio-cli-test-XXXXXX") || exit 1
mkdir -p "$WORK/conf" "$WORK/t"

export ALLUXIO_HOME=$SRC
export ALLUXIO_BIN_DIR=$BUILD/bin
export ALLUXIO_CONF_DIR=$WORK/conf
unset ALLUXIO_LOGS_DIR ALLUXIO_MASTER_HOSTNAME ALLUXIO_MASTER_MOUNT_TABLE_ROOT_UFS
ALLUXIO=$SRC/bin/alluxio
HOST=$(hostname)
OS_USER=$(id -un)
OS_GROUP=$(id -gn)

PASSED=0
FAILED=0
FAILED_NAMES=()

finish() {
  local rc=$?
  "$SRC/bin/alluxio-stop.sh" master >/dev/null 2>&1
  if [[ -f "$WORK/run/alluxio-master.pid" ]]; then
    kill -9 "$(cat "$WORK/run/alluxio-master.pid")" 2>/dev/null
  fi
  if (( FAILED > 0 || rc != 0 )) || [[ "${CLI_TEST_KEEP:-}" == 1 ]]; then
    echo "Kept $WORK (master log: $WORK/logs/master.log)"
  else
    rm -rf "$WORK"
  fi
}
trap finish EXIT

die() {
  echo "FATAL: $*" >&2
  [[ -f "$WORK/logs/master.log" ]] && tail -n 30 "$WORK/logs/master.log" >&2
  exit 1
}

pick_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
    return
  fi
  local p
  for _ in $(seq 200); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
  echo 19998
}

write_site() {
  cat >"$WORK/conf/alluxio-site.properties" <<EOF
alluxio.work.dir=$WORK
alluxio.master.hostname=localhost
alluxio.master.rpc.port=$PORT
alluxio.master.embedded.journal.port=$RAFT_PORT
# One user for the master and the client: deterministic owners (root exists everywhere).
alluxio.security.login.username=root
# Fail fast if the master is gone rather than retrying for minutes per command.
alluxio.user.rpc.retry.max.duration=10sec
EOF
}

# Starts the master through the script; on a port clash picks another port (up to 5 times).
start_master() {
  local out
  for _ in 1 2 3 4 5; do
    out=$("$SRC/bin/alluxio-start.sh" master 2>&1) && return 0
    if grep -qiE "Failed to bind|address already in use" "$WORK/logs/master.log" 2>/dev/null; then
      PORT=$(pick_port)
      RAFT_PORT=$(pick_port)
      write_site
      continue
    fi
    echo "$out" >&2
    return 1
  done
  return 1
}

sed_escape() { printf '%s' "$1" | sed -e 's/[]\/$*.^|[]/\\&/g'; }
WORK_RE=$(sed_escape "$WORK")

# Masks run-dependent text (see the header); EXTRA_MASK adds one sed -E expression.
mask() {
  sed -E \
    -e "s|$WORK_RE|<TMP>|g" \
    -e 's/[0-9]{2}-[0-9]{2}-[0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2}:[0-9]{3}/MM-dd-yyyy HH:mm:ss:SSS/g' \
    -e "s/:$PORT([^0-9]|\$)/:<PORT>\\1/g" \
    -e 's/((creationTimeMs|lastModificationTimesMs|lastAccessTimesMs)=)[0-9]+/\1<MS>/g' \
    -e 's/fileId=[0-9]+/fileId=<ID>/g' \
    -e 's/ufsFingerprint=[^ ]+, acl=/ufsFingerprint=<FP>, acl=/g' \
    -e 's/capacity=[^,]*, used=[^,]*,/capacity=<SIZE>, used=<SIZE>,/g' \
    ${EXTRA_MASK:+-e "$EXTRA_MASK"} |
    sed -E -e 's/\t/<TAB>/g' -e 's/( +)$/\1$/'
}

# run_transcript NAME CMD... : runs CMD, writes the masked transcript to $WORK/t/actual and
# compares it with $WORK/t/expected.
run_transcript() {
  local name=$1
  shift
  "$@" >"$WORK/t/out" 2>"$WORK/t/err" </dev/null
  local rc=$?
  {
    mask <"$WORK/t/out"
    mask <"$WORK/t/err" | sed 's/^/stderr: /'
    if ((rc != 0)); then echo "[exit $rc]"; fi
  } >"$WORK/t/actual"
  if diff -u --label expected --label actual "$WORK/t/expected" "$WORK/t/actual" >"$WORK/t/diff"; then
    PASSED=$((PASSED + 1))
  else
    FAILED=$((FAILED + 1))
    FAILED_NAMES+=("$name")
    echo "FAIL: $name"
    sed 's/^/    /' "$WORK/t/diff"
    local pid_file=$WORK/run/alluxio-master.pid
    if [[ -f "$pid_file" ]] && ! kill -0 "$(cat "$pid_file")" 2>/dev/null; then
      die "the master process died"
    fi
  fi
}

# check ARGS... <<'EOF' ... EOF : runs `alluxio ARGS...` and compares with the expected transcript.
check() {
  cat >"$WORK/t/expected"
  run_transcript "alluxio $*" "$ALLUXIO" "$@"
}

# check_cmd NAME CMD... <<'EOF' ... EOF : the same for any command.
check_cmd() {
  local name=$1
  shift
  cat >"$WORK/t/expected"
  run_transcript "$name" "$@"
}

# expect_same NAME FILE CMD... : compares the raw output of CMD with FILE (recorded earlier).
expect_same() {
  local name=$1 file=$2
  shift 2
  "$@" >"$WORK/t/now" 2>&1 </dev/null
  if diff -u --label before --label after "$file" "$WORK/t/now" >"$WORK/t/diff"; then
    PASSED=$((PASSED + 1))
  else
    FAILED=$((FAILED + 1))
    FAILED_NAMES+=("$name")
    echo "FAIL: $name"
    sed 's/^/    /' "$WORK/t/diff"
  fi
}

# ---------------------------------------------------------------------------------------------
# Start
PORT=$(pick_port)
RAFT_PORT=$(pick_port)
write_site
start_master || die "the master did not start"
check_cmd "master is up" "$ALLUXIO" fs test -d / </dev/null

# ---------------------------------------------------------------------------------------------
# mkdir, touch
check fs mkdir /data /data/sub <<'EOF'
Successfully created directory /data
Successfully created directory /data/sub
EOF
check fs mkdir /data <<'EOF'
Not allowed to create directory because path already exists: /data
[exit 255]
EOF
check fs touch /data/f1 <<'EOF'
/data/f1 has been created
EOF
check fs touch /data/f1 <<'EOF'
Not allowed to create file because path already exists: /data/f1
[exit 255]
EOF
check fs mkdir /data/f1/x <<'EOF'
Traversal failed for path /data/f1/x. Component 2(f1) is a file, not a directory.
[exit 255]
EOF
check fs mkdir / <<'EOF'
Not allowed to create existing root path: /
[exit 255]
EOF
check fs mkdir <<'EOF'
Command mkdir requires at least 1 arguments (0 provided)
Usage: mkdir <path1> [path2] ... [pathn]
Creates the specified directories, including any parent directories that are required.
[exit 255]
EOF
check fs touch /data/sub/f2 <<'EOF'
/data/sub/f2 has been created
EOF
check fs mkdir /empty <<'EOF'
Successfully created directory /empty
EOF

# ---------------------------------------------------------------------------------------------
# ls
check fs ls / <<'EOF'
drwxr-xr-x  root           root                         2       PERSISTED MM-dd-yyyy HH:mm:ss:SSS  DIR /data
drwxr-xr-x  root           root                         0       PERSISTED MM-dd-yyyy HH:mm:ss:SSS  DIR /empty
EOF
# -R lists in post-order: a directory after its subtree.
check fs ls -R / <<'EOF'
-rw-r--r--  root           root                         0       PERSISTED MM-dd-yyyy HH:mm:ss:SSS 100% /data/f1
-rw-r--r--  root           root                         0       PERSISTED MM-dd-yyyy HH:mm:ss:SSS 100% /data/sub/f2
drwxr-xr-x  root           root                         1       PERSISTED MM-dd-yyyy HH:mm:ss:SSS  DIR /data/sub
drwxr-xr-x  root           root                         2       PERSISTED MM-dd-yyyy HH:mm:ss:SSS  DIR /data
drwxr-xr-x  root           root                         0       PERSISTED MM-dd-yyyy HH:mm:ss:SSS  DIR /empty
EOF
check fs ls -d /data <<'EOF'
drwxr-xr-x  root           root                         2       PERSISTED MM-dd-yyyy HH:mm:ss:SSS  DIR /data
EOF
# The root is owned by the master's login user and its primary group, and is persisted
# (LsCommandIntegrationTest: "0       PERSISTED .+ .+  DIR /    ").
check fs ls -d / <<'EOF'
drwxr-xr-x  root           root                         2       PERSISTED MM-dd-yyyy HH:mm:ss:SSS  DIR /    $
EOF
check fs ls -h /data <<'EOF'
-rw-r--r--  root           root                        0B       PERSISTED MM-dd-yyyy HH:mm:ss:SSS 100% /data/f1
drwxr-xr-x  root           root                         1       PERSISTED MM-dd-yyyy HH:mm:ss:SSS  DIR /data/sub
EOF
check fs ls --sort path -r /data <<'EOF'
drwxr-xr-x  root           root                         1       PERSISTED MM-dd-yyyy HH:mm:ss:SSS  DIR /data/sub
-rw-r--r--  root           root                         0       PERSISTED MM-dd-yyyy HH:mm:ss:SSS 100% /data/f1
EOF
check fs ls /nope <<'EOF'
Path "/nope" does not exist.
[exit 255]
EOF
check fs ls --sort xyz /data <<'EOF'
Invalid sort option `xyz` for --sort
[exit 255]
EOF

# ---------------------------------------------------------------------------------------------
# stat, count, du
check fs stat -f '%N-%z-%b-%u-%g' /data/f1 <<'EOF'
f1-0-0-root-root
EOF
check fs stat -f '%N-%z-%b-%u-%g' /data <<'EOF'
data-NA-NA-root-root
EOF
check fs stat /data/f1 <<'EOF'
/data/f1 is a file path.
URIStatus{info=FileInfo{fileId=<ID>, name=f1, path=/data/f1, ufsPath=<TMP>/underFSStorage/data/f1, length=0, blockSizeBytes=67108864, creationTimeMs=<MS>, completed=true, folder=false, pinned=false, pinnedlocation=[], cacheable=true, persisted=true, blockIds=[], inMemoryPercentage=100, lastModificationTimesMs=<MS>, ttl=-1, lastAccessTimesMs=<MS>, ttlAction=DELETE, owner=root, group=root, mode=420, persistenceState=PERSISTED, mountPoint=false, replicationMax=-1, replicationMin=0, fileBlockInfos=[], mountId=1, inAlluxioPercentage=100, ufsFingerprint=<FP>, acl=user::rw-,group::r--,other::r--, defaultAcl=}, cacheContext=null}
This file does not contain any blocks.
EOF
# A directory is never cacheable (InodeDirectory.generateClientFileInfo: setCacheable(false)). The
# replication fields of a directory are not checked.
EXTRA_MASK='s/replicationMax=-?[0-9]+, replicationMin=-?[0-9]+/replicationMax=<R>, replicationMin=<R>/' \
check fs stat /data/sub <<'EOF'
/data/sub is a directory path.
URIStatus{info=FileInfo{fileId=<ID>, name=sub, path=/data/sub, ufsPath=<TMP>/underFSStorage/data/sub, length=1, blockSizeBytes=0, creationTimeMs=<MS>, completed=true, folder=true, pinned=false, pinnedlocation=[], cacheable=false, persisted=true, blockIds=[], inMemoryPercentage=0, lastModificationTimesMs=<MS>, ttl=-1, lastAccessTimesMs=<MS>, ttlAction=DELETE, owner=root, group=root, mode=493, persistenceState=PERSISTED, mountPoint=false, replicationMax=<R>, replicationMin=<R>, fileBlockInfos=[], mountId=1, inAlluxioPercentage=0, ufsFingerprint=, acl=user::rwx,group::r-x,other::r-x, defaultAcl=}, cacheContext=null}
EOF
check fs stat /nope <<'EOF'
Path "/nope" does not exist.
[exit 255]
EOF
check fs count /data <<'EOF'
File Count               Folder Count             Folder Size    $
2                        1                        0              $
EOF
check fs count -h /data <<'EOF'
File Count               Folder Count             Folder Size    $
2                        1                        0B             $
EOF
check fs count /nope <<'EOF'
Path "/nope" does not exist.
[exit 255]
EOF
check fs du /data <<'EOF'
File Size     In Alluxio       Path
0             0 (0%)           /data/f1
0             0 (0%)           /data/sub/f2
EOF
check fs du -s /data <<'EOF'
File Size     In Alluxio       Path
0             0 (0%)           /data
EOF
check fs du -h -s /data <<'EOF'
File Size     In Alluxio       Path
0B            0B (0%)          /data
EOF
check fs du /nope <<'EOF'
File Size     In Alluxio       Path
Path "/nope" does not exist.
[exit 255]
EOF

# ---------------------------------------------------------------------------------------------
# mv, rm
check fs mv /data/f1 /data/f3 <<'EOF'
Renamed /data/f1 to /data/f3
EOF
check fs mv /data/f3 /data/sub <<'EOF'
Cannot rename because destination already exists. src: /data/f3 dst: /data/sub
[exit 255]
EOF
check fs mv /data /data/sub/x <<'EOF'
Cannot rename because /data is a prefix of /data/sub/x
[exit 255]
EOF
check fs mv /nope /x <<'EOF'
Path "/nope" does not exist.
[exit 255]
EOF
check fs mv /data <<'EOF'
Command mv takes 2 arguments, not 1
Usage: mv <src> <dst>
Renames a file or directory.
[exit 255]
EOF
check fs rm /data/sub <<'EOF'
/data/sub is a directory, to remove it, please use "rm -R <path>"
[exit 255]
EOF
check fs rm /empty <<'EOF'
/empty is a directory, to remove it, please use "rm -R <path>"
[exit 255]
EOF
check fs rm -R /empty <<'EOF'
/empty has been removed
EOF
check fs rm /nope <<'EOF'
Path "/nope" does not exist.
[exit 255]
EOF
check fs rm -R / <<'EOF'
Cannot delete the root directory
[exit 255]
EOF
check fs rm /data/f3 <<'EOF'
/data/f3 has been removed
EOF
check fs touch /data/f4 <<'EOF'
/data/f4 has been created
EOF
check fs mkdir /e2 <<'EOF'
Successfully created directory /e2
EOF

# ---------------------------------------------------------------------------------------------
# test: 0 true, 1 false, 3 for a missing path, 255 without exactly one option; prints nothing.
check fs test -d /data </dev/null
check fs test -f /data <<'EOF'
[exit 1]
EOF
check fs test -e /data/sub/f2 </dev/null
check fs test -s /data </dev/null
check fs test -s /e2 <<'EOF'
[exit 1]
EOF
check fs test -s /data/sub/f2 <<'EOF'
[exit 1]
EOF
check fs test -z /data/sub/f2 </dev/null
check fs test -z /data <<'EOF'
[exit 1]
EOF
for opt in -d -f -e -s -z; do
  check fs test "$opt" /nope <<'EOF'
[exit 3]
EOF
done
check fs test /data <<'EOF'
[exit 255]
EOF
check fs test -d -f /data <<'EOF'
[exit 255]
EOF

# ---------------------------------------------------------------------------------------------
# chmod, chown, chgrp
check fs chmod 700 /data/sub <<'EOF'
Changed permission of /data/sub to 700
EOF
check fs chmod u=rwx,g=rx,o=x /data <<'EOF'
Changed permission of /data to 751
EOF
check fs chmod 640 /data/f4 <<'EOF'
Changed permission of /data/f4 to 640
EOF
check fs chmod -R 755 /data/sub <<'EOF'
Changed permission of /data/sub to 755
EOF
check fs chmod a+x /data <<'EOF'
Invalid mode a+x - contains invalid segment a+x
[exit 255]
EOF
check fs chmod u=rwz /data <<'EOF'
Invalid mode u=rwz - contains invalid segment u=rwz which has invalid permissions rwz
[exit 255]
EOF
check fs chmod x=r /data <<'EOF'
Invalid mode x=r - contains invalid segment x=r which has invalid targets x
[exit 255]
EOF
check fs chmod 755 /nope <<'EOF'
Path "/nope" does not exist.
[exit 255]
EOF
check fs chown alice /data/sub/f2 <<'EOF'
Changed owner of /data/sub/f2 to alice
EOF
check fs chown alice:staff /data/sub <<'EOF'
Changed owner:group of /data/sub to alice:staff.
EOF
check fs chgrp staff /data/sub/f2 <<'EOF'
Changed group of /data/sub/f2 to staff
EOF
check fs chown 'bad:us:er' /data <<'EOF'
Failed to parse bad:us:er as user or user:group
[exit 255]
EOF
check fs ls -R /data <<'EOF'
-rw-r-----  root           root                         0       PERSISTED MM-dd-yyyy HH:mm:ss:SSS 100% /data/f4
-rwxr-xr-x  alice          staff                        0       PERSISTED MM-dd-yyyy HH:mm:ss:SSS 100% /data/sub/f2
drwxr-xr-x  alice          staff                        1       PERSISTED MM-dd-yyyy HH:mm:ss:SSS  DIR /data/sub
EOF

# ---------------------------------------------------------------------------------------------
# setTtl, unsetTtl
check fs setTtl /data/sub/f2 1d <<'EOF'
TTL of path '/data/sub/f2' was successfully set to 86400000 milliseconds, with expiry action set to DELETE
EOF
check fs setTtl --action free /data/sub/f2 2h <<'EOF'
TTL of path '/data/sub/f2' was successfully set to 7200000 milliseconds, with expiry action set to FREE
EOF
check fs setTtl /data/sub/f2 1.5h <<'EOF'
1.5h is not valid time
[exit 255]
EOF
check fs setTtl /data/sub/f2 some-random-text <<'EOF'
some-random-text is not valid time
[exit 255]
EOF
check fs setTtl --action xyz /data/sub/f2 1 <<'EOF'
TTL action should be DELETE OR FREE, not xyz
Usage: setTtl [--action delete|free] <path> <time to live>
Sets a new TTL value for the file at path, performing an action, delete(default)/free after TTL expiry. The TTL to set can be in one of the unit: ms, millisecond, s, second, m, min, minute, h, hour, d, day, default to ms
[exit 255]
EOF
check fs setTtl /data/f4 1d <<'EOF'
TTL of path '/data/f4' was successfully set to 86400000 milliseconds, with expiry action set to DELETE
EOF
check fs unsetTtl /data/f4 <<'EOF'
TTL of file '/data/f4' was successfully removed.
EOF

# ---------------------------------------------------------------------------------------------
# pin, unpin, ls -p
check fs pin /data/sub/f2 <<'EOF'
File '/data/sub/f2' was successfully pinned.
EOF
check fs pin /data/f4 BOGUS <<'EOF'
Invalid medium to pin the file. BOGUS are invalid. MEM,SSD,HDD are valid medium types
[exit 255]
EOF
check fs pin /data/f4 <<'EOF'
File '/data/f4' was successfully pinned.
EOF
check fs unpin /data/f4 <<'EOF'
File '/data/f4' was successfully unpinned.
EOF
check fs ls -p -R / <<'EOF'
-rwxr-xr-x  alice          staff                        0       PERSISTED MM-dd-yyyy HH:mm:ss:SSS 100% /data/sub/f2
EOF
check fs ls -p /data </dev/null
check fs stat /data/sub/f2 <<'EOF'
/data/sub/f2 is a file path.
URIStatus{info=FileInfo{fileId=<ID>, name=f2, path=/data/sub/f2, ufsPath=<TMP>/underFSStorage/data/sub/f2, length=0, blockSizeBytes=67108864, creationTimeMs=<MS>, completed=true, folder=false, pinned=true, pinnedlocation=[], cacheable=true, persisted=true, blockIds=[], inMemoryPercentage=100, lastModificationTimesMs=<MS>, ttl=7200000, lastAccessTimesMs=<MS>, ttlAction=FREE, owner=alice, group=staff, mode=493, persistenceState=PERSISTED, mountPoint=false, replicationMax=-1, replicationMin=0, fileBlockInfos=[], mountId=1, inAlluxioPercentage=100, ufsFingerprint=<FP>, acl=user::rwx,group::r-x,other::r-x, defaultAcl=}, cacheContext=null}
This file does not contain any blocks.
EOF

# ---------------------------------------------------------------------------------------------
# mount, unmount
mkdir -p "$WORK/ufs1/sub" "$WORK/ufs2"
printf 'hello\n' >"$WORK/ufs1/x.txt"
chmod 755 "$WORK/ufs1" "$WORK/ufs1/sub" "$WORK/ufs2"
chmod 644 "$WORK/ufs1/x.txt"
check fs mount /mnt5 "$WORK" <<'EOF'
Mount point <TMP> is a prefix of <TMP>/underFSStorage
[exit 255]
EOF
check fs mount /mnt "$WORK/ufs1" <<'EOF'
Mounted <TMP>/ufs1 at /mnt
EOF
# Alluxio's local UFS reports its type as "local" and the disk's capacity (masked here).
check fs mount <<'EOF'
<TMP>/underFSStorage  on  /     (local, capacity=<SIZE>, used=<SIZE>, not read-only, not shared, properties={})
<TMP>/ufs1            on  /mnt  (local, capacity=<SIZE>, used=<SIZE>, not read-only, not shared, properties={})
EOF
# Files loaded from a UFS keep their UFS owner and group.
EXTRA_MASK="s/$(printf '%-15s%-15s' "$OS_USER" "$OS_GROUP")/$(printf '%-15s%-15s' '<OSUSER>' '<OSGROUP>')/" \
check fs ls /mnt <<'EOF'
drwxr-xr-x  <OSUSER>       <OSGROUP>                    0       PERSISTED MM-dd-yyyy HH:mm:ss:SSS  DIR /mnt/sub
-rw-r--r--  <OSUSER>       <OSGROUP>                    6       PERSISTED MM-dd-yyyy HH:mm:ss:SSS   0% /mnt/x.txt
EOF
check fs mount /mnt2 "$WORK/ufs1/sub" <<'EOF'
Mount point <TMP>/ufs1 is a prefix of <TMP>/ufs1/sub
[exit 255]
EOF
check fs mount /data "$WORK/ufs2" <<'EOF'
Mount point target path /data already exists in Alluxio namespace. Try mounting to another path.
[exit 255]
EOF
check fs mount /m4 "$WORK/nonexistent" <<'EOF'
Ufs path <TMP>/nonexistent does not exist
[exit 255]
EOF
check fs mount /mnt3 "$WORK/ufs2" <<'EOF'
Mounted <TMP>/ufs2 at /mnt3
EOF
check fs unmount /mnt3 <<'EOF'
Unmounted /mnt3
EOF
check fs unmount /data <<'EOF'
Failed to unmount /data. Please ensure the path is an existing mount point.
[exit 255]
EOF
check fs unmount /nope <<'EOF'
Failed to unmount: Path /nope does not exist
[exit 255]
EOF
check fs unmount / <<'EOF'
Failed to unmount /. Please ensure the path is an existing mount point and not root.
[exit 255]
EOF
check fs mount --readonly /ro "$WORK/ufs2" <<'EOF'
Mounted <TMP>/ufs2 at /ro
EOF
check fs touch /ro/x <<'EOF'
A write operation on /ro/x under a readonly mount point /ro is not allowed
[exit 255]
EOF
check fs mount <<'EOF'
<TMP>/underFSStorage  on  /     (local, capacity=<SIZE>, used=<SIZE>, not read-only, not shared, properties={})
<TMP>/ufs1            on  /mnt  (local, capacity=<SIZE>, used=<SIZE>, not read-only, not shared, properties={})
<TMP>/ufs2            on  /ro   (local, capacity=<SIZE>, used=<SIZE>, read-only, not shared, properties={})
EOF

# ---------------------------------------------------------------------------------------------
# masterInfo, leader, help, unknown command
check fs masterInfo <<'EOF'
Current leader master: localhost/127.0.0.1:<PORT>
All masters: [localhost/127.0.0.1:<PORT>]
EOF
check fs leader <<'EOF'
This command will be deprecated as of v3.0, please use masterInfo command
localhost
EOF
# help wraps at 80 columns (commons-cli HelpFormatter; 80 when stdout is not a terminal).
check fs help mkdir <<'EOF'
mkdir: Creates the specified directories, including any parent directories that
are required.
usage: mkdir <path1> [path2] ... [pathn]
EOF
check fs help touch <<'EOF'
touch: Creates a 0 byte file. The file will be written to the under file system.
usage: touch <path>
EOF
check fs help mv <<'EOF'
mv: Renames a file or directory.
usage: mv <src> <dst>
EOF
check fs help nope <<'EOF'
nope is an unknown command.
[exit 255]
EOF
# The usage lists the commands implemented so far; Alluxio's list is longer (cat, cp, ...).
check fs nope <<'EOF'
Usage: alluxio fs [generic options]
<TAB> [cat <path>]                                              $
<TAB> [checksum <Alluxio path>]                                 $
<TAB> [chgrp [-R] <group> <path>]                               $
<TAB> [chmod [-R] <mode> <path>]                                $
<TAB> [chown [-R] <owner>[:<group>] <path>]                     $
<TAB> [copyFromLocal [--thread <num>] [--buffersize <bytes>] <src> <remoteDst>]
<TAB> [copyToLocal [--buffersize <bytes>]  <src> <localDst>]    $
<TAB> [count [-h] <path>]                                       $
<TAB> [cp [-R] [--buffersize <bytes>] <src> <dst>]              $
<TAB> [du [-h|-s|-g|-m] <path>]                                 $
<TAB> [free [-f] <path>]                                        $
<TAB> [head [-c <bytes>] <path>]                                $
<TAB> [help [<command>]]                                        $
<TAB> [leader]                                                  $
<TAB> [load [--local] <path>]                                   $
<TAB> [location <path>]                                         $
<TAB> [ls [-d|-f|-p|-R|-h|--sort=option|--timestamp=option|-r] <path> ...]
<TAB> [masterInfo]                                              $
<TAB> [mkdir <path1> [path2] ... [pathn]]                       $
<TAB> [mount [--readonly] [--shared] [--option <key=val>] <alluxioPath> <ufsURI>]
<TAB> [mv <src> <dst>]                                          $
<TAB> [persist [-p|--parallelism <#>] [-t|--timeout <milliseconds>] [-w|--wait <milliseconds>] <path> [<path> ...]]
<TAB> [pin <path> media1 media2 media3 ...]                     $
<TAB> [rm [-R] [-U] [--alluxioOnly] <path>]                     $
<TAB> [setTtl [--action delete|free] <path> <time to live>]     $
<TAB> [stat [-f <format>] <path>]                               $
<TAB> [tail [-c <bytes>] <path>]                                $
<TAB> [test [-d|-f|-e|-s|-z] <path>]                            $
<TAB> [touch <path>]                                            $
<TAB> [unmount <alluxioPath>]                                   $
<TAB> [unpin <path>]                                            $
<TAB> [unsetTtl <path>]                                         $
stderr: nope is an unknown command.
[exit 255]
EOF

# ---------------------------------------------------------------------------------------------
# getConf, version
check getConf alluxio.master.hostname <<'EOF'
localhost
EOF
check getConf --source alluxio.master.hostname <<'EOF'
SITE_PROPERTY
EOF
check getConf --source alluxio.master.journal.type <<'EOF'
DEFAULT
EOF
check getConf alluxio.master.journal.folder <<'EOF'
<TMP>/journal
EOF
check getConf --unit KB alluxio.user.block.size.bytes.default <<'EOF'
65536
EOF
# GetConf.printHelp: the message goes to stderr, the usage (HelpFormatter.printHelp) to stdout.
# Only the first stdout line is compared: the usage text varies between 2.x releases.
getconf_unknown() {
  "$ALLUXIO" getConf alluxio.no.such.key >"$WORK/t/getconf"
  local rc=$?
  head -n 1 "$WORK/t/getconf" | sed -E 's/^(usage: ).*/\1.../'
  return "$rc"
}
check_cmd "alluxio getConf alluxio.no.such.key" getconf_unknown <<'EOF'
usage: ...
stderr: alluxio.no.such.key is not a valid configuration key
[exit 1]
EOF
VERSION=$(sed -nE 's/.*kVersion = "([^"]+)".*/\1/p' "$SRC/src/common/version.h")
check_cmd "alluxio version" "$ALLUXIO" version <<EOF
$VERSION
EOF

# ---------------------------------------------------------------------------------------------
# What was created through Alluxio is in the local UFS; the mount point is not.
check_cmd "UFS contents" bash -c "cd '$WORK/underFSStorage' && find . -mindepth 1 | LC_ALL=C sort" <<'EOF'
./data
./data/f4
./data/sub
./data/sub/f2
./e2
EOF

# ---------------------------------------------------------------------------------------------
# Restart with the scripts: the namespace, mount table, pins, TTLs and modes survive.
"$ALLUXIO" fs ls -R / >"$WORK/t/ls-R" 2>&1
"$ALLUXIO" fs ls -p -R / >"$WORK/t/ls-pR" 2>&1
"$ALLUXIO" fs mount >"$WORK/t/mount" 2>&1
"$ALLUXIO" fs stat /data/sub/f2 >"$WORK/t/stat" 2>&1
"$ALLUXIO" fs count / >"$WORK/t/count" 2>&1
EXTRA_MASK="s/ on $(sed_escape "$HOST")\$/ on <HOST>/" \
check_cmd "alluxio-stop.sh master" "$SRC/bin/alluxio-stop.sh" master <<'EOF'
Successfully Killed 1 process(es) successfully on <HOST>
EOF
master_is_down() {
  if "$ALLUXIO" fs -Dalluxio.user.rpc.retry.max.duration=1sec test -d / >/dev/null 2>&1; then
    echo "the master still answers"
  fi
}
check_cmd "master is down" master_is_down </dev/null
start_master || die "the master did not restart"
expect_same "ls -R / after restart" "$WORK/t/ls-R" "$ALLUXIO" fs ls -R /
expect_same "ls -p -R / after restart" "$WORK/t/ls-pR" "$ALLUXIO" fs ls -p -R /
expect_same "mount table after restart" "$WORK/t/mount" "$ALLUXIO" fs mount
expect_same "stat after restart" "$WORK/t/stat" "$ALLUXIO" fs stat /data/sub/f2
expect_same "count after restart" "$WORK/t/count" "$ALLUXIO" fs count /
check fs touch /data/after-restart <<'EOF'
/data/after-restart has been created
EOF
check_cmd "new file in the UFS" test -f "$WORK/underFSStorage/data/after-restart" </dev/null

echo "cli_test: $PASSED passed, $FAILED failed"
if ((FAILED > 0)); then
  printf '  failed: %s\n' "${FAILED_NAMES[@]}"
  exit 1
fi
exit 0
