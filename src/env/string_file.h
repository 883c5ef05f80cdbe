// SPDX-License-Identifier: Apache-2.0
// Files in memory: StringWritableFile appends to a std::string it owns; StringSequentialFile reads
// a byte range it does not own. For formats written and read through env::*File interfaces that
// sometimes live in memory (e.g. the embedded journal's snapshots use the checkpoint format).
// Thread-safety: externally synchronised.
#pragma once

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>

#include "env/env.h"

namespace alluxio::env {

class StringWritableFile final : public WritableFile {
 public:
  Status Append(std::string_view data) override {
    data_.append(data);
    return Status::OK();
  }
  Status Sync() override { return Status::OK(); }
  Status Close() override { return Status::OK(); }
  uint64_t Size() const override { return data_.size(); }

  std::string& data() { return data_; }

 private:
  std::string data_;
};

class StringSequentialFile final : public SequentialFile {
 public:
  // `data` must outlive the file.
  explicit StringSequentialFile(std::string_view data) : data_(data) {}

  // Returns a view into the data itself (no copy into scratch).
  Result<std::string_view> Read(size_t n, char* /*scratch*/) override {
    std::string_view out = data_.substr(pos_, std::min(n, data_.size() - pos_));
    pos_ += out.size();
    return out;
  }
  Status Skip(uint64_t n) override {
    pos_ += static_cast<size_t>(std::min<uint64_t>(n, data_.size() - pos_));
    return Status::OK();
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

}  // namespace alluxio::env
