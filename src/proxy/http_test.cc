// SPDX-License-Identifier: Apache-2.0
#include "proxy/http.h"

#include <gtest/gtest.h>

namespace alluxio::proxy {
namespace {

TEST(HttpTest, PercentEncoding) {
  EXPECT_EQ(*UriDecode("a%20b%2Fc+d"), "a b/c+d");
  EXPECT_EQ(*UriDecode("a+b", true), "a b");
  EXPECT_FALSE(UriDecode("%2").ok());
  EXPECT_FALSE(UriDecode("%zz").ok());
  EXPECT_FALSE(UriDecode("abc%").ok());
}

TEST(HttpTest, QueryStrings) {
  auto q = ParseQuery("uploads&prefix=a%2Fb&max-keys=2&&x=");
  ASSERT_TRUE(q.ok());
  ASSERT_EQ(q->size(), 4u);
  EXPECT_EQ((*q)[0], (std::pair<std::string, std::string>{"uploads", ""}));
  EXPECT_EQ((*q)[1], (std::pair<std::string, std::string>{"prefix", "a/b"}));
  EXPECT_EQ((*q)[3], (std::pair<std::string, std::string>{"x", ""}));
}

TEST(HttpTest, RangesAsS3InterpretsThem) {
  auto r = [](std::string_view h, int64_t size) { return ParseRange(h, size); };
  auto one = r("bytes=0-9", 100);
  ASSERT_TRUE(one.ok() && one->has_value());
  EXPECT_EQ((**one).first, 0);
  EXPECT_EQ((**one).last, 9);
  EXPECT_EQ((**r("bytes=90-200", 100)).last, 99);  // clipped to the end
  EXPECT_EQ((**r("bytes=95-", 100)).length(), 5);
  EXPECT_EQ((**r("bytes=-3", 100)).first, 97);
  EXPECT_EQ((**r("bytes=-300", 100)).first, 0);
  // Unsatisfiable: 416 InvalidRange.
  EXPECT_EQ(r("bytes=100-", 100).status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(r("bytes=0-0", 0).status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(r("bytes=-0", 10).status().code(), StatusCode::kOutOfRange);
  // Ignored (the whole object is served): not bytes, several ranges, malformed.
  for (const char* h : {"items=0-1", "bytes=0-1,3-4", "bytes=5-2", "bytes=a-b", "bytes=", ""}) {
    auto x = r(h, 100);
    ASSERT_TRUE(x.ok()) << h;
    EXPECT_FALSE(x->has_value()) << h;
  }
}

TEST(HttpTest, Dates) {
  EXPECT_EQ(HttpDate(784111777000), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777000);
  EXPECT_EQ(ParseHttpDate("yesterday"), -1);
  EXPECT_EQ(IsoDate(1255369830123), "2009-10-12T17:50:30.123Z");
}

}  // namespace
}  // namespace alluxio::proxy
