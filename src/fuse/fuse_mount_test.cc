// SPDX-License-Identifier: Apache-2.0
#include "fuse/fuse_mount.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace alluxio::fuse {
namespace {

using ::testing::HasSubstr;

class CheckMountPointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char templ[] = "/tmp/alluxio-fuse-mount-test-XXXXXX";
    ASSERT_NE(::mkdtemp(templ), nullptr);
    dir_ = templ;
  }
  void TearDown() override {
    ::unlink((dir_ + "/file").c_str());
    ::rmdir(dir_.c_str());
  }
  std::string dir_;
};

TEST_F(CheckMountPointTest, AnEmptyDirectoryIsFine) { EXPECT_TRUE(CheckMountPoint(dir_).ok()); }

TEST_F(CheckMountPointTest, MissingMountPointSaysSoAndHowToFixIt) {
  Status s = CheckMountPoint(dir_ + "/missing");
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.message()), HasSubstr("does not exist"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("mkdir -p " + dir_ + "/missing"));
}

TEST_F(CheckMountPointTest, AFileIsNotAMountPoint) {
  std::ofstream(dir_ + "/file") << "x";
  EXPECT_THAT(std::string(CheckMountPoint(dir_ + "/file").message()),
              HasSubstr("is not a directory"));
}

TEST_F(CheckMountPointTest, AMountedDirectoryIsBusy) {
  // /proc is a mount point on every Linux machine.
  Status s = CheckMountPoint("/proc");
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.message()), HasSubstr("busy"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("proc"));
  std::string type;
  EXPECT_TRUE(MountedDevice("/proc", &type).ok());
  EXPECT_EQ(type, "proc");
  EXPECT_EQ(MountedDevice(dir_).status().code(), StatusCode::kNotFound);
}

TEST(CheckFuseDeviceTest, MissingDeviceSaysHowToGetIt) {
  Status s = CheckFuseDevice("/nonexistent/fuse");
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.message()), HasSubstr("/nonexistent/fuse does not exist"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("modprobe fuse"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("--device /dev/fuse"));
}

}  // namespace
}  // namespace alluxio::fuse
