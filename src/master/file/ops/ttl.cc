// SPDX-License-Identifier: Apache-2.0
// The TTL checker: files and directories whose creation time + TTL has passed are deleted (DELETE:
// Alluxio and UFS; DELETE_ALLUXIO: Alluxio only) or freed (FREE: cached data dropped, TTL cleared
// so that it does not fire again).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "master/file/file_system_master.h"

namespace alluxio::master {

namespace pj = ::alluxio::proto::journal;

Status FileSystemMaster::CheckTtl(int64_t now_ms) {
  struct Expired {
    std::string path;
    TtlAction action;
  };
  std::vector<Expired> expired;
  {
    SharedLock lock(state_mu_);
    for (const auto& [id, ttl] : tree_.ttls()) {
      const Inode* inode = tree_.Get(id);
      if (inode == nullptr) continue;
      if (inode->creation_time_ms + ttl <= now_ms) {
        expired.push_back({tree_.PathOf(inode), inode->action()});
      }
    }
  }
  // Parents first, so that children of a deleted directory are skipped.
  std::sort(expired.begin(), expired.end(),
            [](const Expired& a, const Expired& b) { return a.path < b.path; });
  Status first_error;
  for (const Expired& e : expired) {
    Status s;
    if (e.action == pj::FREE) {
      // As Alluxio: free recursively and forced (pinned files too); data that is only in Alluxio
      // cannot be freed and stays (logged). The TTL is cleared either way so it fires once.
      grpc::file::FreePOptions f;
      f.set_recursive(true);
      f.set_forced(true);
      Status freed = Free(OperationContext{}, e.path, f);
      if (!freed.ok() && freed.code() != StatusCode::kNotFound) {
        spdlog::warn("TTL expired: could not free {}: {}", e.path, freed.message());
      }
      grpc::file::SetAttributePOptions o;
      o.mutable_common_options()->set_ttl(-1);
      s = SetAttribute(OperationContext{}, e.path, o);
      if (s.ok() && freed.ok()) spdlog::info("TTL expired: freed {}", e.path);
    } else {
      grpc::file::DeletePOptions o;
      o.set_recursive(true);
      o.set_alluxio_only(e.action == pj::DELETE_ALLUXIO);
      s = Delete(OperationContext{}, e.path, o);
      if (s.ok()) spdlog::info("TTL expired: deleted {}", e.path);
    }
    if (!s.ok() && s.code() != StatusCode::kNotFound && first_error.ok()) {
      first_error = s.WithContext("TTL action on " + e.path);
    }
  }
  return first_error;
}

}  // namespace alluxio::master
