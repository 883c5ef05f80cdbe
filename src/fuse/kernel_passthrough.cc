// SPDX-License-Identifier: Apache-2.0
#include "fuse/kernel_passthrough.h"

#include <linux/fuse.h>
#include <sys/ioctl.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/path.h"

namespace alluxio::fuse {

namespace {

// From the kernel's FUSE protocol 7.40 (include/uapi/linux/fuse.h); Debian 12's headers are 7.38.
constexpr uint64_t kInitPassthrough = 1ULL << 37;  // FUSE_PASSTHROUGH
constexpr uint32_t kOpenPassthrough = 1u << 7;     // FOPEN_PASSTHROUGH
// The only other open flags the kernel accepts with FOPEN_PASSTHROUGH (FOPEN_PASSTHROUGH_MASK);
// any other (FOPEN_KEEP_CACHE above all) fails the open with EIO.
constexpr uint32_t kPassthroughOpenFlags =
    FOPEN_DIRECT_IO | FOPEN_PARALLEL_DIRECT_WRITES | FOPEN_NOFLUSH;
struct BackingMap {  // struct fuse_backing_map
  int32_t fd;
  uint32_t flags;
  uint64_t padding;
};
constexpr unsigned long kBackingOpen = _IOW(229, 1, BackingMap);  // FUSE_DEV_IOC_BACKING_OPEN
constexpr unsigned long kBackingClose = _IOW(229, 2, uint32_t);   // FUSE_DEV_IOC_BACKING_CLOSE
// In 7.40 the first of fuse_init_out's unused words is max_stack_depth, and fuse_open_out's
// padding is backing_id.
constexpr size_t kMaxStackDepthOffset = offsetof(struct fuse_init_out, unused);
static_assert(offsetof(struct fuse_open_out, padding) == 12);

thread_local int t_reply_backing = 0;

Status BusyError(const std::string& path) {
  return FailedPreconditionError(
      fmt::format("{} is busy: another process reads it through the kernel passthrough", path));
}

}  // namespace

KernelPassthrough::KernelPassthrough(bool wanted, std::chrono::milliseconds drain_wait)
    : wanted_(wanted), drain_wait_(drain_wait) {}

void KernelPassthrough::SetReplyBacking(int backing_id) { t_reply_backing = backing_id; }

void KernelPassthrough::OnRequest(const void* buf, size_t n) {
  if (init_seen_.load(std::memory_order_relaxed)) return;
  struct fuse_in_header h;
  struct fuse_init_in in;
  if (n < sizeof(h) + offsetof(struct fuse_init_in, flags2) + sizeof(in.flags2)) return;
  std::memcpy(&h, buf, sizeof(h));
  if (h.opcode != FUSE_INIT) return;
  std::memset(&in, 0, sizeof(in));
  std::memcpy(&in, static_cast<const char*>(buf) + sizeof(h), std::min(sizeof(in), n - sizeof(h)));
  uint64_t flags = in.flags;
  if (flags & FUSE_INIT_EXT) flags |= static_cast<uint64_t>(in.flags2) << 32;
  const bool offered = in.major == FUSE_KERNEL_VERSION && (flags & kInitPassthrough) != 0;
  kernel_offers_.store(wanted_ && offered, std::memory_order_relaxed);
  init_unique_.store(h.unique, std::memory_order_relaxed);
  init_seen_.store(true, std::memory_order_release);
  if (!wanted_) {
    spdlog::info("Kernel passthrough off (alluxio.fuse.passthrough.enabled=false)");
  } else if (!offered) {
    spdlog::info(
        "Kernel passthrough unavailable: the kernel does not offer it (it needs Linux "
        ">= 6.9 with CONFIG_FUSE_PASSTHROUGH)");
  }
}

void KernelPassthrough::OnReply(struct iovec* iov, int count) {
  if (count < 1 || iov[0].iov_len < sizeof(struct fuse_out_header)) return;
  auto* out = static_cast<struct fuse_out_header*>(iov[0].iov_base);
  if (const int id = t_reply_backing; id != 0) {
    t_reply_backing = 0;
    if (out->error == 0 && count == 2 && iov[1].iov_len == sizeof(struct fuse_open_out)) {
      auto* open = static_cast<struct fuse_open_out*>(iov[1].iov_base);
      open->open_flags = (open->open_flags & kPassthroughOpenFlags) | kOpenPassthrough;
      open->padding = static_cast<uint32_t>(id);
    }
    return;
  }
  if (active_.load(std::memory_order_relaxed) || !init_seen_.load(std::memory_order_acquire) ||
      out->unique != init_unique_.load(std::memory_order_relaxed) ||
      !kernel_offers_.load(std::memory_order_relaxed)) {
    return;
  }
  kernel_offers_.store(false, std::memory_order_relaxed);  // one INIT reply only
  if (out->error != 0 || count < 2 || iov[1].iov_len < kMaxStackDepthOffset + sizeof(uint32_t)) {
    return;
  }
  auto* init = static_cast<struct fuse_init_out*>(iov[1].iov_base);
  if (init->flags & FUSE_WRITEBACK_CACHE) {
    spdlog::info("Kernel passthrough off: the kernel write-back cache is on");
    return;
  }
  init->flags |= FUSE_INIT_EXT;
  init->flags2 |= static_cast<uint32_t>(kInitPassthrough >> 32);
  const uint32_t max_stack_depth = 1;  // backing files are on plain file systems
  std::memcpy(reinterpret_cast<char*>(init) + kMaxStackDepthOffset, &max_stack_depth,
              sizeof(max_stack_depth));
  backing_ok_.store(true, std::memory_order_relaxed);
  active_.store(true, std::memory_order_release);
  spdlog::info(
      "Kernel passthrough on: files cached whole on this host's worker are read by the "
      "kernel from the block file");
}

std::shared_ptr<PathEntry> KernelPassthrough::Find(const std::string& path) {
  auto it = paths_.find(path);
  return it == paths_.end() ? nullptr : it->second;
}

std::shared_ptr<PathEntry> KernelPassthrough::Ensure(const std::string& path) {
  std::shared_ptr<PathEntry>& e = paths_[path];
  if (e == nullptr) {
    e = std::make_shared<PathEntry>();
    e->path = path;
  }
  return e;
}

bool KernelPassthrough::Drain(std::unique_lock<std::mutex>& lock, const std::string& path) {
  return released_.wait_for(lock, drain_wait_, [&] {
    std::shared_ptr<PathEntry> e = Find(path);
    return e == nullptr || e->passthrough == 0;
  });
}

Result<KernelPassthrough::Ticket> KernelPassthrough::BeginRead(
    const std::string& path, int64_t file_id, const std::function<Result<int>()>& local_fd) {
  if (!active()) return Ticket{};
  std::unique_lock<std::mutex> lock(mu_);
  bool tried_local = false;
  while (true) {
    std::shared_ptr<PathEntry> e = Find(path);
    if (e != nullptr && e->passthrough > 0) {
      if (e->file_id == file_id) {
        ++e->passthrough;
        ++passthrough_opens_;
        return Ticket{e, e->backing_id};
      }
      if (!Drain(lock, path)) return BusyError(path);
      continue;
    }
    if ((e != nullptr && e->cached > 0) || tried_local || !backing_ok_.load()) {
      e = Ensure(path);
      ++e->cached;
      return Ticket{e, 0};
    }
    // Nothing open at the path: a new backing, if the file is local. No lock during the RPC.
    tried_local = true;
    lock.unlock();
    Result<int> fd = local_fd();
    lock.lock();
    if (!fd.ok()) continue;
    e = Find(path);
    if (e != nullptr && (e->passthrough > 0 || e->cached > 0)) continue;  // opened meanwhile
    const int id = OpenBacking(*fd);
    if (id <= 0) continue;
    e = Ensure(path);
    e->file_id = file_id;
    e->backing_id = id;
    e->passthrough = 1;
    ++passthrough_opens_;
    return Ticket{e, id};
  }
}

Result<KernelPassthrough::Ticket> KernelPassthrough::BeginCached(const std::string& path) {
  if (!active()) return Ticket{};
  std::unique_lock<std::mutex> lock(mu_);
  if (!Drain(lock, path)) return BusyError(path);
  std::shared_ptr<PathEntry> e = Ensure(path);
  ++e->cached;
  return Ticket{e, 0};
}

void KernelPassthrough::Commit(Ticket ticket, uint64_t handle) {
  if (ticket.entry == nullptr) return;
  std::lock_guard<std::mutex> l(mu_);
  Ticket& slot = handles_[handle];
  if (slot.entry != nullptr) End(slot);  // a handle never released (cannot happen): not leaked
  slot = std::move(ticket);
}

void KernelPassthrough::Abort(const Ticket& ticket) {
  if (ticket.entry == nullptr) return;
  std::lock_guard<std::mutex> l(mu_);
  End(ticket);
}

void KernelPassthrough::Release(uint64_t handle) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = handles_.find(handle);
  if (it == handles_.end()) return;
  End(it->second);
  handles_.erase(it);
}

void KernelPassthrough::End(const Ticket& ticket) {
  PathEntry* e = ticket.entry.get();
  if (ticket.backing_id > 0) {
    --passthrough_opens_;
    if (--e->passthrough == 0) {
      CloseBacking(e->backing_id);
      e->backing_id = 0;
      e->file_id = -1;
    }
  } else {
    --e->cached;
  }
  if (e->passthrough == 0 && e->cached == 0 && !e->path.empty()) {
    auto it = paths_.find(e->path);
    if (it != paths_.end() && it->second.get() == e) paths_.erase(it);
  }
  released_.notify_all();
}

void KernelPassthrough::Detach(const std::string& path) {
  for (auto it = paths_.begin(); it != paths_.end();) {
    if (PathHasPrefix(it->first, path)) {
      it->second->path.clear();
      it = paths_.erase(it);
    } else {
      ++it;
    }
  }
}

void KernelPassthrough::Renamed(const std::string& from, const std::string& to) {
  if (!active() || from == to) return;
  std::lock_guard<std::mutex> l(mu_);
  Detach(to);
  std::vector<std::shared_ptr<PathEntry>> moved;
  for (auto it = paths_.begin(); it != paths_.end();) {
    if (PathHasPrefix(it->first, from)) {
      it->second->path = to + it->first.substr(from.size());
      moved.push_back(std::move(it->second));
      it = paths_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& e : moved) paths_[e->path] = std::move(e);
  released_.notify_all();
}

void KernelPassthrough::Removed(const std::string& path) {
  if (!active()) return;
  std::lock_guard<std::mutex> l(mu_);
  Detach(path);
  released_.notify_all();
}

int KernelPassthrough::passthrough_opens() const {
  std::lock_guard<std::mutex> l(mu_);
  return passthrough_opens_;
}

int KernelPassthrough::OpenBacking(int fd) {
  if (test_open_) return test_open_(fd);
  if (device_fd_ < 0) return 0;
  BackingMap map{fd, 0, 0};
  const int id = ::ioctl(device_fd_, kBackingOpen, &map);
  if (id > 0) return id;
  const int err = errno;
  if (err == EPERM || err == ENOTTY || err == EINVAL || err == EOPNOTSUPP) {
    if (backing_ok_.exchange(false)) {
      spdlog::warn("Kernel passthrough off: the kernel refused a backing file ({}){}",
                   std::strerror(err),
                   err == EPERM ? "; it needs CAP_SYS_ADMIN (run alluxio-fuse as root)" : "");
    }
  } else {
    spdlog::debug("No kernel passthrough for one open: {}", std::strerror(err));
  }
  return 0;
}

void KernelPassthrough::CloseBacking(int id) {
  if (test_close_) return test_close_(id);
  uint32_t backing = static_cast<uint32_t>(id);
  if (::ioctl(device_fd_, kBackingClose, &backing) != 0) {
    spdlog::debug("Closing kernel backing {} failed: {}", id, std::strerror(errno));
  }
}

}  // namespace alluxio::fuse
