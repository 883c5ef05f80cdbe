// SPDX-License-Identifier: Apache-2.0
// Persistence of files written to Alluxio only (ASYNC_THROUGH, `fs persist`): the scheduler hands
// each file TO_BE_PERSISTED to a live worker that caches all its blocks, as a PersistFile command
// in that worker's next file system heartbeat reply. The worker writes the UFS file (temp name,
// then rename; it creates missing parent directories) and reports the outcome in a later
// heartbeat: success journals PERSISTED (+ fingerprint) for the file and its not-persisted
// ancestors; failure, a lost worker or silence retries with exponential backoff
// (alluxio.master.persistence.initial.interval .. max.interval) until max.total.wait.time.
#include <limits>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/path.h"
#include "master/file/file_system_master.h"
#include "master/file/ops/op_util.h"

namespace alluxio::master {

namespace pj = ::alluxio::proto::journal;

void FileSystemMaster::AppendPersistedEntries(const Inode& file, const std::string& fingerprint,
                                              std::vector<journal::JournalEntry>* entries) const {
  journal::JournalEntry e;
  auto* u = e.mutable_update_inode();
  u->set_id(file.id);
  u->set_persistence_state(pj::PERSISTED);
  if (!fingerprint.empty()) u->set_ufs_fingerprint(fingerprint);
  entries->push_back(std::move(e));
  // The parents now exist in the UFS too (within the file's mount: stop at its mount point).
  for (const Inode* dir = tree_.Get(file.parent_id); dir != nullptr && !dir->mount_point;
       dir = tree_.Get(dir->parent_id)) {
    if (dir->persisted()) continue;
    journal::JournalEntry d;
    d.mutable_update_inode()->set_id(dir->id);
    d.mutable_update_inode()->set_persistence_state(pj::PERSISTED);
    entries->push_back(std::move(d));
  }
}

Result<std::string> FileSystemMaster::CreateEmptyUfsFile(
    ufs::UnderFileSystem* ufs, const std::string& parent_ufs_path, const std::string& ufs_path,
    int32_t mode, const std::string& owner, const std::string& group, int32_t dir_mode) {
  ufs::CreateOptions dir_options;
  dir_options.mode = dir_mode;
  Status s = ufs->Mkdirs(parent_ufs_path, /*parents=*/true, dir_options);
  if (!s.ok() && s.code() != StatusCode::kAlreadyExists) {
    return s.WithContext("create parent directories in the UFS");
  }
  ufs::CreateOptions co;
  co.mode = mode;
  co.owner = owner;
  co.group = group;
  ASSIGN_OR_RETURN(auto out, ufs->Create(ufs_path, co));
  RETURN_IF_ERROR(out->Close().WithContext("create empty file in the UFS"));
  auto st = ufs->GetStatus(ufs_path);
  return st.ok() ? st->Fingerprint() : std::string();
}

void FileSystemMaster::TimePersistJob(InodeId id, int64_t wait_ms) {
  std::lock_guard<std::mutex> l(persist_mu_);
  auto it = persist_jobs_.find(id);
  if (it == persist_jobs_.end()) return;
  PersistJob& job = it->second;
  if (job.worker != 0) return;  // in flight: let it finish
  const int64_t now = NowMs();
  job.first_queued_ms = now;
  job.backoff_ms = 0;
  job.ready_at_ms = wait_ms < 0 ? std::numeric_limits<int64_t>::max() : now + wait_ms;
}

void FileSystemMaster::BackOff(PersistJob* job, int64_t now_ms) {
  job->backoff_ms = job->backoff_ms == 0
                        ? options_.persistence_initial_interval_ms
                        : std::min(job->backoff_ms * 2, options_.persistence_max_interval_ms);
  job->ready_at_ms = now_ms + job->backoff_ms;
  job->worker = 0;
  job->assigned_ms = 0;
  job->ufs_path.clear();
}

size_t FileSystemMaster::persist_queue_size() {
  std::lock_guard<std::mutex> l(persist_mu_);
  return persist_jobs_.size();
}

Status FileSystemMaster::ScheduleAsyncPersistence(
    const OperationContext& ctx, std::string_view raw_path,
    const grpc::file::ScheduleAsyncPersistencePOptions& options) {
  ASSIGN_OR_RETURN(std::string path, NormalizePath(raw_path));
  if (IsRetryOfCompletedOperation(ctx)) return Status();
  const std::string user = EffectiveUser(ctx);
  const int64_t wait_ms = options.has_persistence_wait_time() ? options.persistence_wait_time() : 0;
  auto validate = [&](const ResolvedPath& r) -> Status {
    if (!r.found()) return internal::PathDoesNotExist(path);
    const Inode* f = r.target();
    if (f->is_directory) {
      return InvalidArgumentError(fmt::format("Path \"{}\" must be a file.", path));
    }
    if (!f->completed) {
      return InvalidArgumentError(
          fmt::format("Cannot persist an incomplete Alluxio file: {}", path));
    }
    RETURN_IF_ERROR(CheckWritable(path));
    return permissions_.Check(user, *f, kModeWrite, path);
  };
  bool empty = false;
  std::string ufs_path, parent_ufs_path;
  std::shared_ptr<ufs::UnderFileSystem> ufs;
  int32_t mode = 0644;
  std::string owner, group;
  {
    SharedLock lock(state_mu_);
    ASSIGN_OR_RETURN(ResolvedPath r, ResolveChecked(ctx, path));
    RETURN_IF_ERROR(validate(r));
    const Inode* f = r.target();
    if (f->persisted()) return Status();
    empty = f->length == 0;
    MountResolution res = mount_table_.Resolve(path);
    ufs_path = res.ufs_path;
    parent_ufs_path = mount_table_.Resolve(ParentPath(path)).ufs_path;
    ufs = res.mount->ufs;
    mode = f->mode;
    owner = f->owner;
    group = f->group;
  }
  // An empty file needs no worker: create it in the UFS now.
  std::string fingerprint;
  if (empty) {
    ASSIGN_OR_RETURN(fingerprint, CreateEmptyUfsFile(ufs.get(), parent_ufs_path, ufs_path, mode,
                                                     owner, group, 0777 & ~options_.umask));
  }
  journal::SequenceNumber sn = -1;
  {
    ExclusiveLock lock(state_mu_);
    ResolvedPath r = tree_.Resolve(path);
    RETURN_IF_ERROR(validate(r));
    const Inode* f = r.target();
    if (f->persisted()) return Status();
    std::vector<journal::JournalEntry> entries;
    if (empty && f->length == 0) {
      AppendPersistedEntries(*f, fingerprint, &entries);
    } else if (f->persistence_state == pj::TO_BE_PERSISTED) {
      TimePersistJob(f->id, wait_ms);  // already queued: asking again restarts its clock
      return Status();
    } else {
      journal::JournalEntry e;
      e.mutable_update_inode()->set_id(f->id);
      e.mutable_update_inode()->set_persistence_state(pj::TO_BE_PERSISTED);
      entries.push_back(std::move(e));
    }
    const InodeId id = f->id;
    ASSIGN_OR_RETURN(sn, ApplyAndJournal(internal::Batch(std::move(entries)), ctx));
    TimePersistJob(id, wait_ms);
  }
  return WaitDurable(sn);
}

void FileSystemMaster::RunPersistenceScheduler(int64_t now_ms) {
  if (block_master_ == nullptr) return;
  struct Candidate {
    InodeId id;
    grpc::file::PersistFile command;
    std::vector<BlockId> blocks;
  };
  std::vector<Candidate> candidates;
  std::vector<std::pair<InodeId, WorkerId>> in_flight;
  std::vector<InodeId> timed_out;
  {
    SharedLock lock(state_mu_);
    std::lock_guard<std::mutex> l(persist_mu_);
    std::vector<InodeId> given_up;
    for (auto& [id, job] : persist_jobs_) {
      if (job.first_queued_ms == 0) job.first_queued_ms = now_ms;  // e.g. rebuilt by replay
      if (job.worker != 0) {
        if (now_ms - job.assigned_ms > options_.persist_report_timeout_ms) {
          spdlog::warn("Worker {} did not report on persisting file {} within {} ms; retrying",
                       job.worker, id, options_.persist_report_timeout_ms);
          BackOff(&job, now_ms);
        } else {
          in_flight.emplace_back(id, job.worker);
        }
        continue;
      }
      if (job.ready_at_ms > now_ms) continue;
      const Inode* f = tree_.Get(id);
      if (f == nullptr) continue;  // cannot happen: deletes drop their jobs
      if (now_ms - job.first_queued_ms > options_.persistence_max_total_wait_ms) {
        spdlog::error(
            "Giving up persisting {} (file id {}): not persisted after {} ms; it stays "
            "TO_BE_PERSISTED until persisted again (fs persist)",
            tree_.PathOf(f), id, now_ms - job.first_queued_ms);
        given_up.push_back(id);
        continue;
      }
      Candidate c;
      c.id = id;
      std::string path = tree_.PathOf(f);
      MountResolution res = mount_table_.Resolve(path);
      auto& cmd = c.command;
      cmd.set_file_id(id);
      for (int64_t i = 0, n = FileBlockCount(*f); i < n; ++i) {
        c.blocks.push_back(BlockIdOf(id, i));
        cmd.add_block_ids(BlockIdOf(id, i));
      }
      cmd.set_ufs_path(res.ufs_path);
      cmd.set_mount_id(res.mount ? res.mount->mount_id : 0);
      cmd.set_length(f->length);
      cmd.set_owner(f->owner.str());
      cmd.set_group(f->group.str());
      cmd.set_mode(f->mode);
      candidates.push_back(std::move(c));
    }
    for (InodeId id : given_up) persist_jobs_.erase(id);
  }
  // Block master calls without our locks.
  std::vector<std::pair<InodeId, WorkerId>> lost;
  for (const auto& [id, worker] : in_flight) {
    if (!block_master_->IsWorkerLive(worker)) lost.emplace_back(id, worker);
  }
  std::vector<std::pair<Candidate*, WorkerId>> assigned;
  for (Candidate& c : candidates) {
    std::optional<WorkerId> w = block_master_->FindWorkerWithAllBlocks(c.blocks);
    if (!w) {
      spdlog::debug("No live worker caches every block of file {}; its persistence waits", c.id);
      continue;
    }
    assigned.emplace_back(&c, *w);
  }
  std::lock_guard<std::mutex> l(persist_mu_);
  for (const auto& [id, worker] : lost) {
    auto it = persist_jobs_.find(id);
    if (it == persist_jobs_.end() || it->second.worker != worker) continue;
    spdlog::warn("Worker {} persisting file {} is lost; retrying", worker, id);
    BackOff(&it->second, now_ms);
  }
  for (auto& [c, worker] : assigned) {
    auto it = persist_jobs_.find(c->id);
    if (it == persist_jobs_.end() || it->second.worker != 0) continue;  // deleted or taken
    it->second.worker = worker;
    it->second.assigned_ms = now_ms;
    it->second.ufs_path = c->command.ufs_path();
    pending_persists_[worker].push_back(std::move(c->command));
  }
}

Result<grpc::file::FileSystemCommand> FileSystemMaster::WorkerHeartbeat(
    int64_t worker_id, const std::vector<grpc::file::PersistedFile>& persisted_files) {
  const int64_t now = NowMs();
  std::vector<const grpc::file::PersistedFile*> successes;
  {
    std::lock_guard<std::mutex> l(persist_mu_);
    for (const grpc::file::PersistedFile& p : persisted_files) {
      if (p.success()) {
        successes.push_back(&p);
        continue;
      }
      auto it = persist_jobs_.find(p.file_id());
      if (it == persist_jobs_.end() || it->second.worker != worker_id) continue;
      BackOff(&it->second, now);
      spdlog::warn("Worker {} failed to persist file {}: {}; retrying in {} ms", worker_id,
                   p.file_id(), p.error(), it->second.backoff_ms);
    }
  }
  journal::SequenceNumber sn = -1;
  if (!successes.empty()) {
    ExclusiveLock lock(state_mu_);
    std::vector<journal::JournalEntry> entries;
    for (const grpc::file::PersistedFile* p : successes) {
      const Inode* f = tree_.Get(p->file_id());
      // Deleted meanwhile, or persisted already (a late duplicate report): nothing to record.
      if (f == nullptr || f->is_directory || f->persistence_state != pj::TO_BE_PERSISTED) continue;
      // Renamed while the worker wrote it: the UFS file is at the old path. Retry at the new one.
      std::string ufs_path = mount_table_.Resolve(tree_.PathOf(f)).ufs_path;
      {
        std::lock_guard<std::mutex> l(persist_mu_);
        auto it = persist_jobs_.find(f->id);
        if (it != persist_jobs_.end() && !it->second.ufs_path.empty() &&
            it->second.ufs_path != ufs_path) {
          spdlog::warn("File {} moved to {} while worker {} persisted it to {}; retrying", f->id,
                       ufs_path, worker_id, it->second.ufs_path);
          BackOff(&it->second, now);
          continue;
        }
      }
      AppendPersistedEntries(*f, p->ufs_fingerprint(), &entries);
      spdlog::info("Persisted {} (file id {}) by worker {}", tree_.PathOf(f), f->id, worker_id);
    }
    if (!entries.empty()) {
      ASSIGN_OR_RETURN(sn, ApplyAndJournal(internal::Batch(std::move(entries)), {}));
    }
  }
  grpc::file::FileSystemCommand command;
  {
    std::lock_guard<std::mutex> l(persist_mu_);
    auto it = pending_persists_.find(worker_id);
    if (it != pending_persists_.end()) {
      for (grpc::file::PersistFile& cmd : it->second) {
        auto job = persist_jobs_.find(cmd.file_id());
        // Dropped (deleted, persisted) or handed to another worker since.
        if (job == persist_jobs_.end() || job->second.worker != worker_id) continue;
        job->second.assigned_ms = now;  // the report timeout runs from delivery
        *command.add_persist_files() = std::move(cmd);
      }
      pending_persists_.erase(it);
    }
  }
  command.set_command_type(command.persist_files_size() > 0 ? grpc::file::FS_PERSIST
                                                            : grpc::file::FS_NOTHING);
  if (sn >= 0) RETURN_IF_ERROR(WaitDurable(sn));
  return command;
}

void FileSystemMaster::PersistLoop() {
  std::unique_lock<std::mutex> l(ttl_mu_);
  while (!stopping_) {
    ttl_cv_.wait_for(l, std::chrono::milliseconds(
                            std::max<int64_t>(options_.persistence_scheduler_interval_ms, 10)));
    if (stopping_) break;
    l.unlock();
    RunPersistenceScheduler(NowMs());
    l.lock();
  }
}

}  // namespace alluxio::master
