// SPDX-License-Identifier: Apache-2.0
#include "common/strings.h"

#include <gtest/gtest.h>

namespace alluxio {
namespace {

TEST(UriEncodeTest, KeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(UriEncode("AZaz09-_.~"), "AZaz09-_.~");
  EXPECT_EQ(UriEncode("a b/c~d_e.f-g*"), "a%20b%2Fc~d_e.f-g%2A");
  EXPECT_EQ(UriEncode("a b/c", /*encode_slash=*/false), "a%20b/c");
  EXPECT_EQ(UriEncode("a/b+c=&%"), "a%2Fb%2Bc%3D%26%25");
  EXPECT_EQ(UriEncode("\xC3\xA9"), "%C3%A9");  // UTF-8 bytes, upper-case hex
  EXPECT_EQ(UriEncode(std::string_view("\0\xff", 2)), "%00%FF");
  EXPECT_EQ(UriEncode(""), "");
}

TEST(AsciiLowerTest, LowersAsciiLettersOnly) {
  EXPECT_EQ(AsciiLower("Content-Type: S3"), "content-type: s3");
  EXPECT_EQ(AsciiLower("\xC3\x89x"), "\xC3\x89x");  // UTF-8 bytes unchanged
  EXPECT_EQ(AsciiLower(""), "");
}

TEST(UnquoteTest, RemovesOnePairOfQuotes) {
  EXPECT_EQ(Unquote("\"abc\""), "abc");
  EXPECT_EQ(Unquote("abc"), "abc");
  EXPECT_EQ(Unquote("\"\""), "");
  EXPECT_EQ(Unquote("\""), "\"");
  EXPECT_EQ(Unquote("\"\"x\"\""), "\"x\"");
  EXPECT_EQ(Unquote("\"abc"), "\"abc");
}

}  // namespace
}  // namespace alluxio
