// SPDX-License-Identifier: Apache-2.0
#include "fuse/errno_map.h"

#include <cerrno>
#include <string_view>

namespace alluxio::fuse {

namespace {

bool Contains(std::string_view text, std::string_view what) {
  return text.find(what) != std::string_view::npos;
}

}  // namespace

int StatusToErrno(const Status& status) {
  std::string_view m = status.message();
  switch (status.code()) {
    case StatusCode::kOk:
      return 0;
    case StatusCode::kNotFound:
      return ENOENT;
    case StatusCode::kAlreadyExists:
      return EEXIST;
    case StatusCode::kPermissionDenied:
    case StatusCode::kUnauthenticated:
      return EACCES;
    case StatusCode::kResourceExhausted:
      return ENOSPC;
    case StatusCode::kFailedPrecondition:
      if (Contains(m, "non-empty directory") || Contains(m, "not empty")) return ENOTEMPTY;
      if (Contains(m, "incomplete") || Contains(m, "mount point")) return EBUSY;
      return EIO;
    case StatusCode::kInvalidArgument:
      if (Contains(m, "is a directory") || Contains(m, "must be a file")) return EISDIR;
      if (Contains(m, "not a directory") || Contains(m, "valid parent")) return ENOTDIR;
      if (Contains(m, "mount point")) return EBUSY;
      return EINVAL;
    case StatusCode::kDeadlineExceeded:
      return ETIMEDOUT;
    case StatusCode::kUnimplemented:
      return ENOTSUP;
    case StatusCode::kCancelled:
      return ECANCELED;
    case StatusCode::kOutOfRange:
      return EINVAL;
    default:
      return EIO;
  }
}

}  // namespace alluxio::fuse
