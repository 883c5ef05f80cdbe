// SPDX-License-Identifier: Apache-2.0
#include "cli/fs/shell.h"

#include <sstream>

#include <gtest/gtest.h>

namespace alluxio::cli::fs {
namespace {

struct ShellRun {
  int rc;
  std::string out;
  std::string err;
};

ShellRun RunShell(const std::vector<std::string>& args) {
  conf::Configuration conf;
  std::ostringstream out, err;
  CommandContext ctx{&conf, &out, &err};
  int rc = RunFsShell(ctx, args);
  return {rc, out.str(), err.str()};
}

TEST(FsShellTest, SizesFollowAlluxioFormatUtils) {
  EXPECT_EQ(FormatSize(5120), "5120B");
  EXPECT_EQ(FormatSize(5121), "5.00KB");
  EXPECT_EQ(FormatSize(21243), "20.75KB");
  EXPECT_EQ(FormatSize(9712654), "9.26MB");
  EXPECT_EQ(FormatSize(10245636), "9.77MB");
  EXPECT_EQ(FormatSize(-1), "-1B");
}

TEST(FsShellTest, PermissionsAndPaths) {
  EXPECT_EQ(FormatPermission(0755, true), "drwxr-xr-x");
  EXPECT_EQ(FormatPermission(0644, false), "-rw-r--r--");
  EXPECT_EQ(AlluxioPath("alluxio://host:19998/a/b"), "/a/b");
  EXPECT_EQ(AlluxioPath("/a"), "/a");
}

TEST(FsShellTest, DatePatternIsJavaLike) {
  std::string s = FormatDate(0, "MM-dd-yyyy HH:mm:ss:SSS");
  EXPECT_EQ(s.size(), 23u);
  EXPECT_EQ(s.substr(2, 1), "-");
  EXPECT_EQ(s.substr(19, 4), ":000");
}

TEST(FsShellTest, WrongArgumentCountPrintsUsageAndExits255) {
  ShellRun r = RunShell({"stat"});
  EXPECT_EQ(r.rc, 255);
  EXPECT_EQ(
      r.out.rfind("Command stat takes 1 arguments, not 0\nUsage: stat [-f <format>] <path>\n", 0),
      0u);
  r = RunShell({"mkdir"});
  EXPECT_EQ(r.rc, 255);
  EXPECT_NE(r.out.find("Command mkdir requires at least 1 arguments (0 provided)"),
            std::string::npos);
}

TEST(FsShellTest, UnknownCommandAndOption) {
  ShellRun r = RunShell({"nosuch"});
  EXPECT_EQ(r.rc, 255);
  EXPECT_EQ(r.err, "nosuch is an unknown command.\n");
  EXPECT_EQ(r.out.rfind("Usage: alluxio fs [generic options]\n", 0), 0u);
  r = RunShell({"ls", "-x", "/"});
  EXPECT_EQ(r.rc, 255);
  EXPECT_NE(r.out.find("Failed to parse args for ls: Unrecognized option: -x"), std::string::npos);
}

TEST(FsShellTest, HelpListsCommandsAndRejectsUnknown) {
  ShellRun r = RunShell({"help", "mkdir"});
  EXPECT_EQ(r.rc, 0);
  EXPECT_NE(r.out.find("usage: mkdir <path1> [path2] ... [pathn]"), std::string::npos);
  r = RunShell({"help", "nosuch"});
  EXPECT_EQ(r.rc, 255);
  EXPECT_EQ(r.out, "nosuch is an unknown command.\n");
}

TEST(FsShellTest, BadModeTtlAndOwnerAreRejectedBeforeContactingTheMaster) {
  ShellRun r = RunShell({"chmod", "u=rwz", "/a"});
  EXPECT_EQ(r.rc, 255);
  EXPECT_NE(r.out.find("Invalid mode u=rwz - contains invalid segment u=rwz which has invalid "
                       "permissions rwz"),
            std::string::npos);
  r = RunShell({"setTtl", "/a", "1.5h"});
  EXPECT_EQ(r.rc, 255);
  EXPECT_EQ(r.out, "1.5h is not valid time\n");
  r = RunShell({"setTtl", "--action", "explode", "/a", "10"});
  EXPECT_EQ(r.rc, 255);
  EXPECT_NE(r.out.find("TTL action should be DELETE OR FREE, not explode"), std::string::npos);
  r = RunShell({"chown", "a:b:c", "/a"});
  EXPECT_EQ(r.rc, 255);
  EXPECT_EQ(r.out, "Failed to parse a:b:c as user or user:group\n");
}

}  // namespace
}  // namespace alluxio::cli::fs
