// SPDX-License-Identifier: Apache-2.0
// S3Client: the few S3 REST calls the S3 under-store needs, over libcurl, path-style
// (<endpoint>/<bucket>/<key>), signed with AWS Signature V4 by libcurl (CURLOPT_AWS_SIGV4, with
// `x-amz-content-sha256: UNSIGNED-PAYLOAD`). Requests that fail with a network error, 500, 503
// (SlowDown) or 429 are retried with exponential backoff; other errors map to Status codes
// (404 NotFound, 403 PermissionDenied, 412 FailedPrecondition, ...) with S3's error code and
// message. Bodies stream: uploads read from a file, downloads write into the caller's buffer.
//
// Thread-safety: thread-safe (one curl easy handle per call).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace alluxio::ufs {

struct S3ClientOptions {
  std::string endpoint = "http://127.0.0.1:9000";  // scheme://host[:port]
  std::string region = "us-east-1";
  std::string access_key;
  std::string secret_key;
  int max_attempts = 6;          // of one request, retries included
  int64_t base_backoff_ms = 50;  // doubled per retry, capped at 2 s
  int64_t request_timeout_ms = 60000;
};

struct S3Object {
  std::string key;
  int64_t size = 0;
  std::string etag;  // without quotes
  int64_t last_modified_ms = 0;
};

struct S3ListPage {
  std::vector<S3Object> objects;
  std::vector<std::string> common_prefixes;
  std::string next_token;  // the marker of the next page; empty: last page
};

class S3Client {
 public:
  explicit S3Client(S3ClientOptions options);

  Result<S3Object> HeadObject(const std::string& bucket, const std::string& key);
  // Reads up to `n` bytes at `offset` (a ranged GET); fewer at the end of the object. With
  // `if_match`, FailedPrecondition when the object's ETag changed.
  Result<size_t> GetRange(const std::string& bucket, const std::string& key, int64_t offset,
                          char* buf, size_t n, const std::string& if_match = "");
  // Uploads `size` bytes of the file `path` from `offset` as the object (or as a part).
  Status PutObject(const std::string& bucket, const std::string& key, std::string_view body);
  Status PutObjectFromFile(const std::string& bucket, const std::string& key,
                           const std::string& path);
  // One page of at most `max_keys` keys and common prefixes (ListObjects with markers); pass the
  // page's next_token to get the next one.
  Result<S3ListPage> ListObjects(const std::string& bucket, const std::string& prefix,
                                 const std::string& delimiter, const std::string& token,
                                 int max_keys = 1000);
  Status DeleteObject(const std::string& bucket, const std::string& key);
  Status CopyObject(const std::string& bucket, const std::string& from, const std::string& to);
  Status CreateBucket(const std::string& bucket);

  // Multipart upload of a file in parts of `part_size` bytes.
  Status UploadFileMultipart(const std::string& bucket, const std::string& key,
                             const std::string& path, int64_t size, int64_t part_size);

 private:
  struct Request {
    std::string method = "GET";
    std::string bucket;
    std::string key;
    std::vector<std::pair<std::string, std::string>> query;  // encoded here
    std::vector<std::string> headers;
    // Upload: from memory, or `upload_size` bytes of a file at `upload_offset`.
    std::string_view body;
    std::string upload_file;
    int64_t upload_offset = 0;
    int64_t upload_size = -1;
    // Download into a buffer (ranged GET), else into `response_body`.
    char* sink = nullptr;
    size_t sink_capacity = 0;
  };
  struct Response {
    long http_status = 0;
    std::string body;
    size_t sink_bytes = 0;
    std::map<std::string, std::string> headers;  // lower-case names
  };
  // Runs the request with retries. Non-2xx answers become errors unless listed in `accept`.
  Result<Response> Execute(const Request& request, std::vector<long> accept = {});
  Result<Response> ExecuteOnce(const Request& request, bool* retryable);

  const S3ClientOptions options_;
};

// The text of the first <tag>...</tag> in `xml` at or after `from` (entities decoded); `*end` is
// set past the closing tag. nullopt when absent.
std::optional<std::string> XmlTag(std::string_view xml, std::string_view tag, size_t from = 0,
                                  size_t* end = nullptr);
// "2024-01-02T03:04:05.678Z" (or RFC 1123 "Tue, 02 Jan 2024 03:04:05 GMT") -> epoch ms; 0 if bad.
int64_t ParseS3Time(std::string_view text);

}  // namespace alluxio::ufs
