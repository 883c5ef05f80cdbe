// SPDX-License-Identifier: Apache-2.0
#include "proxy/sigv4.h"

#include <gtest/gtest.h>

#include "proxy/digest.h"

namespace alluxio::proxy {
namespace {

// The "GET Object" example of AWS's SigV4 documentation (sig-v4-header-based-auth.html).
constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr char kEmptySha[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr char kAuth[] =
    "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
    "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
    "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41";

HttpRequest ExampleRequest() {
  HttpRequest r;
  r.method = "GET";
  r.path = "/test.txt";
  r.headers = {{"host", "examplebucket.s3.amazonaws.com"},
               {"range", "bytes=0-9"},
               {"x-amz-content-sha256", kEmptySha},
               {"x-amz-date", "20130524T000000Z"},
               {"authorization", kAuth}};
  return r;
}

TEST(SigV4Test, ParsesTheAuthorizationHeader) {
  auto a = ParseSigV4Authorization(kAuth);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->access_key, "AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(a->scope(), "20130524/us-east-1/s3/aws4_request");
  EXPECT_EQ(a->signed_headers,
            (std::vector<std::string>{"host", "range", "x-amz-content-sha256", "x-amz-date"}));
  EXPECT_EQ(a->signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_FALSE(ParseSigV4Authorization("AWS4-HMAC-SHA256 Credential=x/y").ok());
  EXPECT_FALSE(ParseSigV4Authorization("AWS AKIA:sig").ok());
}

TEST(SigV4Test, AccessKeyOfV4AndV2Headers) {
  EXPECT_EQ(AccessKeyOf(kAuth), "AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(AccessKeyOf("AWS alice:c2lnbmF0dXJl"), "alice");
  EXPECT_EQ(AccessKeyOf(""), "");
}

TEST(SigV4Test, MatchesAwsDocumentedExample) {
  HttpRequest r = ExampleRequest();
  auto a = ParseSigV4Authorization(kAuth);
  ASSERT_TRUE(a.ok());
  auto canonical =
      CanonicalRequest(r.method, r.path, r.query, r.headers, a->signed_headers, kEmptySha);
  ASSERT_TRUE(canonical.ok());
  EXPECT_EQ(HexEncode(Sha256(*canonical)),
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(SignV4(kSecret, "20130524T000000Z", *a, *canonical), a->signature);
  EXPECT_TRUE(VerifySigV4(r, *a, kSecret).ok());
}

TEST(SigV4Test, RefusesWrongSecretOrTamperedRequest) {
  auto a = ParseSigV4Authorization(kAuth);
  ASSERT_TRUE(a.ok());
  HttpRequest r = ExampleRequest();
  EXPECT_EQ(VerifySigV4(r, *a, "wrong").code(), StatusCode::kPermissionDenied);
  r.headers.find("range")->second = "bytes=0-10";
  EXPECT_EQ(VerifySigV4(r, *a, kSecret).code(), StatusCode::kPermissionDenied);
  r = ExampleRequest();
  r.path = "/other.txt";
  EXPECT_EQ(VerifySigV4(r, *a, kSecret).code(), StatusCode::kPermissionDenied);
}

TEST(SigV4Test, CanonicalQueryIsSortedAndReencoded) {
  auto c = CanonicalRequest("GET", "/b/a%20b", "prefix=x%2Fy&list-type=2&delimiter=%2F&empty", {},
                            {}, "UNSIGNED-PAYLOAD");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*c,
            "GET\n/b/a%20b\ndelimiter=%2F&empty=&list-type=2&prefix=x%2Fy\n\n\nUNSIGNED-PAYLOAD");
}

// AWS's presigned URL example (sigv4-query-string-auth.html).
TEST(SigV4Test, VerifiesAwsDocumentedPresignedUrl) {
  HttpRequest r;
  r.method = "GET";
  r.path = "/test.txt";
  r.query =
      "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-"
      "1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders="
      "host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";
  r.headers = {{"host", "examplebucket.s3.amazonaws.com"}};
  auto q = ParseQuery(r.query);
  ASSERT_TRUE(q.ok());
  auto p = ParsePresignedQuery(*q);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->auth.access_key, "AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(p->expires_s, 86400);
  const int64_t signed_ms = 1369353600000;  // 2013-05-24T00:00:00Z
  EXPECT_TRUE(VerifyPresignedSigV4(r, *p, kSecret, signed_ms + 1000).ok());
  EXPECT_EQ(VerifyPresignedSigV4(r, *p, kSecret, signed_ms + 86401000).message(),
            "Request has expired");
  EXPECT_EQ(VerifyPresignedSigV4(r, *p, "wrong", signed_ms).code(), StatusCode::kPermissionDenied);
  r.path = "/other.txt";
  EXPECT_EQ(VerifyPresignedSigV4(r, *p, kSecret, signed_ms).code(), StatusCode::kPermissionDenied);
  q->pop_back();  // no signature
  EXPECT_FALSE(ParsePresignedQuery(*q).ok());
}

}  // namespace
}  // namespace alluxio::proxy
