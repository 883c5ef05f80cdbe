// SPDX-License-Identifier: Apache-2.0
// SlicePool: gRPC slices over recycled buffers of one size. A slice handed to gRPC gives its
// buffer back when gRPC drops it (once sent), so a ReadBlock stream reads its next chunk into a
// buffer that is still in the CPU caches rather than into a fresh allocation, and the send copies
// from there (remote reads 4-10% faster, bench/RESULTS.md "Remote reads from recycled buffers").
// The pool lives until the last of its slices is dropped, whoever holds it.
//
// Thread-safety: thread-safe (gRPC drops slices on its own threads).
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include <grpcpp/support/slice.h>

namespace alluxio::worker::internal {

class SlicePool : public std::enable_shared_from_this<SlicePool> {
 public:
  // Buffers of `buffer_bytes`; at most `max_idle` are kept for reuse, the others freed.
  static std::shared_ptr<SlicePool> Create(size_t buffer_bytes, size_t max_idle = 8);
  ~SlicePool();
  SlicePool(const SlicePool&) = delete;
  SlicePool& operator=(const SlicePool&) = delete;

  // A slice of `n` (<= buffer_bytes) bytes over a pooled buffer, for the caller to fill (through
  // MutableData) before it sends it.
  ::grpc::Slice Take(size_t n);
  // The bytes of a slice that is still the caller's alone (from Take, or made by
  // ::grpc::Slice(n)), to fill before it is sent.
  static char* MutableData(::grpc::Slice& slice);

  size_t idle() const;       // buffers waiting for reuse
  size_t allocated() const;  // buffers ever allocated

 private:
  SlicePool(size_t buffer_bytes, size_t max_idle) : size_(buffer_bytes), max_idle_(max_idle) {}
  void Give(char* buffer);

  const size_t size_;
  const size_t max_idle_;
  mutable std::mutex mu_;
  std::vector<char*> idle_;  // GUARDED_BY(mu_)
  size_t allocated_ = 0;     // GUARDED_BY(mu_)
};

}  // namespace alluxio::worker::internal
