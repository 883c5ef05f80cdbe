// SPDX-License-Identifier: Apache-2.0
#include "worker/internal/slice_pool.h"

#include <grpc/slice.h>

#include <cstdlib>

namespace alluxio::worker::internal {
namespace {

// What a slice's user data holds: its buffer and the pool it goes back to.
struct Loan {
  std::shared_ptr<SlicePool> pool;
  char* buffer;
};

}  // namespace

std::shared_ptr<SlicePool> SlicePool::Create(size_t buffer_bytes, size_t max_idle) {
  return std::shared_ptr<SlicePool>(new SlicePool(buffer_bytes, max_idle));
}

SlicePool::~SlicePool() {
  for (char* b : idle_) delete[] b;
}

::grpc::Slice SlicePool::Take(size_t n) {
  if (n > size_) std::abort();  // a caller bug: the chunk is larger than the pool's buffers
  char* buffer = nullptr;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!idle_.empty()) {
      buffer = idle_.back();  // the most recently given back: likeliest still in the caches
      idle_.pop_back();
    } else {
      allocated_++;
    }
  }
  if (buffer == nullptr) buffer = new char[size_];
  auto* loan = new Loan{shared_from_this(), buffer};
  grpc_slice s = grpc_slice_new_with_user_data(
      buffer, n,
      [](void* p) {
        std::unique_ptr<Loan> loan(static_cast<Loan*>(p));
        loan->pool->Give(loan->buffer);
      },
      loan);
  return ::grpc::Slice(s, ::grpc::Slice::STEAL_REF);
}

char* SlicePool::MutableData(::grpc::Slice& slice) {
  // Ours alone until sent: begin() is const only because sent slices are shared.
  return reinterpret_cast<char*>(const_cast<uint8_t*>(slice.begin()));
}

void SlicePool::Give(char* buffer) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (idle_.size() < max_idle_) {
      idle_.push_back(buffer);
      return;
    }
  }
  delete[] buffer;
}

size_t SlicePool::idle() const {
  std::lock_guard<std::mutex> l(mu_);
  return idle_.size();
}

size_t SlicePool::allocated() const {
  std::lock_guard<std::mutex> l(mu_);
  return allocated_;
}

}  // namespace alluxio::worker::internal
