// SPDX-License-Identifier: Apache-2.0
#include "ufs/local/local_ufs.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdio>
#include <utility>

#include "common/path.h"
#include "ufs/internal/posix_ids.h"
#include "ufs/internal/ufs_uri.h"

namespace alluxio::ufs {
namespace {

// Temporary files are ".<name>.alluxio.<16 hex digits>.tmp", with <name> cut short when needed
// to keep the whole name within NAME_MAX.
constexpr std::string_view kTempMarker = ".alluxio.";
constexpr std::string_view kTempSuffix = ".tmp";
constexpr size_t kTempTokenDigits = 16;
constexpr size_t kTempOverhead = 1 + kTempMarker.size() + kTempTokenDigits + kTempSuffix.size();
constexpr int kTempCreateAttempts = 8;
// Mode of parent directories that Create makes.
constexpr mode_t kParentDirMode = 0755;

// Owns a file descriptor.
class ScopedFd {
 public:
  ScopedFd() = default;
  explicit ScopedFd(int fd) : fd_(fd) {}
  ScopedFd(ScopedFd&& other) noexcept : fd_(other.release()) {}
  ScopedFd& operator=(ScopedFd&& other) noexcept {
    reset(other.release());
    return *this;
  }
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  ~ScopedFd() { reset(); }

  bool valid() const { return fd_ >= 0; }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

Status Errno(std::string_view op, std::string_view path) { return ErrnoToStatus(errno, op, path); }

Result<std::string> ToLocalPath(std::string_view uri) {
  ASSIGN_OR_RETURN(internal::UfsUri parsed, internal::ParseUfsUri(uri));
  if (!parsed.scheme.empty() && parsed.scheme != "file") {
    return InvalidArgumentError(
        fmt::format("Local UFS cannot serve '{}': scheme '{}' is not 'file'", uri, parsed.scheme));
  }
  if (!parsed.authority.empty() && parsed.authority != "localhost") {
    return InvalidArgumentError(
        fmt::format("Local UFS cannot serve '{}': host '{}' is not local", uri, parsed.authority));
  }
  return std::move(parsed.path);
}

uint64_t RandomToken() {
  uint64_t token = 0;
  if (::getrandom(&token, sizeof(token), GRND_NONBLOCK) != sizeof(token)) {
    // Uniqueness within the process comes from the counter; O_EXCL catches any collision.
    static std::atomic<uint64_t> counter{0};
    token = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
            (static_cast<uint64_t>(::getpid()) << 40) ^ counter.fetch_add(1);
  }
  return token;
}

std::string TemporaryName(std::string_view name) {
  std::string_view stem = name.substr(0, std::min(name.size(), NAME_MAX - kTempOverhead));
  return fmt::format(".{}{}{:016x}{}", stem, kTempMarker, RandomToken(), kTempSuffix);
}

int64_t NanosOf(const struct timespec& ts) {
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

UfsStatus StatusFromStat(std::string_view name, const struct stat& st) {
  UfsStatus s;
  s.name = std::string(name);
  s.is_directory = S_ISDIR(st.st_mode);
  s.length = s.is_directory ? 0 : static_cast<int64_t>(st.st_size);
  int64_t mtime_ns = NanosOf(st.st_mtim);
  s.last_modified_ms = mtime_ns / 1000000;
  s.owner = internal::UserName(st.st_uid);
  s.group = internal::GroupName(st.st_gid);
  s.mode = static_cast<int32_t>(st.st_mode & 07777);
  if (!s.is_directory) {
    // Create always renames a new inode into place, so a rewrite changes the inode even when
    // size and mtime (at file-system granularity) stay the same.
    s.content_hash = fmt::format("{:x}-{}-{}", st.st_ino, mtime_ns, st.st_size);
  }
  return s;
}

// Applies opts.owner/opts.group to `fd` (or `path` when fd < 0) when running as root and the
// names resolve; otherwise does nothing, as CreateOptions documents. Best effort, like Alluxio's
// local UFS: a failed chown leaves the process's own ids and is not an error of the create.
void ApplyOwnerIfRoot(int fd, const std::string& path, const CreateOptions& opts) {
  if (::geteuid() != 0 || (opts.owner.empty() && opts.group.empty())) return;
  uid_t uid = static_cast<uid_t>(-1);
  gid_t gid = static_cast<gid_t>(-1);
  if (!opts.owner.empty()) {
    auto found = internal::LookupUser(opts.owner);
    if (found.ok()) uid = *found;
  }
  if (!opts.group.empty()) {
    auto found = internal::LookupGroup(opts.group);
    if (found.ok()) gid = *found;
  }
  if (uid == static_cast<uid_t>(-1) && gid == static_cast<gid_t>(-1)) return;
  int rc = fd >= 0 ? ::fchown(fd, uid, gid) : ::chown(path.c_str(), uid, gid);
  (void)rc;  // best effort, see above
}

// Creates directory `path` with exactly `mode`. When `ok_if_directory`, an existing directory is
// success. AlreadyExists for an existing entry otherwise; FailedPrecondition when an ancestor is
// not a directory.
Status MakeDirectory(const std::string& path, mode_t mode, const CreateOptions& opts,
                     bool ok_if_directory) {
  if (::mkdir(path.c_str(), mode) != 0) {
    int err = errno;
    if (err == EEXIST) {
      struct stat st;
      bool is_dir = ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
      if (ok_if_directory && is_dir) return Status::OK();
      if (ok_if_directory) {
        return FailedPreconditionError(
            fmt::format("mkdir {}: exists and is not a directory", path));
      }
      return AlreadyExistsError(fmt::format("mkdir {}: already exists", path));
    }
    if (err == ENOTDIR) {
      return FailedPreconditionError(fmt::format("mkdir {}: an ancestor is not a directory", path));
    }
    return ErrnoToStatus(err, "mkdir", path);
  }
  // mkdir applied the umask; set the exact mode asked for.
  if (::chmod(path.c_str(), mode) != 0) return Errno("chmod", path);
  ApplyOwnerIfRoot(-1, path, opts);
  return Status::OK();
}

// Creates each missing ancestor of normalised `path` (not `path` itself) with `mode`.
Status MakeAncestors(const std::string& path, mode_t mode, const CreateOptions& opts) {
  std::string prefix;
  std::vector<std::string_view> parts = PathComponents(path);
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    prefix += '/';
    prefix += parts[i];
    RETURN_IF_ERROR(MakeDirectory(prefix, mode, opts, /*ok_if_directory=*/true));
  }
  return Status::OK();
}

Status SyncDirectory(const std::string& dir) {
  ScopedFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return Errno("open", dir);
  // Some file systems cannot fsync a directory (EINVAL); there is nothing more to do there.
  if (::fsync(fd.get()) != 0 && errno != EINVAL) return Errno("fsync", dir);
  return Status::OK();
}

// Lists the names in an open directory, excluding "." and "..". Takes ownership of `fd`.
Result<std::vector<std::string>> ReadDirectory(ScopedFd fd, const std::string& path) {
  DIR* dir = ::fdopendir(fd.get());
  if (dir == nullptr) return Errno("opendir", path);
  fd.release();  // now owned by `dir`
  std::unique_ptr<DIR, int (*)(DIR*)> guard(dir, &::closedir);
  std::vector<std::string> names;
  while (true) {
    errno = 0;
    struct dirent* ent = ::readdir(dir);
    if (ent == nullptr) {
      if (errno != 0) return Errno("readdir", path);
      break;
    }
    std::string_view name = ent->d_name;
    if (name == "." || name == "..") continue;
    names.emplace_back(name);
  }
  return names;
}

// Removes directory `name` (relative to `parent_fd`, or absolute) and everything below it,
// without following symbolic links. Entries that vanish concurrently are not errors.
Status RemoveTree(int parent_fd, const std::string& name, const std::string& path) {
  ScopedFd fd(::openat(parent_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.valid()) return errno == ENOENT ? Status::OK() : Errno("open", path);
  ScopedFd dir_fd(::dup(fd.get()));
  if (!dir_fd.valid()) return Errno("dup", path);
  // Names are read in full before removing any, as removing while reading may skip entries.
  ASSIGN_OR_RETURN(std::vector<std::string> children, ReadDirectory(std::move(fd), path));
  for (const std::string& child : children) {
    std::string child_path = JoinPath(path, child);
    struct stat st;
    if (::fstatat(dir_fd.get(), child.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) continue;
      return Errno("stat", child_path);
    }
    if (S_ISDIR(st.st_mode)) {
      RETURN_IF_ERROR(RemoveTree(dir_fd.get(), child, child_path));
    } else if (::unlinkat(dir_fd.get(), child.c_str(), 0) != 0 && errno != ENOENT) {
      return Errno("unlink", child_path);
    }
  }
  dir_fd.reset();
  if (::unlinkat(parent_fd, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT) {
    if (errno == ENOTEMPTY || errno == EEXIST) {
      return FailedPreconditionError(
          fmt::format("rmdir {}: entries were added during the recursive delete", path));
    }
    return Errno("rmdir", path);
  }
  return Status::OK();
}

class LocalOutputStream final : public UfsOutputStream {
 public:
  LocalOutputStream(ScopedFd fd, std::string temp_path, std::string path, std::string dir)
      : fd_(std::move(fd)),
        temp_path_(std::move(temp_path)),
        path_(std::move(path)),
        dir_(std::move(dir)) {}
  ~LocalOutputStream() override { Cancel(); }

  Status Write(std::string_view data) override {
    if (!fd_.valid()) return Closed();
    while (!data.empty()) {
      ssize_t n = ::write(fd_.get(), data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return Errno("write", temp_path_);
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return Status::OK();
  }

  Status Close() override {
    if (!fd_.valid()) return Closed();
    Status s = Publish();
    if (!s.ok()) ::unlink(temp_path_.c_str());
    return s;
  }

  void Cancel() override {
    if (!fd_.valid()) return;
    fd_.reset();
    ::unlink(temp_path_.c_str());
  }

 private:
  Status Closed() const {
    return FailedPreconditionError(fmt::format("Output stream for {} is closed", path_));
  }

  // Makes the data durable, then renames it over `path_` and makes the rename durable.
  Status Publish() {
    int fd = fd_.release();
    if (::fsync(fd) != 0) {
      Status s = Errno("fsync", temp_path_);
      ::close(fd);
      return s;
    }
    if (::close(fd) != 0) return Errno("close", temp_path_);
    if (::rename(temp_path_.c_str(), path_.c_str()) != 0) {
      if (errno == EISDIR) {
        return FailedPreconditionError(fmt::format("Create {}: is a directory", path_));
      }
      return Errno("rename", path_);
    }
    return SyncDirectory(dir_);
  }

  ScopedFd fd_;  // invalid once closed or cancelled
  const std::string temp_path_;
  const std::string path_;
  const std::string dir_;
};

class LocalInputStream final : public UfsInputStream {
 public:
  LocalInputStream(ScopedFd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}

  Result<size_t> PRead(int64_t offset, char* buf, size_t n) override {
    if (offset < 0) {
      return InvalidArgumentError(fmt::format("Read of {} at negative offset {}", path_, offset));
    }
    size_t total = 0;
    while (total < n) {
      ssize_t r = ::pread(fd_.get(), buf + total, n - total,
                          static_cast<off_t>(offset + static_cast<int64_t>(total)));
      if (r < 0) {
        if (errno == EINTR) continue;
        return Errno("pread", path_);
      }
      if (r == 0) break;  // end of file
      total += static_cast<size_t>(r);
    }
    return total;
  }

 private:
  const ScopedFd fd_;
  const std::string path_;
};

}  // namespace

bool LocalUfs::IsTemporaryFileName(std::string_view name) {
  if (name.size() < kTempOverhead || name.front() != '.') return false;
  if (name.substr(name.size() - kTempSuffix.size()) != kTempSuffix) return false;
  std::string_view token =
      name.substr(name.size() - kTempSuffix.size() - kTempTokenDigits, kTempTokenDigits);
  if (!std::all_of(token.begin(), token.end(),
                   [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); })) {
    return false;
  }
  size_t marker_pos = name.size() - kTempSuffix.size() - kTempTokenDigits - kTempMarker.size();
  return name.substr(marker_pos, kTempMarker.size()) == kTempMarker;
}

Result<UfsStatus> LocalUfs::GetStatus(const std::string& path) {
  ASSIGN_OR_RETURN(std::string p, ToLocalPath(path));
  struct stat st;
  if (::stat(p.c_str(), &st) != 0) return Errno("stat", p);
  return StatusFromStat(PathName(p), st);
}

Result<bool> LocalUfs::Exists(const std::string& path) {
  ASSIGN_OR_RETURN(std::string p, ToLocalPath(path));
  struct stat st;
  if (::stat(p.c_str(), &st) == 0) return true;
  if (errno == ENOENT || errno == ENOTDIR) return false;
  return Errno("stat", p);
}

Result<std::vector<UfsStatus>> LocalUfs::ListStatus(const std::string& path) {
  ASSIGN_OR_RETURN(std::string p, ToLocalPath(path));
  ScopedFd fd(::open(p.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOTDIR) {
      struct stat st;
      if (::stat(p.c_str(), &st) == 0) {
        return FailedPreconditionError(fmt::format("ListStatus {}: not a directory", p));
      }
    }
    return Errno("open", p);
  }
  ScopedFd dir_fd(::dup(fd.get()));
  if (!dir_fd.valid()) return Errno("dup", p);
  ASSIGN_OR_RETURN(std::vector<std::string> names, ReadDirectory(std::move(fd), p));
  std::sort(names.begin(), names.end());
  std::vector<UfsStatus> out;
  out.reserve(names.size());
  for (const std::string& name : names) {
    if (IsTemporaryFileName(name)) continue;
    struct stat st;
    if (::fstatat(dir_fd.get(), name.c_str(), &st, 0) != 0) {
      if (errno == ENOENT) continue;  // deleted meanwhile, or a dangling symbolic link
      return Errno("stat", JoinPath(p, name));
    }
    out.push_back(StatusFromStat(name, st));
  }
  return out;
}

Status LocalUfs::Mkdirs(const std::string& path, bool parents, const CreateOptions& opts) {
  ASSIGN_OR_RETURN(std::string p, ToLocalPath(path));
  if (p == "/") return AlreadyExistsError("mkdir /: already exists");
  mode_t mode = static_cast<mode_t>(DirectoryMode(opts.mode));
  if (parents) RETURN_IF_ERROR(MakeAncestors(p, mode | S_IRWXU, opts));
  return MakeDirectory(p, mode, opts, /*ok_if_directory=*/false);
}

Result<std::unique_ptr<UfsOutputStream>> LocalUfs::Create(const std::string& path,
                                                          const CreateOptions& opts) {
  ASSIGN_OR_RETURN(std::string p, ToLocalPath(path));
  struct stat st;
  if (p == "/" || (::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode))) {
    return FailedPreconditionError(fmt::format("Create {}: is a directory", p));
  }
  if (opts.create_parent) RETURN_IF_ERROR(MakeAncestors(p, kParentDirMode, opts));
  std::string dir(ParentPath(p));
  std::string_view name = PathName(p);
  ScopedFd fd;
  std::string temp_path;
  for (int attempt = 1; !fd.valid(); ++attempt) {
    temp_path = JoinPath(dir, TemporaryName(name));
    fd.reset(::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (fd.valid() || (errno == EEXIST && attempt < kTempCreateAttempts)) continue;
    if (errno == ENOENT) {
      return NotFoundError(fmt::format("Create {}: parent directory does not exist", p));
    }
    if (errno == ENOTDIR) {
      return FailedPreconditionError(fmt::format("Create {}: parent is not a directory", p));
    }
    return Errno("create", p);
  }
  if (::fchmod(fd.get(), static_cast<mode_t>(opts.mode) & 07777) != 0) {
    Status s = Errno("chmod", temp_path);
    ::unlink(temp_path.c_str());
    return s;
  }
  ApplyOwnerIfRoot(fd.get(), temp_path, opts);
  return std::unique_ptr<UfsOutputStream>(
      std::make_unique<LocalOutputStream>(std::move(fd), std::move(temp_path), p, std::move(dir)));
}

Result<std::unique_ptr<UfsInputStream>> LocalUfs::Open(const std::string& path) {
  ASSIGN_OR_RETURN(std::string p, ToLocalPath(path));
  ScopedFd fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return Errno("open", p);
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return Errno("stat", p);
  if (S_ISDIR(st.st_mode))
    return FailedPreconditionError(fmt::format("Open {}: is a directory", p));
  return std::unique_ptr<UfsInputStream>(std::make_unique<LocalInputStream>(std::move(fd), p));
}

Status LocalUfs::DeleteFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string p, ToLocalPath(path));
  struct stat st;
  if (::lstat(p.c_str(), &st) != 0) return Errno("stat", p);
  if (S_ISDIR(st.st_mode)) {
    return FailedPreconditionError(fmt::format("DeleteFile {}: is a directory", p));
  }
  if (::unlink(p.c_str()) != 0) return Errno("unlink", p);
  return Status::OK();
}

Status LocalUfs::DeleteDirectory(const std::string& path, bool recursive) {
  ASSIGN_OR_RETURN(std::string p, ToLocalPath(path));
  if (p == "/") return InvalidArgumentError("DeleteDirectory /: refusing to delete the root");
  struct stat st;
  if (::lstat(p.c_str(), &st) != 0) return Errno("stat", p);
  if (!S_ISDIR(st.st_mode)) {
    return FailedPreconditionError(fmt::format("DeleteDirectory {}: not a directory", p));
  }
  if (recursive) return RemoveTree(AT_FDCWD, p, p);
  if (::rmdir(p.c_str()) != 0) {
    if (errno == ENOTEMPTY || errno == EEXIST) {
      return FailedPreconditionError(fmt::format("DeleteDirectory {}: directory is not empty", p));
    }
    return Errno("rmdir", p);
  }
  return Status::OK();
}

Status LocalUfs::Rename(const std::string& from, const std::string& to) {
  ASSIGN_OR_RETURN(std::string src, ToLocalPath(from));
  ASSIGN_OR_RETURN(std::string dst, ToLocalPath(to));
  std::string what = fmt::format("{} to {}", src, dst);
  if (src == "/") return InvalidArgumentError(fmt::format("Rename {}: cannot move the root", what));
  struct stat st;
  if (::lstat(src.c_str(), &st) != 0) return Errno("rename", what);
  if (src == dst) {
    return AlreadyExistsError(fmt::format("Rename {}: destination exists", what));
  }
  if (PathHasPrefix(dst, src)) {
    return InvalidArgumentError(fmt::format("Rename {}: destination is inside the source", what));
  }
  auto rename_error = [&what](int err) {
    if (err == EEXIST || err == ENOTEMPTY) {
      return AlreadyExistsError(fmt::format("Rename {}: destination exists", what));
    }
    if (err == ENOTDIR) {
      return FailedPreconditionError(
          fmt::format("Rename {}: parent of the destination is not a directory", what));
    }
    return ErrnoToStatus(err, "rename", what);
  };
#ifdef RENAME_NOREPLACE
  if (::renameat2(AT_FDCWD, src.c_str(), AT_FDCWD, dst.c_str(), RENAME_NOREPLACE) == 0) {
    return Status::OK();
  }
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP) return rename_error(errno);
    // The file system does not support RENAME_NOREPLACE: fall through to check-then-rename.
#endif
  if (::lstat(dst.c_str(), &st) == 0) return rename_error(EEXIST);
  if (::rename(src.c_str(), dst.c_str()) != 0) return rename_error(errno);
  return Status::OK();
}

Status LocalUfs::SetMode(const std::string& path, int32_t mode) {
  ASSIGN_OR_RETURN(std::string p, ToLocalPath(path));
  if (::chmod(p.c_str(), static_cast<mode_t>(mode) & 07777) != 0) return Errno("chmod", p);
  return Status::OK();
}

Status LocalUfs::SetOwner(const std::string& path, const std::string& owner,
                          const std::string& group) {
  ASSIGN_OR_RETURN(std::string p, ToLocalPath(path));
  uid_t uid = static_cast<uid_t>(-1);
  gid_t gid = static_cast<gid_t>(-1);
  if (!owner.empty()) {
    ASSIGN_OR_RETURN(uid, internal::LookupUser(owner));
  }
  if (!group.empty()) {
    ASSIGN_OR_RETURN(gid, internal::LookupGroup(group));
  }
  if (::chown(p.c_str(), uid, gid) != 0) return Errno("chown", p);
  return Status::OK();
}

}  // namespace alluxio::ufs
