// SPDX-License-Identifier: Apache-2.0
// S3Ufs: `s3://bucket/prefix` as an under file system (issue 7; Alluxio's S3A under-store), over
// S3Client. Directories are prefixes: a directory exists when a zero-byte "<dir>/" marker object
// does (Mkdirs writes one, as Alluxio does) or any key lies below it; ListStatus is a delimited,
// paginated listing. Files are written to a local temporary file and uploaded at Close (one PUT,
// or a multipart upload in parts of `part_size` bytes for large files), so nothing is visible
// before Close. Reads are ranged GETs pinned to the ETag seen at Open (a file replaced meanwhile
// fails the read instead of mixing contents). Rename is copy + delete (not atomic; capabilities
// say so); permissions are not kept (modes and owners are the configured defaults).
//
// Options (mount options, or configuration through SetDefaultUfsOptions):
//   alluxio.underfs.s3.endpoint              http://host:port of the S3 service (required here:
//                                            this build talks path-style to the endpoint given)
//   alluxio.underfs.s3.region                us-east-1
//   alluxio.underfs.s3.disable.dns.buckets   true (path-style; virtual-host style is refused)
//   s3a.accessKeyId / s3a.secretKey          credentials (aws.accessKeyId / aws.secretKey too)
//   alluxio.underfs.s3.streaming.upload.partition.size   64MB: multipart above this size
//   alluxio.underfs.s3.default.mode          0700
//   alluxio.tmp.dirs                         where uploads are staged (/tmp)
//
// Thread-safety: thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "ufs/s3/s3_client.h"
#include "ufs/under_file_system.h"

namespace alluxio::ufs {

class S3Ufs final : public UnderFileSystem {
 public:
  // `uri` is s3://bucket[/prefix]; InvalidArgument for a bad URI or options.
  static Result<std::shared_ptr<S3Ufs>> FromUri(const std::string& uri, const UfsOptions& options);

  std::string_view scheme() const override { return "s3"; }
  UfsCapabilities capabilities() const override;

  Result<UfsStatus> GetStatus(const std::string& path) override;
  Result<bool> Exists(const std::string& path) override;
  Result<std::vector<UfsStatus>> ListStatus(const std::string& path) override;
  Status Mkdirs(const std::string& path, bool parents, const CreateOptions& opts) override;
  Result<std::unique_ptr<UfsOutputStream>> Create(const std::string& path,
                                                  const CreateOptions& opts) override;
  Result<std::unique_ptr<UfsInputStream>> Open(const std::string& path) override;
  Status DeleteFile(const std::string& path) override;
  Status DeleteDirectory(const std::string& path, bool recursive) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status SetMode(const std::string& path, int32_t mode) override;
  Status SetOwner(const std::string& path, const std::string& owner,
                  const std::string& group) override;

  S3Client* client() { return &client_; }

 private:
  struct Location {
    std::string bucket;
    std::string key;  // no leading or trailing '/'; "" is the bucket's root
  };
  S3Ufs(S3ClientOptions client, int64_t part_size, int32_t mode, std::string tmp_dir);
  Result<Location> Locate(const std::string& path) const;
  // Whether `key` is a directory: its marker or anything below it.
  Result<bool> IsDirectory(const Location& loc);
  Result<bool> IsFile(const Location& loc);
  // Calls `fn` for every key below `dir` (recursive, the marker included), one listing page at a
  // time; stops at the first error.
  Status ForEachKey(const Location& dir, const std::function<Status(const S3Object&)>& fn);
  // Before `loc` is removed: a marker for its parent, so that the parent stays a directory.
  Status KeepParent(const Location& loc);
  UfsStatus FileStatus(const std::string& name, const S3Object& o) const;
  UfsStatus DirStatus(const std::string& name) const;

  S3Client client_;
  const int64_t part_size_;
  const int32_t mode_;
  const std::string tmp_dir_;

  friend class S3OutputStream;
};

}  // namespace alluxio::ufs
