// SPDX-License-Identifier: Apache-2.0
// PosixFile: a file descriptor with positional reads and writes that loop over short transfers.
// The worker reads and writes block files with it (the block store hands out paths, not streams).
//
// Thread-safety: PRead/PWrite may run concurrently on one object; Open/Close/move are externally
// synchronised.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace alluxio::worker::internal {

class PosixFile {
 public:
  PosixFile() = default;
  ~PosixFile();
  PosixFile(PosixFile&& other) noexcept;
  PosixFile& operator=(PosixFile&& other) noexcept;
  PosixFile(const PosixFile&) = delete;
  PosixFile& operator=(const PosixFile&) = delete;

  // `flags` are open(2)'s (O_RDONLY, O_WRONLY, ...). Errors map errno, naming the path.
  static Result<PosixFile> Open(const std::string& path, int flags);

  // Reads up to `n` bytes at `offset` into `buf`; fewer only at end of file.
  Result<size_t> PRead(int64_t offset, char* buf, size_t n) const;
  // Writes all of `data` at `offset`.
  Status PWrite(int64_t offset, std::string_view data) const;
  Status Close();
  bool is_open() const { return fd_ >= 0; }
  const std::string& path() const { return path_; }

 private:
  PosixFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::string path_;
};

}  // namespace alluxio::worker::internal
