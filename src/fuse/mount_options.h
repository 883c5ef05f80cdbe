// SPDX-License-Identifier: Apache-2.0
// Command line and mount options of alluxio-fuse (pure logic, no libfuse).
//
//   alluxio-fuse [-Dkey=value ...] [-o opt[,opt...]]... [mount_point [alluxio_path]]
//
// Mount options come in layers, later layers winning per option name: our defaults
// (default_permissions, fsname, subtype), then alluxio.fuse.mount.options, then each -o. An option
// is `name` or `name=value`; a later `name=value` replaces an earlier one in place. Options of
// libfuse 2 that libfuse 3 rejects (big_writes, nonempty, ...) are dropped with a note, since
// Alluxio's documentation recommends some of them. Timeouts and sizes must be numbers.
// max_threads and max_idle_threads are options of libfuse's loop, not of the mount: they are
// taken out of the list (positive whole numbers) for the loop's configuration.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace alluxio::fuse {

struct FuseCommandLine {
  std::string mount_point;           // empty: alluxio.fuse.mount.point
  std::string alluxio_path;          // empty: alluxio.fuse.mount.alluxio.path
  std::vector<std::string> options;  // the -o values, in order (each may be a comma list)
};

// Parses the arguments after -D options were removed. InvalidArgument on an unknown flag, a
// missing -o value or more than two positional arguments.
Result<FuseCommandLine> ParseFuseCommandLine(const std::vector<std::string>& args);

struct MountOptions {
  std::vector<std::string> options;  // for libfuse (-o), each `name` or `name=value`
  std::vector<std::string> notes;    // one line per dropped option, saying why
  int max_threads = 0;               // max_threads=N of the loop; 0: not given
  int max_idle_threads = 0;          // max_idle_threads=N of the loop; 0: not given
};

// Merges `layers` (each a comma-separated list; empty items are skipped) as described above.
// InvalidArgument names the option when a numeric option has a bad value.
Result<MountOptions> MergeMountOptions(const std::vector<std::string>& layers);

// "a,b=c": the form libfuse takes after -o.
std::string JoinOptions(const std::vector<std::string>& options);

// The value of option `name` in `options` ("" when absent or a bare flag); `found` tells which.
std::string FindOption(const std::vector<std::string>& options, std::string_view name,
                       bool* found = nullptr);

}  // namespace alluxio::fuse
