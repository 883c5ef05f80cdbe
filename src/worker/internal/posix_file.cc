// SPDX-License-Identifier: Apache-2.0
#include "worker/internal/posix_file.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <utility>

namespace alluxio::worker::internal {

PosixFile::~PosixFile() {
  if (fd_ >= 0) ::close(fd_);
}

PosixFile::PosixFile(PosixFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

PosixFile& PosixFile::operator=(PosixFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
  }
  return *this;
}

Result<PosixFile> PosixFile::Open(const std::string& path, int flags) {
  int fd;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return ErrnoToStatus(errno, "open", path);
  return PosixFile(fd, path);
}

Result<size_t> PosixFile::PRead(int64_t offset, char* buf, size_t n) const {
  size_t done = 0;
  while (done < n) {
    ssize_t r = ::pread(fd_, buf + done, n - done, static_cast<off_t>(offset) + done);
    if (r < 0) {
      if (errno == EINTR) continue;
      return ErrnoToStatus(errno, "read", path_);
    }
    if (r == 0) break;
    done += static_cast<size_t>(r);
  }
  return done;
}

Status PosixFile::PWrite(int64_t offset, std::string_view data) const {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t r =
        ::pwrite(fd_, data.data() + done, data.size() - done, static_cast<off_t>(offset) + done);
    if (r < 0) {
      if (errno == EINTR) continue;
      return ErrnoToStatus(errno, "write", path_);
    }
    done += static_cast<size_t>(r);
  }
  return Status();
}

Status PosixFile::Close() {
  if (fd_ < 0) return Status();
  int fd = std::exchange(fd_, -1);
  if (::close(fd) != 0 && errno != EINTR) return ErrnoToStatus(errno, "close", path_);
  return Status();
}

}  // namespace alluxio::worker::internal
