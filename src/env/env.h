// SPDX-License-Identifier: Apache-2.0
// Env: the operating-system interface for local files (in the spirit of LevelDB's Env). The journal
// and other durable state go through it so that tests can substitute a fault-injecting Env that
// fails calls or loses unsynced data. EnvWrapper forwards every call, so a test double overrides
// only what it needs.
//
// Thread-safety: Env implementations are thread-safe. File objects are externally synchronised.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace alluxio::env {

// A file opened for appending. Nothing is durable until Sync() returns OK.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(std::string_view data) = 0;
  // Flushes buffered data and makes it durable (fdatasync).
  virtual Status Sync() = 0;
  // Closes without syncing. Safe to call twice.
  virtual Status Close() = 0;
  // Bytes appended since the file was opened plus its initial size.
  virtual uint64_t Size() const = 0;
};

// A file read sequentially from the start.
class SequentialFile {
 public:
  virtual ~SequentialFile() = default;
  // Reads up to n bytes into scratch; returns the bytes read (fewer only at end of file).
  virtual Result<std::string_view> Read(size_t n, char* scratch) = 0;
  virtual Status Skip(uint64_t n) = 0;
};

// Released by its destructor.
class FileLock {
 public:
  virtual ~FileLock() = default;
};

class Env {
 public:
  virtual ~Env() = default;

  // The process-wide POSIX Env. Never deleted.
  static Env* Default();

  virtual Result<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& path) = 0;
  // Creates or truncates.
  virtual Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) = 0;
  // Opens for append, creating if needed.
  virtual Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) = 0;

  virtual bool FileExists(const std::string& path) = 0;
  // Names (not paths) of the entries of `dir`, excluding "." and "..".
  virtual Result<std::vector<std::string>> GetChildren(const std::string& dir) = 0;
  virtual Result<uint64_t> GetFileSize(const std::string& path) = 0;
  virtual Status RemoveFile(const std::string& path) = 0;
  // Creates `dir` and missing parents; OK if it exists.
  virtual Status CreateDirs(const std::string& dir) = 0;
  // Removes `dir` and everything below it; OK if it does not exist.
  virtual Status RemoveDirRecursively(const std::string& dir) = 0;
  // Atomic replace of `to`.
  virtual Status RenameFile(const std::string& from, const std::string& to) = 0;
  virtual Status TruncateFile(const std::string& path, uint64_t size) = 0;
  // Makes the directory's entries (creates, renames, deletes) durable.
  virtual Status SyncDir(const std::string& dir) = 0;
  // Takes an exclusive advisory lock on `path` (created if missing). FailedPrecondition when
  // another process holds it; the message names the path.
  virtual Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) = 0;
  // Wall-clock milliseconds since the epoch.
  virtual int64_t NowMillis() = 0;
};

// Forwards every call to `target`, which must outlive the wrapper.
class EnvWrapper : public Env {
 public:
  explicit EnvWrapper(Env* target) : target_(target) {}
  Env* target() const { return target_; }

  Result<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& p) override {
    return target_->NewSequentialFile(p);
  }
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& p) override {
    return target_->NewWritableFile(p);
  }
  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& p) override {
    return target_->NewAppendableFile(p);
  }
  bool FileExists(const std::string& p) override { return target_->FileExists(p); }
  Result<std::vector<std::string>> GetChildren(const std::string& d) override {
    return target_->GetChildren(d);
  }
  Result<uint64_t> GetFileSize(const std::string& p) override { return target_->GetFileSize(p); }
  Status RemoveFile(const std::string& p) override { return target_->RemoveFile(p); }
  Status CreateDirs(const std::string& d) override { return target_->CreateDirs(d); }
  Status RemoveDirRecursively(const std::string& d) override {
    return target_->RemoveDirRecursively(d);
  }
  Status RenameFile(const std::string& f, const std::string& t) override {
    return target_->RenameFile(f, t);
  }
  Status TruncateFile(const std::string& p, uint64_t s) override {
    return target_->TruncateFile(p, s);
  }
  Status SyncDir(const std::string& d) override { return target_->SyncDir(d); }
  Result<std::unique_ptr<FileLock>> LockFile(const std::string& p) override {
    return target_->LockFile(p);
  }
  int64_t NowMillis() override { return target_->NowMillis(); }

 private:
  Env* target_;
};

// Reads a whole file.
Result<std::string> ReadFileToString(Env* env, const std::string& path);
// Writes `data` to `path` via a temp file, fsync and rename, then syncs the directory.
Status WriteStringToFileSync(Env* env, const std::string& path, std::string_view data);

}  // namespace alluxio::env
