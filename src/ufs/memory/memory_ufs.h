// SPDX-License-Identifier: Apache-2.0
// MemoryUfs: an UnderFileSystem kept in process memory, for tests and demos (like LevelDB's
// memenv). It follows LocalUfs's contract (see ufs_contract_test.cc): a created file becomes
// visible only at Close, replacing any file at the path; Rename never replaces; listings are
// sorted by name; the same error codes for the same failures, including names over 255 bytes.
//
// Paths are "memory://<authority>/path" for this instance's authority, or plain "/path".
// CreateUnderFileSystem hands out one shared instance per authority for the life of the process
// (or until ResetAll), so two mounts of "memory://a/" see the same files. Differences from a real
// file system: owner/group are free-form names (any name is accepted; new entries get
// CreateOptions owner/group, else the process's user and group), mtime is the wall clock in ms,
// and content_hash is a per-instance write generation.
//
// Thread-safety: thread-safe; one mutex guards the whole tree. Streams are externally
// synchronised; an output stream may outlive its MemoryUfs (Close then publishes into the tree it
// was created on), and an input stream reads the content as of Open.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "ufs/under_file_system.h"

namespace alluxio::ufs {

namespace internal {
class MemoryTree;
}  // namespace internal

class MemoryUfs final : public UnderFileSystem {
 public:
  // A new, empty instance that is not shared with CreateUnderFileSystem; it serves
  // "memory://<authority>/..." and plain paths.
  explicit MemoryUfs(std::string authority = "");
  ~MemoryUfs() override;

  // The process-wide instance for `authority`, created empty on first use.
  static std::shared_ptr<MemoryUfs> Shared(const std::string& authority);
  // Empties every shared instance and forgets them, so that later Shared() calls start afresh.
  // For tests; streams still open on the old instances fail or publish into emptied trees.
  static void ResetAll();

  const std::string& authority() const { return authority_; }

  // Tests: called with the path at the start of every GetStatus, ListStatus and Mkdirs (e.g. to
  // make the store slow); null to stop.
  void SetMetadataHookForTest(std::function<void(const std::string& path)> hook);
  // Tests: called at the start of every PRead of the streams opened while it is set, with the
  // path, the offset and the stream (to tell streams apart), e.g. to hold a read; null to stop.
  using ReadHook = std::function<void(const std::string& path, int64_t offset, const void* stream)>;
  void SetReadHookForTest(ReadHook hook);
  // Tests: what capabilities() reports (UfsCapabilities{} until set).
  void SetCapabilitiesForTest(const UfsCapabilities& capabilities);

  std::string_view scheme() const override { return "memory"; }
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

 private:
  // The normalised path of `uri`; InvalidArgument for another scheme or authority.
  Result<std::string> ToPath(const std::string& uri) const;

  void RunHook(const std::string& path);

  const std::string authority_;
  mutable std::mutex hook_mu_;
  std::function<void(const std::string&)> hook_;  // GUARDED_BY(hook_mu_)
  ReadHook read_hook_;                            // GUARDED_BY(hook_mu_)
  UfsCapabilities capabilities_;                  // GUARDED_BY(hook_mu_)
  // Shared with output streams, which may outlive this object (shared_ptr for that reason).
  const std::shared_ptr<internal::MemoryTree> tree_;
};

}  // namespace alluxio::ufs
