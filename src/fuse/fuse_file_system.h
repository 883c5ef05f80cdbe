// SPDX-License-Identifier: Apache-2.0
// FuseFileSystem: the POSIX view of an Alluxio directory, one method per FUSE operation, over the
// client library only (client/api). The libfuse adapter (fuse_mount.h) calls it; it knows nothing
// of libfuse. Paths are the mount's ("/a/b"), mapped under Options::alluxio_root.
//
// Every method returns 0 (or a byte count) on success and -errno on failure (errno_map.h); none
// throws. All block on master and worker RPCs.
//
// Files. Alluxio files are written once, sequentially, and are immutable once complete. An open
// file (OpenFile) is in one of these states:
//   read        opened read-only: a FileInStream (sequential Read at the stream position, else
//               PositionedRead)
//   sequential  created or truncated: a FileOutStream; writes must be at its end
//   clean       opened for writing, nothing written yet: reads go to the complete file
//   staged      a local copy (anonymous file in Options::staging_dir) holds the file and takes
//               writes at any offset, appends and truncation; commit writes it to a hidden
//               Alluxio file next to the old one, renames the old one aside, the new one into
//               place, then deletes the old one
// A non-sequential write or a truncation moves a file to `staged` (a sequential writer is
// completed first, then copied); a read of a file being written completes it first (`clean`).
// Read-only handles read from a pool of streams without the handle's mutex. Flush (every close(2))
// and fsync commit: the sequential stream is completed, a dirty staging copy is written back; later
// writes through the same handle go on in `staged`. So a file is complete and visible to every
// client when close(2) returns. Renaming or deleting a file open for writing commits or detaches it
// first.
//
// Kernel caching: open() of a complete file compares it (id, length, mtime) with what the last
// open saw; unchanged files keep the kernel's page cache (keep_cache), changed ones drop it and
// their cached attributes (the invalidator), as do files this mount commits.
//
// Thread-safety: thread-safe. Lock order: an OpenFile's mutex, then registry_mu_ (a leaf: nothing
// is locked and no RPC is made while holding it). No RPC is made under an OpenFile's stream-pool
// lock either.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "client/api/file_system.h"

namespace alluxio::fuse {

class OpenFile;

class FuseFileSystem {
 public:
  struct Options {
    std::string alluxio_root = "/";  // the Alluxio directory shown at the mount's root
    std::string staging_dir = "/tmp";
    uid_t uid = 0;  // owner shown for files this mount creates, until the master has them
    gid_t gid = 0;
  };
  // `fs` must outlive this object.
  FuseFileSystem(client::FileSystem* fs, Options options);
  // Cancels files still open for writing (their data is lost, as after a crash).
  ~FuseFileSystem();
  FuseFileSystem(const FuseFileSystem&) = delete;
  FuseFileSystem& operator=(const FuseFileSystem&) = delete;

  // Called with a mount path whose kernel attributes and pages must be dropped. May be called
  // from any operation; must not block on FUSE requests.
  void SetInvalidator(std::function<void(const std::string&)> invalidator);

  // --- Metadata ---
  // `file`, when not null, is an open handle of `path` (fstat).
  int GetAttr(const std::string& path, struct stat* st, OpenFile* file);
  // Calls `fn` for each entry as the master streams them; `fn` returns false to stop early.
  int ReadDir(const std::string& path,
              const std::function<bool(const std::string& name, const struct stat& st)>& fn);
  // `uid`/`gid` are the caller's: the new directory (or file, in Create) is theirs.
  int Mkdir(const std::string& path, mode_t mode, uid_t uid, gid_t gid);
  int Unlink(const std::string& path);
  int Rmdir(const std::string& path);
  // flags: 0 or RENAME_NOREPLACE (RENAME_EXCHANGE is EINVAL). An existing file or empty
  // directory at `to` is replaced (delete, then rename: not atomic).
  int Rename(const std::string& from, const std::string& to, unsigned int flags);
  int Chmod(const std::string& path, mode_t mode);
  // (uid_t)-1 / (gid_t)-1 leave the owner / group unchanged.
  int Chown(const std::string& path, uid_t uid, gid_t gid);
  int Truncate(const std::string& path, off_t size, OpenFile* file);
  // Alluxio keeps no settable times: succeeds if `path` exists.
  int Utimens(const std::string& path);
  int StatFs(struct statvfs* st);

  // The mount path of an open file now (it follows renames); empty if it was deleted.
  std::string MountPathOf(OpenFile* file);

  // --- Data ---
  // On success *file is a new handle, owned by this object until Release.
  // `flags` are open(2)'s: without O_EXCL an existing file (made by another client since the
  // kernel looked) is opened as Open does, truncated if O_TRUNC; with it, EEXIST.
  int Create(const std::string& path, mode_t mode, uid_t uid, gid_t gid, OpenFile** file,
             int flags = O_WRONLY | O_CREAT | O_EXCL);
  int Open(const std::string& path, int flags, OpenFile** file, bool* keep_cache);
  // For the kernel passthrough: the id of the file a read-only handle reads, and a descriptor of
  // its whole local copy, valid until Release (FileInStream::WholeFileDescriptor; an error for a
  // writable handle or a file that is not one file on this host's worker).
  int64_t FileIdOf(OpenFile* file);
  Result<int> WholeFileDescriptor(OpenFile* file);
  // Returns the bytes read (fewer than `size` only at the end of the file) or -errno.
  ssize_t Read(OpenFile* file, char* buf, size_t size, off_t offset);
  ssize_t Write(OpenFile* file, const char* buf, size_t size, off_t offset);
  // Flush (close(2)) and Fsync commit the handle's writes (see above). After data written through
  // a handle was lost (a failed write or commit), every later Write, Flush, Fsync, Truncate and
  // Release of it fails with that error (EIO when a commit left the old and new contents in
  // hidden files, named in the log).
  int Flush(OpenFile* file);
  int Fsync(OpenFile* file);
  // Commits and frees the handle. Errors are logged and returned, but the kernel drops them:
  // close(2) has returned.
  int Release(OpenFile* file);

  // Tests only: called at named steps of a commit ("commit.create", "commit.rename_aside",
  // "commit.rename_into_place", "commit.restore", "commit.delete_aside"); a non-OK result fails
  // that step as if the RPC had. Set before any other call.
  void SetFaultInjectorForTest(std::function<Status(std::string_view point)> fault) {
    fault_ = std::move(fault);
  }

 private:
  struct Version {
    int64_t id = -1;
    int64_t length = -1;
    int64_t mtime = -1;
    bool operator==(const Version&) const = default;
  };

  std::string ToAlluxio(const std::string& path) const;
  std::string ToMount(const std::string& alluxio_path) const;
  void FillStat(const client::FileInfo& info, struct stat* st);
  uid_t UidOf(const std::string& owner);
  gid_t GidOf(const std::string& group);
  std::string UserName(uid_t uid);
  std::string GroupName(gid_t gid);

  std::shared_ptr<OpenFile> Register(std::unique_ptr<OpenFile> file, OpenFile** raw);
  // Handles whose path is `path` or (when `subtree`) under it.
  std::vector<std::shared_ptr<OpenFile>> HandlesOf(const std::string& alluxio_path, bool subtree);
  // Marks the writable handles of a deleted file detached (their writes are dropped at close) and
  // cancels their streams. Call before anything else is put at `alluxio_path`.
  void DetachHandles(const std::string& alluxio_path);
  void Invalidate(const std::string& alluxio_path);
  // Remembers the version an open saw; true if the kernel's cache of it is still valid.
  bool NoteVersion(const std::string& alluxio_path, const client::FileInfo& info);
  void ForgetVersion(const std::string& alluxio_path);

  // Read of a read-only handle, from its stream pool.
  ssize_t ReadShared(OpenFile* file, char* buf, size_t size, off_t offset);
  // Gives a stream taken from a read-only handle's pool back to it (ReadShared,
  // WholeFileDescriptor).
  static void ReturnStream(OpenFile* file, std::unique_ptr<client::FileInStream> in);
  Status Fault(std::string_view point);
  // State transitions; REQUIRE file->mu held.
  // The handle's stream (if any) is cancelled and `error` becomes its sticky error.
  void LoseWriter(OpenFile* file, const Status& error);
  Status CommitSequential(OpenFile* file);
  Status StartStaging(OpenFile* file);
  Status CommitStaged(OpenFile* file);
  Status EnsureReader(OpenFile* file);
  Status FlushLocked(OpenFile* file);
  Status TruncateLocked(OpenFile* file, int64_t size);
  // Makes the owner of `alluxio_path` `owner`:`group` unless this process is that user.
  Status SetOwnerIfOther(const std::string& alluxio_path, const std::string& owner,
                         const std::string& group);
  // Creates (or, with `overwrite`, replaces, keeping the owner) `path` as a sequential writer.
  Status StartSequential(OpenFile* file, bool overwrite);

  client::FileSystem* const fs_;
  const Options options_;
  std::function<void(const std::string&)> invalidator_;
  std::function<Status(std::string_view)> fault_;  // tests only

  std::mutex registry_mu_;
  std::unordered_map<OpenFile*, std::shared_ptr<OpenFile>> handles_;  // GUARDED_BY(registry_mu_)
  std::unordered_map<std::string, Version> versions_;                 // GUARDED_BY(registry_mu_)

  std::mutex ids_mu_;
  std::map<std::string, uid_t> uids_;         // GUARDED_BY(ids_mu_)
  std::map<std::string, gid_t> gids_;         // GUARDED_BY(ids_mu_)
  std::map<uid_t, std::string> user_names_;   // GUARDED_BY(ids_mu_)
  std::map<gid_t, std::string> group_names_;  // GUARDED_BY(ids_mu_)
};

}  // namespace alluxio::fuse
