#!/usr/bin/env bash
# System test of the FUSE mount with real processes: bin/alluxio-start.sh master and worker, then
# bin/alluxio-fuse mount into a temp dir and POSIX tools on it: cp, tar and rsync round trips
# (sha256), 2000 small files, git init and commits, fio sequential write/read and random read,
# append, overwrite, random writes and truncation, concurrent readers, 8 threads of mixed
# operations checked against a model, rename and delete of trees,
# permissions (as nobody), errno cases, a change through another client, create(2) of a name
# another client made since the kernel saw it missing, rewriting a 255-byte name, umount while idle,
# umount (refused) and umount -f while busy, and the messages for a missing or busy mount point.
#   fuse_test.sh <source dir> <binary dir>
set -u -o pipefail
# shellcheck source=tests/system/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

init_system_test fuse-test "$@"
chmod 755 "$WORK"  # nobody must reach the mount point for the permission checks
MNT=$WORK/mnt
LOCAL=$WORK/local
mkdir -p "$MNT" "$LOCAL" "$WORK/staging"
F=$SRC/bin/alluxio-fuse
FAILED=0
HOLDER=""
# Every command that touches the mount gets a deadline, so a hung mount fails the test instead of
# hanging it.
T() { timeout 120 "$@"; }

mounted() { awk -v mp="$1" '$5 == mp { found = 1 } END { exit !found }' /proc/self/mountinfo; }

finish() {
  [[ -n "$HOLDER" ]] && kill "$HOLDER" 2>/dev/null
  mounted "$MNT" && { fusermount3 -uz "$MNT" 2>/dev/null || umount -l "$MNT" 2>/dev/null; }
  for p in "$WORK"/run/alluxio-fuse-*.pid; do [[ -f "$p" ]] && kill -9 "$(cat "$p")" 2>/dev/null; done
  "$STOP" worker >/dev/null 2>&1
  "$STOP" master >/dev/null 2>&1
  kill_pid_files "$WORK"
  ((FAILED > 0)) && tail -n 20 "$WORK/logs/fuse.log" 2>/dev/null
  remove_work
}
trap finish EXIT

write_cluster_site "$WORK/conf/alluxio-site.properties" "$WORK" "$RAM"
cat >>"$WORK/conf/alluxio-site.properties" <<CONF
alluxio.worker.ramdisk.size=512MB
alluxio.user.block.size.bytes.default=16MB
alluxio.user.file.writetype.default=CACHE_THROUGH
alluxio.user.rpc.retry.max.duration=20sec
alluxio.fuse.staging.dir=$WORK/staging
CONF

# The master and a worker only (`local` may start other services).
{ "$SRC/bin/alluxio-start.sh" master >/dev/null && "$SRC/bin/alluxio-start.sh" worker NoMount >/dev/null; } ||
  { FAILED=1; tail -n 30 "$WORK"/logs/*.log; exit 1; }

# ---- mount -------------------------------------------------------------------------------------
out=$("$F" mount -o allow_other,auto_unmount "$WORK/missing" / 2>&1)
expect "mount on a missing mount point fails" test $? -ne 0
expect "missing mount point: clear message ($out)" grep -q "Mount point $WORK/missing does not exist" <<<"$out"

expect "mount" T "$F" mount -o allow_other,auto_unmount "$MNT" /
expect "mounted as fuse.alluxio-fuse" grep -q " $MNT .* - fuse.alluxio-fuse " /proc/self/mountinfo
expect "stat lists the mount" grep -q "$MNT	/" <("$F" stat)
out=$("$F" mount -o auto_unmount "$MNT" / 2>&1)
expect "second mount on the same point fails" test $? -ne 0
expect "busy mount point: clear message ($out)" grep -qE "already mounted|busy" <<<"$out"
expect "df shows the cluster capacity" test "$(T df -B1 --output=size "$MNT" | tail -n 1)" -gt 0

# ---- cp round trip -----------------------------------------------------------------------------
head -c 40000000 /dev/urandom >"$LOCAL/data.bin"
want=$(sha256sum <"$LOCAL/data.bin" | cut -d' ' -f1)
expect "cp into the mount" T cp "$LOCAL/data.bin" "$MNT/data.bin"
expect "size through stat" test "$(stat -c %s "$MNT/data.bin")" -eq 40000000
expect "sha256 through the mount" test "$(T sha256sum <"$MNT/data.bin" | cut -d' ' -f1)" == "$want"
expect "sha256 through the CLI (file complete at close)" \
  test "$(T "$A" fs cat /data.bin | sha256sum | cut -d' ' -f1)" == "$want"
expect "cp out of the mount" T cp "$MNT/data.bin" "$LOCAL/copy.bin"
expect "copy matches" cmp -s "$LOCAL/data.bin" "$LOCAL/copy.bin"

# Concurrent readers of one file.
pids=()
for i in 1 2 3 4 5 6; do
  (T sha256sum <"$MNT/data.bin" | cut -d' ' -f1 >"$WORK/reader.$i") &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
for i in 1 2 3 4 5 6; do
  expect "concurrent reader $i" test "$(cat "$WORK/reader.$i")" == "$want"
done

# ---- tar and rsync round trips -------------------------------------------------------------------
mkdir -p "$LOCAL/tree/a/b/c" "$LOCAL/tree/empty" "$LOCAL/tree/d"
head -c 3000000 /dev/urandom >"$LOCAL/tree/a/big"
: >"$LOCAL/tree/a/b/zero"
for i in $(seq 1 50); do echo "file $i" >"$LOCAL/tree/a/b/c/f$i"; done
head -c 70000 /dev/urandom >"$LOCAL/tree/d/mid"
chmod 640 "$LOCAL/tree/d/mid"
(cd "$LOCAL/tree" && find . -type f -exec sha256sum {} + | sort -k2) >"$WORK/tree.sums"

mkdir -p "$MNT/tarred" "$LOCAL/untarred"
expect "tar into the mount" T bash -c 'tar -C "$1" -cf - . | tar -C "$2" -xf -' _ "$LOCAL/tree" "$MNT/tarred"
expect "tar out of the mount" T bash -c 'set -o pipefail; tar -C "$1" -cf - . 2>"$3" | tar -C "$2" -xf -' \
  _ "$MNT/tarred" "$LOCAL/untarred" "$WORK/tar.err"
expect "tar out of the mount: no file changed as it was read ($(head -c 300 "$WORK/tar.err"))" \
  test ! -s "$WORK/tar.err"
expect "tar round trip: same checksums" \
  diff <(cd "$LOCAL/untarred" && find . -type f -exec sha256sum {} + | sort -k2) "$WORK/tree.sums"
expect "tar round trip: same tree" diff <(cd "$LOCAL/tree" && find . | sort) \
  <(cd "$LOCAL/untarred" && find . | sort)
expect "tar keeps modes" test "$(stat -c %a "$MNT/tarred/d/mid")" == 640

if command -v rsync >/dev/null; then
  expect "rsync into the mount" T rsync -a "$LOCAL/tree/" "$MNT/synced/"
  expect "rsync out of the mount" T rsync -a "$MNT/synced/" "$LOCAL/resynced/"
  expect "rsync round trip: same checksums" \
    diff <(cd "$LOCAL/resynced" && find . -type f -exec sha256sum {} + | sort -k2) "$WORK/tree.sums"
  expect "rsync -c again finds nothing to copy" \
    test -z "$(T rsync -ac --out-format=%n "$LOCAL/tree/" "$MNT/synced/" | grep -v '/$')"
else
  echo "SKIP: rsync is not installed"
fi

# ---- many small files ----------------------------------------------------------------------------
mkdir "$MNT/small"
expect "2000 small files" T bash -c 'for i in $(seq 1 2000); do echo "small $i" >"$1/f$i" || exit 1; done' _ "$MNT/small"
expect "listing has 2000 entries" test "$(T ls "$MNT/small" | wc -l)" -eq 2000
expect "find sees 2000 files" test "$(T find "$MNT/small" -type f | wc -l)" -eq 2000
expect "a small file reads back" test "$(cat "$MNT/small/f1234")" == "small 1234"
expect "the CLI sees the small files" test "$(T "$A" fs ls /small | wc -l)" -eq 2000

# ---- append, overwrite, random writes, truncate ---------------------------------------------------
echo one >"$MNT/app.txt"
echo two >>"$MNT/app.txt"
echo three >>"$MNT/app.txt"
expect "append" test "$(cat "$MNT/app.txt")" == $'one\ntwo\nthree'
expect "append seen by the CLI" test "$(T "$A" fs cat /app.txt)" == $'one\ntwo\nthree'
echo replaced >"$MNT/app.txt"
expect "overwrite (O_TRUNC)" test "$(cat "$MNT/app.txt")" == replaced
cp "$LOCAL/data.bin" "$LOCAL/patched.bin"
T python3 - "$MNT/data.bin" "$LOCAL/patched.bin" <<'PY'
import os, sys
for path in sys.argv[1:]:
    with open(path, "r+b") as f:
        f.seek(17_000_000); f.write(b"X" * 100_000)   # middle
        f.seek(3); f.write(b"head")                   # before
        f.seek(0, 2); f.write(b"tail")                # append
PY
expect "random writes" cmp -s "$MNT/data.bin" "$LOCAL/patched.bin"
expect "random writes seen by the CLI" cmp -s <(T "$A" fs cat /data.bin) "$LOCAL/patched.bin"
truncate -s 1000 "$MNT/data.bin" && truncate -s 1000 "$LOCAL/patched.bin"
expect "truncate down" cmp -s "$MNT/data.bin" "$LOCAL/patched.bin"
truncate -s 5000 "$MNT/data.bin" && truncate -s 5000 "$LOCAL/patched.bin"
expect "truncate up (zeros)" cmp -s "$MNT/data.bin" "$LOCAL/patched.bin"
: >"$MNT/data.bin"
expect "truncate to zero" test "$(stat -c %s "$MNT/data.bin")" -eq 0

# ---- git (random writes, renames over files, fsync) ----------------------------------------------
mkdir "$MNT/repo"
expect "git init and two commits" T bash -c '
  cd "$1" && git init -q && git config user.email t@t && git config user.name t &&
  echo hello >a && mkdir -p d && seq 1 1000 >d/b && git add -A && git commit -qm one &&
  echo more >>a && git rm -q d/b && git commit -qam two &&
  test "$(git show HEAD:a)" == "$(printf "hello\nmore")" &&
  test "$(git log --oneline | wc -l)" -eq 2 && git gc -q && git fsck --strict 2>&1 &&
  test -z "$(git status --porcelain)"' _ "$MNT/repo"

# ---- fio ------------------------------------------------------------------------------------------
if command -v fio >/dev/null; then
  mkdir "$MNT/fio"
  FIO=(fio --directory="$MNT/fio" --filename=f --size=64M --fallocate=none --output-format=terse)
  expect "fio sequential write" T "${FIO[@]}" --name=w --rw=write --bs=1M >/dev/null
  expect "fio file size" test "$(stat -c %s "$MNT/fio/f")" -eq $((64 << 20))
  expect "fio sequential read" T "${FIO[@]}" --name=r --rw=read --bs=1M >/dev/null
  expect "fio random read" T "${FIO[@]}" --name=rr --rw=randread --bs=4k --io_size=8M >/dev/null
  expect "fio write with verify" T "${FIO[@]}" --name=v --filename=v --rw=write --bs=256k \
    --size=16M --verify=crc32c --do_verify=1 --verify_state_save=0 >/dev/null
else
  echo "SKIP: fio is not installed"
fi

# ---- rename and delete of trees -----------------------------------------------------------------
expect "rename a tree" T mv "$MNT/tarred" "$MNT/moved"
expect "renamed tree has the same checksums" \
  diff <(cd "$MNT/moved" && T find . -type f -exec sha256sum {} + | sort -k2) "$WORK/tree.sums"
expect "old name is gone" test ! -e "$MNT/tarred"
echo first >"$MNT/x1"
echo second >"$MNT/x2"
expect "rename over an existing file" mv -f "$MNT/x1" "$MNT/x2"
expect "replaced content" test "$(cat "$MNT/x2")" == first
expect "delete a tree" T rm -rf "$MNT/moved" "$MNT/small"
expect "deleted trees are gone" test ! -e "$MNT/moved" -a ! -e "$MNT/small"
expect "the CLI agrees" bash -c "! '$A' fs test -e /moved"

# ---- permissions ----------------------------------------------------------------------------------
NOBODY=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
echo secret >"$MNT/private"
chmod 600 "$MNT/private"
expect "chmod shows" test "$(stat -c %a "$MNT/private")" == 600
expect "chmod reaches Alluxio" grep -q -- "-rw-------" <(T "$A" fs ls /private)
expect "nobody cannot read a 600 file" bash -c "! ${NOBODY[*]} cat '$MNT/private' 2>/dev/null"
chmod 644 "$MNT/private"
expect "nobody reads a 644 file" test "$(T "${NOBODY[@]}" cat "$MNT/private")" == secret
expect "nobody cannot write into a 755 root-owned dir" \
  bash -c "! ${NOBODY[*]} touch '$MNT/nobody-file' 2>/dev/null"
expect "chown" chown nobody:nogroup "$MNT/private"
expect "chown shows" test "$(stat -c %U:%G "$MNT/private")" == nobody:nogroup
expect "the owner may write" T "${NOBODY[@]}" bash -c "echo mine >'$MNT/private'"
expect "owner's write landed" test "$(cat "$MNT/private")" == mine

# ---- errno -----------------------------------------------------------------------------------------
mkdir -p "$MNT/full/sub"
echo f >"$MNT/file"
expect "errno cases" T python3 - "$MNT" <<'PY'
import errno, os, sys
m = sys.argv[1]
def err(fn, *args):
    try:
        fn(*args)
    except OSError as e:
        return e.errno
    return 0
checks = [
    ("stat missing", err(os.stat, m + "/missing"), errno.ENOENT),
    ("open missing", err(open, m + "/missing"), errno.ENOENT),
    ("rmdir non-empty", err(os.rmdir, m + "/full"), errno.ENOTEMPTY),
    ("mkdir existing", err(os.mkdir, m + "/full"), errno.EEXIST),
    ("O_EXCL existing", err(os.open, m + "/file", os.O_CREAT | os.O_EXCL | os.O_WRONLY), errno.EEXIST),
    ("open dir for write", err(os.open, m + "/full", os.O_WRONLY), errno.EISDIR),
    ("mkdir under a file", err(os.mkdir, m + "/file/x"), errno.ENOTDIR),
    ("unlink a dir", err(os.unlink, m + "/full"), errno.EISDIR),
    ("rmdir a file", err(os.rmdir, m + "/file"), errno.ENOTDIR),
    ("rename a dir into itself", err(os.rename, m + "/full", m + "/full/sub/x"), errno.EINVAL),
]
os.mkdir(m + "/other"); open(m + "/other/x", "w").close(); os.mkdir(m + "/empty2")
checks.append(("rename dir over non-empty dir", err(os.rename, m + "/empty2", m + "/other"), errno.ENOTEMPTY))
bad = [f"{n}: got {os.strerror(g) if g else 'success'}, want {os.strerror(w)}" for n, g, w in checks if g != w]
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY

# ---- 8 threads of random writes, appends, patches, renames, deletes and reads, against a model ----
mkdir "$MNT/stress"
expect "concurrent mixed operations match the model" T python3 - "$MNT/stress" <<'PY'
import os, sys, random, threading
root = sys.argv[1]
errors = []
def worker(t):
    rnd = random.Random(t)
    d = f"{root}/t{t}"; os.makedirs(d, exist_ok=True)
    model = {}
    try:
        for i in range(200):
            op = rnd.random(); name = f"f{rnd.randrange(12)}"; p = f"{d}/{name}"
            if op < 0.3:
                data = os.urandom(rnd.randrange(1, 200000))
                with open(p, "wb") as f: f.write(data)
                model[name] = data
            elif op < 0.45 and name in model:
                extra = os.urandom(rnd.randrange(1, 5000))
                with open(p, "ab") as f: f.write(extra)
                model[name] += extra
            elif op < 0.55 and name in model and len(model[name]) > 10:
                off = rnd.randrange(len(model[name])); patch = os.urandom(rnd.randrange(1, 3000))
                with open(p, "r+b") as f: f.seek(off); f.write(patch)
                b = bytearray(model[name]); b[off:off+len(patch)] = patch
                if off + len(patch) > len(model[name]): pass
                model[name] = bytes(b)
            elif op < 0.65 and name in model:
                new = f"f{rnd.randrange(12)}"
                os.rename(p, f"{d}/{new}"); model[new] = model.pop(name)
            elif op < 0.72 and name in model:
                os.unlink(p); del model[name]
            elif name in model:
                with open(p, "rb") as f: got = f.read()
                if got != model[name]: errors.append(f"t{t} {name}: {len(got)} != {len(model[name])}")
        for name, data in model.items():
            with open(f"{d}/{name}", "rb") as f:
                if f.read() != data: errors.append(f"t{t} final {name}")
        if sorted(os.listdir(d)) != sorted(model): errors.append(f"t{t} listing {sorted(os.listdir(d))} vs {sorted(model)}")
    except Exception as e:
        errors.append(f"t{t}: {e!r}")
ths = [threading.Thread(target=worker, args=(t,)) for t in range(8)]
[t.start() for t in ths]; [t.join() for t in ths]
print("\n".join(errors))
sys.exit(1 if errors else 0)
PY

# ---- a change through another client reaches the mount ----------------------------------------------
echo old >"$MNT/shared.txt"
expect "read before the change" test "$(cat "$MNT/shared.txt")" == old
echo "new content" >"$LOCAL/new.txt"
"$A" fs rm /shared.txt >/dev/null && "$A" fs copyFromLocal "$LOCAL/new.txt" /shared.txt >/dev/null
expect "a change by another client is seen at the next open" \
  test "$(cat "$MNT/shared.txt")" == "new content"

# ---- kernel passthrough: a file cached whole on this host is read by the kernel itself ----------
# On Linux >= 6.9 with CONFIG_FUSE_PASSTHROUGH, as root: a file opened before the FUSE process is
# stopped (SIGSTOP) still reads in full, which only the kernel reading the block file (or, for a
# file of several blocks, the packed file holding them) can do.
kernel_passthrough() {
  local v
  v=$(uname -r | awk -F'[.-]' '{ print $1 * 1000 + $2 }')
  ((v >= 6009)) && [[ $(id -u) == 0 ]] || return 1
  [[ -r /proc/config.gz ]] || return 0
  local config
  config=$(zcat /proc/config.gz)  # not piped into grep -q: pipefail would see zcat's SIGPIPE
  grep -q '^CONFIG_FUSE_PASSTHROUGH=y' <<<"$config"
}
head -c 3000000 /dev/urandom >"$LOCAL/pt.bin"
"$A" fs copyFromLocal "$LOCAL/pt.bin" /pt.bin >/dev/null
head -c 40000000 /dev/urandom >"$LOCAL/pt3.bin"  # three 16 MB blocks
"$A" fs copyFromLocal "$LOCAL/pt3.bin" /pt3.bin >/dev/null
fuse_pid=$(cat "$WORK"/run/alluxio-fuse-*.pid)
read_stopped() {  # reads $1 through the mount with the FUSE process stopped once it is open
  timeout -s KILL 30 python3 - "$1" "$fuse_pid" <<'PY'
import hashlib, os, signal, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
os.kill(int(sys.argv[2]), signal.SIGSTOP)
h, n = hashlib.sha256(), 0
while chunk := os.read(fd, 1 << 20):
    h.update(chunk)
    n += len(chunk)
print(h.hexdigest(), n)
PY
  local rc=$?
  kill -CONT "$fuse_pid"
  return $rc
}
if kernel_passthrough; then
  expect "kernel passthrough on (fuse.log)" grep -q "Kernel passthrough on" "$WORK/logs/fuse.log"
  got=$(read_stopped "$MNT/pt.bin")
  expect "a one-block cached file reads with the FUSE process stopped ($got)" \
    test "$got" == "$(sha256sum <"$LOCAL/pt.bin" | cut -d' ' -f1) 3000000"
  got=$(read_stopped "$MNT/pt3.bin")
  expect "a three-block cached file reads with the FUSE process stopped ($got)" \
    test "$got" == "$(sha256sum <"$LOCAL/pt3.bin" | cut -d' ' -f1) 40000000"
  # While a reader holds it in passthrough mode, it cannot be opened for writing; after, it can.
  exec {held}<"$MNT/pt.bin"
  expect "no write open while a passthrough reader holds the file" \
    bash -c "! echo x 2>/dev/null >>'$MNT/pt.bin'"
  exec {held}<&-
  expect "a write open once the reader closed" T bash -c 'echo tail >>"$1"' _ "$MNT/pt.bin"
  expect "... and the file has the new end" test "$(tail -c 5 "$MNT/pt.bin")" == tail
else
  echo "SKIP: kernel passthrough (needs Linux >= 6.9 with CONFIG_FUSE_PASSTHROUGH, and root)"
  expect "passthrough reported unavailable (fuse.log)" \
    grep -qE "Kernel passthrough (unavailable|off)" "$WORK/logs/fuse.log"
fi

# ---- unmount -----------------------------------------------------------------------------------------
expect "umount while idle" T "$F" umount "$MNT"
expect "not mounted after umount" bash -c "! awk -v mp='$MNT' '\$5 == mp {f=1} END {exit !f}' /proc/self/mountinfo"
expect "no process left after umount" test -z "$(ls "$WORK"/run/alluxio-fuse-*.pid 2>/dev/null)"
expect "data stays in Alluxio" test "$(T "$A" fs cat /app.txt)" == replaced

# negative_timeout: the kernel remembers missing names, as in the next check.
expect "mount again" T "$F" mount -o allow_other,auto_unmount,negative_timeout=600 "$MNT" /

# ---- create(2) of a name another client made since the kernel saw it missing ----------------------
expect "a name the kernel sees missing" test ! -e "$MNT/late.txt"
"$A" fs copyFromLocal "$LOCAL/new.txt" /late.txt >/dev/null
expect "open(O_CREAT|O_TRUNC) of a file another client made since" \
  T bash -c 'echo mine >"$1"' _ "$MNT/late.txt"
expect "... replaced its contents" test "$(T "$A" fs cat /late.txt)" == mine

# ---- rewriting a file with a long name (the commit's temporary name is fixed-length) -------------
# 255 bytes, the longest name there is: the commit's temporary name used to add 31 bytes, and the
# worker's temporary UFS name 30.
long=$MNT/$(printf 'n%.0s' $(seq 1 255))
expect "create a 255-byte name" T bash -c 'echo first >"$1"' _ "$long"
expect "append to it" T bash -c 'echo second >>"$1"' _ "$long"
expect "... both lines there" test "$(T cat "$long")" == $'first\nsecond'
expect "no commit temporaries left" test -z "$(ls -A "$MNT" | grep '^\.alluxio-fuse-')"
(cd "$MNT" && exec sleep 600) &
HOLDER=$!
deadline=$((SECONDS + 30))
until [[ "$(readlink "/proc/$HOLDER/cwd" 2>/dev/null)" == "$MNT" ]] || ((SECONDS > deadline)); do
  sleep 0.05
done
out=$(T "$F" umount "$MNT" 2>&1)
expect "umount while busy is refused" test $? -ne 0
expect "busy: clear message ($out)" grep -q "busy" <<<"$out"
expect "still mounted after a refused umount" mounted "$MNT"
expect "umount -f while busy" T "$F" umount -f "$MNT"
expect "not mounted after umount -f" bash -c "! awk -v mp='$MNT' '\$5 == mp {f=1} END {exit !f}' /proc/self/mountinfo"
kill "$HOLDER" 2>/dev/null
HOLDER=""

if ((FAILED > 0)); then
  echo "$FAILED check(s) failed ($PASSED passed)"
  exit 1
fi
echo "fuse_test: all $PASSED checks passed"
