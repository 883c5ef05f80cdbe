// SPDX-License-Identifier: Apache-2.0
// Kernel FUSE passthrough (Linux >= 6.9 with CONFIG_FUSE_PASSTHROUGH): the kernel serves reads of
// a file opened in passthrough mode straight from a "backing" file the daemon named at open (here
// the worker's block file of a one-block file cached on this host), without a request to this
// process and without the copies through it.
//
// libfuse 3.14 (Debian 12) predates the feature (3.16 has it), so it is done on the wire, through
// libfuse's custom I/O hooks (fuse_session_custom_io): OnRequest sees each request libfuse reads,
// OnReply each reply before it is written. When the kernel's INIT offers FUSE_PASSTHROUGH, the
// INIT reply is given that flag and a stack depth of 1; an open reply is given FOPEN_PASSTHROUGH
// (in place of the flags the kernel refuses with it, keep_cache among them) and the backing id that
// the open handler chose on the same thread (SetReplyBacking). Nothing else is changed. Backing ids
// come from FUSE_DEV_IOC_BACKING_OPEN, which needs CAP_SYS_ADMIN: without it (or without kernel
// support) every open is answered as before.
//
// The kernel keeps one I/O mode per inode: while a file is open in passthrough mode every other
// open of it must be passthrough with the same backing, and while it is open in cached mode none
// may be (the kernel fails such an open with EIO). BeginRead/BeginCached keep to that per mount
// path (libfuse's path API gives a path one inode until it is unlinked or renamed over; Renamed
// and Removed follow those):
//   - a read-only open of a file open in passthrough mode shares its backing (same file id);
//   - a read-only open with a whole-file local descriptor, of a file not open otherwise, starts a
//     backing;
//   - any other open is cached, once the passthrough opens of the path have been released. The
//     kernel sends RELEASE after close(2) returns, so a writer that follows a reader may arrive
//     first: it waits up to kDrainWait for it. A file another process still reads cannot be opened
//     for writing (EBUSY), nor read as a different file (replaced through another client) until
//     then.
//
// Thread-safety: thread-safe. The wire hooks take no lock.
#pragma once

#include <sys/uio.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "common/status.h"

namespace alluxio::fuse {

struct PathEntry;

class KernelPassthrough {
 public:
  static constexpr std::chrono::milliseconds kDrainWait{2000};

  // `wanted` false: never offers passthrough (alluxio.fuse.passthrough.enabled=false).
  // `drain_wait`: how long an open waits for the path's passthrough opens to be released.
  explicit KernelPassthrough(bool wanted, std::chrono::milliseconds drain_wait = kDrainWait);
  KernelPassthrough(const KernelPassthrough&) = delete;
  KernelPassthrough& operator=(const KernelPassthrough&) = delete;

  // --- The wire (custom I/O hooks) ---
  // The session's /dev/fuse descriptor, for the backing ioctls. Set before the loop starts.
  void SetDeviceFd(int fd) { device_fd_ = fd; }
  // Called with each request as read from the device.
  void OnRequest(const void* buf, size_t n);
  // Called with each reply before it is written; may change the INIT and open replies.
  void OnReply(struct iovec* iov, int count);
  // The next open reply written by this thread carries `backing_id` (FOPEN_PASSTHROUGH).
  static void SetReplyBacking(int backing_id);
  // True once the kernel was told this connection uses passthrough (after INIT) and backing
  // files can be opened.
  bool active() const { return active_.load(std::memory_order_acquire); }

  // --- Opens ---
  // An open's place in the bookkeeping, from Begin* until Release (or Abort).
  struct Ticket {
    std::shared_ptr<PathEntry> entry;  // null: nothing to keep (passthrough inactive)
    int backing_id = 0;                // > 0: answer the open in passthrough mode
  };
  // A read-only open of `path` (file `file_id`). `local_fd` gives a descriptor of the whole
  // file's local copy, valid until the open is released; it is asked only when a new backing is
  // needed. FailedPrecondition ("busy") when the path is open in passthrough mode as another file.
  Result<Ticket> BeginRead(const std::string& path, int64_t file_id,
                           const std::function<Result<int>()>& local_fd);
  // Any other open or create of `path`: cached mode, once the path's passthrough opens ended.
  // FailedPrecondition ("busy") if they do not within kDrainWait.
  Result<Ticket> BeginCached(const std::string& path);
  // The open succeeded as `handle` (Release ends it) or failed (Abort ends it).
  void Commit(Ticket ticket, uint64_t handle);
  void Abort(const Ticket& ticket);
  void Release(uint64_t handle);
  // The namespace changed through this mount: `from` (and what is under it) is now `to`; what
  // was at `to` is gone. Removed: `path` was unlinked.
  void Renamed(const std::string& from, const std::string& to);
  void Removed(const std::string& path);

  // Tests: opens in passthrough mode now.
  int passthrough_opens() const;
  // Tests: backing ids from `open` (the descriptor -> an id > 0, or 0) instead of the device.
  void SetBackingOpsForTest(std::function<int(int fd)> open, std::function<void(int id)> close) {
    test_open_ = std::move(open);
    test_close_ = std::move(close);
  }

 private:
  void End(const Ticket& ticket);                              // REQUIRES mu_
  std::shared_ptr<PathEntry> Find(const std::string& path);    // REQUIRES mu_
  std::shared_ptr<PathEntry> Ensure(const std::string& path);  // REQUIRES mu_
  void Detach(const std::string& path);  // REQUIRES mu_ (and what is under it)
  // Waits until `path` has no passthrough opens, up to kDrainWait. REQUIRES lock on mu_.
  bool Drain(std::unique_lock<std::mutex>& lock, const std::string& path);
  int OpenBacking(int fd);  // the backing id, or 0 (then passthrough is turned off)
  void CloseBacking(int id);

  const bool wanted_;
  const std::chrono::milliseconds drain_wait_;
  int device_fd_ = -1;
  std::atomic<bool> init_seen_{false};
  std::atomic<uint64_t> init_unique_{0};
  std::atomic<bool> kernel_offers_{false};
  std::atomic<bool> active_{false};
  std::atomic<bool> backing_ok_{false};  // new backings may be opened
  std::function<int(int)> test_open_;
  std::function<void(int)> test_close_;

  mutable std::mutex mu_;
  std::condition_variable released_;
  std::unordered_map<std::string, std::shared_ptr<PathEntry>> paths_;  // GUARDED_BY(mu_)
  std::unordered_map<uint64_t, Ticket> handles_;                       // GUARDED_BY(mu_)
  int passthrough_opens_ = 0;                                          // GUARDED_BY(mu_)
};

// The open files of one mount path (or of a path since unlinked or renamed over: detached).
struct PathEntry {
  std::string path;  // empty once detached
  int64_t file_id = -1;
  int backing_id = 0;   // while passthrough > 0
  int passthrough = 0;  // opens in passthrough mode
  int cached = 0;       // opens in cached mode
};

}  // namespace alluxio::fuse
