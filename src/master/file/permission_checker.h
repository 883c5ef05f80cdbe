// SPDX-License-Identifier: Apache-2.0
// POSIX permission checks on inodes (alluxio.security.authorization.permission.*), with the
// superuser (the user running the master) and the supergroup bypassing every check.
// Thread-safety: thread-safe (the group cache has its own lock).
#pragma once

#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "master/file/inode_tree.h"

namespace alluxio::master {

inline constexpr int kModeRead = 4;
inline constexpr int kModeWrite = 2;
inline constexpr int kModeExecute = 1;

// "rwxr-xr-x" for 0755.
std::string FormatMode(int32_t mode);
// "r-x" for 5.
std::string FormatAccess(int bits);

class PermissionChecker {
 public:
  PermissionChecker(bool enabled, std::string superuser, std::string supergroup);

  bool enabled() const { return enabled_; }
  const std::string& superuser() const { return superuser_; }
  bool IsSuperUser(std::string_view user);
  // Groups of an OS user (cached; empty when unknown).
  std::vector<std::string> GroupsOf(std::string_view user);

  // Checks that `user` has `bits` on `inode`. PermissionDenied names user, access and path.
  Status Check(std::string_view user, const Inode& inode, int bits, std::string_view path);
  // Checks execute on every directory of `resolved` above `upto` (exclusive; default: all the
  // existing ancestors of the target).
  Status CheckTraverse(std::string_view user, const ResolvedPath& resolved, const InodeTree& tree,
                       std::string_view path);
  // Owner or superuser (chmod, setTtl of others' files).
  Status CheckOwner(std::string_view user, const Inode& inode, std::string_view path);

 private:
  Status CheckWithGroups(std::string_view user, const std::vector<std::string>& groups,
                         const Inode& inode, int bits, std::string_view path);

  bool enabled_;
  std::string superuser_;
  std::string supergroup_;
  std::shared_mutex mu_;
  std::unordered_map<std::string, std::vector<std::string>> groups_cache_;  // GUARDED_BY(mu_)
};

}  // namespace alluxio::master
