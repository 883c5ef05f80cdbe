// SPDX-License-Identifier: Apache-2.0
// FaultInjectingEnv: an EnvWrapper for tests (LevelDB fault_injection_test, RocksDB
// FaultInjectionTestFS). It can
//   - fail the Nth call of one kind (Append, Sync, Rename, ...) with a chosen Status, once or from
//     then on ("sticky"), and
//   - simulate a crash: it remembers, per file written through it, the size at the last successful
//     Sync; DropUnsyncedData() truncates every such file to that size (or keeps a pseudo-random
//     prefix of the unsynced bytes, like a partial write-back). SetFilesystemActive(false) marks
//     the moment of the crash: from then on every mutating call (Append, Sync, file creation,
//     rename, remove, truncate, SyncDir, CreateDirs) fails with Unavailable "filesystem inactive"
//     and reaches nothing, so a test can stop its component and then drop.
//
// Directory operations are not modelled: a created, renamed or removed file stays so after
// DropUnsyncedData (as if every SyncDir had succeeded). A rename moves the remembered state.
//
// Thread-safety: thread-safe. Files are externally synchronised, as for any Env.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "env/env.h"

namespace alluxio::env {

enum class FaultOp {
  kNewSequentialFile,
  kRead,
  kNewWritableFile,  // NewWritableFile and NewAppendableFile
  kAppend,
  kSync,
  kClose,
  kRemoveFile,
  kCreateDirs,
  kRename,
  kTruncate,
  kSyncDir,
  kLockFile,
};
inline constexpr int kNumFaultOps = static_cast<int>(FaultOp::kLockFile) + 1;

class FaultInjectingEnv : public EnvWrapper {
 public:
  // `target` must outlive this Env and every file opened through it.
  explicit FaultInjectingEnv(Env* target);
  ~FaultInjectingEnv() override;

  // The `n`th call of `op` counted from now (n >= 1) fails with `error` and does nothing. With
  // `sticky`, every later call of `op` fails too, until ClearFaults(). Replaces an earlier fault
  // of the same op.
  void FailNthCall(FaultOp op, int64_t n, Status error = InternalError("injected fault"),
                   bool sticky = false);
  void ClearFaults();
  // Calls of `op` seen since construction (including failed ones).
  int64_t CallCount(FaultOp op) const;

  // While inactive, mutating calls fail and reach nothing (see above).
  void SetFilesystemActive(bool active);
  bool IsFilesystemActive() const;

  // Truncates every file written through this Env to its size at its last successful Sync (0 if
  // never synced; the initial size for a file opened with NewAppendableFile). With a non-zero
  // `seed`, keeps instead a pseudo-random prefix (possibly all, possibly none) of each file's
  // unsynced bytes. Files must not be written concurrently. Returns the first error.
  Status DropUnsyncedData(uint64_t seed = 0);

  // Env.
  Result<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override;
  Status RemoveFile(const std::string& path) override;
  Status CreateDirs(const std::string& dir) override;
  Status RemoveDirRecursively(const std::string& dir) override;
  Status RenameFile(const std::string& from, const std::string& to) override;
  Status TruncateFile(const std::string& path, uint64_t size) override;
  Status SyncDir(const std::string& dir) override;
  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override;

  // What DropUnsyncedData knows about one file. Shared between the Env's table and the open
  // file object (a rename moves the table entry while the file stays open), hence shared_ptr.
  struct FileState {
    uint64_t size = 0;         // GUARDED_BY(FaultInjectingEnv::mu_)
    uint64_t synced_size = 0;  // GUARDED_BY(FaultInjectingEnv::mu_)
  };

 private:
  class File;
  friend class File;

  // Counts the call and returns the injected error, if this call is to fail, or the inactive
  // error for a mutating call while inactive.
  Status MaybeFail(FaultOp op);
  Result<std::unique_ptr<WritableFile>> WrapWritable(const std::string& path,
                                                     Result<std::unique_ptr<WritableFile>> file,
                                                     bool keep_existing);

  struct Fault {
    int64_t remaining = 0;  // calls to let through before failing; -1 = none armed
    bool sticky = false;
    bool firing = false;  // sticky and already fired
    Status error;
  };

  mutable std::mutex mu_;
  int64_t counts_[kNumFaultOps] = {};                        // GUARDED_BY(mu_)
  Fault faults_[kNumFaultOps];                               // GUARDED_BY(mu_)
  bool active_ = true;                                       // GUARDED_BY(mu_)
  std::map<std::string, std::shared_ptr<FileState>> files_;  // GUARDED_BY(mu_)
};

}  // namespace alluxio::env
