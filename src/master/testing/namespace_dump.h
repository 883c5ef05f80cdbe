// SPDX-License-Identifier: Apache-2.0
// Dumps a namespace as text, one line per inode with every attribute, for tests that compare the
// state before and after a restart. Works on anything that can list (master or client).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "alluxio/grpc/common.pb.h"

namespace alluxio::master::testing {

inline std::string DumpFileInfo(const ::alluxio::grpc::FileInfo& f) {
  std::string blocks;
  for (int64_t b : f.block_ids()) blocks += fmt::format("{},", b);
  return fmt::format(
      "{} id={} dir={} len={} bs={} ctime={} mtime={} owner={} group={} mode={:o} state={} "
      "pinned={} ttl={} action={} mount={} complete={} blocks=[{}] fp={}\n",
      f.path(), f.file_id(), f.folder(), f.length(), f.block_size_bytes(), f.creation_time_ms(),
      f.last_modification_time_ms(), f.owner(), f.group(), f.mode(), f.persistence_state(),
      f.pinned(), f.ttl(), static_cast<int>(f.ttl_action()), f.mount_point(), f.completed(), blocks,
      f.ufs_fingerprint());
}

// `list_all` must call its argument once per inode of a recursive listing of "/".
inline std::string DumpNamespace(
    const std::function<void(const std::function<void(const ::alluxio::grpc::FileInfo&)>&)>&
        list_all) {
  std::vector<std::string> lines;
  list_all([&](const ::alluxio::grpc::FileInfo& f) { lines.push_back(DumpFileInfo(f)); });
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const std::string& l : lines) out += l;
  return out;
}

}  // namespace alluxio::master::testing
