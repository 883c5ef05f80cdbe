// SPDX-License-Identifier: Apache-2.0
#include "common/path.h"

#include <gtest/gtest.h>

namespace alluxio {
namespace {

TEST(PathTest, NormalizesSeparatorsDotsAndTrailingSlash) {
  EXPECT_EQ(*NormalizePath("/"), "/");
  EXPECT_EQ(*NormalizePath("//a///b/"), "/a/b");
  EXPECT_EQ(*NormalizePath("/a/./b/../c"), "/a/c");
  EXPECT_EQ(*NormalizePath("/a/.."), "/");
  EXPECT_EQ(*NormalizePath("/with space/ünïcødé"), "/with space/ünïcødé");
}

TEST(PathTest, RejectsRelativeEmptyAndEscapingPaths) {
  EXPECT_EQ(NormalizePath("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(NormalizePath("a/b").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(NormalizePath("/..").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(NormalizePath(std::string("/a\0b", 4)).status().code(), StatusCode::kInvalidArgument);
}

TEST(PathTest, RejectsNamesOver255Bytes) {
  std::string ok_name(255, 'x');
  EXPECT_TRUE(NormalizePath("/" + ok_name).ok());
  Result<std::string> r = NormalizePath("/" + ok_name + "y");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("256 bytes"), std::string_view::npos);
}

TEST(PathTest, ComponentsParentNameJoinPrefix) {
  EXPECT_TRUE(PathComponents("/").empty());
  auto c = PathComponents("/a/b");
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[1], "b");
  EXPECT_EQ(ParentPath("/a/b"), "/a");
  EXPECT_EQ(ParentPath("/a"), "/");
  EXPECT_EQ(PathName("/a/b"), "b");
  EXPECT_EQ(JoinPath("/", "x"), "/x");
  EXPECT_EQ(JoinPath("/a", "x"), "/a/x");
  EXPECT_TRUE(PathHasPrefix("/a/b", "/a"));
  EXPECT_TRUE(PathHasPrefix("/a", "/a"));
  EXPECT_FALSE(PathHasPrefix("/ab", "/a"));
  EXPECT_TRUE(PathHasPrefix("/x", "/"));
}

}  // namespace
}  // namespace alluxio
