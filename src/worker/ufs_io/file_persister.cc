// SPDX-License-Identifier: Apache-2.0
#include "worker/ufs_io/file_persister.h"

#include <fcntl.h>

#include <algorithm>
#include <random>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "worker/internal/posix_file.h"
#include "worker/internal/session.h"

namespace alluxio::worker {

namespace {

constexpr int64_t kCopyBufferBytes = 4 << 20;
constexpr size_t kMaxQueuedPersists = 1024;

uint64_t RandomToken() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  return rng();
}

std::string JoinDir(const std::string& dir, const std::string& name) {
  return !dir.empty() && dir.back() == '/' ? dir + name : dir + "/" + name;
}

// Creates `dir` and its missing parents; OK when it exists.
Status EnsureDir(ufs::UnderFileSystem* ufs, const std::string& dir, const ufs::CreateOptions& co) {
  Status s = ufs->Mkdirs(dir, /*parents=*/true, co);
  if (s.code() == StatusCode::kAlreadyExists) return Status();
  return s;
}

}  // namespace

FilePersister::FilePersister(BlockStore* store, UfsManager* ufs, std::string temp_dir_name,
                             int threads)
    : store_(store),
      ufs_(ufs),
      temp_dir_name_(std::move(temp_dir_name)),
      pool_(std::make_unique<internal::TaskPool>("persist", threads, kMaxQueuedPersists)) {}

FilePersister::~FilePersister() { Stop(); }

void FilePersister::Stop() { pool_->Stop(); }

void FilePersister::Submit(const grpc::file::PersistFile& file) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!in_flight_.insert(file.file_id()).second) return;
  }
  bool queued = pool_->TrySubmit([this, file] {
    grpc::file::PersistedFile outcome;
    outcome.set_file_id(file.file_id());
    Result<std::string> fp = PersistNow(file);
    if (fp.ok()) {
      outcome.set_success(true);
      outcome.set_ufs_fingerprint(*fp);
      spdlog::info("Persisted file {} to {}", file.file_id(), file.ufs_path());
    } else {
      outcome.set_success(false);
      outcome.set_error(std::string(fp.status().ToString()));
      spdlog::warn("Failed to persist file {} to {}: {}", file.file_id(), file.ufs_path(),
                   fp.status().ToString());
    }
    AddResult(std::move(outcome));
  });
  if (!queued) {
    // The master asks again on a later heartbeat.
    std::lock_guard<std::mutex> l(mu_);
    in_flight_.erase(file.file_id());
  }
}

void FilePersister::AddResult(grpc::file::PersistedFile result) {
  std::lock_guard<std::mutex> l(mu_);
  in_flight_.erase(result.file_id());
  results_.push_back(std::move(result));
}

std::vector<grpc::file::PersistedFile> FilePersister::TakeResults() {
  std::lock_guard<std::mutex> l(mu_);
  return std::exchange(results_, {});
}

void FilePersister::RestoreResults(std::vector<grpc::file::PersistedFile> results) {
  std::lock_guard<std::mutex> l(mu_);
  results_.insert(results_.begin(), std::make_move_iterator(results.begin()),
                  std::make_move_iterator(results.end()));
}

Result<std::string> FilePersister::PersistNow(const grpc::file::PersistFile& file) {
  const std::string& ufs_path = file.ufs_path();
  if (ufs_path.empty()) return InvalidArgumentError("Persist request without a UFS path");
  // Lock every block first: the file is persisted only if all of it is here.
  internal::SessionScope session(store_);
  std::vector<LockedBlock> blocks;
  int64_t total = 0;
  for (int64_t block_id : file.block_ids()) {
    Result<LockedBlock> b = store_->LockBlock(session.id(), block_id);
    if (!b.ok()) {
      return b.status().code() == StatusCode::kNotFound
                 ? NotFoundError(fmt::format(
                       "Block {} of file {} is not cached on this worker; cannot persist {}",
                       block_id, file.file_id(), ufs_path))
                 : b.status().WithContext(fmt::format("Persisting {}", ufs_path));
    }
    total += b->length;
    blocks.push_back(*std::move(b));
  }
  if (file.has_length() && total != file.length()) {
    return DataLossError(
        fmt::format("Blocks of file {} hold {} bytes, expected {}; cannot persist {}",
                    file.file_id(), total, file.length(), ufs_path));
  }

  ASSIGN_OR_RETURN(std::shared_ptr<ufs::UnderFileSystem> ufs,
                   ufs_->Get(file.has_mount_id() ? file.mount_id() : -1, ufs_path));
  ufs::CreateOptions co;
  if (file.has_mode()) co.mode = file.mode();
  co.owner = file.owner();
  co.group = file.group();
  co.create_parent = true;
  auto [dir, name] = SplitUfsPath(ufs_path);
  const std::string temp_dir = JoinDir(dir, temp_dir_name_);
  const std::string temp = JoinDir(temp_dir, fmt::format("{}.{:016x}", name, RandomToken()));
  RETURN_IF_ERROR(EnsureDir(ufs.get(), temp_dir, co));

  bool temp_written = false;
  auto cleanup = [&] {
    if (temp_written)
      ufs->DeleteFile(temp).IgnoreError();  // best effort; nothing else refers to it
    // Removes the temp dir once no other persist uses it (fails harmlessly otherwise).
    ufs->DeleteDirectory(temp_dir, /*recursive=*/false).IgnoreError();
  };
  Status s = [&]() -> Status {
    ASSIGN_OR_RETURN(std::unique_ptr<ufs::UfsOutputStream> out, ufs->Create(temp, co));
    std::string buf;
    for (const LockedBlock& b : blocks) {
      ASSIGN_OR_RETURN(internal::PosixFile f, internal::PosixFile::Open(b.path, O_RDONLY));
      for (int64_t pos = 0; pos < b.length;) {
        size_t n = static_cast<size_t>(std::min<int64_t>(b.length - pos, kCopyBufferBytes));
        buf.resize(n);
        ASSIGN_OR_RETURN(size_t got, f.PRead(b.offset + pos, buf.data(), n));
        if (got < n) {
          out->Cancel();
          return DataLossError(fmt::format("Block file {} is shorter than its length {} from {}",
                                           b.path, b.length, b.offset));
        }
        Status w = out->Write(buf);
        if (!w.ok()) {
          out->Cancel();
          return w;
        }
        pos += static_cast<int64_t>(n);
      }
    }
    RETURN_IF_ERROR(out->Close());
    temp_written = true;
    // The temp dir's creation made the final directory too; Rename never replaces a file.
    return ufs->Rename(temp, ufs_path);
  }();
  for (const LockedBlock& b : blocks) store_->UnlockBlock(b.lock_id).IgnoreError();  // session ends
  if (!s.ok()) {
    cleanup();
    return s.WithContext(fmt::format("Persisting file {} to {}", file.file_id(), ufs_path));
  }
  temp_written = false;
  cleanup();
  ASSIGN_OR_RETURN(ufs::UfsStatus st, ufs->GetStatus(ufs_path));
  return st.Fingerprint();
}

}  // namespace alluxio::worker
