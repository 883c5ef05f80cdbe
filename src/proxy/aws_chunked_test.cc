// SPDX-License-Identifier: Apache-2.0
#include "proxy/aws_chunked.h"

#include <gtest/gtest.h>

namespace alluxio::proxy {
namespace {

// A body served in pieces of at most `step` bytes.
class StringBody : public BodyReader {
 public:
  StringBody(std::string data, size_t step) : data_(std::move(data)), step_(step) {}
  Result<size_t> Read(char* buf, size_t n) override {
    size_t take = std::min({n, step_, data_.size() - pos_});
    data_.copy(buf, take, pos_);
    pos_ += take;
    return take;
  }
  int64_t content_length() const override { return static_cast<int64_t>(data_.size()); }

 private:
  std::string data_;
  size_t step_;
  size_t pos_ = 0;
};

Result<std::string> ReadAll(BodyReader* r, size_t n) {
  std::string out, buf(n, '\0');
  for (;;) {
    ASSIGN_OR_RETURN(size_t got, r->Read(buf.data(), buf.size()));
    if (got == 0) return out;
    out.append(buf.data(), got);
  }
}

// AWS's example (sigv4-streaming.html): 66560 bytes of 'a' in chunks of 65536 and 1024.
std::string ExampleBody(
    const std::string& sig1 = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648") {
  return "10000;chunk-signature=" + sig1 + "\r\n" + std::string(65536, 'a') +
         "\r\n400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497"
         "\r\n" +
         std::string(1024, 'a') +
         "\r\n0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"
         "\r\n\r\n";
}

ChunkSigner ExampleSigner() {
  ChunkSigner s;
  s.secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  s.auth.access_key = "AKIAIOSFODNN7EXAMPLE";
  s.auth.date = "20130524";
  s.auth.region = "us-east-1";
  s.auth.service = "s3";
  s.auth.signature = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";  // seed
  s.amz_date = "20130524T000000Z";
  return s;
}

TEST(AwsChunkedTest, DecodesAndVerifiesAwsDocumentedExample) {
  for (size_t step : {size_t{1}, size_t{7}, size_t{70000}}) {
    for (size_t n : {size_t{1}, size_t{1000}, size_t{1 << 20}}) {
      StringBody raw(ExampleBody(), step);
      AwsChunkedReader r(&raw, 66560, ExampleSigner());
      auto out = ReadAll(&r, n);
      ASSERT_TRUE(out.ok()) << out.status() << " step " << step << " n " << n;
      EXPECT_EQ(*out, std::string(66560, 'a'));
      EXPECT_EQ(r.content_length(), 66560);
    }
  }
}

TEST(AwsChunkedTest, RefusesABadChunkSignature) {
  StringBody raw(ExampleBody(std::string(64, '0')), 1 << 20);
  AwsChunkedReader r(&raw, 66560, ExampleSigner());
  EXPECT_EQ(ReadAll(&r, 1 << 20).status().code(), StatusCode::kPermissionDenied);
}

TEST(AwsChunkedTest, UnsignedChunksWithTrailers) {
  StringBody raw("5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n", 3);
  AwsChunkedReader r(&raw, 11, std::nullopt);
  auto out = ReadAll(&r, 4);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, "hello world");
}

TEST(AwsChunkedTest, RefusesMalformedBodies) {
  for (const char* bad : {"zz\r\nhello\r\n0\r\n\r\n", "5\r\nhel", "5\r\nhelloXX\r\n0\r\n\r\n",
                          "5\nhello\r\n0\r\n\r\n", ""}) {
    StringBody raw(bad, 100);
    AwsChunkedReader r(&raw, -1, std::nullopt);
    EXPECT_FALSE(ReadAll(&r, 100).ok()) << bad;
  }
}

}  // namespace
}  // namespace alluxio::proxy
