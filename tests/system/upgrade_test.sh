#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Alluxio's Upgrade page, followed literally with real processes and the scripts:
#   1. start a cluster and build a namespace (nested directories, CACHE_THROUGH and MUST_CACHE
#      files, a nested mount, a pinned file, a TTL, modes and owners)
#   2. bin/alluxio fsadmin backup                      -> "Successfully backed up journal to <URI>"
#   3. bin/alluxio-stop.sh workers -c $CACHE
#   4. bin/alluxio-stop.sh all
#   5. bin/alluxio format
#   6. bin/alluxio-start.sh -i $BACKUP all NoMount -c $CACHE
#   7. every path, attribute and byte is back; the MUST_CACHE data is read from the restored cache
# Variants: backups refused when truncated or bit-flipped (nothing changes, the journal stays
# empty), --local, a backup directory argument, and -i on a non-empty journal is ignored.
#   upgrade_test.sh <source dir> <binary dir>
# shellcheck disable=SC2317
set -u -o pipefail
# shellcheck source=tests/system/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

init_system_test upgrade-test "$@"
CACHE=$WORK/cache
MOUNTED=$WORK/other-ufs
mkdir -p "$MOUNTED/logs"
FAILED=0
PASSED=0

finish() {
  "$STOP" all >/dev/null 2>&1
  kill_pid_files "$WORK"
  remove_work "${UPGRADE_TEST_KEEP:-}"
}
trap finish EXIT

write_cluster_site "$WORK/conf/alluxio-site.properties" "$WORK" "$RAM"
cat >>"$WORK/conf/alluxio-site.properties" <<CONF
alluxio.worker.ramdisk.size=64MB
alluxio.user.block.size.bytes.default=1MB
alluxio.user.rpc.retry.max.duration=20sec
alluxio.master.backup.directory=$WORK/backups
CONF
printf 'localhost\n' >"$WORK/conf/masters"
printf 'localhost\n' >"$WORK/conf/workers"

die() {
  echo "FATAL: $*" >&2
  tail -n 20 "$WORK"/logs/*.log >&2
  FAILED=$((FAILED + 1))
  exit 1
}
md5() { md5sum | cut -d' ' -f1; }

# Everything the namespace holds, one line per path (recursive listing: mode, owner, group, size,
# persistence, pinned, path) plus the mount table: compared before and after the upgrade.
snapshot() {
  "$A" fs ls -R / | awk '{print $1, $2, $3, $4, $5, $NF}' | sort
  "$A" fs stat -f "%N pinned=%p" /data/dir/pinned 2>/dev/null
  "$A" fs mount | sed -E 's/capacity=[^,]*, used=[^,]*,//' | sort
}

# ---- 1. a cluster and a namespace ----
"$START" all NoMount >/dev/null || die "start all"
head -c 3000000 /dev/urandom >"$WORK/through.bin"
head -c 2500000 /dev/urandom >"$WORK/cached.bin"
printf 'mounted content\n' >"$MOUNTED/logs/app.log"
{
  "$A" fs mkdir /data/dir/sub /data/empty
  "$A" fs -Dalluxio.user.file.writetype.default=CACHE_THROUGH copyFromLocal "$WORK/through.bin" /data/through.bin
  "$A" fs -Dalluxio.user.file.writetype.default=MUST_CACHE copyFromLocal "$WORK/cached.bin" /data/dir/cached.bin
  "$A" fs -Dalluxio.user.file.writetype.default=CACHE_THROUGH copyFromLocal "$WORK/through.bin" /data/dir/pinned
  "$A" fs pin /data/dir/pinned
  "$A" fs setTtl /data/empty 1d
  "$A" fs chmod 750 /data/dir/sub
  "$A" fs chown nobody:nogroup /data/dir/sub
  "$A" fs mount --readonly /data/mnt "$MOUNTED"
  "$A" fs ls /data/mnt/logs
} >/dev/null || die "building the namespace"
expect "MUST_CACHE file fully cached before" grep -q "100%" <("$A" fs ls /data/dir/cached.bin)
BEFORE=$(snapshot)

# ---- 2. backup ----
out=$("$A" fsadmin backup) || die "fsadmin backup: $out"
expect "backup prints the Upgrade page's line" grep -q "^Successfully backed up journal to " <<<"$out"
expect "backup prints Backup URI" grep -q "^Backup URI         : " <<<"$out"
BACKUP=$(sed -n 's/^Backup URI         : //p' <<<"$out")
BACKUP_FILE=${BACKUP#file://}
expect "the backup is in alluxio.master.backup.directory" test -f "$WORK/backups/${BACKUP_FILE##*/}"
expect "the backup has its .complete marker" test -f "$BACKUP_FILE.complete"
# Variants of the command. As in Alluxio, the directory is an absolute path in the root UFS's
# file system (hdfs://nn:9000/alluxio_backups for a root of hdfs://nn:9000/alluxio): with a local
# root UFS, a local path.
out=$("$A" fsadmin backup "$WORK/other-backups") || fail "fsadmin backup <dir>: $out"
expect "backup <dir> lands in that directory" \
  grep -q "file://$WORK/other-backups/alluxio-backup-" <<<"$out"
out=$("$A" fsadmin backup "$WORK/local-backups" --local) || fail "fsadmin backup --local: $out"
expect "backup --local lands on the master's disk" grep -q "file://$WORK/local-backups/alluxio-backup-" <<<"$out"

# ---- 3, 4, 5. stop workers with -c, stop all, format ----
"$STOP" workers -c "$CACHE" >/dev/null || die "alluxio-stop.sh workers -c"
"$STOP" all >/dev/null || die "alluxio-stop.sh all"
"$A" format >/dev/null || die "alluxio format"
expect "format wiped the ramdisk blocks" \
  test -z "$(find "$RAM/alluxioworker" -maxdepth 1 -type f -name '[0-9]*' 2>/dev/null)"

# Broken backups are refused before anything changes: the master does not start and the journal
# stays empty (the good backup still restores afterwards).
cp "$BACKUP_FILE" "$WORK/truncated.gz"
truncate -s $(($(stat -c %s "$BACKUP_FILE") / 2)) "$WORK/truncated.gz"
touch "$WORK/truncated.gz.complete"
cp "$BACKUP_FILE" "$WORK/flipped.gz"
# Invert the middle byte (writing a constant would change nothing when the byte already is it).
mid=$(($(stat -c %s "$BACKUP_FILE") / 2))
byte=$(od -An -tu1 -j "$mid" -N1 "$BACKUP_FILE" | tr -d ' ')
printf "\\x$(printf %02x $((byte ^ 0xff)))" |
  dd of="$WORK/flipped.gz" bs=1 seek="$mid" conv=notrunc status=none
cmp -s "$BACKUP_FILE" "$WORK/flipped.gz" && die "flipping a byte of the backup changed nothing"
touch "$WORK/flipped.gz.complete"
for bad in truncated flipped; do
  if "$START" -i "file://$WORK/$bad.gz" master >/dev/null 2>&1; then
    fail "a $bad backup was accepted"
    "$STOP" master >/dev/null
  else
    PASSED=$((PASSED + 1))
  fi
  "$STOP" master >/dev/null 2>&1
done
# The journal stayed empty: step 6 restores the good backup, which a master only does into an
# empty journal ("Restored N entries from backup"; otherwise "not freshly formatted, skipping").

# ---- 6. start from the backup, workers restore their cache ----
out=$("$START" -i "$BACKUP" all NoMount -c "$CACHE" 2>&1) || die "start -i all -c: $out"
expect "the worker cache was populated" grep -q "Populating worker ramcache" <<<"$out"
grep -q "Restored [0-9]* entries from backup" "$WORK/logs/master.log" ||
  fail "master log lacks 'Restored N entries from backup' (the refused backups left entries?)"
expect "the refused backups left nothing to skip over" \
  test -z "$(grep "not freshly formatted" "$WORK/logs/master.log")"

# ---- 7. everything is back ----
AFTER=$(snapshot)
if [[ "$BEFORE" == "$AFTER" ]]; then
  PASSED=$((PASSED + 1))
else
  fail "namespace differs after the upgrade:"
  diff <(echo "$BEFORE") <(echo "$AFTER") >&2
fi
expect "MUST_CACHE file served from the restored cache (100% in Alluxio)" \
  grep -q "100%" <("$A" fs ls /data/dir/cached.bin)
expect "MUST_CACHE bytes" test "$("$A" fs cat /data/dir/cached.bin | md5)" == "$(md5 <"$WORK/cached.bin")"
expect "CACHE_THROUGH bytes" test "$("$A" fs cat /data/through.bin | md5)" == "$(md5 <"$WORK/through.bin")"
expect "pinned file bytes" test "$("$A" fs cat /data/dir/pinned | md5)" == "$(md5 <"$WORK/through.bin")"
expect "nested mount content" test "$("$A" fs cat /data/mnt/logs/app.log)" == "mounted content"

# -i on a journal that is not empty is ignored (the namespace stays as it is now).
"$A" fs mkdir /after-upgrade >/dev/null || fail "mkdir after the upgrade"
"$STOP" master >/dev/null
"$START" -i "$BACKUP" master >/dev/null || die "start -i on a non-empty journal"
expect "-i on a non-empty journal is ignored" "$A" fs test -d /after-upgrade
grep -q "not freshly formatted, skipping restoring backup" "$WORK/logs/master.log" ||
  fail "master log lacks the skip message"

echo "upgrade_test: $PASSED passed, $FAILED failed"
((FAILED == 0))
