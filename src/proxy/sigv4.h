// SPDX-License-Identifier: Apache-2.0
// AWS Signature Version 4 for the S3 gateway: reading the access key out of an Authorization
// header (V4 "Credential=<key>/..." or V2 "AWS <key>:<sig>", which is all Alluxio uses it for), and
// verifying a V4 signature against a secret key (when alluxio.proxy.s3.signature.verification
// .enabled). Follows https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
// Thread-safety: plain functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "proxy/http.h"

namespace alluxio::proxy {

// The parts of "AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/s3/aws4_request,
// SignedHeaders=host;range;x-amz-date, Signature=<hex>".
struct SigV4Authorization {
  std::string access_key;
  std::string date;     // yyyymmdd
  std::string region;   // us-east-1
  std::string service;  // s3
  std::vector<std::string> signed_headers;
  std::string signature;  // lower-case hex
  std::string scope() const { return date + "/" + region + "/" + service + "/aws4_request"; }
};

// InvalidArgument when `header` is not a well-formed V4 Authorization header.
Result<SigV4Authorization> ParseSigV4Authorization(std::string_view header);

// The access key of a V4 or V2 Authorization header; empty when there is none.
std::string AccessKeyOf(std::string_view authorization);

// The canonical request of SigV4. `raw_path` and `raw_query` are as received (percent-encoded);
// both are normalised to SigV4's encoding. `headers` holds lower-case names.
Result<std::string> CanonicalRequest(std::string_view method, std::string_view raw_path,
                                     std::string_view raw_query, const Headers& headers,
                                     const std::vector<std::string>& signed_headers,
                                     std::string_view payload_hash);

// The hex signature of `canonical_request` made at `amz_date` (yyyymmddThhmmssZ) for `auth`'s
// scope with `secret_key`.
std::string SignV4(std::string_view secret_key, std::string_view amz_date,
                   const SigV4Authorization& auth, std::string_view canonical_request);

// Verifies the signature of `req` (Authorization header form) with `secret_key`. OK when it
// matches; PermissionDenied when it does not; InvalidArgument when the request lacks what a V4
// signature needs. The payload hash is taken from x-amz-content-sha256 as the client signed it;
// whether the body matches it is checked while the body is read (see S3Handler).
// With `now_ms` >= 0, a request signed more than 15 minutes before or after it is refused with
// DeadlineExceeded (S3's RequestTimeTooSkewed), so a captured request cannot be replayed later.
Status VerifySigV4(const HttpRequest& req, const SigV4Authorization& auth,
                   std::string_view secret_key, int64_t now_ms = -1);

// A presigned URL's signature: the X-Amz-* query parameters.
struct PresignedSigV4 {
  SigV4Authorization auth;
  std::string amz_date;   // X-Amz-Date, yyyymmddThhmmssZ
  int64_t expires_s = 0;  // X-Amz-Expires
};
// InvalidArgument unless `query` (decoded pairs) holds a complete AWS4-HMAC-SHA256 presigned
// signature.
Result<PresignedSigV4> ParsePresignedQuery(
    const std::vector<std::pair<std::string, std::string>>& query);
// Verifies a presigned URL at time `now_ms`: PermissionDenied when the signature does not match
// or the URL expired (message "Request has expired"), InvalidArgument when malformed.
Status VerifyPresignedSigV4(const HttpRequest& req, const PresignedSigV4& p,
                            std::string_view secret_key, int64_t now_ms);

}  // namespace alluxio::proxy
