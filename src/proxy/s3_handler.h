// SPDX-License-Identifier: Apache-2.0
// S3Handler: the S3 REST API (path style, under /api/v1/s3/, and also at the root of the port for
// clients whose endpoint cannot carry a path) over the client library, as
// Alluxio's proxy serves it: buckets are top-level directories (':' in a bucket name stands for
// '/', so a nested directory can be a bucket), object keys are paths below them.
//
// Object metadata lives in extended attributes of the file (kXAttr* below): the ETag (the MD5 of
// the content for a single PUT, S3's md5-of-md5s-N for a multipart upload), the Content-Type,
// user metadata (x-amz-meta-*) and tags. Writes go to a hidden temporary file under the bucket
// (<bucket>/.alluxio_s3_api/tmp/), get their attributes, and are renamed into place, so a reader
// sees the old object or the whole new one. Multipart parts are files of a hidden upload folder
// (<bucket>/.alluxio_s3_api/multipart/<uploadId>/<partNumber>), concatenated on completion.
// Bodies stream in both directions in bounded chunks; no object is held whole in memory.
//
// Authentication: the access key of the Authorization header names the Alluxio user (Alluxio's
// SIMPLE mode); with verify_signatures every request must carry a valid SigV4 signature made with
// a secret of `credentials`.
//
// Thread-safety: thread-safe; Handle runs concurrently on the server's connection threads.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "alluxio/grpc/common.pb.h"
#include "client/api/file_system.h"
#include "common/conf/configuration.h"
#include "proxy/http.h"
#include "proxy/s3_error.h"

namespace alluxio::proxy {

// Extended attribute names.
inline constexpr char kXAttrETag[] = "s3.etag";
inline constexpr char kXAttrContentType[] = "s3.content-type";
inline constexpr char kXAttrMetaPrefix[] = "s3.meta.";  // + lower-case name
inline constexpr char kXAttrTags[] = "s3.tags";         // "k1=v1&k2=v2", percent-encoded
inline constexpr char kXAttrFolder[] = "s3.folder";     // a directory PUT as "key/"
inline constexpr char kXAttrUploadKey[] = "s3.upload.key";
// The hidden folder of each bucket.
inline constexpr char kInternalDir[] = ".alluxio_s3_api";

// Whether a directory was PUT as a folder object ("key/").
inline bool IsFolderObject(const ::alluxio::grpc::FileInfo& info) {
  auto it = info.xattr().find(kXAttrFolder);
  return info.folder() && it != info.xattr().end() && it->second == "1";
}

struct S3HandlerOptions {
  ::alluxio::grpc::WritePType write_type = ::alluxio::grpc::CACHE_THROUGH;
  bool verify_signatures = false;
  std::map<std::string, std::string> credentials;  // access key -> secret key
  // Smallest part (but the last) a multipart upload may complete with (S3: 5 MiB).
  int64_t min_part_size = 5 << 20;
  // Bytes per read of a request body or an object.
  size_t chunk_size = 1 << 20;
};

class S3Handler {
 public:
  // Makes the client of a user (the access key); called once per user.
  using ClientFactory =
      std::function<Result<std::unique_ptr<client::FileSystem>>(const std::string& user)>;

  // `default_user` serves requests without an Authorization header.
  S3Handler(S3HandlerOptions options, ClientFactory factory, std::string default_user);
  // Options from the configuration (alluxio.proxy.s3.*), clients for `conf` with the user set.
  static Result<std::unique_ptr<S3Handler>> Create(const conf::Configuration& conf);

  // Serves one request (paths under /api/ other than /api/v1/s3 get 404). Never fails: errors
  // become S3 error responses. A failure to write the response is returned (the connection is
  // then closed).
  Status Handle(HttpRequest& req, ResponseWriter& resp);

 private:
  struct Call;  // one request being served
  class Ops;

  // The client of `user` (created on first use). At most kMaxClients are kept: with signature
  // verification off any access key names a user, so the cache must not grow without bound;
  // a request in flight keeps its client alive after eviction.
  Result<std::shared_ptr<client::FileSystem>> ClientFor(const std::string& user);
  static constexpr size_t kMaxClients = 256;

  S3HandlerOptions options_;
  ClientFactory factory_;
  std::string default_user_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<client::FileSystem>> clients_;  // GUARDED_BY(mu_)
};

}  // namespace alluxio::proxy
