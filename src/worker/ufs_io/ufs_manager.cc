// SPDX-License-Identifier: Apache-2.0
#include "worker/ufs_io/ufs_manager.h"

#include <fmt/format.h>
#include <grpcpp/grpcpp.h>

#include "alluxio/grpc/file_system_master.grpc.pb.h"
#include "rpc/master_client.h"
#include "ufs/fingerprint.h"

namespace alluxio::worker {

std::string FingerprintHashString(const std::string& fingerprint) {
  return ufs::FingerprintString(ufs::FingerprintHash(fingerprint));
}

std::pair<std::string, std::string> SplitUfsPath(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return {"", path};
  std::string dir = path.substr(0, slash);
  // Keep the root of a plain path ("/x") and of a URI ("file:///x" -> "file:///").
  if (dir.empty() || dir.back() == '/' || dir.back() == ':') dir = path.substr(0, slash + 1);
  return {dir, path.substr(slash + 1)};
}

Result<std::shared_ptr<ufs::UnderFileSystem>> UfsManager::Get(int64_t mount_id,
                                                              const std::string& ufs_path) {
  if (mount_id < 0 || fs_master_ == nullptr) {
    return ufs::CreateUnderFileSystem(ufs_path, {});
  }
  {
    std::lock_guard<std::mutex> l(mu_);
    auto it = by_mount_.find(mount_id);
    if (it != by_mount_.end()) return it->second;
  }
  grpc::file::GetUfsInfoPRequest req;
  req.set_mount_id(mount_id);
  grpc::file::GetUfsInfoPResponse resp;
  Status s = fs_master_->Call([&](const std::shared_ptr<::grpc::Channel>& channel,
                                  ::grpc::ClientContext* ctx) {
    return grpc::file::FileSystemMasterWorkerService::NewStub(channel)->GetUfsInfo(ctx, req, &resp);
  });
  if (!s.ok()) return s.WithContext(fmt::format("Failed to get the UFS of mount {}", mount_id));
  const grpc::file::UfsInfo& info = resp.ufs_info();
  ufs::UfsOptions options(info.properties().properties().begin(),
                          info.properties().properties().end());
  // An empty URI (a master that does not know the mount's URI) falls back to the path's scheme.
  ASSIGN_OR_RETURN(std::shared_ptr<ufs::UnderFileSystem> ufs,
                   ufs::CreateUnderFileSystem(info.uri().empty() ? ufs_path : info.uri(), options));
  std::lock_guard<std::mutex> l(mu_);
  auto [it, inserted] = by_mount_.emplace(mount_id, std::move(ufs));
  return it->second;
}

Status UfsManager::CheckFingerprint(ufs::UnderFileSystem* ufs, const std::string& ufs_path,
                                    const std::string& expected) {
  if (expected.empty()) return Status();
  Result<ufs::UfsStatus> st = ufs->GetStatus(ufs_path);
  if (!st.ok()) return st.status().WithContext(fmt::format("UFS file {}", ufs_path));
  std::string actual = st->Fingerprint();
  bool hashed = expected.size() == 18 && expected.compare(0, 2, "h:") == 0;
  if (hashed ? FingerprintHashString(actual) == expected : actual == expected) return Status();
  return FailedPreconditionError(fmt::format(
      "UFS file {} changed since Alluxio loaded its metadata (fingerprint {} expected, found {}); "
      "stale data is not served: sync the path's metadata and retry",
      ufs_path, expected, hashed ? FingerprintHashString(actual) : actual));
}

}  // namespace alluxio::worker
