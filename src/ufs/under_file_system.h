// SPDX-License-Identifier: Apache-2.0
// UnderFileSystem: the storage Alluxio caches in front of (local disk, S3, memory). Paths are full
// UFS URIs or absolute paths as understood by the implementation ("/data/x", "file:///data/x",
// "memory:///x"). A registry picks the implementation by URI scheme.
//
// Thread-safety: implementations are thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/conf/configuration.h"
#include "common/result.h"

namespace alluxio::ufs {

struct UfsStatus {
  std::string name;  // last path component
  bool is_directory = false;
  int64_t length = 0;  // files only
  int64_t last_modified_ms = 0;
  std::string owner;
  std::string group;
  int32_t mode = 0;  // permission bits (e.g. 0644)
  // Files only: an opaque token that changes whenever the content is rewritten, even when length
  // and mtime do not (local: inode, mtime in ns and size; memory: a write generation; S3: the
  // ETag). Empty for directories.
  std::string content_hash;
  // Changes whenever content or attributes change (size, mtime, mode, owner, group, content
  // hash). Stable across processes for unchanged files, so it may be persisted, e.g.
  // "TYPE:FILE|LEN:3|MTIME:1700000000123|MODE:0644|OWNER:alice|GROUP:staff|HASH:83a-17...-3"
  // Directories: "TYPE:DIR|MTIME:...|MODE:...|OWNER:...|GROUP:...".
  std::string Fingerprint() const;
};

struct UfsCapabilities {
  bool atomic_rename = true;
  bool consistent_listing = true;
  bool supports_permissions = true;
  // An open stream keeps reading the content it opened after the file is replaced or deleted
  // (local files; object stores fail the read instead).
  bool snapshot_reads = true;
  // Reading a file as one sequential stream is faster than reading parts of it at once (a disk's
  // readahead; measured on this project's machines: one stream 3.0-3.2 GiB/s, three 2.6-2.8).
  // Object stores serve ranged reads in parallel instead.
  bool sequential_reads_fastest = true;
};

// Options given at mount time (`--option k=v`).
using UfsOptions = std::map<std::string, std::string>;

class UfsOutputStream {
 public:
  virtual ~UfsOutputStream() = default;
  virtual Status Write(std::string_view data) = 0;
  // Makes the file visible at its final path (durably for local files).
  virtual Status Close() = 0;
  // Abandons the file; nothing becomes visible.
  virtual void Cancel() = 0;
};

class UfsInputStream {
 public:
  virtual ~UfsInputStream() = default;
  // Reads up to `n` bytes at `offset`; fewer only at end of file.
  virtual Result<size_t> PRead(int64_t offset, char* buf, size_t n) = 0;
};

struct CreateOptions {
  int32_t mode = 0644;  // Mkdirs applies DirectoryMode(mode)
  std::string owner;    // applied when running as root and the user exists; else ignored
  std::string group;
  bool create_parent = true;
};

// The mode Mkdirs gives a directory asked for with `mode`: search (x) permission is added for each
// class that may read, so the file-oriented default 0644 yields 0755 and 0600 yields 0700, while
// 0750 and 0777 are kept. SetMode applies modes as given.
int32_t DirectoryMode(int32_t mode);

class UnderFileSystem {
 public:
  virtual ~UnderFileSystem() = default;

  // The scheme this instance serves ("file", "memory", "s3").
  virtual std::string_view scheme() const = 0;
  virtual UfsCapabilities capabilities() const = 0;

  // NotFound when missing.
  virtual Result<UfsStatus> GetStatus(const std::string& path) = 0;
  virtual Result<bool> Exists(const std::string& path) = 0;
  // Direct children of a directory. NotFound when missing; FailedPrecondition when a file.
  virtual Result<std::vector<UfsStatus>> ListStatus(const std::string& path) = 0;
  // Creates the directory (and parents when `parents`) with DirectoryMode(opts.mode).
  // AlreadyExists if it exists; NotFound if the parent is missing and !parents;
  // FailedPrecondition if an ancestor is a file.
  virtual Status Mkdirs(const std::string& path, bool parents, const CreateOptions& opts) = 0;
  // Creates a file; data is visible at `path` only after Close, which replaces any file there.
  // FailedPrecondition when `path` is a directory or under a file; NotFound when the parent is
  // missing and !opts.create_parent. Cancel (or destroying the stream unclosed) leaves no file.
  virtual Result<std::unique_ptr<UfsOutputStream>> Create(const std::string& path,
                                                          const CreateOptions& opts) = 0;
  virtual Result<std::unique_ptr<UfsInputStream>> Open(const std::string& path) = 0;
  virtual Status DeleteFile(const std::string& path) = 0;
  // Deletes a directory; with `recursive` also everything below it, else FailedPrecondition
  // when not empty.
  virtual Status DeleteDirectory(const std::string& path, bool recursive) = 0;
  // Renames a file or directory. AlreadyExists if `to` exists; InvalidArgument if `to` lies
  // inside `from`.
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  virtual Status SetMode(const std::string& path, int32_t mode) = 0;
  virtual Status SetOwner(const std::string& path, const std::string& owner,
                          const std::string& group) = 0;
};

// Creates a UFS for `uri` by its scheme: no scheme or "file" -> local; "memory" -> in-memory
// (shared per authority within the process); "s3"/"s3a" -> S3 (s3/s3_ufs.h). The options are the
// process defaults (SetDefaultUfsOptions) overridden by `options`. InvalidArgument for unknown
// schemes.
Result<std::shared_ptr<UnderFileSystem>> CreateUnderFileSystem(const std::string& uri,
                                                               const UfsOptions& options);

using UfsFactory = std::function<Result<std::shared_ptr<UnderFileSystem>>(
    const std::string& uri, const UfsOptions& options)>;
// Registers a factory for a scheme (later components: s3), replacing any earlier one; schemes
// are case-insensitive. Thread-safe.
void RegisterUfsFactory(const std::string& scheme, UfsFactory factory);

// Options every UFS of this process gets unless its mount options say otherwise: the daemons set
// them from their configuration (alluxio.underfs.*, s3a.*, aws.*). Thread-safe.
void SetDefaultUfsOptions(UfsOptions options);
UfsOptions DefaultUfsOptions();
// The UFS keys of a configuration (alluxio.underfs.*, s3a.*, aws.*, alluxio.tmp.dirs), resolved.
UfsOptions UfsOptionsFromConfiguration(const conf::Configuration& conf);

// Joins a UFS root URI and a relative suffix ("/data" + "a/b" -> "/data/a/b").
std::string JoinUfsPath(std::string_view base, std::string_view suffix);
// Scheme of a URI ("s3://b/x" -> "s3"; "/x" -> "").
std::string UfsScheme(std::string_view uri);

}  // namespace alluxio::ufs
