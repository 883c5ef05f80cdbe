// SPDX-License-Identifier: Apache-2.0
#include "env/testing/fault_injecting_env.h"

#include <algorithm>
#include <functional>
#include <random>
#include <utility>
#include <vector>

namespace alluxio::env {

// Forwards to the real file and keeps FileState up to date.
class FaultInjectingEnv::File final : public WritableFile {
 public:
  File(FaultInjectingEnv* env, std::unique_ptr<WritableFile> target,
       std::shared_ptr<FileState> state)
      : env_(env), target_(std::move(target)), state_(std::move(state)) {}

  Status Append(std::string_view data) override {
    RETURN_IF_ERROR(env_->MaybeFail(FaultOp::kAppend));
    RETURN_IF_ERROR(target_->Append(data));
    std::lock_guard<std::mutex> l(env_->mu_);
    state_->size += data.size();
    return Status::OK();
  }

  Status Sync() override {
    RETURN_IF_ERROR(env_->MaybeFail(FaultOp::kSync));
    RETURN_IF_ERROR(target_->Sync());
    std::lock_guard<std::mutex> l(env_->mu_);
    state_->synced_size = state_->size;
    return Status::OK();
  }

  Status Close() override {
    RETURN_IF_ERROR(env_->MaybeFail(FaultOp::kClose));
    return target_->Close();
  }

  uint64_t Size() const override { return target_->Size(); }

 private:
  FaultInjectingEnv* const env_;
  std::unique_ptr<WritableFile> target_;
  std::shared_ptr<FileState> state_;
};

namespace {

class FaultInjectingSequentialFile final : public SequentialFile {
 public:
  FaultInjectingSequentialFile(std::unique_ptr<SequentialFile> target,
                               std::function<Status()> maybe_fail)
      : target_(std::move(target)), maybe_fail_(std::move(maybe_fail)) {}
  Result<std::string_view> Read(size_t n, char* scratch) override {
    RETURN_IF_ERROR(maybe_fail_());
    return target_->Read(n, scratch);
  }
  Status Skip(uint64_t n) override { return target_->Skip(n); }

 private:
  std::unique_ptr<SequentialFile> target_;
  std::function<Status()> maybe_fail_;
};

}  // namespace

FaultInjectingEnv::FaultInjectingEnv(Env* target) : EnvWrapper(target) {
  for (Fault& f : faults_) f.remaining = -1;
}

FaultInjectingEnv::~FaultInjectingEnv() = default;

void FaultInjectingEnv::FailNthCall(FaultOp op, int64_t n, Status error, bool sticky) {
  std::lock_guard<std::mutex> l(mu_);
  Fault& f = faults_[static_cast<int>(op)];
  f.remaining = n - 1;
  f.sticky = sticky;
  f.firing = false;
  f.error = std::move(error);
}

void FaultInjectingEnv::ClearFaults() {
  std::lock_guard<std::mutex> l(mu_);
  for (Fault& f : faults_) f = Fault{-1, false, false, Status()};
}

int64_t FaultInjectingEnv::CallCount(FaultOp op) const {
  std::lock_guard<std::mutex> l(mu_);
  return counts_[static_cast<int>(op)];
}

void FaultInjectingEnv::SetFilesystemActive(bool active) {
  std::lock_guard<std::mutex> l(mu_);
  active_ = active;
}

bool FaultInjectingEnv::IsFilesystemActive() const {
  std::lock_guard<std::mutex> l(mu_);
  return active_;
}

Status FaultInjectingEnv::MaybeFail(FaultOp op) {
  std::lock_guard<std::mutex> l(mu_);
  counts_[static_cast<int>(op)]++;
  if (!active_) {
    switch (op) {
      case FaultOp::kNewSequentialFile:
      case FaultOp::kRead:
      case FaultOp::kClose:
      case FaultOp::kLockFile:
        break;
      default:
        return UnavailableError("filesystem inactive (simulated crash)");
    }
  }
  Fault& f = faults_[static_cast<int>(op)];
  if (f.firing) return f.error;
  if (f.remaining < 0) return Status::OK();
  if (f.remaining > 0) {
    f.remaining--;
    return Status::OK();
  }
  Status error = f.error;
  if (f.sticky) {
    f.firing = true;
  } else {
    f.remaining = -1;
  }
  return error;
}

Status FaultInjectingEnv::DropUnsyncedData(uint64_t seed) {
  std::vector<std::pair<std::string, uint64_t>> truncations;
  std::mt19937_64 rng(seed);
  {
    std::lock_guard<std::mutex> l(mu_);
    for (auto& [path, state] : files_) {
      if (state->size > state->synced_size) {
        uint64_t keep = 0;
        if (seed != 0) keep = rng() % (state->size - state->synced_size + 1);
        uint64_t size = state->synced_size + keep;
        truncations.emplace_back(path, size);
        state->size = size;
        state->synced_size = size;
      }
    }
  }
  Status first;
  for (const auto& [path, size] : truncations) {
    if (!target()->FileExists(path)) continue;
    Status s = target()->TruncateFile(path, size);
    if (first.ok()) first = s;
  }
  return first;
}

Result<std::unique_ptr<SequentialFile>> FaultInjectingEnv::NewSequentialFile(
    const std::string& path) {
  RETURN_IF_ERROR(MaybeFail(FaultOp::kNewSequentialFile));
  ASSIGN_OR_RETURN(std::unique_ptr<SequentialFile> file, target()->NewSequentialFile(path));
  return std::unique_ptr<SequentialFile>(std::make_unique<FaultInjectingSequentialFile>(
      std::move(file), [this] { return MaybeFail(FaultOp::kRead); }));
}

Result<std::unique_ptr<WritableFile>> FaultInjectingEnv::WrapWritable(
    const std::string& path, Result<std::unique_ptr<WritableFile>> file, bool keep_existing) {
  if (!file.ok()) return file.status();
  auto state = std::make_shared<FileState>();
  {
    std::lock_guard<std::mutex> l(mu_);
    auto it = files_.find(path);
    if (keep_existing) {
      // Content present before opening for append counts as durable unless we know better.
      uint64_t size = (*file)->Size();
      state->size = size;
      state->synced_size = it != files_.end() ? std::min(it->second->synced_size, size) : size;
    }
    files_[path] = state;
  }
  return std::unique_ptr<WritableFile>(
      std::make_unique<File>(this, std::move(file).value(), std::move(state)));
}

Result<std::unique_ptr<WritableFile>> FaultInjectingEnv::NewWritableFile(const std::string& path) {
  RETURN_IF_ERROR(MaybeFail(FaultOp::kNewWritableFile));
  return WrapWritable(path, target()->NewWritableFile(path), /*keep_existing=*/false);
}

Result<std::unique_ptr<WritableFile>> FaultInjectingEnv::NewAppendableFile(
    const std::string& path) {
  RETURN_IF_ERROR(MaybeFail(FaultOp::kNewWritableFile));
  return WrapWritable(path, target()->NewAppendableFile(path), /*keep_existing=*/true);
}

Status FaultInjectingEnv::RemoveFile(const std::string& path) {
  RETURN_IF_ERROR(MaybeFail(FaultOp::kRemoveFile));
  RETURN_IF_ERROR(target()->RemoveFile(path));
  std::lock_guard<std::mutex> l(mu_);
  files_.erase(path);
  return Status::OK();
}

Status FaultInjectingEnv::CreateDirs(const std::string& dir) {
  RETURN_IF_ERROR(MaybeFail(FaultOp::kCreateDirs));
  return target()->CreateDirs(dir);
}

Status FaultInjectingEnv::RemoveDirRecursively(const std::string& dir) {
  RETURN_IF_ERROR(MaybeFail(FaultOp::kRemoveFile));
  RETURN_IF_ERROR(target()->RemoveDirRecursively(dir));
  std::lock_guard<std::mutex> l(mu_);
  std::string prefix = dir + "/";
  for (auto it = files_.begin(); it != files_.end();) {
    if (it->first == dir || it->first.compare(0, prefix.size(), prefix) == 0) {
      it = files_.erase(it);
    } else {
      ++it;
    }
  }
  return Status::OK();
}

Status FaultInjectingEnv::RenameFile(const std::string& from, const std::string& to) {
  RETURN_IF_ERROR(MaybeFail(FaultOp::kRename));
  RETURN_IF_ERROR(target()->RenameFile(from, to));
  std::lock_guard<std::mutex> l(mu_);
  auto it = files_.find(from);
  if (it != files_.end()) {
    std::shared_ptr<FileState> state = std::move(it->second);
    files_.erase(it);
    files_[to] = std::move(state);
  } else {
    files_.erase(to);
  }
  return Status::OK();
}

Status FaultInjectingEnv::TruncateFile(const std::string& path, uint64_t size) {
  RETURN_IF_ERROR(MaybeFail(FaultOp::kTruncate));
  RETURN_IF_ERROR(target()->TruncateFile(path, size));
  std::lock_guard<std::mutex> l(mu_);
  auto it = files_.find(path);
  if (it != files_.end()) {
    it->second->size = std::min(it->second->size, size);
    it->second->synced_size = std::min(it->second->synced_size, size);
  }
  return Status::OK();
}

Status FaultInjectingEnv::SyncDir(const std::string& dir) {
  RETURN_IF_ERROR(MaybeFail(FaultOp::kSyncDir));
  return target()->SyncDir(dir);
}

Result<std::unique_ptr<FileLock>> FaultInjectingEnv::LockFile(const std::string& path) {
  RETURN_IF_ERROR(MaybeFail(FaultOp::kLockFile));
  return target()->LockFile(path);
}

}  // namespace alluxio::env
