// SPDX-License-Identifier: Apache-2.0
// Internal to S3Handler: the operations of one request, split over s3_handler.cc (routing,
// authentication, buckets, listings), s3_objects.cc (objects, tagging) and s3_multipart.cc
// (multipart uploads), and the helpers they share.
// Thread-safety: one Ops per request, confined to its thread.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "client/api/file_system.h"
#include "proxy/aws_chunked.h"
#include "proxy/digest.h"
#include "proxy/http.h"
#include "proxy/s3_error.h"
#include "proxy/s3_handler.h"

namespace alluxio::proxy {

namespace internal {

// Largest XML request body read (Delete, Tagging, CompleteMultipartUpload).
inline constexpr size_t kMaxXmlBody = 2 << 20;

// `bytes` random bytes as hex (temporary names, upload ids).
inline std::string RandomHex(size_t bytes) {
  thread_local std::mt19937_64 rng(std::random_device{}() ^
                                   std::hash<std::thread::id>()(std::this_thread::get_id()));
  std::string raw(bytes, '\0');
  for (char& c : raw) c = static_cast<char>(rng());
  return HexEncode(raw);
}

// Whether `key` (an object key, or the directory part of a prefix) maps onto Alluxio paths inside
// its bucket: no empty, "." or ".." components (one trailing '/' names a folder) and nothing in
// the gateway's hidden folder. Every key a request names goes through this, from the URL, the
// XML of DeleteObjects, x-amz-copy-source or a listing prefix, so none escapes its bucket.
inline bool IsStorableKey(std::string_view key) {
  if (!key.empty() && key.back() == '/') key.remove_suffix(1);
  if (key.empty()) return false;
  for (size_t start = 0;;) {
    size_t s = key.find('/', start);
    std::string_view c = key.substr(start, s == std::string_view::npos ? s : s - start);
    if (c.empty() || c == "." || c == "..") return false;
    if (start == 0 && c == kInternalDir) return false;
    if (s == std::string_view::npos) return true;
    start = s + 1;
  }
}

// Whether a bucket name (':' separating nested Alluxio directories) names directories below the
// root: each part non-empty and not starting with '.' (no "..", no hidden folders), no '/'.
inline bool IsValidBucket(std::string_view bucket) {
  if (bucket.empty() || bucket.find('/') != std::string_view::npos) return false;
  for (size_t start = 0;;) {
    size_t s = bucket.find(':', start);
    std::string_view part = bucket.substr(start, s == std::string_view::npos ? s : s - start);
    if (part.empty() || part.front() == '.') return false;
    if (s == std::string_view::npos) return true;
    start = s + 1;
  }
}

}  // namespace internal

// An S3 error or a value.
template <typename T>
class S3Result {
 public:
  S3Result(T value) : value_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  S3Result(S3Error error) : error_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return value_.has_value(); }
  T& operator*() { return *value_; }
  T* operator->() { return &*value_; }
  const S3Error& error() const { return error_; }

 private:
  std::optional<T> value_;
  S3Error error_;
};

class S3Handler::Ops {
 public:
  Ops(S3Handler* handler, HttpRequest* req, ResponseWriter* resp, std::string request_id)
      : h_(handler), req_(req), resp_(resp), request_id_(std::move(request_id)) {}

  // Routes and serves the request.
  Status Serve();

 private:
  using FileInfo = ::alluxio::grpc::FileInfo;
  using XAttrMap = std::map<std::string, std::string>;

  // --- s3_handler.cc ---
  // Authenticates and picks the client (fs_).
  std::optional<S3Error> Authenticate();
  Status Dispatch();
  Status SendError(const S3Error& e);
  Status SendXml(int status, const std::string& xml, Headers headers = {});
  Status SendEmpty(int status, Headers headers = {});
  bool HasQuery(std::string_view name) const;
  std::string Query(std::string_view name) const;
  std::string BucketPath() const;  // "/bucket" (':' -> '/')
  std::string ObjectPath() const { return BucketPath() + "/" + key_; }
  std::string InternalPath() const { return BucketPath() + "/" + kInternalDir; }
  // NoSuchBucket unless the bucket exists.
  std::optional<S3Error> CheckBucket();
  Result<std::string> ReadSmallBody(size_t limit);

  Status ListBuckets();
  Status CreateBucket();
  Status DeleteBucket();
  Status HeadBucket();
  Status ListObjects(bool v2);

  // --- s3_objects.cc (and s3_multipart.cc from CheckUpload on) ---
  Status PutObject();
  Status GetObject(bool head);
  Status DeleteObject();
  Status DeleteObjects();
  Status CopyObject();
  Status PutObjectTagging();
  Status GetObjectTagging();
  Status DeleteObjectTagging();
  Status CreateMultipartUpload();
  Status UploadPart();
  Status CompleteMultipartUpload();
  Status AbortMultipartUpload();
  Status ListParts();
  Status ListMultipartUploads();

  // Attributes a new object takes from the request: Content-Type, x-amz-meta-*, x-amz-tagging.
  S3Result<XAttrMap> RequestAttributes();
  // A new hidden temporary path in the bucket.
  std::string TempPath();
  // Streams the request body (after Expect: 100-continue) into a new file at `path`, returning
  // the hex MD5. Checks Content-MD5 and, when verifying signatures, x-amz-content-sha256. A body
  // of at most one chunk is read before the file is created, which then gets `attrs` and the ETag
  // at once (*attrs_written); otherwise the caller sets them.
  S3Result<std::string> WriteBody(const std::string& path, bool overwrite, const XAttrMap& attrs,
                                  bool* attrs_written);
  // Copies `length` bytes at `offset` of `src` into a new file at `dst`, returning the hex MD5.
  S3Result<std::string> CopyData(const std::string& src, int64_t offset, int64_t length,
                                 const std::string& dst);
  // Sets `attrs` on `tmp` (unless `attrs_written`) and renames it to `dst` (replacing an object
  // there).
  std::optional<S3Error> Publish(const std::string& tmp, const std::string& dst,
                                 const XAttrMap& attrs, bool attrs_written = false);
  // Removes the empty directories left above a deleted key (not folder objects, not the bucket).
  void RemoveEmptyParents(const std::string& key);
  // Resolves x-amz-copy-source to (path, info); NoSuchKey/NoSuchBucket when missing.
  S3Result<std::pair<std::string, FileInfo>> CopySource();
  std::string UploadPath(const std::string& upload_id) const {
    return InternalPath() + "/multipart/" + upload_id;
  }
  S3Result<FileInfo> CheckUpload(const std::string& upload_id);

 public:
  // The ETag of a file (hex, without quotes): its attribute, else one made from its identity.
  static std::string ETagOf(const FileInfo& info);

 private:
  S3Handler* h_;
  HttpRequest* req_;
  ResponseWriter* resp_;
  std::string request_id_;
  client::FileSystem* fs_ = nullptr;
  std::shared_ptr<client::FileSystem> fs_owner_;  // keeps fs_ alive for this request
  std::string user_;
  // Set when a SigV4 Authorization header was verified: what an aws-chunked body's chunk
  // signatures are checked with.
  std::optional<ChunkSigner> chunk_signer_;
  std::string bucket_;  // decoded
  std::string key_;     // decoded, may be empty
  std::vector<std::pair<std::string, std::string>> query_;
};

}  // namespace alluxio::proxy
