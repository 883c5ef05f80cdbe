// SPDX-License-Identifier: Apache-2.0
#include "fuse/fuse_file_system.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/path.h"
#include "fuse/errno_map.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

namespace alluxio::fuse {

namespace fsopts = client::fsopts;

// One open file handle; see the states in fuse_file_system.h.
class OpenFile {
 public:
  enum class State { kRead, kSequential, kClean, kStaged };

  ~OpenFile() {
    if (staging_fd >= 0) ::close(staging_fd);
  }

  std::mutex mu;
  // The Alluxio path. Written with both mu and the registry mutex held, read with either.
  std::string path;
  bool writable = false;
  State state = State::kRead;  // GUARDED_BY(mu)
  bool detached = false;       // GUARDED_BY(mu): deleted; nothing is committed
  // GUARDED_BY(mu): sticky. Set when data written through this handle was lost or a commit left
  // the file needing recovery; every later write, flush, fsync and release returns it.
  Status error;
  client::FileInfo info;  // GUARDED_BY(mu): the complete file, or the created one
  // GUARDED_BY(mu): `info` is what the master says (not filled in here after a commit).
  bool info_from_master = false;
  std::unique_ptr<client::FileInStream> in;    // GUARDED_BY(mu)
  std::unique_ptr<client::FileOutStream> out;  // GUARDED_BY(mu): kSequential
  int staging_fd = -1;                         // GUARDED_BY(mu): kStaged
  int64_t staged_size = 0;                     // GUARDED_BY(mu)
  bool dirty = false;                          // GUARDED_BY(mu): staged data not committed
  // The size to show while the master does not know it (kSequential, kStaged); -1 otherwise.
  std::atomic<int64_t> live_size{-1};

  // Read-only handles (kRead never changes state) read without `mu`: each read takes an idle
  // stream of this pool (a FileInStream is not thread-safe), so threads sharing a descriptor and
  // the kernel's parallel readahead read at once. At most kMaxStreams streams of the file.
  static constexpr size_t kMaxStreams = 4;
  std::mutex pool_mu;
  std::condition_variable pool_cv;
  std::vector<std::unique_ptr<client::FileInStream>> idle;  // GUARDED_BY(pool_mu)
  size_t streams = 0;                                       // GUARDED_BY(pool_mu)
  // The end of the furthest read so far. A read that starts within kScanWindow of it is part of
  // a scan of the file (the kernel's readahead sends a scan's reads in parallel and out of
  // order, to any stream of the pool): its block is cached whole before it is read
  // (FileInStream::PositionedRead's `scanning`), not streamed range by range from the UFS.
  static constexpr int64_t kScanWindow = 64 << 20;
  std::atomic<int64_t> scan_end{0};
};

namespace {

constexpr size_t kCopyChunk = 4 << 20;
constexpr size_t kMaxVersions = 1 << 20;

int64_t NowMs() {
  struct timespec ts;
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

int Err(const Status& s) { return -StatusToErrno(s); }

std::string RandomSuffix() {
  thread_local std::mt19937_64 rng(std::random_device{}() ^
                                   (static_cast<uint64_t>(std::random_device{}()) << 32));
  return fmt::format("{:016x}", rng());
}

// `s` as a number of type T if it is all digits and in T's range (an owner or group name that
// is a number: Alluxio keeps what chown was given).
template <typename T>
bool ParseId(const std::string& s, T* id) {
  if (s.empty() || s[0] < '0' || s[0] > '9') return false;
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return false;
  if (v > static_cast<uint64_t>(std::numeric_limits<T>::max())) return false;
  *id = static_cast<T>(v);
  return true;
}

// An anonymous local file in `dir` (O_TMPFILE, else a created and unlinked one).
Result<int> NewStagingFile(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return fd;
  std::string templ = dir + "/.alluxio-fuse-staging-XXXXXX";
  fd = ::mkostemp(templ.data(), O_CLOEXEC);
  if (fd < 0) return ErrnoToStatus(errno, "create staging file in", dir);
  ::unlink(templ.c_str());
  return fd;
}

Status PwriteAll(int fd, const char* buf, size_t n, int64_t off) {
  while (n > 0) {
    ssize_t w = ::pwrite(fd, buf, n, off);
    if (w < 0) {
      if (errno == EINTR) continue;
      return ErrnoToStatus(errno, "write", "staging file");
    }
    buf += w;
    n -= static_cast<size_t>(w);
    off += w;
  }
  return Status();
}

Result<size_t> PreadFull(int fd, char* buf, size_t n, int64_t off) {
  size_t done = 0;
  while (done < n) {
    ssize_t r = ::pread(fd, buf + done, n - done, off + static_cast<int64_t>(done));
    if (r < 0) {
      if (errno == EINTR) continue;
      return ErrnoToStatus(errno, "read", "staging file");
    }
    if (r == 0) break;
    done += static_cast<size_t>(r);
  }
  return done;
}

}  // namespace

FuseFileSystem::FuseFileSystem(client::FileSystem* fs, Options options)
    : fs_(fs), options_(std::move(options)) {}

FuseFileSystem::~FuseFileSystem() {
  std::vector<std::shared_ptr<OpenFile>> open;
  {
    std::lock_guard<std::mutex> l(registry_mu_);
    for (auto& [raw, file] : handles_) open.push_back(file);
  }
  for (const auto& file : open) {
    std::lock_guard<std::mutex> fl(file->mu);
    if (file->out != nullptr) {
      spdlog::warn("Unmounted while {} was being written: it is discarded", file->path);
      file->out->Cancel();
    }
  }
}

void FuseFileSystem::SetInvalidator(std::function<void(const std::string&)> invalidator) {
  invalidator_ = std::move(invalidator);
}

std::string FuseFileSystem::ToAlluxio(const std::string& path) const {
  if (options_.alluxio_root == "/") return path.empty() ? "/" : path;
  if (path == "/" || path.empty()) return options_.alluxio_root;
  return options_.alluxio_root + path;
}

std::string FuseFileSystem::ToMount(const std::string& alluxio_path) const {
  if (options_.alluxio_root == "/") return alluxio_path;
  if (alluxio_path.size() <= options_.alluxio_root.size()) return "/";
  return alluxio_path.substr(options_.alluxio_root.size());
}

// ---- Users and groups
// ----------------------------------------------------------------------------

uid_t FuseFileSystem::UidOf(const std::string& owner) {
  std::lock_guard<std::mutex> l(ids_mu_);
  auto it = uids_.find(owner);
  if (it != uids_.end()) return it->second;
  uid_t uid = options_.uid;
  struct passwd pw, *res = nullptr;
  char buf[4096];
  if (::getpwnam_r(owner.c_str(), &pw, buf, sizeof(buf), &res) == 0 && res != nullptr) {
    uid = res->pw_uid;
  } else {
    ParseId(owner, &uid);  // else options_.uid
  }
  uids_.emplace(owner, uid);
  return uid;
}

gid_t FuseFileSystem::GidOf(const std::string& group) {
  std::lock_guard<std::mutex> l(ids_mu_);
  auto it = gids_.find(group);
  if (it != gids_.end()) return it->second;
  gid_t gid = options_.gid;
  struct group gr, *res = nullptr;
  char buf[4096];
  if (::getgrnam_r(group.c_str(), &gr, buf, sizeof(buf), &res) == 0 && res != nullptr) {
    gid = res->gr_gid;
  } else {
    ParseId(group, &gid);  // else options_.gid
  }
  gids_.emplace(group, gid);
  return gid;
}

std::string FuseFileSystem::UserName(uid_t uid) {
  std::lock_guard<std::mutex> l(ids_mu_);
  auto it = user_names_.find(uid);
  if (it != user_names_.end()) return it->second;
  std::string name = std::to_string(uid);
  struct passwd pw, *res = nullptr;
  char buf[4096];
  if (::getpwuid_r(uid, &pw, buf, sizeof(buf), &res) == 0 && res != nullptr) name = res->pw_name;
  user_names_.emplace(uid, name);
  return name;
}

std::string FuseFileSystem::GroupName(gid_t gid) {
  std::lock_guard<std::mutex> l(ids_mu_);
  auto it = group_names_.find(gid);
  if (it != group_names_.end()) return it->second;
  std::string name = std::to_string(gid);
  struct group gr, *res = nullptr;
  char buf[4096];
  if (::getgrgid_r(gid, &gr, buf, sizeof(buf), &res) == 0 && res != nullptr) name = res->gr_name;
  group_names_.emplace(gid, name);
  return name;
}

void FuseFileSystem::FillStat(const client::FileInfo& info, struct stat* st) {
  std::memset(st, 0, sizeof(*st));
  st->st_mode = static_cast<mode_t>((info.folder() ? S_IFDIR : S_IFREG) | (info.mode() & 07777));
  st->st_nlink = 1;
  st->st_uid = UidOf(info.owner());
  st->st_gid = GidOf(info.group());
  st->st_size = info.folder() ? 0 : info.length();
  st->st_blksize = 1 << 20;
  st->st_blocks = (st->st_size + 511) / 512;
  int64_t mtime = info.last_modification_time_ms();
  if (mtime <= 0) mtime = info.creation_time_ms();
  int64_t atime = info.last_access_time_ms() > 0 ? info.last_access_time_ms() : mtime;
  st->st_mtim.tv_sec = mtime / 1000;
  st->st_mtim.tv_nsec = (mtime % 1000) * 1000000;
  st->st_atim.tv_sec = atime / 1000;
  st->st_atim.tv_nsec = (atime % 1000) * 1000000;
  st->st_ctim = st->st_mtim;
}

// ---- Registry of open files
// ----------------------------------------------------------------------

std::shared_ptr<OpenFile> FuseFileSystem::Register(std::unique_ptr<OpenFile> file, OpenFile** raw) {
  std::shared_ptr<OpenFile> shared(std::move(file));
  *raw = shared.get();
  std::lock_guard<std::mutex> l(registry_mu_);
  handles_.emplace(shared.get(), shared);
  return shared;
}

std::vector<std::shared_ptr<OpenFile>> FuseFileSystem::HandlesOf(const std::string& alluxio_path,
                                                                 bool subtree) {
  std::vector<std::shared_ptr<OpenFile>> out;
  std::lock_guard<std::mutex> l(registry_mu_);
  for (auto& [raw, file] : handles_) {
    if (!file->writable) continue;
    if (subtree ? PathHasPrefix(file->path, alluxio_path) : file->path == alluxio_path) {
      out.push_back(file);
    }
  }
  return out;
}

void FuseFileSystem::Invalidate(const std::string& alluxio_path) {
  if (invalidator_) invalidator_(ToMount(alluxio_path));
}

bool FuseFileSystem::NoteVersion(const std::string& alluxio_path, const client::FileInfo& info) {
  Version v{info.file_id(), info.length(), info.last_modification_time_ms()};
  bool known = false, same = false;
  {
    std::lock_guard<std::mutex> l(registry_mu_);
    if (versions_.size() >= kMaxVersions) versions_.clear();
    auto [it, inserted] = versions_.try_emplace(alluxio_path, v);
    if (!inserted) {
      known = true;
      same = it->second == v;
      it->second = v;
    }
  }
  // Changed through another client since the kernel cached it: drop its attributes too.
  if (known && !same) Invalidate(alluxio_path);
  return same;
}

void FuseFileSystem::ForgetVersion(const std::string& alluxio_path) {
  std::lock_guard<std::mutex> l(registry_mu_);
  versions_.erase(alluxio_path);
}

// ---- Metadata
// ------------------------------------------------------------------------------------

int FuseFileSystem::GetAttr(const std::string& path, struct stat* st, OpenFile* file) {
  if (file != nullptr) {
    std::lock_guard<std::mutex> l(file->mu);
    bool settled = file->state == OpenFile::State::kClean ||
                   (file->state == OpenFile::State::kStaged && !file->dirty);
    if (settled && !file->info_from_master && !file->detached) {
      // After a commit the master's times are the ones stat(2) of the path shows.
      Result<client::FileInfo> info = fs_->GetStatus(file->path);
      if (info.ok()) {
        file->info = std::move(*info);
        file->info_from_master = true;
      }
    }
    FillStat(file->info, st);
    int64_t live = file->live_size.load();
    if (live >= 0) {
      st->st_size = live;
      st->st_blocks = (live + 511) / 512;
    }
    return 0;
  }
  std::string ap = ToAlluxio(path);
  Result<client::FileInfo> info = fs_->GetStatus(ap);
  if (!info.ok()) return Err(info.status());
  FillStat(*info, st);
  if (!info->folder()) {
    for (const auto& h : HandlesOf(ap, false)) {
      int64_t live = h->live_size.load();
      if (live >= 0) {
        st->st_size = live;
        st->st_blocks = (live + 511) / 512;
      }
    }
  }
  return 0;
}

int FuseFileSystem::ReadDir(
    const std::string& path,
    const std::function<bool(const std::string& name, const struct stat& st)>& fn) {
  bool stopped = false;
  struct stat st;
  Status s = fs_->IterateStatus(ToAlluxio(path), fsopts::ListStatusPOptions(),
                                [&](client::FileInfo&& info) {
                                  if (stopped) return;
                                  FillStat(info, &st);
                                  if (!fn(info.name(), st)) stopped = true;
                                });
  return Err(s);
}

int FuseFileSystem::Mkdir(const std::string& path, mode_t mode, uid_t uid, gid_t gid) {
  fsopts::CreateDirectoryPOptions o;
  o.set_mode(static_cast<int32_t>(mode & 07777));
  o.set_recursive(false);
  std::string ap = ToAlluxio(path);
  Status s = fs_->CreateDirectory(ap, o);
  if (s.ok()) s = SetOwnerIfOther(ap, UserName(uid), GroupName(gid));
  return Err(s);
}

Status FuseFileSystem::SetOwnerIfOther(const std::string& alluxio_path, const std::string& owner,
                                       const std::string& group) {
  fsopts::SetAttributePOptions o;
  if (!owner.empty() && owner != UserName(options_.uid)) o.set_owner(owner);
  if (!group.empty() && group != GroupName(options_.gid)) o.set_group(group);
  if (!o.has_owner() && !o.has_group()) return Status();
  return fs_->SetAttribute(alluxio_path, o);
}

int FuseFileSystem::Unlink(const std::string& path) {
  std::string ap = ToAlluxio(path);
  fsopts::DeletePOptions o;
  o.set_recursive(false);
  Status s = fs_->Delete(ap, o);
  if (!s.ok()) return Err(s);
  ForgetVersion(ap);
  DetachHandles(ap);
  return 0;
}

void FuseFileSystem::DetachHandles(const std::string& alluxio_path) {
  for (const auto& h : HandlesOf(alluxio_path, false)) {
    std::lock_guard<std::mutex> l(h->mu);
    h->detached = true;
    h->live_size = -1;
    if (h->out != nullptr) {
      // Cancel deletes the path: the caller has not put another file there yet.
      h->out->Cancel();
      h->out.reset();
      h->state = OpenFile::State::kClean;
      h->info.set_length(0);
    }
  }
}

int FuseFileSystem::Rmdir(const std::string& path) {
  fsopts::DeletePOptions o;
  o.set_recursive(false);
  return Err(fs_->Delete(ToAlluxio(path), o));
}

int FuseFileSystem::Rename(const std::string& from, const std::string& to, unsigned int flags) {
  if (flags & RENAME_EXCHANGE) return -EINVAL;
  std::string src = ToAlluxio(from), dst = ToAlluxio(to);
  // Files being written under `src` are committed first: their streams complete by path.
  std::vector<std::shared_ptr<OpenFile>> moving = HandlesOf(src, true);
  for (const auto& h : moving) {
    std::lock_guard<std::mutex> l(h->mu);
    if (!h->error.ok()) continue;  // its data is lost already; its owner hears of it
    Status s = FlushLocked(h.get());
    if (!s.ok()) return Err(s);
  }
  Status s = fs_->Rename(src, dst);
  if (s.code() == StatusCode::kAlreadyExists && !(flags & RENAME_NOREPLACE) && src != dst) {
    // POSIX replaces the target (a non-empty directory fails the delete: ENOTEMPTY). The kernel
    // checked that the types agree.
    fsopts::DeletePOptions o;
    o.set_recursive(false);
    Status d = fs_->Delete(dst, o);
    if (!d.ok() && d.code() != StatusCode::kNotFound) return Err(d);
    ForgetVersion(dst);
    // Handles of the replaced file must not commit their stale contents over the renamed one
    // later: detach them as unlink does, before the rename puts a file at `dst` again.
    DetachHandles(dst);
    s = fs_->Rename(src, dst);
  }
  if (!s.ok()) return Err(s);
  ForgetVersion(src);
  for (const auto& h : moving) {
    std::lock_guard<std::mutex> l(h->mu);
    std::lock_guard<std::mutex> r(registry_mu_);
    if (PathHasPrefix(h->path, src)) h->path = dst + h->path.substr(src.size());
  }
  return 0;
}

int FuseFileSystem::Chmod(const std::string& path, mode_t mode) {
  fsopts::SetAttributePOptions o;
  o.set_mode(static_cast<int32_t>(mode & 07777));
  std::string ap = ToAlluxio(path);
  Status s = fs_->SetAttribute(ap, o);
  if (!s.ok()) return Err(s);
  for (const auto& h : HandlesOf(ap, false)) {
    std::lock_guard<std::mutex> l(h->mu);
    h->info.set_mode(static_cast<int32_t>(mode & 07777));
  }
  return 0;
}

int FuseFileSystem::Chown(const std::string& path, uid_t uid, gid_t gid) {
  fsopts::SetAttributePOptions o;
  if (uid != static_cast<uid_t>(-1)) o.set_owner(UserName(uid));
  if (gid != static_cast<gid_t>(-1)) o.set_group(GroupName(gid));
  if (!o.has_owner() && !o.has_group()) return 0;
  return Err(fs_->SetAttribute(ToAlluxio(path), o));
}

int FuseFileSystem::Truncate(const std::string& path, off_t size, OpenFile* file) {
  if (size < 0) return -EINVAL;
  std::string ap = ToAlluxio(path);
  if (file != nullptr) {
    std::lock_guard<std::mutex> l(file->mu);
    return Err(TruncateLocked(file, size));
  }
  // truncate(2) of a file open for writing here goes through one of its handles. A detached
  // handle (its file deleted or replaced, or its data lost) is not the file at `path` any more.
  for (const auto& h : HandlesOf(ap, false)) {
    std::lock_guard<std::mutex> l(h->mu);
    if (!h->detached) return Err(TruncateLocked(h.get(), size));
  }
  Result<client::FileInfo> info = fs_->GetStatus(ap);
  if (!info.ok()) return Err(info.status());
  if (info->folder()) return -EISDIR;
  if (info->completed() && info->length() == size) return 0;
  OpenFile temp;
  temp.path = ap;
  temp.writable = true;
  temp.state = OpenFile::State::kClean;
  temp.info = *info;
  temp.info_from_master = true;
  std::lock_guard<std::mutex> l(temp.mu);
  Status s = TruncateLocked(&temp, size);
  if (s.ok()) s = FlushLocked(&temp);
  if (!s.ok() && temp.out != nullptr) temp.out->Cancel();
  return Err(s);
}

int FuseFileSystem::Utimens(const std::string&) { return 0; }

int FuseFileSystem::StatFs(struct statvfs* st) {
  auto info = fs_->GetBlockMasterInfo();
  if (!info.ok()) return Err(info.status());
  std::memset(st, 0, sizeof(*st));
  constexpr uint64_t kBlock = 4096;
  uint64_t capacity = static_cast<uint64_t>(std::max<int64_t>(info->capacity_bytes(), 0));
  uint64_t used = static_cast<uint64_t>(std::max<int64_t>(info->used_bytes(), 0));
  uint64_t free = capacity > used ? capacity - used : 0;
  st->f_bsize = kBlock;
  st->f_frsize = kBlock;
  st->f_blocks = capacity / kBlock;
  st->f_bfree = free / kBlock;
  st->f_bavail = free / kBlock;
  st->f_files = 1ULL << 32;
  st->f_ffree = 1ULL << 32;
  st->f_favail = 1ULL << 32;
  st->f_namemax = 255;
  return 0;
}

std::string FuseFileSystem::MountPathOf(OpenFile* file) {
  std::lock_guard<std::mutex> l(file->mu);
  return file->detached ? std::string() : ToMount(file->path);
}

// ---- Data
// ----------------------------------------------------------------------------------------

int FuseFileSystem::Create(const std::string& path, mode_t mode, uid_t uid, gid_t gid,
                           OpenFile** file, int flags) {
  auto f = std::make_unique<OpenFile>();
  f->path = ToAlluxio(path);
  f->writable = true;
  f->info.set_mode(static_cast<int32_t>(mode & 07777));
  f->info.set_owner(UserName(uid));
  f->info.set_group(GroupName(gid));
  int64_t now = NowMs();
  f->info.set_creation_time_ms(now);
  f->info.set_last_modification_time_ms(now);
  Status s;
  {
    std::lock_guard<std::mutex> l(f->mu);
    s = StartSequential(f.get(), /*overwrite=*/false);
  }
  if (s.code() == StatusCode::kAlreadyExists && !(flags & O_EXCL)) {
    // The kernel asks to create only when it believes the name is free: another client made the
    // file since (a cached negative entry). open(2) without O_EXCL opens it instead.
    bool keep_cache = false;
    return Open(path, flags & ~O_CREAT, file, &keep_cache);
  }
  if (!s.ok()) return Err(s);
  Register(std::move(f), file);
  return 0;
}

int FuseFileSystem::Open(const std::string& path, int flags, OpenFile** file, bool* keep_cache) {
  std::string ap = ToAlluxio(path);
  *keep_cache = false;
  // A file this mount is writing is completed first, so that it can be opened.
  for (const auto& h : HandlesOf(ap, false)) {
    std::lock_guard<std::mutex> l(h->mu);
    if (!h->error.ok()) continue;  // its data is lost already; its owner hears of it
    Status s = FlushLocked(h.get());
    if (!s.ok()) return Err(s);
  }
  auto f = std::make_unique<OpenFile>();
  f->path = ap;
  if ((flags & O_ACCMODE) == O_RDONLY) {
    Result<std::unique_ptr<client::FileInStream>> in = fs_->Open(ap);
    if (!in.ok()) return Err(in.status());
    f->info = (*in)->info();
    f->info_from_master = true;
    f->idle.push_back(std::move(*in));
    f->streams = 1;
    f->state = OpenFile::State::kRead;
    *keep_cache = NoteVersion(ap, f->info);
  } else {
    Result<client::FileInfo> info = fs_->GetStatus(ap);
    if (!info.ok()) return Err(info.status());
    if (info->folder()) return -EISDIR;
    f->info = *info;
    f->info_from_master = true;
    f->writable = true;
    f->state = OpenFile::State::kClean;
    // Changed through another client: drop what the kernel holds (a later stat or open sees it).
    NoteVersion(ap, *info);
    ForgetVersion(ap);
    std::lock_guard<std::mutex> l(f->mu);
    if ((flags & O_TRUNC) && (info->length() > 0 || !info->completed())) {
      Status s = StartSequential(f.get(), /*overwrite=*/true);
      if (!s.ok()) return Err(s);
    } else if (!info->completed()) {
      return -EBUSY;  // being written by another client
    }
  }
  Register(std::move(f), file);
  return 0;
}

Status FuseFileSystem::StartSequential(OpenFile* file, bool overwrite) {
  fsopts::CreateFilePOptions o;
  o.set_mode(file->info.mode() & 07777);
  o.set_recursive(false);
  o.set_overwrite(overwrite);
  ASSIGN_OR_RETURN(file->out, fs_->Create(file->path, o));
  Status owned = SetOwnerIfOther(file->path, file->info.owner(), file->info.group());
  if (!owned.ok()) {
    file->out->Cancel();
    file->out.reset();
    return owned;
  }
  file->in.reset();
  if (file->staging_fd >= 0) {
    ::close(file->staging_fd);
    file->staging_fd = -1;
  }
  file->state = OpenFile::State::kSequential;
  file->dirty = false;
  file->info.set_length(0);
  file->info.set_completed(false);
  file->info_from_master = false;
  file->live_size = 0;
  ForgetVersion(file->path);
  return Status();
}

void FuseFileSystem::LoseWriter(OpenFile* file, const Status& error) {
  if (file->out != nullptr) {
    file->out->Cancel();  // deletes the incomplete file (a no-op if the stream did)
    file->out.reset();
  }
  file->state = OpenFile::State::kClean;
  file->info.set_length(0);
  file->detached = true;
  file->live_size = -1;
  file->error = error;
  ForgetVersion(file->path);
}

Status FuseFileSystem::CommitSequential(OpenFile* file) {
  std::unique_ptr<client::FileOutStream> out = std::move(file->out);
  int64_t written = out->bytes_written();
  Status s = out->Close();
  file->state = OpenFile::State::kClean;
  file->live_size = -1;
  ForgetVersion(file->path);
  if (!s.ok()) {
    // The stream deleted the incomplete file: what was written through this handle is lost.
    s = s.WithContext(fmt::format("complete {}", file->path));
    LoseWriter(file, s);
    return s;
  }
  file->info.set_length(written);
  file->info.set_completed(true);
  file->info.set_last_modification_time_ms(NowMs());
  file->info_from_master = false;
  return Status();
}

Status FuseFileSystem::EnsureReader(OpenFile* file) {
  if (file->in != nullptr) return Status();
  ASSIGN_OR_RETURN(file->in, fs_->Open(file->path));
  file->info = file->in->info();
  file->info_from_master = true;
  return Status();
}

Status FuseFileSystem::StartStaging(OpenFile* file) {
  if (file->state == OpenFile::State::kSequential) RETURN_IF_ERROR(CommitSequential(file));
  if (file->state == OpenFile::State::kStaged) return Status();
  ASSIGN_OR_RETURN(int fd, NewStagingFile(options_.staging_dir));
  int64_t size = 0;
  if (!file->detached && file->info.length() > 0) {
    Status s = EnsureReader(file);
    std::unique_ptr<char[]> buf(new char[kCopyChunk]);
    int64_t pos = 0;
    while (s.ok()) {
      Result<size_t> n = file->in->PositionedRead(pos, buf.get(), kCopyChunk);
      if (!n.ok()) {
        s = n.status();
        break;
      }
      if (*n == 0) break;
      s = PwriteAll(fd, buf.get(), *n, pos);
      pos += static_cast<int64_t>(*n);
    }
    if (!s.ok()) {
      ::close(fd);
      return s.WithContext(fmt::format("stage {}", file->path));
    }
    size = pos;
  }
  file->in.reset();
  file->staging_fd = fd;
  file->staged_size = size;
  file->dirty = false;
  file->state = OpenFile::State::kStaged;
  file->live_size = -1;  // same as the master's until written
  return Status();
}

Status FuseFileSystem::Fault(std::string_view point) { return fault_ ? fault_(point) : Status(); }

Status FuseFileSystem::CommitStaged(OpenFile* file) {
  // Write the new contents to a hidden file next to the old one (a fixed-length name, so that any
  // file name fits), move the old file aside, move the new one into place, then delete the old
  // one. The path is missing only between the two renames, and no step deletes the only copy of
  // either version.
  const std::string dir(ParentPath(file->path));
  auto hidden = [&dir]() {
    return fmt::format("{}/.alluxio-fuse-{}", dir == "/" ? "" : dir, RandomSuffix());
  };
  const std::string tmp = hidden();
  fsopts::CreateFilePOptions o;
  o.set_mode(file->info.mode() & 07777);
  o.set_recursive(false);
  Status s = Fault("commit.create");
  if (!s.ok()) return s.WithContext(fmt::format("commit {}", file->path));
  ASSIGN_OR_RETURN(std::unique_ptr<client::FileOutStream> out, fs_->Create(tmp, o));
  std::unique_ptr<char[]> buf(new char[kCopyChunk]);
  for (int64_t pos = 0; pos < file->staged_size && s.ok();) {
    size_t want = static_cast<size_t>(
        std::min<int64_t>(static_cast<int64_t>(kCopyChunk), file->staged_size - pos));
    Result<size_t> n = PreadFull(file->staging_fd, buf.get(), want, pos);
    if (!n.ok()) {
      s = n.status();
      break;
    }
    // A short read means the staging file is shorter than recorded: the rest are zeros.
    if (*n < want) std::memset(buf.get() + *n, 0, want - *n);
    s = out->Write(std::string_view(buf.get(), want));
    pos += static_cast<int64_t>(want);
  }
  if (s.ok()) s = out->Close();
  if (!s.ok()) {
    out->Cancel();  // deletes `tmp`; the old file and the staging copy are untouched
    return s.WithContext(fmt::format("commit {}", file->path));
  }
  Status owned = SetOwnerIfOther(tmp, file->info.owner(), file->info.group());
  if (!owned.ok()) {
    spdlog::warn("Could not keep the owner of {}: {}", file->path, owned.ToString());
  }
  fsopts::DeletePOptions del;
  del.set_recursive(false);

  std::string aside = hidden();
  Status a = Fault("commit.rename_aside");
  if (a.ok()) a = fs_->Rename(file->path, aside);
  if (a.code() == StatusCode::kNotFound) {
    aside.clear();  // deleted by another client: the new contents recreate it
  } else if (!a.ok()) {
    // Nothing changed at the path; the staging copy still holds the new contents (still dirty:
    // the next flush retries).
    fs_->Delete(tmp, del).IgnoreError();  // a copy of the staging file
    return a.WithContext(fmt::format("commit {}", file->path));
  }
  Status r = Fault("commit.rename_into_place");
  if (r.ok()) r = fs_->Rename(tmp, file->path);
  if (!r.ok()) {
    Status back = aside.empty() ? Status() : Fault("commit.restore");
    if (back.ok() && !aside.empty()) back = fs_->Rename(aside, file->path);
    if (back.ok()) {
      // As before the commit; the staging copy still holds the new contents.
      fs_->Delete(tmp, del).IgnoreError();  // a copy of the staging file
      return r.WithContext(fmt::format("commit {}", file->path));
    }
    // The path is missing or is another client's file now. Keep both copies for the operator.
    Status lost = DataLossError(
        fmt::format("commit {}: {}; the old contents are at {} and the new at {} ({})", file->path,
                    r.ToString(), aside, tmp, back.ToString()));
    spdlog::error("{}", lost.ToString());
    file->error = lost;
    file->detached = true;
    file->dirty = false;
    ForgetVersion(file->path);
    return lost;
  }
  if (!aside.empty()) {
    Status d = Fault("commit.delete_aside");
    if (d.ok()) d = fs_->Delete(aside, del);
    if (!d.ok() && d.code() != StatusCode::kNotFound) {
      spdlog::warn("Committed {} but could not delete its old contents at {}: {}", file->path,
                   aside, d.ToString());
    }
  }
  file->dirty = false;
  file->live_size = -1;  // the master knows the size now
  file->info.set_length(file->staged_size);
  file->info.set_completed(true);
  file->info.set_last_modification_time_ms(NowMs());
  file->info_from_master = false;
  ForgetVersion(file->path);
  return Status();
}

Status FuseFileSystem::FlushLocked(OpenFile* file) {
  if (!file->error.ok()) return file->error;
  Status s;
  if (file->state == OpenFile::State::kSequential) {
    s = CommitSequential(file);
  } else if (file->state == OpenFile::State::kStaged && file->dirty && !file->detached) {
    s = CommitStaged(file);
  } else {
    return Status();
  }
  // The kernel still holds the attributes of the file as it was created (its times); the
  // complete file has the master's. Without this, stat before and fstat after a read differ
  // (tar: "file changed as we read it").
  if (s.ok()) Invalidate(file->path);
  return s;
}

Status FuseFileSystem::TruncateLocked(OpenFile* file, int64_t size) {
  if (!file->error.ok()) return file->error;
  if (file->state == OpenFile::State::kSequential) {
    if (size == file->out->bytes_written()) return Status();
    if (size == 0) {
      file->out->Cancel();  // deletes the incomplete file
      file->out.reset();
      Status s = StartSequential(file, /*overwrite=*/true);
      if (!s.ok()) {
        // The file is gone and no stream replaces it: writes through this handle fail from now.
        s = s.WithContext(fmt::format("truncate {}", file->path));
        LoseWriter(file, s);
      }
      return s;
    }
    RETURN_IF_ERROR(CommitSequential(file));
  }
  if (file->state != OpenFile::State::kStaged) {
    if (size == file->info.length() && file->info.completed()) return Status();
    if (size == 0 && !file->detached) return StartSequential(file, /*overwrite=*/true);
    RETURN_IF_ERROR(StartStaging(file));
  }
  if (::ftruncate(file->staging_fd, size) != 0) {
    return ErrnoToStatus(errno, "truncate", "staging file");
  }
  file->staged_size = size;
  file->dirty = true;
  if (!file->detached) file->live_size = size;
  return Status();
}

ssize_t FuseFileSystem::ReadShared(OpenFile* file, char* buf, size_t size, off_t offset) {
  std::unique_ptr<client::FileInStream> in;
  bool may_open = true;  // cleared when another stream cannot be opened (renamed, replaced)
  while (in == nullptr) {
    {
      std::unique_lock<std::mutex> l(file->pool_mu);
      file->pool_cv.wait(l, [&] {
        return !file->idle.empty() || (may_open && file->streams < OpenFile::kMaxStreams);
      });
      if (!file->idle.empty()) {
        // Prefer the stream whose position is this offset: it goes on with a sequential read.
        size_t pick = file->idle.size() - 1;
        for (size_t i = 0; i < file->idle.size(); ++i) {
          if (file->idle[i]->position() == offset) pick = i;
        }
        in = std::move(file->idle[pick]);
        file->idle.erase(file->idle.begin() + static_cast<std::ptrdiff_t>(pick));
        break;
      }
      ++file->streams;
    }
    Result<std::unique_ptr<client::FileInStream>> opened = fs_->Open(file->path);
    if (opened.ok() && (*opened)->info().file_id() == file->info.file_id()) {
      in = std::move(*opened);
      break;
    }
    std::lock_guard<std::mutex> l(file->pool_mu);
    --file->streams;
    may_open = false;
    // The handle's first stream always exists, so waiting for an idle one ends.
  }
  Result<size_t> n = size_t{0};
  const int64_t end = offset + static_cast<int64_t>(size);
  int64_t scan_end = file->scan_end.load();
  const bool scanning =
      offset <= scan_end + OpenFile::kScanWindow && end >= scan_end - OpenFile::kScanWindow;
  while (end > scan_end && !file->scan_end.compare_exchange_weak(scan_end, end)) {
  }
  if (offset < in->length()) {
    n = offset == in->position() ? in->Read(buf, size)
                                 : in->PositionedRead(offset, buf, size, scanning);
  }
  ReturnStream(file, std::move(in));
  if (!n.ok()) {
    spdlog::warn("Read of {} at {} failed: {}", file->path, offset, n.status().ToString());
    return Err(n.status());
  }
  return static_cast<ssize_t>(*n);
}

int64_t FuseFileSystem::FileIdOf(OpenFile* file) {
  std::lock_guard<std::mutex> l(file->mu);
  return file->info.file_id();
}

Result<int> FuseFileSystem::WholeFileDescriptor(OpenFile* file) {
  if (file->writable) return FailedPreconditionError(file->path + " is open for writing");
  std::unique_ptr<client::FileInStream> in;
  {
    // The handle's first stream always exists, so waiting for an idle one ends.
    std::unique_lock<std::mutex> l(file->pool_mu);
    file->pool_cv.wait(l, [&] { return !file->idle.empty(); });
    in = std::move(file->idle.back());
    file->idle.pop_back();
  }
  Result<int> fd = in->WholeFileDescriptor();  // the stream keeps it until Release
  ReturnStream(file, std::move(in));
  return fd;
}

void FuseFileSystem::ReturnStream(OpenFile* file, std::unique_ptr<client::FileInStream> in) {
  std::lock_guard<std::mutex> l(file->pool_mu);
  file->idle.push_back(std::move(in));
  file->pool_cv.notify_one();
}

ssize_t FuseFileSystem::Read(OpenFile* file, char* buf, size_t size, off_t offset) {
  if (!file->writable) return ReadShared(file, buf, size, offset);
  std::lock_guard<std::mutex> l(file->mu);
  if (file->state == OpenFile::State::kSequential) {
    Status s = CommitSequential(file);
    if (!s.ok()) return Err(s);
  }
  if (file->state == OpenFile::State::kStaged) {
    if (offset >= file->staged_size) return 0;
    size_t want = static_cast<size_t>(
        std::min<int64_t>(static_cast<int64_t>(size), file->staged_size - offset));
    Result<size_t> n = PreadFull(file->staging_fd, buf, want, offset);
    if (!n.ok()) return Err(n.status());
    if (*n < want) std::memset(buf + *n, 0, want - *n);  // a hole past the local file's end
    return static_cast<ssize_t>(want);
  }
  if (file->detached) return 0;
  Status s = EnsureReader(file);
  if (!s.ok()) return Err(s);
  if (offset >= file->in->length()) return 0;
  Result<size_t> n = offset == file->in->position() ? file->in->Read(buf, size)
                                                    : file->in->PositionedRead(offset, buf, size);
  if (!n.ok()) {
    spdlog::warn("Read of {} at {} failed: {}", file->path, offset, n.status().ToString());
    return Err(n.status());
  }
  return static_cast<ssize_t>(*n);
}

ssize_t FuseFileSystem::Write(OpenFile* file, const char* buf, size_t size, off_t offset) {
  std::lock_guard<std::mutex> l(file->mu);
  if (!file->writable) return -EBADF;
  if (!file->error.ok()) return Err(file->error);
  if (file->state == OpenFile::State::kSequential) {
    if (offset == file->out->bytes_written()) {
      Status s = file->out->Write(std::string_view(buf, size));
      if (!s.ok()) {
        spdlog::warn("Write of {} failed: {}", file->path, s.ToString());
        LoseWriter(file, s.WithContext(fmt::format("write {}", file->path)));
        return Err(s);
      }
      file->live_size = file->out->bytes_written();
      return static_cast<ssize_t>(size);
    }
    Status s = CommitSequential(file);
    if (!s.ok()) return Err(s);
  }
  if (file->state != OpenFile::State::kStaged) {
    // Writing a new, empty file from its start needs no copy.
    if (offset == 0 && file->info.length() == 0 && !file->detached) {
      Status s = StartSequential(file, /*overwrite=*/true);
      if (!s.ok()) return Err(s);  // nothing changed
      s = file->out->Write(std::string_view(buf, size));
      if (!s.ok()) {
        LoseWriter(file, s.WithContext(fmt::format("write {}", file->path)));
        return Err(s);
      }
      file->live_size = file->out->bytes_written();
      return static_cast<ssize_t>(size);
    }
    Status s = StartStaging(file);
    if (!s.ok()) return Err(s);
  }
  Status s = PwriteAll(file->staging_fd, buf, size, offset);
  if (!s.ok()) return Err(s);
  file->staged_size = std::max<int64_t>(file->staged_size, offset + static_cast<int64_t>(size));
  file->dirty = true;
  if (!file->detached) file->live_size = file->staged_size;
  return static_cast<ssize_t>(size);
}

int FuseFileSystem::Flush(OpenFile* file) {
  std::lock_guard<std::mutex> l(file->mu);
  Status s = FlushLocked(file);
  if (!s.ok()) spdlog::warn("Flush of {} failed: {}", file->path, s.ToString());
  return Err(s);
}

int FuseFileSystem::Fsync(OpenFile* file) { return Flush(file); }

int FuseFileSystem::Release(OpenFile* file) {
  int rc = 0;
  {
    std::lock_guard<std::mutex> l(file->mu);
    Status s = FlushLocked(file);  // the sticky error too
    if (!s.ok()) spdlog::error("Closing {} lost its data: {}", file->path, s.ToString());
    rc = Err(s);
    if (file->out != nullptr) {
      file->out->Cancel();
      file->out.reset();
    }
    file->in.reset();
  }
  {
    std::lock_guard<std::mutex> l(file->pool_mu);
    file->idle.clear();
  }
  std::shared_ptr<OpenFile> keep;  // destroyed after the registry lock is released
  std::lock_guard<std::mutex> l(registry_mu_);
  auto it = handles_.find(file);
  if (it != handles_.end()) {
    keep = std::move(it->second);
    handles_.erase(it);
  }
  return rc;
}

}  // namespace alluxio::fuse
