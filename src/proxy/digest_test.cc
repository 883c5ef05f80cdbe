// SPDX-License-Identifier: Apache-2.0
#include "proxy/digest.h"

#include <gtest/gtest.h>

namespace alluxio::proxy {
namespace {

TEST(DigestTest, Md5AndSha256MatchKnownValues) {
  EXPECT_EQ(HexEncode(Md5("")), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(HexEncode(Md5("hello")), "5d41402abc4b2a76b9719d911017c592");
  EXPECT_EQ(HexEncode(Sha256("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  Digest d(Digest::Kind::kMd5);
  d.Update("hel");
  d.Update("");
  d.Update("lo");
  EXPECT_EQ(HexEncode(d.Finish()), "5d41402abc4b2a76b9719d911017c592");
}

TEST(DigestTest, HexAndBase64RoundTrip) {
  std::string raw("\x00\x01\xfe\xff", 4);
  EXPECT_EQ(HexEncode(raw), "0001feff");
  EXPECT_EQ(HexDecode("0001FEff"), raw);
  EXPECT_EQ(HexDecode("0g"), "");
  for (std::string s : {std::string(""), std::string("a"), std::string("ab"), std::string("abc"),
                        std::string("abcd"), raw}) {
    if (s.empty()) continue;
    EXPECT_EQ(Base64Decode(Base64Encode(s)), s) << s;
  }
  EXPECT_EQ(Base64Encode(Md5("hello")), "XUFAKrxLKna5cZ2REBfFkg==");
  EXPECT_EQ(Base64Decode("not base64"), "");
}

TEST(DigestTest, MultipartETagIsMd5OfPartMd5sWithCount) {
  // As S3 computes it: md5(md5(p1) || md5(p2)) + "-2".
  std::string p1 = HexEncode(Md5("part one")), p2 = HexEncode(Md5("part two"));
  EXPECT_EQ(MultipartETag({p1, p2}), HexEncode(Md5(Md5("part one") + Md5("part two"))) + "-2");
}

}  // namespace
}  // namespace alluxio::proxy
