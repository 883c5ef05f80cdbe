// SPDX-License-Identifier: Apache-2.0
// LocalUfs: the UnderFileSystem over the local POSIX file system. Accepts absolute paths
// ("/data/x") and file URIs ("file:///data/x", "file:/data/x", "file://localhost/data/x").
//
// Create writes to a hidden temporary file in the target's directory
// (".<name>.alluxio.<16 hex>.tmp"); Close fsyncs it, renames it over the target and fsyncs the
// directory, so readers never see a partial file and a closed file survives a crash. ListStatus
// hides those temporary files. Rename never replaces an existing target (renameat2
// RENAME_NOREPLACE where the file system supports it, else check-then-rename, which can race with
// a concurrent creator of the target). owner/group are names from the system user database, or
// decimal ids when unknown. errno values map through alluxio::ErrnoToStatus; a name longer than
// 255 bytes is InvalidArgument.
//
// Thread-safety: thread-safe (stateless apart from a process-wide id-to-name cache). Streams are
// externally synchronised and do not refer to the LocalUfs that made them.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ufs/under_file_system.h"

namespace alluxio::ufs {

class LocalUfs final : public UnderFileSystem {
 public:
  LocalUfs() = default;

  std::string_view scheme() const override { return "file"; }
  UfsCapabilities capabilities() const override { return UfsCapabilities{}; }

  Result<UfsStatus> GetStatus(const std::string& path) override;
  Result<bool> Exists(const std::string& path) override;
  Result<std::vector<UfsStatus>> ListStatus(const std::string& path) override;
  // The directory gets exactly DirectoryMode(opts.mode), whatever the umask; parents created
  // along the way get that plus owner rwx (so that the next level can be made). FailedPrecondition
  // when an ancestor is a file.
  Status Mkdirs(const std::string& path, bool parents, const CreateOptions& opts) override;
  // An existing file at `path` is replaced atomically by Close. FailedPrecondition when `path` is
  // a directory or its parent is a file; NotFound when the parent is missing and
  // !opts.create_parent (missing parents are created with mode 0755 otherwise, and remain after a
  // Cancel).
  Result<std::unique_ptr<UfsOutputStream>> Create(const std::string& path,
                                                  const CreateOptions& opts) override;
  // FailedPrecondition when `path` is a directory. The stream keeps reading the file it opened
  // even if the path is later replaced or deleted.
  Result<std::unique_ptr<UfsInputStream>> Open(const std::string& path) override;
  // FailedPrecondition when `path` is a directory.
  Status DeleteFile(const std::string& path) override;
  // FailedPrecondition when `path` is a file; InvalidArgument for the root. Symbolic links inside
  // the tree are removed, never followed.
  Status DeleteDirectory(const std::string& path, bool recursive) override;
  // AlreadyExists when `to` exists (including `to` == `from`); InvalidArgument when `to` lies
  // inside `from` or `from` is the root; NotFound when `from` or the parent of `to` is missing.
  Status Rename(const std::string& from, const std::string& to) override;
  Status SetMode(const std::string& path, int32_t mode) override;
  // Empty `owner` or `group` leaves it unchanged. InvalidArgument for an unknown user or group
  // (decimal ids are accepted); PermissionDenied when the process may not chown.
  Status SetOwner(const std::string& path, const std::string& owner,
                  const std::string& group) override;

  // True if `name` is a temporary file of an in-progress Create (hidden from ListStatus).
  static bool IsTemporaryFileName(std::string_view name);
};

}  // namespace alluxio::ufs
