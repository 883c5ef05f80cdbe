// SPDX-License-Identifier: Apache-2.0
// The libfuse3 side of alluxio-fuse: checks that a mount can work, then mounts a FuseFileSystem
// with libfuse's high-level (path) API and serves it on a pool of threads until it is unmounted
// (fusermount3 -u, umount) or the process gets SIGTERM, SIGINT or SIGHUP.
//
// Kernel settings made here: max_write (up to 1 MiB, so writes arrive in large pieces), the
// mount's readahead (its bdi read_ahead_kb, when writable), nullpath_ok (reads and writes of open
// files skip path lookups) and hard_remove (an unlinked open file is not renamed to .fuse_hidden).
// Entry and attribute timeouts come from the mount options (attr_timeout, entry_timeout).
//
// Thread-safety: ServeMount runs once per process.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "fuse/fuse_file_system.h"

namespace alluxio::fuse {

struct MountConfig {
  std::string mount_point;           // absolute
  std::vector<std::string> options;  // libfuse -o options (mount_options.h)
  bool debug = false;                // libfuse -d: log every request
  int max_threads = 64;
  int max_idle_threads = 0;  // 0: min(max_threads, 16)
  int64_t max_write = 1 << 20;
  int64_t readahead = 4 << 20;
  bool passthrough = true;  // kernel passthrough for files cached whole on this host
};

// OK if the FUSE device (/dev/fuse) can be opened; else FailedPrecondition saying what to do.
Status CheckFuseDevice(const std::string& device = "/dev/fuse");

// OK if `mount_point` is an existing directory with nothing mounted on it; else
// FailedPrecondition (missing, not a directory, already mounted, a dead FUSE mount) with the
// remedy.
Status CheckMountPoint(const std::string& mount_point);

// The "major:minor" of the file system mounted at `mount_point` (from /proc/self/mountinfo), or
// NotFound. Also tells the file system type when `fstype` is not null.
Result<std::string> MountedDevice(const std::string& mount_point, std::string* fstype = nullptr);

// Mounts `fs` and serves it. Returns OK after the mount ends normally, or the error that
// prevented mounting (libfuse also prints its reason to stderr).
Status ServeMount(FuseFileSystem* fs, const MountConfig& config);

}  // namespace alluxio::fuse
