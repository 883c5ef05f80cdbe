// SPDX-License-Identifier: Apache-2.0
#include "master/file/mount_table.h"

#include <fmt/format.h>

#include "common/path.h"

namespace alluxio::master {

namespace {

// Strips "file://" and trailing slashes so that UFS paths compare by prefix.
std::string CanonicalUfs(std::string_view uri) {
  std::string s(uri);
  if (s.rfind("file://", 0) == 0) s = s.substr(7);
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

bool UfsHasPrefix(const std::string& path, const std::string& prefix) {
  if (path.size() < prefix.size() || path.compare(0, prefix.size(), prefix) != 0) return false;
  return path.size() == prefix.size() || prefix.back() == '/' || path[prefix.size()] == '/';
}

}  // namespace

Status MountTable::SetRoot(const std::string& ufs_uri, const ufs::UfsOptions& options,
                           bool read_only, bool shared) {
  ASSIGN_OR_RETURN(auto ufs, ufs::CreateUnderFileSystem(ufs_uri, options));
  MountInfo info{"/", ufs_uri, kRootMountId, read_only, shared, options, std::move(ufs)};
  mounts_["/"] = std::move(info);
  return Status();
}

Status MountTable::Apply(const journal::JournalEntry& entry) {
  if (entry.has_add_mount_point()) {
    const auto& e = entry.add_mount_point();
    ufs::UfsOptions options;
    for (const auto& p : e.properties()) options[p.key()] = p.value();
    auto ufs = ufs::CreateUnderFileSystem(e.ufs_path(), options);
    if (!ufs.ok()) return ufs.status().WithContext("mount " + e.alluxio_path());
    mounts_[e.alluxio_path()] =
        MountInfo{e.alluxio_path(), e.ufs_path(), e.mount_id(),   e.read_only(),
                  e.shared(),       options,      std::move(*ufs)};
    return Status();
  }
  if (entry.has_delete_mount_point()) {
    if (mounts_.erase(entry.delete_mount_point().alluxio_path()) == 0) {
      return InternalError("unmount of unknown mount point " +
                           entry.delete_mount_point().alluxio_path());
    }
    return Status();
  }
  return InvalidArgumentError("not a mount entry");
}

void MountTable::Reset() {
  for (auto it = mounts_.begin(); it != mounts_.end();) {
    it = it->first == "/" ? std::next(it) : mounts_.erase(it);
  }
}

MountResolution MountTable::Resolve(std::string_view alluxio_path) const {
  MountResolution r;
  // Walk up the path: the first mount point found is the longest prefix.
  std::string_view p = alluxio_path;
  while (true) {
    auto it = mounts_.find(p);
    if (it != mounts_.end()) {
      r.mount = &it->second;
      std::string_view suffix = alluxio_path.substr(p.size());
      while (!suffix.empty() && suffix.front() == '/') suffix.remove_prefix(1);
      r.ufs_path =
          suffix.empty() ? it->second.ufs_uri : ufs::JoinUfsPath(it->second.ufs_uri, suffix);
      return r;
    }
    if (p == "/") return r;
    p = ParentPath(p);
  }
}

const MountInfo* MountTable::GetExact(std::string_view alluxio_path) const {
  auto it = mounts_.find(alluxio_path);
  return it == mounts_.end() ? nullptr : &it->second;
}

Status MountTable::CheckNewMount(std::string_view alluxio_path, std::string_view ufs_uri) const {
  std::string target = CanonicalUfs(ufs_uri);
  for (const auto& [path, info] : mounts_) {
    auto scheme = [](std::string_view u) {
      std::string s = ufs::UfsScheme(u);
      return s.empty() ? std::string("file") : s;
    };
    if (scheme(info.ufs_uri) != scheme(ufs_uri)) continue;
    std::string existing = CanonicalUfs(info.ufs_uri);
    if (UfsHasPrefix(target, existing)) {
      return InvalidArgumentError(
          fmt::format("Mount point {} is a prefix of {}", info.ufs_uri, ufs_uri));
    }
    if (UfsHasPrefix(existing, target)) {
      return InvalidArgumentError(
          fmt::format("Mount point {} is a prefix of {}", ufs_uri, info.ufs_uri));
    }
  }
  return Status();
}

int64_t MountTable::NextMountId() const {
  int64_t max_id = kRootMountId;
  for (const auto& [_, info] : mounts_) max_id = std::max(max_id, info.mount_id);
  return max_id + 1;
}

std::vector<const MountInfo*> MountTable::All() const {
  std::vector<const MountInfo*> out;
  for (const auto& [_, info] : mounts_) out.push_back(&info);
  return out;
}

std::vector<journal::JournalEntry> MountTable::ToEntries() const {
  std::vector<journal::JournalEntry> out;
  for (const auto& [path, info] : mounts_) {
    if (path == "/") continue;
    journal::JournalEntry entry;
    auto* e = entry.mutable_add_mount_point();
    e->set_alluxio_path(info.alluxio_path);
    e->set_ufs_path(info.ufs_uri);
    e->set_mount_id(info.mount_id);
    e->set_read_only(info.read_only);
    e->set_shared(info.shared);
    for (const auto& [k, v] : info.options) {
      auto* p = e->add_properties();
      p->set_key(k);
      p->set_value(v);
    }
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace alluxio::master
