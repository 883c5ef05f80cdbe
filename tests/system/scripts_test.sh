#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# System test of the operator scripts with real processes: bin/alluxio-start.sh / alluxio-stop.sh
# (local, all, masters/workers through conf/masters and conf/workers listing this machine,
# restart_worker, -N, health checks, messages for what already runs or does not), `alluxio format`
# / formatWorker / formatJournal (refused while the cluster runs, Alluxio's output once stopped),
# and the worker cache round trip with -c (a MUST_CACHE file survives a wiped ramdisk) with its
# error cases. Design: docs/design/operations.md.
#   scripts_test.sh <source dir> <binary dir>
# Environment: SCRIPTS_TEST_KEEP=1 keeps the temp dir even on success.
# shellcheck disable=SC2317
set -u -o pipefail
# shellcheck source=tests/system/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

init_system_test scripts-test "$@"
WORK2=$WORK/other
CACHE=$WORK/cache
MNT=$WORK/ramdisk  # where the Mount cases mount a ramdisk
mkdir -p "$WORK/t" "$WORK2/conf"
HOST=$(hostname)
FQDN=$(hostname -f 2>/dev/null || hostname)
PASSED=0
FAILED=0

finish() {
  "$STOP" local >/dev/null 2>&1
  ALLUXIO_CONF_DIR=$WORK2/conf "$STOP" local >/dev/null 2>&1
  kill_pid_files "$WORK" "$WORK2"
  mountpoint -q "$MNT" && umount "$MNT"
  remove_work "${SCRIPTS_TEST_KEEP:-}"
}
trap finish EXIT

write_cluster_site "$WORK/conf/alluxio-site.properties" "$WORK" "$RAM"
cat >>"$WORK/conf/alluxio-site.properties" <<CONF
alluxio.worker.ramdisk.size=64MB
alluxio.user.block.size.bytes.default=1MB
alluxio.user.file.writetype.default=CACHE_THROUGH
alluxio.user.rpc.retry.max.duration=10sec
CONF
# Both lists name this machine twice: it must run one master and one worker.
printf '# the masters\nlocalhost\n127.0.0.1  # again\n' >"$WORK/conf/masters"
printf '# the workers\n\nlocalhost\n%s\n' "$HOST" >"$WORK/conf/workers"


sed_escape() { printf '%s' "$1" | sed -e 's/[]\/$*.^|[]/\\&/g'; }
mask() {
  sed -E -e "s/$(sed_escape "$RAM")/<RAM>/g" -e "s/$(sed_escape "$WORK")/<TMP>/g" \
    -e "s/ @ ($(sed_escape "$FQDN")|$(sed_escape "$HOST"))([ .:]|\$)/ @ <HOST>\\2/g" \
    -e "s/ on $(sed_escape "$HOST")\$/ on <HOST>/" -e 's/\(pid [0-9]+/(pid <PID>/g'
}
# check NAME EXPECTED_RC CMD... <<EXPECTED: the masked stdout+stderr of CMD, then its exit code.
check() {
  local name=$1 want_rc=$2 rc
  shift 2
  cat >"$WORK/t/expected"
  "$@" >"$WORK/t/raw" 2>&1 </dev/null
  rc=$?
  mask <"$WORK/t/raw" >"$WORK/t/actual"
  if ! diff -u "$WORK/t/expected" "$WORK/t/actual" >"$WORK/t/diff" || [[ "$rc" != "$want_rc" ]]; then
    fail "$name (exit $rc, expected $want_rc)"
    cat "$WORK/t/diff" >&2
    return 1
  fi
  PASSED=$((PASSED + 1))
}
pid_of() { cat "$WORK/run/alluxio-$1.pid" 2>/dev/null; }
alive() { [[ -n "$1" ]] && kill -0 "$1" 2>/dev/null; }
md5() { md5sum | cut -d' ' -f1; }
# Bytes of cached blocks on the ramdisk: block files of their own and packed files (a file's blocks
# in one file, docs/formats/worker-block-store.md).
block_bytes() {
  find "$RAM/alluxioworker" -path '*/.tmp_blocks' -prune -o -type f -name '[0-9]*' -printf '%s\n' \
    2>/dev/null | awk '{ s += $1 } END { print s + 0 }'
}

# ---------------------------------------------------------------------------------------------
check "stop what does not run" 0 "$STOP" local <<'EOF'
The proxy @ <HOST> is not running.
The worker @ <HOST> is not running.
The master @ <HOST> is not running.
EOF
check "start local" 0 "$START" local NoMount <<'EOF'
The proxy @ <HOST> is not running.
The worker @ <HOST> is not running.
The master @ <HOST> is not running.
Formatting Alluxio Master @ <HOST>
Formatting master journal: <TMP>/journal
Formatting complete
Starting master @ <HOST>. Logging to <TMP>/logs
[ OK ] The master service @ <HOST> is in a healthy state.
Starting worker @ <HOST>. Logging to <TMP>/logs
[ OK ] The worker service @ <HOST> is in a healthy state.
Starting proxy @ <HOST>. Logging to <TMP>/logs
[ OK ] The proxy service @ <HOST> is in a healthy state.
EOF
master_pid=$(pid_of master)
worker_pid=$(pid_of worker)
check "start -N what runs" 0 "$START" -N local <<'EOF'
Assuming NoMount by default.
The master @ <HOST> is already running (pid <PID>); not starting another one.
The worker @ <HOST> is already running (pid <PID>); not starting another one.
The proxy @ <HOST> is already running (pid <PID>); not starting another one.
EOF
expect "-N kept the same processes" test "$(pid_of master) $(pid_of worker)" == "$master_pid $worker_pid"

# Another cluster (its own ALLUXIO_CONF_DIR and work dir) never touches this one.
sed -e "s|^alluxio.work.dir=.*|alluxio.work.dir=$WORK2|" "$WORK/conf/alluxio-site.properties" \
  >"$WORK2/conf/alluxio-site.properties"
check "another cluster's stop" 0 env ALLUXIO_CONF_DIR="$WORK2/conf" "$STOP" local <<'EOF'
The proxy @ <HOST> is not running.
The worker @ <HOST> is not running.
The master @ <HOST> is not running.
EOF
expect "this cluster still runs" alive "$master_pid"
expect "this cluster's worker still runs" alive "$worker_pid"

# A worker that dies at startup fails the health check at once, with its log's tail.
echo "alluxio.worker.tieredstore.level0.dirs.quota=lots" >>"$WORK2/conf/alluxio-site.properties"
t0=$SECONDS
ALLUXIO_CONF_DIR=$WORK2/conf "$START" -N worker NoMount >"$WORK/t/failed" 2>&1
rc=$?
expect "failed worker start exits 1" test "$rc" == 1
expect "[ FAILED ] line" grep -q "^\[ FAILED \] The worker service @ $HOST exited. Last lines of $WORK2/logs/worker.log:" "$WORK/t/failed"
expect "log tail names the bad quota" grep -q "lots" "$WORK/t/failed"
expect "failure detected fast" test $((SECONDS - t0)) -lt 20

# ---------------------------------------------------------------------------------------------
# Format is refused while this cluster runs, and touches nothing.
head -c 3000000 /dev/urandom >"$WORK/ct.bin"
head -c 2500000 /dev/urandom >"$WORK/mc.bin"
ct_md5=$(md5 <"$WORK/ct.bin")
mc_md5=$(md5 <"$WORK/mc.bin")
expect "copyFromLocal CACHE_THROUGH" "$A" fs copyFromLocal "$WORK/ct.bin" /ct.bin >/dev/null
expect "copyFromLocal MUST_CACHE" "$A" fs -Dalluxio.user.file.writetype.default=MUST_CACHE \
  copyFromLocal "$WORK/mc.bin" /mc.bin >/dev/null
expect "both files cached" test "$(block_bytes)" -eq 5500000
check "format refused while running" 1 "$A" format <<EOF
Cannot format: the Alluxio master @ <HOST> is running (pid <PID>, <TMP>/run/alluxio-master.pid). Stop it first with bin/alluxio-stop.sh master; nothing was formatted.
EOF
check "formatWorker refused while running" 1 "$A" formatWorker <<EOF
Cannot format: the Alluxio worker @ <HOST> is running (pid <PID>, <TMP>/run/alluxio-worker.pid). Stop it first with bin/alluxio-stop.sh worker; nothing was formatted.
EOF
check "formatJournal refused while running" 1 "$A" formatJournal <<EOF
Cannot format: the Alluxio master @ <HOST> is running (pid <PID>, <TMP>/run/alluxio-master.pid). Stop it first with bin/alluxio-stop.sh master; nothing was formatted.
EOF
expect "blocks untouched by the refused formats" test "$(block_bytes)" -eq 5500000
expect "namespace untouched" test "$("$A" fs cat /mc.bin | md5)" == "$mc_md5"
check "format usage" 2 "$A" format -x <<'EOF'
Usage: alluxio format [-s]
EOF

# ---------------------------------------------------------------------------------------------
# restart_worker starts a worker only if it is not running; a killed worker keeps its blocks.
check "restart_worker while running" 0 "$START" restart_worker <<'EOF'
The worker @ <HOST> is already running (pid <PID>); not starting another one.
EOF
kill -9 "$(pid_of worker)"
sleep 0.2
check "restart_worker after a crash" 0 "$START" restart_worker <<'EOF'
Restarting worker @ <HOST>. Logging to <TMP>/logs
[ OK ] The worker service @ <HOST> is in a healthy state.
EOF
expect "MUST_CACHE file after a worker crash" test "$("$A" fs cat /mc.bin | md5)" == "$mc_md5"
# A plain stop and start keeps the ramdisk, with no flag.
"$STOP" worker >/dev/null
"$START" worker NoMount >/dev/null || fail "worker restart"
expect "MUST_CACHE file after a plain worker restart" test "$("$A" fs cat /mc.bin | md5)" == "$mc_md5"
expect "still 100% cached" grep -q "100%" <("$A" fs ls /mc.bin)

# ---------------------------------------------------------------------------------------------
# -c error cases: nothing is stopped or touched.
touch "$WORK/afile"
check "stop -c onto a file" 1 "$STOP" worker -c "$WORK/afile" <<'EOF'
Non-directory file already exists at the path <TMP>/afile; aborting
EOF
check "start -c missing" 2 "$START" worker NoMount -c "$WORK/missing" <<'EOF'
Cache path <TMP>/missing does not exist; aborting
EOF
check "start -c onto a file" 2 "$START" worker NoMount -c "$WORK/afile" <<'EOF'
Cache path <TMP>/afile is not a directory; aborting
EOF
mkdir -p "$WORK/partial/x"
check "start -c incomplete cache" 2 "$START" worker NoMount -c "$WORK/partial" <<'EOF'
Cache path <TMP>/partial is incomplete: it has no .alluxio-cache-complete marker, so the alluxio-stop.sh -c that wrote it did not finish; aborting
EOF
expect "the worker survived the -c errors" alive "$(pid_of worker)"

# The -c round trip: save, wipe the ramdisk, restore; the MUST_CACHE data comes back.
mkdir -p "$CACHE/old" && touch "$CACHE/.hidden"
check "stop local -c" 0 "$STOP" local -c "$CACHE" <<'EOF'
Successfully Killed 1 process(es) successfully on <HOST>
Cache directory: <TMP>/cache
Successfully Killed 1 process(es) successfully on <HOST>
Directory already exists at <TMP>/cache; overwritting its contents
Saving worker ramcache at <RAM> to <TMP>/cache<RAM>
Saved and verified 3 file(s) of the worker ramcache in <TMP>/cache
Successfully Killed 1 process(es) successfully on <HOST>
EOF
expect "old cache content gone" test ! -e "$CACHE/old" -a ! -e "$CACHE/.hidden"
expect "cache marker" test -s "$CACHE/.alluxio-cache-complete"
expect "cache holds the manifest" test -f "$CACHE$RAM/alluxioworker/.manifest"
rm -rf "${RAM:?}"/*
check "start local -c" 0 "$START" local NoMount -c "$CACHE" <<'EOF'
The proxy @ <HOST> is not running.
The worker @ <HOST> is not running.
The master @ <HOST> is not running.
Starting master @ <HOST>. Logging to <TMP>/logs
[ OK ] The master service @ <HOST> is in a healthy state.
Populating worker ramcache(s) with contents from <TMP>/cache
Populating worker ramcache at <RAM> with <TMP>/cache<RAM>
Starting worker @ <HOST>. Logging to <TMP>/logs
[ OK ] The worker service @ <HOST> is in a healthy state.
Starting proxy @ <HOST>. Logging to <TMP>/logs
[ OK ] The proxy service @ <HOST> is in a healthy state.
EOF
expect "MUST_CACHE file 100% in Alluxio after the restore" grep -q "100%" <("$A" fs ls /mc.bin)
expect "MUST_CACHE file restored" test "$("$A" fs cat /mc.bin | md5)" == "$mc_md5"
expect "CACHE_THROUGH file restored" test "$("$A" fs cat /ct.bin | md5)" == "$ct_md5"
# A corrupted cache is refused before anything changes; an empty one is skipped.
"$STOP" worker >/dev/null
victim=$(find "$CACHE$RAM/alluxioworker" -type f -name '[0-9]*' | head -n 1)
printf 'X' | dd of="$victim" bs=1 seek=100 conv=notrunc status=none
"$START" worker NoMount -c "$CACHE" >"$WORK/t/corrupt" 2>&1
expect "corrupt cache refused (exit 2)" test $? == 2
expect "corrupt cache message" grep -q "^Cache path $CACHE does not match its checksums (.alluxio-cache-complete); aborting" "$WORK/t/corrupt"
expect "no worker started from a corrupt cache" test -z "$(pid_of worker)"
mkdir -p "$WORK/empty"
check "start -c empty cache" 0 "$START" worker NoMount -c "$WORK/empty" <<'EOF'
The worker @ <HOST> is not running.
Cache path <TMP>/empty is an empty directory; skipping cache population
Starting worker @ <HOST>. Logging to <TMP>/logs
[ OK ] The worker service @ <HOST> is in a healthy state.
EOF
expect "blocks kept with an empty cache" test "$("$A" fs cat /mc.bin | md5)" == "$mc_md5"

# ---------------------------------------------------------------------------------------------
# all / masters / workers through conf/masters and conf/workers (this machine, listed twice).
check "stop all" 0 "$STOP" all <<'EOF'
Successfully Killed 1 process(es) successfully on <HOST>
Successfully Killed 1 process(es) successfully on <HOST>
Successfully Killed 1 process(es) successfully on <HOST>
EOF
check "start all" 0 "$START" all NoMount <<'EOF'
The proxy @ <HOST> is not running.
The worker @ <HOST> is not running.
The master @ <HOST> is not running.
Starting master @ <HOST>. Logging to <TMP>/logs
[ OK ] The master service @ <HOST> is in a healthy state.
Starting worker @ <HOST>. Logging to <TMP>/logs
[ OK ] The worker service @ <HOST> is in a healthy state.
Starting proxy @ <HOST>. Logging to <TMP>/logs
[ OK ] The proxy service @ <HOST> is in a healthy state.
EOF
check "stop workers" 0 "$STOP" workers <<'EOF'
Successfully Killed 1 process(es) successfully on <HOST>
EOF
check "stop masters" 0 "$STOP" masters <<'EOF'
Successfully Killed 1 process(es) successfully on <HOST>
EOF
# -i reaches the master (which skips it: its journal is not empty).
check "start -i masters" 0 "$START" -i "$WORK/no-backup.gz" masters <<'EOF'
The master @ <HOST> is not running.
Starting master @ <HOST>. Logging to <TMP>/logs
[ OK ] The master service @ <HOST> is in a healthy state.
EOF
expect "-i becomes -Dalluxio.master.journal.init.from.backup" grep -qzx \
  -- "-Dalluxio.master.journal.init.from.backup=$WORK/no-backup.gz" "/proc/$(pid_of master)/cmdline"
expect "-i exported as JOURNAL_BACKUP" grep -qzx -- "JOURNAL_BACKUP=$WORK/no-backup.gz" \
  "/proc/$(pid_of master)/environ"
check "start workers" 0 "$START" workers NoMount <<'EOF'
The worker @ <HOST> is not running.
Starting worker @ <HOST>. Logging to <TMP>/logs
[ OK ] The worker service @ <HOST> is in a healthy state.
EOF
expect "data after start all / masters / workers" test "$("$A" fs cat /mc.bin | md5)" == "$mc_md5"

# ---------------------------------------------------------------------------------------------
# Format once stopped: Alluxio's output; the worker data folder is recreated empty (1777).
"$STOP" all >/dev/null
check "format" 0 "$A" format <<'EOF'
Formatting Alluxio Worker @ <HOST>
Formatting worker data folder: /alluxioworker/
Formatting Data path for tier 0:<RAM>/alluxioworker/
Formatting complete
Formatting Alluxio Master @ <HOST>
Formatting master journal: <TMP>/journal
Formatting complete
EOF
expect "formatWorker wiped the blocks" test "$(block_bytes)" -eq 0
expect "data folder mode 1777" test "$(stat -c %a "$RAM/alluxioworker")" == 1777
check "start local -f" 0 "$START" local NoMount -f <<'EOF'
The proxy @ <HOST> is not running.
The worker @ <HOST> is not running.
The master @ <HOST> is not running.
Formatting Alluxio Master @ <HOST>
Formatting master journal: <TMP>/journal
Formatting complete
Formatting Alluxio Worker @ <HOST>
Formatting worker data folder: /alluxioworker/
Formatting Data path for tier 0:<RAM>/alluxioworker/
Formatting complete
Starting master @ <HOST>. Logging to <TMP>/logs
[ OK ] The master service @ <HOST> is in a healthy state.
Starting worker @ <HOST>. Logging to <TMP>/logs
[ OK ] The worker service @ <HOST> is in a healthy state.
Starting proxy @ <HOST>. Logging to <TMP>/logs
[ OK ] The proxy service @ <HOST> is in a healthy state.
EOF
# The journal and the cache are gone; the UFS keeps the persisted file, which is loaded again.
"$A" fs ls / >"$WORK/t/ls" 2>&1
expect "MUST_CACHE file gone after format" test -z "$(grep mc.bin "$WORK/t/ls")"
expect "persisted file back from the UFS, 0% cached" grep -q " 0% /ct.bin" "$WORK/t/ls"
# ---------------------------------------------------------------------------------------------
# Mount (root only): a worker whose ramdisk is not mounted gets one: tmpfs with huge pages and no
# swap where the kernel has both, else Alluxio's ramfs; blocks are cached on it; a ramdisk already
# mounted is kept as it is.
if [[ $(id -u) == 0 ]]; then
  "$STOP" worker >/dev/null
  sed -i -e "s|^alluxio.worker.tieredstore.level0.dirs.path=.*|alluxio.worker.tieredstore.level0.dirs.path=$MNT|" \
    "$WORK/conf/alluxio-site.properties"
  check "start worker Mount" 0 "$START" worker Mount <<'EOF'
The worker @ <HOST> is not running.
Ramdisk <TMP>/ramdisk not detected. Mounting...
Starting worker @ <HOST>. Logging to <TMP>/logs
[ OK ] The worker service @ <HOST> is in a healthy state.
EOF
  mount_options=$(findmnt -n -o OPTIONS --target "$MNT")
  if [[ "$(findmnt -n -o FSTYPE --target "$MNT")" == tmpfs ]]; then
    expect "tmpfs with huge pages" grep -Eq "(^|,)huge=within_size(,|$)" <<<"$mount_options"
    expect "tmpfs never swapped" grep -Eq "(^|,)noswap(,|$)" <<<"$mount_options"
  else
    expect "Alluxio's ramfs where tmpfs lacks the options" \
      test "$(findmnt -n -o FSTYPE --target "$MNT")" == ramfs
  fi
  expect "copyFromLocal MUST_CACHE onto the mounted ramdisk" "$A" fs \
    -Dalluxio.user.file.writetype.default=MUST_CACHE copyFromLocal "$WORK/mc.bin" /mnt.bin >/dev/null
  expect "its blocks are on the mounted ramdisk" test "$(RAM=$MNT block_bytes)" -eq 2500000
  "$STOP" worker >/dev/null
  check "start worker Mount onto a mounted ramdisk" 0 "$START" worker Mount <<'EOF'
The worker @ <HOST> is not running.
Ramdisk <TMP>/ramdisk already mounted. Skipping mounting procedure.
Starting worker @ <HOST>. Logging to <TMP>/logs
[ OK ] The worker service @ <HOST> is in a healthy state.
EOF
  expect "the file read back from the kept ramdisk" test "$("$A" fs cat /mnt.bin | md5)" == "$mc_md5"
  expect "still 100% cached on the kept ramdisk" grep -q "100%" <("$A" fs ls /mnt.bin)
  # alluxio-mount.sh itself (Alluxio's runbooks name it): Umount, Mount, and what it refuses.
  "$STOP" worker >/dev/null
  check "alluxio-mount.sh Umount" 0 "$SRC/bin/alluxio-mount.sh" Umount <<'EOF'
Unmounting <TMP>/ramdisk
EOF
  expect "the ramdisk is unmounted" test -z "$(findmnt -n --target "$MNT" -o TARGET | grep -Fx "$MNT")"
  check "alluxio-mount.sh Umount when not mounted" 0 "$SRC/bin/alluxio-mount.sh" Umount local <<'EOF'
Ramdisk <TMP>/ramdisk is not mounted. Skipping unmounting procedure.
EOF
  check "alluxio-mount.sh Mount" 0 "$SRC/bin/alluxio-mount.sh" Mount local <<'EOF'
Ramdisk <TMP>/ramdisk not detected. Mounting...
EOF
  expect "mounted by alluxio-mount.sh" mountpoint -q "$MNT"
  check "alluxio-mount.sh Mount when mounted" 0 "$SRC/bin/alluxio-mount.sh" Mount <<'EOF'
Ramdisk <TMP>/ramdisk already mounted. Skipping mounting procedure.
EOF
  check "alluxio-mount.sh bad operation" 1 "$SRC/bin/alluxio-mount.sh" Remount <<'EOF'
Usage: alluxio-mount.sh [Mount|SudoMount|Umount|SudoUmount] [MACHINE]
If omitted, MACHINE is default to be 'local'. MACHINE is one of:
  local   	Mount local machine
  workers 	Mount all the workers on worker nodes
  all     	Mount local machine and all the workers on worker nodes
EOF
  "$SRC/bin/alluxio-mount.sh" Umount >/dev/null
  mkdir -p "$WORK/conf-big"
  { cat "$WORK/conf/alluxio-site.properties"; echo "alluxio.worker.ramdisk.size=64TB"; } \
    >"$WORK/conf-big/alluxio-site.properties"
  check "alluxio-mount.sh refuses a ramdisk larger than the memory" 1 env \
    ALLUXIO_CONF_DIR="$WORK/conf-big" "$SRC/bin/alluxio-mount.sh" Mount <<EOF
ERROR: Memory($(awk '/^MemTotal:/ { print $2 }' /proc/meminfo) kb) is less than requested ramdisk size(68719476736 kb). Please reduce alluxio.worker.ramdisk.size in alluxio-site.properties
EOF
  expect "nothing mounted after the refusal" test -z "$(findmnt -n --target "$MNT" -o TARGET | grep -Fx "$MNT")"
  "$START" worker Mount >/dev/null || fail "worker restart with Mount"
else
  echo "scripts_test: not root, the Mount cases are skipped"
fi

check "stop all at the end" 0 "$STOP" all <<'EOF'
Successfully Killed 1 process(es) successfully on <HOST>
Successfully Killed 1 process(es) successfully on <HOST>
Successfully Killed 1 process(es) successfully on <HOST>
EOF

echo "scripts_test: $PASSED passed, $FAILED failed"
((FAILED == 0))
