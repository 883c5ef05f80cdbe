// SPDX-License-Identifier: Apache-2.0
#include "fuse/errno_map.h"

#include <cerrno>

#include <gtest/gtest.h>

namespace alluxio::fuse {
namespace {

TEST(StatusToErrnoTest, CodesMapToTheirErrno) {
  EXPECT_EQ(StatusToErrno(Status()), 0);
  EXPECT_EQ(StatusToErrno(NotFoundError("Path /a does not exist")), ENOENT);
  EXPECT_EQ(StatusToErrno(AlreadyExistsError("/a already exists")), EEXIST);
  EXPECT_EQ(StatusToErrno(PermissionDeniedError("user u cannot write /a")), EACCES);
  EXPECT_EQ(StatusToErrno(UnauthenticatedError("who")), EACCES);
  EXPECT_EQ(StatusToErrno(ResourceExhaustedError("no space on any worker")), ENOSPC);
  EXPECT_EQ(StatusToErrno(DeadlineExceededError("slow")), ETIMEDOUT);
  EXPECT_EQ(StatusToErrno(UnimplementedError("symlink")), ENOTSUP);
  EXPECT_EQ(StatusToErrno(UnavailableError("no master")), EIO);
  EXPECT_EQ(StatusToErrno(InternalError("bug")), EIO);
  EXPECT_EQ(StatusToErrno(DataLossError("corrupt block")), EIO);
}

TEST(StatusToErrnoTest, MasterMessagesRefineSharedCodes) {
  // The master's messages (src/master/file/ops/delete.cc, client Open).
  EXPECT_EQ(StatusToErrno(FailedPreconditionError(
                "Cannot delete non-empty directory d because recursive is set to false")),
            ENOTEMPTY);
  EXPECT_EQ(StatusToErrno(FailedPreconditionError("File /a is incomplete")), EBUSY);
  EXPECT_EQ(StatusToErrno(
                FailedPreconditionError("/m is a mount point. Unmount it instead of deleting it")),
            EBUSY);
  EXPECT_EQ(StatusToErrno(FailedPreconditionError("something else")), EIO);
  EXPECT_EQ(StatusToErrno(InvalidArgumentError("Path /d is a directory, not a file")), EISDIR);
  EXPECT_EQ(StatusToErrno(InvalidArgumentError("Path \"/d\" must be a file.")), EISDIR);
  EXPECT_EQ(StatusToErrno(InvalidArgumentError("/f/x does not have a valid parent")), ENOTDIR);
  EXPECT_EQ(StatusToErrno(InvalidArgumentError("Cannot rename because /a is a prefix of /a/b")),
            EINVAL);
}

}  // namespace
}  // namespace alluxio::fuse
