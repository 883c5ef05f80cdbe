// SPDX-License-Identifier: Apache-2.0
// S3 errors: the code, HTTP status and message S3 clients expect, and the one table that maps a
// Status of the client library onto them (STYLE.md: "the detail maps to ... S3 error codes, one
// table"). Thread-safety: plain values.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace alluxio::proxy {

struct S3Error {
  int http_status = 500;
  std::string code;  // "NoSuchKey"
  std::string message;

  static S3Error NoSuchBucket(std::string_view bucket);
  static S3Error NoSuchKey(std::string_view key);
  static S3Error NoSuchUpload(std::string_view upload_id);
  static S3Error BucketNotEmpty(std::string_view bucket);
  static S3Error BucketAlreadyOwnedByYou(std::string_view bucket);
  static S3Error InvalidRange();
  static S3Error MalformedXml(std::string_view detail);
  static S3Error InvalidArgument(std::string_view detail);
  static S3Error InvalidPart(std::string_view detail);
  static S3Error InvalidPartOrder();
  static S3Error EntityTooSmall();
  static S3Error InvalidBucketName(std::string_view bucket);
  static S3Error MethodNotAllowed();
  static S3Error NotImplemented(std::string_view what);
  static S3Error PreconditionFailed();
  static S3Error AccessDenied(std::string_view detail);
  static S3Error SignatureDoesNotMatch();
  static S3Error InvalidAccessKeyId();
  static S3Error BadDigest();
  static S3Error InternalError(std::string_view detail);
  static S3Error SlowDown();
};

// What a failed file-system call means for a request about an object (`is_bucket` false) or a
// bucket. NotFound -> NoSuchKey/NoSuchBucket, PermissionDenied -> AccessDenied,
// InvalidArgument -> InvalidArgument, Unavailable -> ServiceUnavailable, else InternalError.
S3Error ErrorFromStatus(const Status& s, std::string_view name, bool is_bucket);

// <Error><Code>..</Code><Message>..</Message><Resource>..</Resource><RequestId>..</RequestId></Error>
std::string ErrorXml(const S3Error& e, std::string_view resource, std::string_view request_id);

}  // namespace alluxio::proxy
