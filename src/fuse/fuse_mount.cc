// SPDX-License-Identifier: Apache-2.0
#define FUSE_USE_VERSION 312
#include "fuse/fuse_mount.h"

#include <fcntl.h>
#include <fuse3/fuse.h>
#include <fuse3/fuse_lowlevel.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "fuse/kernel_passthrough.h"
#include "fuse/mount_options.h"

namespace alluxio::fuse {

namespace {

FuseFileSystem* Fs() { return static_cast<FuseFileSystem*>(fuse_get_context()->private_data); }

// The mount's passthrough bookkeeping and wire hooks (one mount per process).
std::unique_ptr<KernelPassthrough> g_passthrough;

ssize_t HookedRead(int fd, void* buf, size_t len, void*) {
  ssize_t n = ::read(fd, buf, len);
  if (n > 0) g_passthrough->OnRequest(buf, static_cast<size_t>(n));
  return n;
}

ssize_t HookedWritev(int fd, struct iovec* iov, int count, void*) {
  g_passthrough->OnReply(iov, count);
  return ::writev(fd, iov, count);
}

OpenFile* Handle(const struct fuse_file_info* fi) {
  return fi == nullptr ? nullptr : reinterpret_cast<OpenFile*>(fi->fh);
}

std::string P(const char* path) { return path == nullptr ? std::string() : std::string(path); }

// The path of an operation: libfuse passes none (nullpath_ok) when the file handle suffices; then
// the open file's current path is used. Empty when neither exists (the caller answers ENOENT).
std::string PathOr(const char* path, const struct fuse_file_info* fi) {
  if (path != nullptr) return path;
  OpenFile* file = Handle(fi);
  return file == nullptr ? std::string() : Fs()->MountPathOf(file);
}

// Directory handles hold the directory's path, for readdir without a path.
std::string* DirHandle(const struct fuse_file_info* fi) {
  return fi == nullptr ? nullptr : reinterpret_cast<std::string*>(fi->fh);
}

// The kernel applies its INIT reply (which resets the mount's readahead to at most 128 KiB) before
// it sends any other request: the first ones raise the readahead.
std::string g_mount_point;
int64_t g_readahead = 0;
std::once_flag g_readahead_once;
void SetReadahead(const std::string& mount_point, int64_t bytes);
void AfterInit() {
  std::call_once(g_readahead_once, [] { SetReadahead(g_mount_point, g_readahead); });
}

int OpGetattr(const char* path, struct stat* st, struct fuse_file_info* fi) {
  AfterInit();
  if (path == nullptr && Handle(fi) == nullptr) return -ENOENT;
  return Fs()->GetAttr(P(path), st, Handle(fi));
}

int OpOpendir(const char* path, struct fuse_file_info* fi) {
  AfterInit();
  fi->fh = reinterpret_cast<uint64_t>(new std::string(P(path)));
  return 0;
}

int OpReleasedir(const char*, struct fuse_file_info* fi) {
  delete DirHandle(fi);
  return 0;
}

int OpReaddir(const char* path, void* buf, fuse_fill_dir_t filler, off_t, struct fuse_file_info* fi,
              enum fuse_readdir_flags flags) {
  std::string dir = path != nullptr ? std::string(path) : *DirHandle(fi);
  bool plus = (flags & FUSE_READDIR_PLUS) != 0;
  struct stat dot;
  std::memset(&dot, 0, sizeof(dot));
  dot.st_mode = S_IFDIR;
  filler(buf, ".", &dot, 0, static_cast<fuse_fill_dir_flags>(0));
  filler(buf, "..", &dot, 0, static_cast<fuse_fill_dir_flags>(0));
  return Fs()->ReadDir(dir, [&](const std::string& name, const struct stat& st) {
    return filler(buf, name.c_str(), &st, 0,
                  plus ? FUSE_FILL_DIR_PLUS : static_cast<fuse_fill_dir_flags>(0)) == 0;
  });
}

int OpMkdir(const char* path, mode_t mode) {
  const struct fuse_context* c = fuse_get_context();
  return Fs()->Mkdir(P(path), mode, c->uid, c->gid);
}
int OpUnlink(const char* path) {
  int rc = Fs()->Unlink(P(path));
  if (rc == 0) g_passthrough->Removed(P(path));
  return rc;
}
int OpRmdir(const char* path) { return Fs()->Rmdir(P(path)); }
int OpRename(const char* from, const char* to, unsigned int flags) {
  int rc = Fs()->Rename(P(from), P(to), flags);
  if (rc == 0) g_passthrough->Renamed(P(from), P(to));
  return rc;
}
int OpChmod(const char* path, mode_t mode, struct fuse_file_info* fi) {
  std::string p = PathOr(path, fi);
  return p.empty() ? -ENOENT : Fs()->Chmod(p, mode);
}
int OpChown(const char* path, uid_t uid, gid_t gid, struct fuse_file_info* fi) {
  std::string p = PathOr(path, fi);
  return p.empty() ? -ENOENT : Fs()->Chown(p, uid, gid);
}
int OpTruncate(const char* path, off_t size, struct fuse_file_info* fi) {
  if (path == nullptr && fi == nullptr) return -ENOENT;
  return Fs()->Truncate(P(path), size, Handle(fi));
}
int OpUtimens(const char* path, const struct timespec*, struct fuse_file_info* fi) {
  std::string p = PathOr(path, fi);
  return p.empty() ? -ENOENT : Fs()->Utimens(p);
}
int OpStatfs(const char*, struct statvfs* st) { return Fs()->StatFs(st); }

// A path the kernel reads in passthrough mode cannot be opened otherwise until those opens end.
int Busy(const std::string& path, const Status& s) {
  spdlog::info("Open of {} refused: {}", path, s.ToString());
  return -EBUSY;
}

int OpCreate(const char* path, mode_t mode, struct fuse_file_info* fi) {
  const std::string p = P(path);
  Result<KernelPassthrough::Ticket> ticket = g_passthrough->BeginCached(p);
  if (!ticket.ok()) return Busy(p, ticket.status());
  OpenFile* file = nullptr;
  const struct fuse_context* c = fuse_get_context();
  int rc = Fs()->Create(p, mode, c->uid, c->gid, &file, fi->flags);
  if (rc != 0) {
    g_passthrough->Abort(*ticket);
    return rc;
  }
  fi->fh = reinterpret_cast<uint64_t>(file);
  g_passthrough->Commit(std::move(*ticket), fi->fh);
  return 0;
}

// A read-only open of a file that this host's worker holds as one file on disk (one block, or a
// packed file of its blocks) is answered in passthrough mode (kernel_passthrough.h): the kernel
// then reads that file itself.
int OpOpen(const char* path, struct fuse_file_info* fi) {
  AfterInit();
  FuseFileSystem* fs = Fs();
  const std::string p = P(path);
  const bool read_only = (fi->flags & O_ACCMODE) == O_RDONLY;
  KernelPassthrough::Ticket ticket;
  if (!read_only) {
    Result<KernelPassthrough::Ticket> cached = g_passthrough->BeginCached(p);
    if (!cached.ok()) return Busy(p, cached.status());
    ticket = std::move(*cached);
  }
  OpenFile* file = nullptr;
  bool keep_cache = false;
  int rc = fs->Open(p, fi->flags, &file, &keep_cache);
  if (rc != 0) {
    g_passthrough->Abort(ticket);
    return rc;
  }
  if (read_only) {
    Result<KernelPassthrough::Ticket> read = g_passthrough->BeginRead(
        p, fs->FileIdOf(file), [fs, file] { return fs->WholeFileDescriptor(file); });
    if (!read.ok()) {
      fs->Release(file);
      return Busy(p, read.status());
    }
    ticket = std::move(*read);
  }
  fi->fh = reinterpret_cast<uint64_t>(file);
  fi->keep_cache = keep_cache ? 1 : 0;
  const int backing = ticket.backing_id;
  g_passthrough->Commit(std::move(ticket), fi->fh);
  if (backing > 0) KernelPassthrough::SetReplyBacking(backing);
  return 0;
}

int OpRead(const char*, char* buf, size_t size, off_t offset, struct fuse_file_info* fi) {
  return static_cast<int>(Fs()->Read(Handle(fi), buf, size, offset));
}
int OpWrite(const char*, const char* buf, size_t size, off_t offset, struct fuse_file_info* fi) {
  return static_cast<int>(Fs()->Write(Handle(fi), buf, size, offset));
}
int OpFlush(const char*, struct fuse_file_info* fi) { return Fs()->Flush(Handle(fi)); }
int OpFsync(const char*, int, struct fuse_file_info* fi) { return Fs()->Fsync(Handle(fi)); }
int OpRelease(const char*, struct fuse_file_info* fi) {
  // First: once the handle is freed, a concurrent open may get the same address as its handle.
  g_passthrough->Release(fi->fh);
  return Fs()->Release(Handle(fi));
}

int64_t g_max_write = 1 << 20;

void* OpInit(struct fuse_conn_info* conn, struct fuse_config* cfg) {
  cfg->nullpath_ok = 1;
  cfg->hard_remove = 1;
  conn->max_write = static_cast<unsigned>(g_max_write);
  if (conn->capable & FUSE_CAP_ASYNC_READ) conn->want |= FUSE_CAP_ASYNC_READ;
  if (conn->capable & FUSE_CAP_ATOMIC_O_TRUNC) conn->want |= FUSE_CAP_ATOMIC_O_TRUNC;
  // Written data must reach us in order and at once: no kernel write-back cache.
  conn->want &= ~FUSE_CAP_WRITEBACK_CACHE;
  return fuse_get_context()->private_data;
}

std::string Unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      int v = 0;
      bool ok = true;
      for (size_t j = 1; j <= 3; ++j) {
        char c = s[i + j];
        if (c < '0' || c > '7') ok = false;
        v = v * 8 + (c - '0');
      }
      if (ok) {
        out += static_cast<char>(v);
        i += 3;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

// Raises the mount's readahead once the kernel has registered it (needs root; best effort).
void SetReadahead(const std::string& mount_point, int64_t bytes) {
  Result<std::string> dev = MountedDevice(mount_point);
  if (!dev.ok()) return;
  std::string file = fmt::format("/sys/class/bdi/{}/read_ahead_kb", *dev);
  std::ofstream out(file);
  if (!out) return;
  out << bytes / 1024 << "\n";
  out.close();
  if (out) spdlog::info("Readahead of {} set to {} KB", mount_point, bytes / 1024);
}

}  // namespace

Status CheckFuseDevice(const std::string& device) {
  int fd = ::open(device.c_str(), O_RDWR | O_CLOEXEC);
  if (fd >= 0) {
    ::close(fd);
    return Status();
  }
  int err = errno;
  if (err == ENOENT) {
    return FailedPreconditionError(
        fmt::format("{} does not exist: load the fuse kernel module (modprobe fuse), or give the "
                    "container the device (docker run --device /dev/fuse --cap-add SYS_ADMIN)",
                    device));
  }
  return FailedPreconditionError(
      fmt::format("Cannot open {}: {}. Run as root, or make it accessible "
                  "(in a container: --device /dev/fuse --cap-add SYS_ADMIN)",
                  device, std::strerror(err)));
}

Result<std::string> MountedDevice(const std::string& mount_point, std::string* fstype) {
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  Result<std::string> found = NotFoundError(fmt::format("Nothing is mounted at {}", mount_point));
  while (std::getline(in, line)) {
    // id parent major:minor root mount_point options [optional...] - fstype source super_options
    std::istringstream fields(line);
    std::string id, parent, dev, root, mp;
    fields >> id >> parent >> dev >> root >> mp;
    if (Unescape(mp) != mount_point) continue;
    std::string f;
    while (fields >> f && f != "-") {
    }
    std::string type;
    fields >> type;
    if (fstype != nullptr) *fstype = type;
    found = dev;  // the last mount on a path is the visible one
  }
  return found;
}

Status CheckMountPoint(const std::string& mount_point) {
  struct stat st;
  if (::stat(mount_point.c_str(), &st) != 0) {
    int err = errno;
    if (err == ENOENT) {
      return FailedPreconditionError(
          fmt::format("Mount point {} does not exist. Create it first (mkdir -p {})", mount_point,
                      mount_point));
    }
    if (err == ENOTCONN) {
      return FailedPreconditionError(
          fmt::format("Mount point {} is a FUSE mount whose process has exited. Unmount it first "
                      "(fusermount3 -u {})",
                      mount_point, mount_point));
    }
    return FailedPreconditionError(
        fmt::format("Cannot use mount point {}: {}", mount_point, std::strerror(err)));
  }
  if (!S_ISDIR(st.st_mode)) {
    return FailedPreconditionError(fmt::format("Mount point {} is not a directory", mount_point));
  }
  std::string type;
  if (MountedDevice(mount_point, &type).ok()) {
    return FailedPreconditionError(
        fmt::format("Mount point {} is busy: {} is already mounted there. Unmount it first "
                    "(alluxio-fuse umount {})",
                    mount_point, type, mount_point));
  }
  return Status();
}

Status ServeMount(FuseFileSystem* fs, const MountConfig& config) {
  struct fuse_operations ops;
  std::memset(&ops, 0, sizeof(ops));
  ops.init = OpInit;
  ops.getattr = OpGetattr;
  ops.opendir = OpOpendir;
  ops.releasedir = OpReleasedir;
  ops.readdir = OpReaddir;
  ops.mkdir = OpMkdir;
  ops.unlink = OpUnlink;
  ops.rmdir = OpRmdir;
  ops.rename = OpRename;
  ops.chmod = OpChmod;
  ops.chown = OpChown;
  ops.truncate = OpTruncate;
  ops.utimens = OpUtimens;
  ops.statfs = OpStatfs;
  ops.create = OpCreate;
  ops.open = OpOpen;
  ops.read = OpRead;
  ops.write = OpWrite;
  ops.flush = OpFlush;
  ops.fsync = OpFsync;
  ops.release = OpRelease;
  g_max_write = std::min<int64_t>(std::max<int64_t>(config.max_write, 4096), 1 << 20);
  g_passthrough = std::make_unique<KernelPassthrough>(config.passthrough);

  struct fuse_args args = FUSE_ARGS_INIT(0, nullptr);
  fuse_opt_add_arg(&args, "alluxio-fuse");
  if (config.debug) fuse_opt_add_arg(&args, "-d");
  if (!config.options.empty()) {
    fuse_opt_add_arg(&args, "-o");
    fuse_opt_add_arg(&args, JoinOptions(config.options).c_str());
  }
  struct fuse* f = fuse_new(&args, &ops, sizeof(ops), fs);
  fuse_opt_free_args(&args);
  if (f == nullptr) {
    return InvalidArgumentError(
        fmt::format("libfuse rejected the mount options: {}", JoinOptions(config.options)));
  }
  fs->SetInvalidator([f](const std::string& path) {
    int rc = fuse_invalidate_path(f, path.c_str());
    if (rc != 0 && rc != -ENOENT) {
      spdlog::debug("Invalidating {} in the kernel failed: {}", path, std::strerror(-rc));
    }
  });
  if (fuse_mount(f, config.mount_point.c_str()) != 0) {
    fuse_destroy(f);
    return FailedPreconditionError(
        fmt::format("Could not mount on {} (see the libfuse message above)", config.mount_point));
  }
  struct fuse_session* se = fuse_get_session(f);
  // Every request and reply passes the passthrough hooks (same descriptor, plain read/writev).
  struct fuse_custom_io io;
  std::memset(&io, 0, sizeof(io));
  io.read = HookedRead;
  io.writev = HookedWritev;
  g_passthrough->SetDeviceFd(fuse_session_fd(se));
  if (int err = fuse_session_custom_io(se, &io, fuse_session_fd(se)); err != 0) {
    fuse_unmount(f);
    fuse_destroy(f);
    return InternalError(
        fmt::format("Could not install the FUSE I/O hooks: {}", std::strerror(-err)));
  }
  if (fuse_set_signal_handlers(se) != 0) {
    fuse_unmount(f);
    fuse_destroy(f);
    return InternalError("Could not install the signal handlers");
  }
  g_mount_point = config.mount_point;
  g_readahead = config.readahead;
  spdlog::info("Mounted on {} with options {}", config.mount_point, JoinOptions(config.options));

  struct fuse_loop_config* loop = fuse_loop_cfg_create();
  fuse_loop_cfg_set_clone_fd(loop, 0);
  fuse_loop_cfg_set_max_threads(loop, static_cast<unsigned>(config.max_threads));
  fuse_loop_cfg_set_idle_threads(
      loop, static_cast<unsigned>(config.max_idle_threads > 0 ? config.max_idle_threads
                                                              : std::min(config.max_threads, 16)));
  int rc = fuse_loop_mt(f, loop);
  fuse_loop_cfg_destroy(loop);
  fuse_remove_signal_handlers(se);
  fuse_unmount(f);
  fuse_destroy(f);
  spdlog::info("Unmounted {}", config.mount_point);
  if (rc != 0 && rc != SIGTERM && rc != SIGINT && rc != SIGHUP) {
    return InternalError(fmt::format("The FUSE loop ended with error {}", rc));
  }
  return Status();
}

}  // namespace alluxio::fuse
