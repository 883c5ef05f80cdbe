// SPDX-License-Identifier: Apache-2.0
// Translation between POSIX user/group ids and names (getpwuid_r, getgrgid_r, getpwnam_r,
// getgrnam_r), used for UfsStatus owner/group and SetOwner. Id-to-name answers are cached for the
// life of the process. Private to src/ufs/.
//
// Thread-safety: thread-safe.
#pragma once

#include <sys/types.h>

#include <string>

#include "common/result.h"

namespace alluxio::ufs::internal {

// The user name of `uid`, or its decimal form when the system does not know it.
std::string UserName(uid_t uid);
// The group name of `gid`, or its decimal form when the system does not know it.
std::string GroupName(gid_t gid);

// The uid of user `name`; a decimal string is taken as a uid. InvalidArgument when unknown.
Result<uid_t> LookupUser(const std::string& name);
// The gid of group `name`; a decimal string is taken as a gid. InvalidArgument when unknown.
Result<gid_t> LookupGroup(const std::string& name);

}  // namespace alluxio::ufs::internal
