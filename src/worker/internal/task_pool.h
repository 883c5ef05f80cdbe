// SPDX-License-Identifier: Apache-2.0
// TaskPool: a fixed set of named threads running queued tasks, with a bounded queue. Used for the
// worker's background work (caching blocks from the UFS, persisting files) so that a burst of
// requests cannot grow threads or memory without bound.
//
// Thread-safety: thread-safe. Stop() joins the threads; queued tasks that have not started are
// dropped (their owners treat a dropped task like one that never ran).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace alluxio::worker::internal {

class TaskPool {
 public:
  // `threads` >= 1 threads named `name` (shown by debuggers, truncated to 15 bytes); at most
  // `max_queued` tasks wait.
  TaskPool(std::string name, int threads, size_t max_queued)
      : name_(std::move(name)), max_queued_(max_queued) {
    for (int i = 0; i < threads; ++i) {
      threads_.emplace_back([this] { Run(); });
      pthread_setname_np(threads_.back().native_handle(), name_.substr(0, 15).c_str());
    }
  }
  ~TaskPool() { Stop(); }
  TaskPool(const TaskPool&) = delete;
  TaskPool& operator=(const TaskPool&) = delete;

  // Queues `task`. False (and `task` is dropped) when the queue is full or the pool stopped.
  bool TrySubmit(std::function<void()> task) {
    {
      std::lock_guard<std::mutex> l(mu_);
      if (stopping_ || queue_.size() >= max_queued_) return false;
      queue_.push_back(std::move(task));
    }
    cv_.notify_one();
    return true;
  }

  // Drops queued tasks, waits for running ones, joins the threads. Idempotent.
  void Stop() {
    std::deque<std::function<void()>> dropped;
    {
      std::lock_guard<std::mutex> l(mu_);
      stopping_ = true;
      dropped.swap(queue_);
    }
    cv_.notify_all();
    for (std::thread& t : threads_) {
      if (t.joinable()) t.join();
    }
    // `dropped` is destroyed here, outside the lock: a task's captures may run code.
  }

 private:
  void Run() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock<std::mutex> l(mu_);
        cv_.wait(l, [this] { return stopping_ || !queue_.empty(); });
        if (stopping_) return;
        task = std::move(queue_.front());
        queue_.pop_front();
      }
      task();
    }
  }

  const std::string name_;
  const size_t max_queued_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;                    // GUARDED_BY(mu_)
  std::deque<std::function<void()>> queue_;  // GUARDED_BY(mu_)
  std::vector<std::thread> threads_;
};

}  // namespace alluxio::worker::internal
