// SPDX-License-Identifier: Apache-2.0
#include "proxy/s3_error.h"

#include <fmt/format.h>

#include "proxy/s3_xml.h"

namespace alluxio::proxy {

namespace {
S3Error E(int status, std::string_view code, std::string message) {
  return S3Error{status, std::string(code), std::move(message)};
}
}  // namespace

S3Error S3Error::NoSuchBucket(std::string_view bucket) {
  return E(404, "NoSuchBucket", fmt::format("The specified bucket does not exist: {}", bucket));
}
S3Error S3Error::NoSuchKey(std::string_view key) {
  return E(404, "NoSuchKey", fmt::format("The specified key does not exist: {}", key));
}
S3Error S3Error::NoSuchUpload(std::string_view upload_id) {
  return E(404, "NoSuchUpload",
           fmt::format("The specified multipart upload does not exist: {}", upload_id));
}
S3Error S3Error::BucketNotEmpty(std::string_view bucket) {
  return E(409, "BucketNotEmpty",
           fmt::format("The bucket you tried to delete is not empty: {}", bucket));
}
S3Error S3Error::BucketAlreadyOwnedByYou(std::string_view bucket) {
  return E(409, "BucketAlreadyOwnedByYou",
           fmt::format("The bucket you tried to create already exists and you own it: {}", bucket));
}
S3Error S3Error::InvalidRange() {
  return E(416, "InvalidRange", "The requested range is not satisfiable");
}
S3Error S3Error::MalformedXml(std::string_view detail) {
  return E(400, "MalformedXML",
           fmt::format("The XML you provided was not well-formed or did not validate against our "
                       "published schema: {}",
                       detail));
}
S3Error S3Error::InvalidArgument(std::string_view detail) {
  return E(400, "InvalidArgument", std::string(detail));
}
S3Error S3Error::InvalidPart(std::string_view detail) {
  return E(400, "InvalidPart",
           fmt::format("One or more of the specified parts could not be found: {}", detail));
}
S3Error S3Error::InvalidPartOrder() {
  return E(400, "InvalidPartOrder", "The list of parts was not in ascending order.");
}
S3Error S3Error::EntityTooSmall() {
  return E(400, "EntityTooSmall",
           "Your proposed upload is smaller than the minimum allowed object size.");
}
S3Error S3Error::InvalidBucketName(std::string_view bucket) {
  return E(400, "InvalidBucketName", fmt::format("The specified bucket is not valid: {}", bucket));
}
S3Error S3Error::MethodNotAllowed() {
  return E(405, "MethodNotAllowed", "The specified method is not allowed against this resource.");
}
S3Error S3Error::NotImplemented(std::string_view what) {
  return E(501, "NotImplemented",
           fmt::format("A header or query you provided implies functionality that is not "
                       "implemented: {}",
                       what));
}
S3Error S3Error::PreconditionFailed() {
  return E(412, "PreconditionFailed",
           "At least one of the preconditions you specified did not hold.");
}
S3Error S3Error::AccessDenied(std::string_view detail) {
  return E(403, "AccessDenied", fmt::format("Access Denied: {}", detail));
}
S3Error S3Error::SignatureDoesNotMatch() {
  return E(403, "SignatureDoesNotMatch",
           "The request signature we calculated does not match the signature you provided. Check "
           "your key and signing method.");
}
S3Error S3Error::InvalidAccessKeyId() {
  return E(403, "InvalidAccessKeyId",
           "The AWS Access Key Id you provided does not exist in our records.");
}
S3Error S3Error::BadDigest() {
  return E(400, "BadDigest",
           "The Content-MD5 or checksum you specified did not match what we "
           "received.");
}
S3Error S3Error::InternalError(std::string_view detail) {
  return E(500, "InternalError", fmt::format("We encountered an internal error: {}", detail));
}
S3Error S3Error::SlowDown() { return E(503, "SlowDown", "Please reduce your request rate."); }

S3Error ErrorFromStatus(const Status& s, std::string_view name, bool is_bucket) {
  switch (s.code()) {
    case StatusCode::kNotFound:
      return is_bucket ? S3Error::NoSuchBucket(name) : S3Error::NoSuchKey(name);
    case StatusCode::kPermissionDenied:
    case StatusCode::kUnauthenticated:
      return S3Error::AccessDenied(s.message());
    case StatusCode::kInvalidArgument:
    case StatusCode::kAlreadyExists:
      return S3Error::InvalidArgument(s.message());
    case StatusCode::kUnavailable:
    case StatusCode::kDeadlineExceeded:
      return S3Error{503, "ServiceUnavailable", std::string(s.message())};
    case StatusCode::kFailedPrecondition:
      return S3Error{409, "OperationAborted", std::string(s.message())};
    default:
      return S3Error::InternalError(s.ToString());
  }
}

std::string ErrorXml(const S3Error& e, std::string_view resource, std::string_view request_id) {
  XmlWriter w;
  w.Open("Error")
      .Element("Code", e.code)
      .Element("Message", e.message)
      .Element("Resource", resource)
      .Element("RequestId", request_id)
      .Close();
  return w.str();
}

}  // namespace alluxio::proxy
