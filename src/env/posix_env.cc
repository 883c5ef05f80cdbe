// SPDX-License-Identifier: Apache-2.0
// PosixEnv: Env::Default() on POSIX. Files use plain file descriptors (O_CLOEXEC); writable files
// keep a small user-space buffer so many small appends (checkpoint records) cost few syscalls.
// Sync is fdatasync, SyncDir fsyncs the directory, LockFile uses flock(2).
//
// Thread-safety: PosixEnv is thread-safe. Files are externally synchronised.
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <set>
#include <string>
#include <utility>

#include "env/env.h"

namespace alluxio::env {
namespace {

Status PosixError(std::string_view op, const std::string& path, int err = errno) {
  return ErrnoToStatus(err, op, path);
}

// Writes all of `data` to `fd`, retrying short writes and EINTR.
Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return PosixError("write", path);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::OK();
}

class PosixSequentialFile final : public SequentialFile {
 public:
  PosixSequentialFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixSequentialFile() override { ::close(fd_); }

  Result<std::string_view> Read(size_t n, char* scratch) override {
    size_t total = 0;
    while (total < n) {
      ssize_t r = ::read(fd_, scratch + total, n - total);
      if (r < 0) {
        if (errno == EINTR) continue;
        return PosixError("read", path_);
      }
      if (r == 0) break;
      total += static_cast<size_t>(r);
    }
    return std::string_view(scratch, total);
  }

  Status Skip(uint64_t n) override {
    if (::lseek(fd_, static_cast<off_t>(n), SEEK_CUR) == static_cast<off_t>(-1)) {
      return PosixError("lseek", path_);
    }
    return Status::OK();
  }

 private:
  const std::string path_;
  const int fd_;
};

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd, uint64_t initial_size)
      : path_(std::move(path)), fd_(fd), size_(initial_size) {}
  ~PosixWritableFile() override { Close().IgnoreError(); }  // Nothing to report to.

  Status Append(std::string_view data) override {
    if (fd_ < 0) return FailedPreconditionError("append to closed file " + path_);
    size_ += data.size();
    if (buffer_.size() + data.size() <= kBufferSize) {
      buffer_.append(data);
      return Status::OK();
    }
    RETURN_IF_ERROR(FlushBuffer());
    if (data.size() <= kBufferSize) {
      buffer_.append(data);
      return Status::OK();
    }
    return WriteAll(fd_, data, path_);
  }

  Status Sync() override {
    if (fd_ < 0) return FailedPreconditionError("sync of closed file " + path_);
    RETURN_IF_ERROR(FlushBuffer());
    if (::fdatasync(fd_) != 0) return PosixError("fdatasync", path_);
    return Status::OK();
  }

  Status Close() override {
    if (fd_ < 0) return Status::OK();
    Status s = FlushBuffer();
    if (::close(fd_) != 0 && s.ok()) s = PosixError("close", path_);
    fd_ = -1;
    return s;
  }

  uint64_t Size() const override { return size_; }

 private:
  static constexpr size_t kBufferSize = 64 * 1024;

  Status FlushBuffer() {
    if (buffer_.empty()) return Status::OK();
    Status s = WriteAll(fd_, buffer_, path_);
    buffer_.clear();
    return s;
  }

  const std::string path_;
  int fd_;
  uint64_t size_;
  std::string buffer_;
};

// Paths locked by this process, identified by (device, inode). flock locks belong to an open
// file description, so a second open+flock of the same file in this process would succeed; this
// set makes a second LockFile in the same process fail like one from another process.
class LockTable {
 public:
  bool Insert(dev_t dev, ino_t ino) {
    std::lock_guard<std::mutex> l(mu_);
    return locked_.emplace(dev, ino).second;
  }
  void Erase(dev_t dev, ino_t ino) {
    std::lock_guard<std::mutex> l(mu_);
    locked_.erase({dev, ino});
  }

 private:
  std::mutex mu_;
  std::set<std::pair<dev_t, ino_t>> locked_;  // GUARDED_BY(mu_)
};

class PosixFileLock final : public FileLock {
 public:
  PosixFileLock(LockTable* table, int fd, dev_t dev, ino_t ino)
      : table_(table), fd_(fd), dev_(dev), ino_(ino) {}
  ~PosixFileLock() override {
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
    table_->Erase(dev_, ino_);
  }

 private:
  LockTable* const table_;
  const int fd_;
  const dev_t dev_;
  const ino_t ino_;
};

class PosixEnv final : public Env {
 public:
  Result<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return PosixError("open", path);
    return std::unique_ptr<SequentialFile>(std::make_unique<PosixSequentialFile>(path, fd));
  }

  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return PosixError("open", path);
    return std::unique_ptr<WritableFile>(std::make_unique<PosixWritableFile>(path, fd, 0));
  }

  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return PosixError("open", path);
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      Status s = PosixError("fstat", path);
      ::close(fd);
      return s;
    }
    return std::unique_ptr<WritableFile>(
        std::make_unique<PosixWritableFile>(path, fd, static_cast<uint64_t>(st.st_size)));
  }

  bool FileExists(const std::string& path) override { return ::access(path.c_str(), F_OK) == 0; }

  Result<std::vector<std::string>> GetChildren(const std::string& dir) override {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return PosixError("opendir", dir);
    std::vector<std::string> names;
    while (true) {
      errno = 0;
      struct dirent* e = ::readdir(d);
      if (e == nullptr) {
        int err = errno;
        ::closedir(d);
        if (err != 0) return PosixError("readdir", dir, err);
        break;
      }
      if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
      names.emplace_back(e->d_name);
    }
    return names;
  }

  Result<uint64_t> GetFileSize(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return PosixError("stat", path);
    return static_cast<uint64_t>(st.st_size);
  }

  Status RemoveFile(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return PosixError("unlink", path);
    return Status::OK();
  }

  Status CreateDirs(const std::string& dir) override {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return ErrnoToStatus(ec.value(), "mkdir", dir);
    return Status::OK();
  }

  Status RemoveDirRecursively(const std::string& dir) override {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    if (ec) return ErrnoToStatus(ec.value(), "remove_all", dir);
    return Status::OK();
  }

  Status RenameFile(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) return PosixError("rename", from + " -> " + to);
    return Status::OK();
  }

  Status TruncateFile(const std::string& path, uint64_t size) override {
    if (::truncate(path.c_str(), static_cast<off_t>(size)) != 0) {
      return PosixError("truncate", path);
    }
    return Status::OK();
  }

  Status SyncDir(const std::string& dir) override {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return PosixError("open", dir);
    Status s;
    if (::fsync(fd) != 0) s = PosixError("fsync", dir);
    ::close(fd);
    return s;
  }

  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return PosixError("open", path);
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      Status s = PosixError("fstat", path);
      ::close(fd);
      return s;
    }
    if (!locks_.Insert(st.st_dev, st.st_ino)) {
      ::close(fd);
      return FailedPreconditionError(path +
                                     " is locked by another process (or already by this one)");
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      int err = errno;
      ::close(fd);
      locks_.Erase(st.st_dev, st.st_ino);
      if (err == EWOULDBLOCK) {
        return FailedPreconditionError(path + " is locked by another process");
      }
      return PosixError("flock", path, err);
    }
    return std::unique_ptr<FileLock>(
        std::make_unique<PosixFileLock>(&locks_, fd, st.st_dev, st.st_ino));
  }

  int64_t NowMillis() override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

 private:
  LockTable locks_;
};

}  // namespace

Env* Env::Default() {
  static PosixEnv* env = new PosixEnv();  // Never deleted: outlives static destructors.
  return env;
}

}  // namespace alluxio::env
