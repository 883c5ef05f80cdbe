// SPDX-License-Identifier: Apache-2.0
// ActiveCalls: the client contexts of the master calls a background loop has in flight, so that
// Stop() can cancel them instead of waiting for a deadline (a hung master must not hang a worker's
// shutdown).
//
// Thread-safety: thread-safe.
#pragma once

#include <mutex>
#include <set>

#include <grpcpp/client_context.h>

namespace alluxio::worker::internal {

class ActiveCalls {
 public:
  // Tracks `ctx` for its lifetime; a context registered after CancelAll() is cancelled at once.
  class Scope {
   public:
    Scope(ActiveCalls* calls, ::grpc::ClientContext* ctx) : calls_(calls), ctx_(ctx) {
      std::lock_guard<std::mutex> l(calls_->mu_);
      calls_->contexts_.insert(ctx_);
      if (calls_->cancelled_) ctx_->TryCancel();
    }
    ~Scope() {
      std::lock_guard<std::mutex> l(calls_->mu_);
      calls_->contexts_.erase(ctx_);
    }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    ActiveCalls* const calls_;
    ::grpc::ClientContext* const ctx_;
  };

  // Cancels every tracked call and every later one.
  void CancelAll() {
    std::lock_guard<std::mutex> l(mu_);
    cancelled_ = true;
    for (::grpc::ClientContext* ctx : contexts_) ctx->TryCancel();
  }

 private:
  std::mutex mu_;
  bool cancelled_ = false;                     // GUARDED_BY(mu_)
  std::set<::grpc::ClientContext*> contexts_;  // GUARDED_BY(mu_)
};

}  // namespace alluxio::worker::internal
