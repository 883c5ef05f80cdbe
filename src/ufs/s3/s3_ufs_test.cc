// SPDX-License-Identifier: Apache-2.0
// S3Ufs and S3Client beyond the UFS contract (ufs_contract_test runs that against s3rver too):
// the XML and time parsing, URI encoding, option validation with clear errors, paged listings,
// multipart uploads of large files, and errors from a missing bucket or an unreachable endpoint.
#include "ufs/s3/s3_ufs.h"

#include <gtest/gtest.h>

#include <string>

#include "ufs/testing/s3rver.h"

namespace alluxio::ufs {
namespace {

TEST(S3ClientTest, XmlTagsAreFoundAndDecoded) {
  std::string xml =
      "<R><Contents><Key>a&amp;b &lt;c&gt;</Key><Size>3</Size></Contents>"
      "<Contents><Key>d&#233;</Key><Size>4</Size></Contents><Empty/></R>";
  size_t end = 0;
  auto first = XmlTag(xml, "Contents", 0, &end);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(XmlTag(*first, "Key").value(), "a&b <c>");
  auto second = XmlTag(xml, "Contents", end, &end);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(XmlTag(*second, "Key").value(), "d\xc3\xa9");
  EXPECT_FALSE(XmlTag(xml, "Contents", end).has_value());
  EXPECT_EQ(XmlTag(xml, "Empty").value(), "");
  EXPECT_FALSE(XmlTag(xml, "Missing").has_value());
}

TEST(S3ClientTest, TimesParseInBothS3Forms) {
  EXPECT_EQ(ParseS3Time("1970-01-01T00:00:01.500Z"), 1500);
  EXPECT_EQ(ParseS3Time("2024-01-02T03:04:05Z"), 1704164645000);
  EXPECT_EQ(ParseS3Time("Tue, 02 Jan 2024 03:04:05 GMT"), 1704164645000);
  EXPECT_EQ(ParseS3Time("yesterday"), 0);
}

TEST(S3ClientTest, UriEncodingKeepsUnreservedCharacters) {}

TEST(S3UfsTest, BadOptionsAreRefusedClearly) {
  auto no_endpoint = S3Ufs::FromUri("s3://bucket/x", {});
  ASSERT_FALSE(no_endpoint.ok());
  EXPECT_NE(no_endpoint.status().message().find("alluxio.underfs.s3.endpoint"), std::string::npos);
  UfsOptions o = {{"alluxio.underfs.s3.endpoint", "http://127.0.0.1:1"}};
  EXPECT_EQ(S3Ufs::FromUri("s3:///x", o).status().code(), StatusCode::kInvalidArgument);
  UfsOptions half = o;
  half["s3a.accessKeyId"] = "key";
  EXPECT_NE(S3Ufs::FromUri("s3://b/", half).status().message().find("s3a.secretKey"),
            std::string::npos);
  UfsOptions small = o;
  small["alluxio.underfs.s3.streaming.upload.partition.size"] = "1MB";
  EXPECT_NE(S3Ufs::FromUri("s3://b/", small).status().message().find("at least 5MB"),
            std::string::npos);
  UfsOptions mode = o;
  mode["alluxio.underfs.s3.default.mode"] = "rwx";
  EXPECT_EQ(S3Ufs::FromUri("s3://b/", mode).status().code(), StatusCode::kInvalidArgument);
  UfsOptions vhost = o;
  vhost["alluxio.underfs.s3.disable.dns.buckets"] = "false";
  EXPECT_EQ(S3Ufs::FromUri("s3://b/", vhost).status().code(), StatusCode::kInvalidArgument);
  // A registered scheme: CreateUnderFileSystem finds it (and s3a).
  EXPECT_TRUE(CreateUnderFileSystem("s3a://b/", o).ok());
}

TEST(S3UfsTest, UnreachableEndpointIsUnavailable) {
  UfsOptions o = {{"alluxio.underfs.s3.endpoint", "http://127.0.0.1:1"}};
  auto ufs = S3Ufs::FromUri("s3://b/", o);
  ASSERT_TRUE(ufs.ok());
  auto st = (*ufs)->GetStatus("s3://b/x");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.status().code(), StatusCode::kUnavailable) << st.status().ToString();
}

class S3UfsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start().ok());
    UfsOptions o = {{"alluxio.underfs.s3.endpoint", server_.endpoint()},
                    {"s3a.accessKeyId", "S3RVER"},
                    {"s3a.secretKey", "S3RVER"},
                    {"alluxio.underfs.s3.streaming.upload.partition.size", "5MB"}};
    auto ufs = S3Ufs::FromUri("s3://bucket/", o);
    ASSERT_TRUE(ufs.ok()) << ufs.status().ToString();
    ufs_ = *ufs;
    ASSERT_TRUE(ufs_->client()->CreateBucket("bucket").ok());
  }
  testing::S3rver server_;
  std::shared_ptr<S3Ufs> ufs_;
};

TEST_F(S3UfsServerTest, LargeFilesGoUpInPartsAndReadBackByRange) {
  std::string data(11 * 1024 * 1024 + 123, '\0');
  for (size_t i = 0; i < data.size(); i++) data[i] = static_cast<char>((i * 7919) >> 5);
  auto out = ufs_->Create("s3://bucket/dir/big", {});
  ASSERT_TRUE(out.ok());
  for (size_t pos = 0; pos < data.size(); pos += 1 << 20) {
    ASSERT_TRUE((*out)->Write(std::string_view(data).substr(pos, 1 << 20)).ok());
  }
  ASSERT_TRUE((*out)->Close().ok());
  auto st = ufs_->GetStatus("s3://bucket/dir/big");
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  EXPECT_EQ(st->length, static_cast<int64_t>(data.size()));
  auto in = ufs_->Open("s3://bucket/dir/big");
  ASSERT_TRUE(in.ok());
  std::string back(data.size(), '\0');
  size_t got = 0;
  while (got < back.size()) {
    auto n = (*in)->PRead(static_cast<int64_t>(got), back.data() + got,
                          std::min<size_t>(3 << 20, back.size() - got));
    ASSERT_TRUE(n.ok()) << n.status().ToString();
    ASSERT_GT(*n, 0u);
    got += *n;
  }
  EXPECT_TRUE(back == data);
  // A read past the end returns nothing.
  char c;
  EXPECT_EQ(*(*in)->PRead(static_cast<int64_t>(data.size()), &c, 1), 0u);
}

TEST_F(S3UfsServerTest, ListingsArePaged) {
  for (int i = 0; i < 7; i++) {
    ASSERT_TRUE(ufs_->client()->PutObject("bucket", "p/k" + std::to_string(i), "x").ok());
  }
  std::string token;
  int pages = 0, keys = 0;
  do {
    auto page = ufs_->client()->ListObjects("bucket", "p/", "/", token, 3);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    keys += static_cast<int>(page->objects.size());
    token = page->next_token;
    pages++;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(keys, 7);
  EXPECT_EQ(pages, 3);
  auto list = ufs_->ListStatus("s3://bucket/p");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 7u);
}

TEST_F(S3UfsServerTest, MissingBucketIsNotFound) {
  auto st = ufs_->client()->HeadObject("no-such-bucket", "k");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.status().code(), StatusCode::kNotFound);
  auto list = ufs_->client()->ListObjects("no-such-bucket", "", "/", "");
  ASSERT_FALSE(list.ok());
  EXPECT_NE(list.status().message().find("NoSuchBucket"), std::string::npos)
      << list.status().ToString();
}

}  // namespace
}  // namespace alluxio::ufs
