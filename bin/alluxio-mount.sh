#!/usr/bin/env bash
# Mounts or unmounts the worker ramdisk, with Alluxio's arguments:
#   alluxio-mount.sh [Mount|SudoMount|Umount|SudoUmount] [MACHINE]
# MACHINE is local (default), workers (every host of conf/workers, this machine directly and the
# others over ssh, as alluxio-start.sh does) or all (the same; Alluxio's all adds this machine,
# which conf/workers lists here already when it runs a worker).
# Mount: each MEM dir of tier 0 that is not on a tmpfs/ramfs yet gets a ramdisk of
# alluxio.worker.ramdisk.size. Alluxio mounts ramfs; where the kernel allows it we mount a tmpfs in
# huge pages that is never swapped (see mount_ramdisk; docs/design/operations.md "The ramdisk").
# A size above the machine's memory is refused. Umount: unmounts each of those dirs that is
# mounted. alluxio-start.sh ... Mount|SudoMount runs `alluxio-mount.sh Mount|SudoMount local`.
# shellcheck source=../libexec/alluxio-config.sh
. "$(dirname "${BASH_SOURCE[0]}")/../libexec/alluxio-config.sh"
BIN=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

USAGE="Usage: alluxio-mount.sh [Mount|SudoMount|Umount|SudoUmount] [MACHINE]
If omitted, MACHINE is default to be 'local'. MACHINE is one of:
  local   \tMount local machine
  workers \tMount all the workers on worker nodes
  all     \tMount local machine and all the workers on worker nodes"

is_mount_point() { mountpoint -q "$1" 2>/dev/null; }

# Mounts a ramdisk for `size` bytes of blocks at $1. Alluxio mounts ramfs (4 KiB pages, never
# swapped, size not enforced); where the kernel allows it we mount tmpfs with huge pages for files
# of 2 MiB and more (huge=within_size: the MEM tier reads about 2.5x and fills about 3x faster,
# bench/RESULTS.md) that is never swapped either (noswap, Linux 6.4+). Its size has room beyond
# the blocks' quota for the block store's own files (manifest, packed-file holes being punched),
# so the quota, not the mount, is what fills up. Older kernels get Alluxio's ramfs.
mount_ramdisk() {
  local dir=$1 size=$2 sudo=$3
  $sudo mount -t tmpfs -o "size=$((size + (64 << 20))),huge=within_size,noswap" alluxio-ramdisk \
    "$dir" 2>/dev/null || $sudo mount -t ramfs -o "size=$size" ramfs "$dir"
}

mount_local() {
  local sudo=$1 dir size mem_kb
  if [[ "$(alluxio_conf alluxio.worker.tieredstore.level0.alias)" != MEM ]]; then
    echo "Can't Mount/SudoMount when alluxio.worker.tieredstore.level0.alias is not MEM"
    exit 1
  fi
  size=$(alluxio_conf --unit B alluxio.worker.ramdisk.size) || exit 1
  mem_kb=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)
  if [[ -n "$mem_kb" ]] && ((mem_kb < size / 1024)); then
    echo "ERROR: Memory(${mem_kb} kb) is less than requested ramdisk size($((size / 1024)) kb). Please reduce alluxio.worker.ramdisk.size in alluxio-site.properties" >&2
    exit 1
  fi
  while read -r dir; do
    [[ -n "$dir" ]] || continue
    if alluxio_on_ram_fs "$dir"; then
      echo "Ramdisk $dir already mounted. Skipping mounting procedure."
      continue
    fi
    echo "Ramdisk $dir not detected. Mounting..."
    if ! { $sudo mkdir -p "$dir" && mount_ramdisk "$dir" "$size" "$sudo" &&
           $sudo chmod a+w "$dir"; }; then
      echo "ERROR: mount RamFS $dir failed" >&2
      exit 1
    fi
  done < <(alluxio_mem_dirs)
}

umount_local() {
  local sudo=$1 dir
  while read -r dir; do
    [[ -n "$dir" ]] || continue
    if ! is_mount_point "$dir"; then
      echo "Ramdisk $dir is not mounted. Skipping unmounting procedure."
      continue
    fi
    echo "Unmounting $dir"
    if ! $sudo umount -l "$dir"; then
      echo "ERROR: umount RamFS $dir failed" >&2
      exit 1
    fi
  done < <(alluxio_mem_dirs)
}

OP=${1:-}
MACHINE=${2:-local}
if (($# > 2)); then
  echo -e "$USAGE" >&2
  exit 1
fi
case "$OP" in
  Mount|SudoMount|Umount|SudoUmount) ;;
  -h) echo -e "$USAGE"; exit 0 ;;
  *) echo -e "$USAGE" >&2; exit 1 ;;
esac
sudo=""
[[ "$OP" == Sudo* ]] && sudo=sudo
case "$MACHINE" in
  local)
    case "$OP" in
      *Umount) umount_local "$sudo" ;;
      *) mount_local "$sudo" ;;
    esac ;;
  workers|all) alluxio_on_hosts workers "$BIN/alluxio-mount.sh" "$OP" local ;;
  *) echo -e "$USAGE" >&2; exit 1 ;;
esac
