// SPDX-License-Identifier: Apache-2.0
// The one table from Status to errno for the FUSE mount. The code decides, except where Alluxio
// uses one code for several POSIX errors; there the master's message (src/master/file/ops/)
// refines it:
//   NotFound                          ENOENT
//   AlreadyExists                     EEXIST
//   PermissionDenied, Unauthenticated EACCES
//   ResourceExhausted                 ENOSPC
//   FailedPrecondition                ENOTEMPTY ("non-empty directory"), EBUSY ("incomplete",
//                                     "mount point"), else EIO
//   InvalidArgument                   EISDIR ("is a directory", "must be a file"), ENOTDIR
//                                     ("not a directory", "valid parent"), EBUSY ("mount point"),
//                                     else EINVAL
//   DeadlineExceeded                  ETIMEDOUT
//   Unimplemented                     ENOTSUP
//   Cancelled                         ECANCELED
//   OutOfRange                        EINVAL
//   everything else (Unavailable, Internal, DataLoss, Aborted, Unknown)   EIO
// Thread-safety: pure functions.
#pragma once

#include "common/status.h"

namespace alluxio::fuse {

// The positive errno for a non-OK status; 0 for OK.
int StatusToErrno(const Status& status);

}  // namespace alluxio::fuse
