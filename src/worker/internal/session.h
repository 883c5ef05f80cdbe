// SPDX-License-Identifier: Apache-2.0
// Store sessions of the worker: every data stream (and every background task) works in its own
// block-store session, so that its end releases whatever it held (temp blocks, read locks) even
// when the handler leaves early.
//
// Thread-safety: NewSessionId is thread-safe; a SessionScope belongs to one thread.
#pragma once

#include <atomic>

#include "worker/block/block_store.h"

namespace alluxio::worker::internal {

// A process-wide unique, positive session id (unique across the workers of a minicluster too).
inline SessionId NewSessionId() {
  static std::atomic<SessionId> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

// Owns one session: its destructor aborts the session's temp blocks and releases its locks.
// `store` must outlive the scope.
class SessionScope {
 public:
  explicit SessionScope(BlockStore* store) : store_(store), id_(NewSessionId()) {}
  ~SessionScope() { store_->CleanupSession(id_); }
  SessionScope(const SessionScope&) = delete;
  SessionScope& operator=(const SessionScope&) = delete;

  SessionId id() const { return id_; }

 private:
  BlockStore* const store_;
  const SessionId id_;
};

}  // namespace alluxio::worker::internal
