// SPDX-License-Identifier: Apache-2.0
#include "master/file/permission_checker.h"

#include <grp.h>
#include <pwd.h>

#include <algorithm>

#include <fmt/format.h>

namespace alluxio::master {

std::string FormatAccess(int bits) {
  std::string s = "---";
  if (bits & kModeRead) s[0] = 'r';
  if (bits & kModeWrite) s[1] = 'w';
  if (bits & kModeExecute) s[2] = 'x';
  return s;
}

std::string FormatMode(int32_t mode) {
  return FormatAccess((mode >> 6) & 7) + FormatAccess((mode >> 3) & 7) + FormatAccess(mode & 7);
}

PermissionChecker::PermissionChecker(bool enabled, std::string superuser, std::string supergroup)
    : enabled_(enabled), superuser_(std::move(superuser)), supergroup_(std::move(supergroup)) {}

std::vector<std::string> PermissionChecker::GroupsOf(std::string_view user) {
  std::string name(user);
  {
    std::shared_lock<std::shared_mutex> l(mu_);
    auto it = groups_cache_.find(name);
    if (it != groups_cache_.end()) return it->second;
  }
  std::vector<std::string> groups;
  passwd pw{};
  passwd* pw_result = nullptr;
  std::vector<char> buf(16384);
  if (getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &pw_result) == 0 && pw_result) {
    int n = 64;
    std::vector<gid_t> gids(n);
    if (getgrouplist(name.c_str(), pw.pw_gid, gids.data(), &n) < 0) {
      gids.resize(n);
      getgrouplist(name.c_str(), pw.pw_gid, gids.data(), &n);
    }
    gids.resize(std::max(n, 0));
    for (gid_t g : gids) {
      group gr{};
      group* gr_result = nullptr;
      std::vector<char> gbuf(16384);
      if (getgrgid_r(g, &gr, gbuf.data(), gbuf.size(), &gr_result) == 0 && gr_result) {
        groups.emplace_back(gr.gr_name);
      }
    }
  }
  std::unique_lock<std::shared_mutex> l(mu_);
  groups_cache_[name] = groups;
  return groups;
}

bool PermissionChecker::IsSuperUser(std::string_view user) {
  if (user == superuser_) return true;
  std::vector<std::string> groups = GroupsOf(user);
  return std::find(groups.begin(), groups.end(), supergroup_) != groups.end();
}

Status PermissionChecker::Check(std::string_view user, const Inode& inode, int bits,
                                std::string_view path) {
  if (!enabled_ || IsSuperUser(user)) return Status();
  return CheckWithGroups(user, GroupsOf(user), inode, bits, path);
}

Status PermissionChecker::CheckWithGroups(std::string_view user,
                                          const std::vector<std::string>& groups,
                                          const Inode& inode, int bits, std::string_view path) {
  int granted;
  if (user == inode.owner) {
    granted = (inode.mode >> 6) & 7;
  } else {
    bool in_group = std::find(groups.begin(), groups.end(), inode.group) != groups.end();
    granted = in_group ? (inode.mode >> 3) & 7 : inode.mode & 7;
  }
  if ((granted & bits) == bits) return Status();
  return PermissionDeniedError(fmt::format(
      "Permission denied: user={}, access={}, path={}: failed at {}, inode owner={}, inode "
      "group={}, inode mode={}",
      user, FormatAccess(bits), path,
      inode.name.empty() ? std::string_view("/") : inode.name.view(), inode.owner, inode.group,
      FormatMode(inode.mode)));
}

Status PermissionChecker::CheckTraverse(std::string_view user, const ResolvedPath& resolved,
                                        const InodeTree& tree, std::string_view path) {
  if (!enabled_ || IsSuperUser(user)) return Status();
  // Look the user's groups up once for the whole path.
  const std::vector<std::string> groups = GroupsOf(user);
  size_t n = resolved.found() ? resolved.inodes.size() - 1 : resolved.inodes.size();
  for (size_t i = 0; i < n; ++i) {
    const Inode* inode = resolved.inodes[i];
    if (!inode->is_directory) break;
    RETURN_IF_ERROR(CheckWithGroups(user, groups, *inode, kModeExecute, path));
  }
  return Status();
}

Status PermissionChecker::CheckOwner(std::string_view user, const Inode& inode,
                                     std::string_view path) {
  if (!enabled_ || user == inode.owner || IsSuperUser(user)) return Status();
  return PermissionDeniedError(
      fmt::format("Permission denied: user={} is not the owner of path={} (owner={})", user, path,
                  inode.owner));
}

}  // namespace alluxio::master
