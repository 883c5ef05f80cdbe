// SPDX-License-Identifier: Apache-2.0
#include "fuse/mount_options.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace alluxio::fuse {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ParseFuseCommandLineTest, PositionalArgumentsAndOptions) {
  auto cl = ParseFuseCommandLine({"-o", "ro,allow_other", "/mnt/a", "/data", "-oattr_timeout=1"});
  ASSERT_TRUE(cl.ok()) << cl.status();
  EXPECT_EQ(cl->mount_point, "/mnt/a");
  EXPECT_EQ(cl->alluxio_path, "/data");
  EXPECT_THAT(cl->options, ElementsAre("ro,allow_other", "attr_timeout=1"));
}

TEST(ParseFuseCommandLineTest, EverythingIsOptional) {
  auto cl = ParseFuseCommandLine({});
  ASSERT_TRUE(cl.ok());
  EXPECT_EQ(cl->mount_point, "");
  EXPECT_EQ(cl->alluxio_path, "");
}

TEST(ParseFuseCommandLineTest, RejectsBadArguments) {
  EXPECT_EQ(ParseFuseCommandLine({"-o"}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(ParseFuseCommandLine({"-x"}).status().message()), HasSubstr("-x"));
  EXPECT_THAT(std::string(ParseFuseCommandLine({"a", "b", "c"}).status().message()),
              HasSubstr("Unexpected argument: c"));
}

TEST(MergeMountOptionsTest, LaterLayersWinInPlace) {
  auto m = MergeMountOptions({"default_permissions,fsname=alluxio-fuse",
                              "attr_timeout=600,entry_timeout=600",
                              "attr_timeout=1, allow_other,,fsname=x"});
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_THAT(m->options, ElementsAre("default_permissions", "fsname=x", "attr_timeout=1",
                                      "entry_timeout=600", "allow_other"));
  EXPECT_TRUE(m->notes.empty());
  EXPECT_EQ(JoinOptions(m->options),
            "default_permissions,fsname=x,attr_timeout=1,entry_timeout=600,allow_other");
}

TEST(MergeMountOptionsTest, DropsLibfuse2OptionsWithANote) {
  auto m = MergeMountOptions({"big_writes,nonempty,ro"});
  ASSERT_TRUE(m.ok());
  EXPECT_THAT(m->options, ElementsAre("ro"));
  ASSERT_EQ(m->notes.size(), 2u);
  EXPECT_THAT(m->notes[0], HasSubstr("big_writes"));
}

TEST(MergeMountOptionsTest, NumericOptionsMustBeNumbers) {
  EXPECT_TRUE(MergeMountOptions({"attr_timeout=0.5,max_read=1048576"}).ok());
  auto bad = MergeMountOptions({"entry_timeout=soon"});
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("entry_timeout=soon"));
  EXPECT_FALSE(MergeMountOptions({"attr_timeout"}).ok());
  EXPECT_FALSE(MergeMountOptions({"attr_timeout=-1"}).ok());
}

// libfuse's mount refuses the loop's options: they go to the loop's configuration instead.
TEST(MergeMountOptionsTest, LoopOptionsAreTakenOut) {
  auto m = MergeMountOptions({"max_threads=8,allow_other", "max_idle_threads=2,max_threads=4"});
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_THAT(m->options, ElementsAre("allow_other"));
  EXPECT_EQ(m->max_threads, 4);
  EXPECT_EQ(m->max_idle_threads, 2);
  EXPECT_EQ(MergeMountOptions({"allow_other"})->max_threads, 0);
  EXPECT_FALSE(MergeMountOptions({"max_threads=0"}).ok());
  EXPECT_FALSE(MergeMountOptions({"max_threads=2.5"}).ok());
  EXPECT_FALSE(MergeMountOptions({"max_idle_threads=lots"}).ok());
}

TEST(FindOptionTest, FindsValuesAndFlags) {
  std::vector<std::string> o = {"ro", "attr_timeout=5"};
  bool found = false;
  EXPECT_EQ(FindOption(o, "attr_timeout", &found), "5");
  EXPECT_TRUE(found);
  EXPECT_EQ(FindOption(o, "ro", &found), "");
  EXPECT_TRUE(found);
  FindOption(o, "rw", &found);
  EXPECT_FALSE(found);
}

}  // namespace
}  // namespace alluxio::fuse
