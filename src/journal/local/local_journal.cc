// SPDX-License-Identifier: Apache-2.0
#include "journal/local/local_journal.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "journal/local/checkpoint.h"
#include "journal/local/record_format.h"
#include "journal/local/segment.h"
#include "spdlog/spdlog.h"

namespace alluxio::journal {
namespace {

// A batch this large is flushed without waiting for a waiter or the batch time.
constexpr size_t kEagerFlushBytes = 1 << 20;
// After a failed background checkpoint, the next attempt waits this long.
constexpr std::chrono::seconds kCheckpointRetryDelay(10);

// Replays into the Journaled being recovered.
class StateTarget final : public ReplayTarget {
 public:
  explicit StateTarget(Journaled* state) : state_(state) {}
  void Reset() override { state_->Reset(); }
  Status ApplyCheckpointEntry(const JournalEntry& e) override { return state_->Apply(e); }
  Status ApplyLogEntry(const JournalEntry& e) override { return state_->Apply(e); }

 private:
  Journaled* const state_;
};

}  // namespace

LocalJournal::LocalJournal(LocalJournalOptions options)
    : options_(std::move(options)),
      env_(options_.env != nullptr ? options_.env : env::Env::Default()),
      paths_(options_.folder) {}

LocalJournal::~LocalJournal() {
  // A failure was already reported through on_fatal_error and to every waiter.
  Stop().IgnoreError();
}

Status LocalJournal::Start(Journaled* state) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (started_)
      return FailedPreconditionError("Journal " + paths_.folder + " was started before");
    started_ = true;
  }
  if (options_.folder.empty()) return InvalidArgumentError("the journal folder is not set");
  if (options_.format_prefix.empty()) {
    return InvalidArgumentError("the journal format file prefix is empty");
  }
  if (options_.log_size_bytes_max <= 0 || options_.checkpoint_period_entries <= 0 ||
      options_.flush_batch_time_ms < 0) {
    return InvalidArgumentError(
        "journal options out of range: log size max, checkpoint period and flush batch time "
        "must be positive");
  }
  state_ = state;
  Status s = Recover();
  if (!s.ok()) {
    segment_.reset();
    lock_.reset();
    return s;
  }
  {
    std::lock_guard<std::mutex> l(mu_);
    running_ = true;
  }
  flusher_ = std::thread([this] { FlusherLoop(); });
  checkpointer_ = std::thread([this] { CheckpointLoop(); });
  return Status::OK();
}

Status LocalJournal::Recover() {
  const std::string& folder = paths_.folder;
  ASSIGN_OR_RETURN(bool formatted, IsLocalJournalFormatted(env_, folder, options_.format_prefix));
  if (!formatted) return FailedPreconditionError("Journal " + folder + " has not been formatted!");
  RETURN_IF_ERROR(env_->CreateDirs(paths_.logs()));
  RETURN_IF_ERROR(env_->CreateDirs(paths_.checkpoints()));
  RETURN_IF_ERROR(env_->CreateDirs(paths_.tmp()));
  Result<std::unique_ptr<env::FileLock>> lock = env_->LockFile(paths_.lock());
  if (!lock.ok()) return lock.status().WithContext("Cannot start journal " + folder);
  lock_ = std::move(lock).value();

  StateTarget target(state_);
  ReplayOptions replay_options;
  replay_options.repair = true;
  replay_options.tolerate_corruption = options_.tolerate_corruption;
  ASSIGN_OR_RETURN(recovery_, ReplayLocalJournal(env_, folder, &target, replay_options));

  // Complete the segments the previous primary left open.
  for (const RangeFile& open : recovery_.open_segments) {
    if (open.end == open.start) {
      spdlog::info("Deleting empty journal segment {}", open.path);
      RETURN_IF_ERROR(env_->RemoveFile(open.path));
    } else {
      std::string completed = paths_.logs() + "/" + RangeName(open.start, open.end);
      spdlog::info("Completing journal segment {} as {}", open.path, completed);
      RETURN_IF_ERROR(env_->RenameFile(open.path, completed));
    }
  }
  SequenceNumber next = recovery_.next_sequence_number;
  ASSIGN_OR_RETURN(
      segment_,
      SegmentWriter::Create(env_, paths_.logs() + "/" + RangeName(next, kOpenSegmentEnd), next));
  RETURN_IF_ERROR(segment_->Sync());
  RETURN_IF_ERROR(env_->SyncDir(paths_.logs()));
  {
    std::lock_guard<std::mutex> l(mu_);
    next_sn_ = next;
    durable_next_ = next;
    entries_since_checkpoint_ = next - recovery_.checkpoint_end;
  }
  {
    std::lock_guard<std::mutex> l(checkpoint_mu_);
    last_checkpoint_end_ = recovery_.checkpoint_end;
    CollectGarbage();
  }
  spdlog::info(
      "Journal {} recovered: checkpoint {} (below {}), {} log entries, next sequence number {}",
      folder, recovery_.checkpoint_path.empty() ? "none" : recovery_.checkpoint_path,
      recovery_.checkpoint_end, recovery_.log_entries, next);
  return Status::OK();
}

Status LocalJournal::Stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!started_) return Status::OK();
    if (flusher_.joinable() && std::this_thread::get_id() == flusher_.get_id()) {
      return FailedPreconditionError("LocalJournal::Stop called on the journal's flusher thread");
    }
    stopping_ = true;
    running_ = false;
  }
  flush_cv_.notify_all();
  checkpoint_cv_.notify_all();
  if (flusher_.joinable()) flusher_.join();  // It flushes everything appended first.
  {
    std::vector<std::pair<SequenceNumber, std::function<void(Status)>>> ready;
    {
      std::lock_guard<std::mutex> l(mu_);
      TakeResolvedCallbacksLocked(true, &ready);
    }
    RunCallbacks(&ready);
  }
  if (checkpointer_.joinable()) checkpointer_.join();
  // Waits for an on-demand Checkpoint() in progress.
  std::lock_guard<std::mutex> ck(checkpoint_mu_);
  Status s;
  if (segment_ != nullptr) {
    s = segment_->Close();
    segment_.reset();
  }
  lock_.reset();
  std::lock_guard<std::mutex> l(mu_);
  return failure_.ok() ? s : failure_;
}

Result<SequenceNumber> LocalJournal::Append(JournalEntry entry) {
  // Replay would refuse such an entry ("Unrecognized journal entry"): never write one.
  if (!IsRecognizedEntry(entry)) {
    return InvalidArgumentError("a journal entry has no payload: " + entry.ShortDebugString());
  }
  std::unique_lock<std::mutex> l(mu_);
  if (!failure_.ok()) {
    return UnavailableError("Journal " + paths_.folder +
                            " is not writable: " + std::string(failure_.message()));
  }
  if (!running_) return UnavailableError("Journal " + paths_.folder + " is not open for writing");
  SequenceNumber sn = next_sn_;
  entry.set_sequence_number(sn);
  const size_t before = pending_.size();
  AppendEntryRecord(&pending_, entry);
  const size_t payload_size = pending_.size() - before - kRecordHeaderSize;
  if (payload_size > kMaxRecordPayload) {
    pending_.resize(before);
    return InvalidArgumentError("journal entry of " + std::to_string(payload_size) +
                                " bytes is larger than the limit of " +
                                std::to_string(kMaxRecordPayload));
  }
  next_sn_++;
  pending_last_sn_ = sn;
  if (before == 0) pending_since_ = std::chrono::steady_clock::now();
  entries_since_checkpoint_++;
  bool wake_flusher =
      before == 0 || (before < kEagerFlushBytes && pending_.size() >= kEagerFlushBytes);
  bool wake_checkpointer = entries_since_checkpoint_ == options_.checkpoint_period_entries;
  l.unlock();
  if (wake_flusher) flush_cv_.notify_one();
  if (wake_checkpointer) checkpoint_cv_.notify_one();
  return sn;
}

Status LocalJournal::WaitForDurable(SequenceNumber sn) {
  std::unique_lock<std::mutex> l(mu_);
  if (sn < durable_next_) return Status::OK();
  if (sn >= next_sn_) {
    return InvalidArgumentError("sequence number " + std::to_string(sn) +
                                " has not been appended (next is " + std::to_string(next_sn_) +
                                ")");
  }
  if (!failure_.ok()) return failure_;
  waiters_++;
  flush_cv_.notify_one();  // Someone waits: flush now rather than at the batch time.
  durable_cv_.wait(l, [&] { return sn < durable_next_ || !failure_.ok(); });
  waiters_--;
  return sn < durable_next_ ? Status::OK() : failure_;
}

void LocalJournal::OnDurable(SequenceNumber sn, std::function<void(Status)> done) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (sn >= durable_next_ && sn < next_sn_ && failure_.ok() && !stopping_ &&
        flusher_.joinable()) {
      callbacks_.emplace_back(sn, std::move(done));
      if (callbacks_.size() == 1) flush_cv_.notify_one();  // flush now, not at the batch time
      return;
    }
  }
  done(WaitForDurable(sn));  // known already (durable, failed, or an invalid sequence number)
}

void LocalJournal::TakeResolvedCallbacksLocked(
    bool all, std::vector<std::pair<SequenceNumber, std::function<void(Status)>>>* ready) {
  auto keep = std::partition(callbacks_.begin(), callbacks_.end(),
                             [&](const auto& c) { return !all && c.first >= durable_next_; });
  for (auto it = keep; it != callbacks_.end(); ++it) ready->push_back(std::move(*it));
  callbacks_.erase(keep, callbacks_.end());
}

void LocalJournal::RunCallbacks(
    std::vector<std::pair<SequenceNumber, std::function<void(Status)>>>* ready) {
  if (ready->empty()) return;
  Status failure;
  SequenceNumber durable;
  {
    std::lock_guard<std::mutex> l(mu_);
    std::string why = "Journal " + paths_.folder + " stopped before the entry was durable";
    failure = failure_.ok() ? UnavailableError(why) : failure_;
    durable = durable_next_;
  }
  for (auto& [sn, done] : *ready) done(sn < durable ? Status::OK() : failure);
  ready->clear();
}

SequenceNumber LocalJournal::NextSequenceNumber() const {
  std::lock_guard<std::mutex> l(mu_);
  return next_sn_;
}

void LocalJournal::FlusherLoop() {
  const auto batch_time = std::chrono::milliseconds(options_.flush_batch_time_ms);
  std::unique_lock<std::mutex> l(mu_);
  while (true) {
    // Wait until a batch should be flushed.
    while (true) {
      if (!failure_.ok()) return;
      if (!pending_.empty()) {
        if (stopping_ || waiters_ > 0 || !callbacks_.empty() ||
            pending_.size() >= kEagerFlushBytes) {
          break;
        }
        auto deadline = pending_since_ + batch_time;
        if (std::chrono::steady_clock::now() >= deadline) break;
        flush_cv_.wait_until(l, deadline);
        continue;
      }
      if (stopping_) return;
      flush_cv_.wait(l);
    }
    // Take the batch; appends go on into the (recycled) other buffer meanwhile.
    spare_batch_.clear();
    pending_.swap(spare_batch_);
    const SequenceNumber last = pending_last_sn_;
    l.unlock();

    Status s = segment_->Append(spare_batch_);
    if (s.ok()) s = segment_->Sync();
    if (!s.ok()) {
      Fail(s.WithContext("writing journal segment " + segment_->path()));
      return;
    }
    if (spare_batch_.capacity() > 4 * kEagerFlushBytes) std::string().swap(spare_batch_);
    l.lock();
    durable_next_ = last + 1;
    durable_cv_.notify_all();
    if (!callbacks_.empty()) {
      std::vector<std::pair<SequenceNumber, std::function<void(Status)>>> ready;
      TakeResolvedCallbacksLocked(false, &ready);
      l.unlock();
      RunCallbacks(&ready);
      l.lock();
    }
    if (segment_->size() >= static_cast<uint64_t>(options_.log_size_bytes_max)) {
      l.unlock();
      s = Rotate(last + 1);
      if (!s.ok()) {
        Fail(s.WithContext("rotating journal segment " + segment_->path()));
        return;
      }
      l.lock();
    }
  }
}

Status LocalJournal::Rotate(SequenceNumber next_sn) {
  RETURN_IF_ERROR(segment_->Close());
  std::string completed = paths_.logs() + "/" + RangeName(segment_->first_sn(), next_sn);
  RETURN_IF_ERROR(env_->RenameFile(segment_->path(), completed));
  ASSIGN_OR_RETURN(std::unique_ptr<SegmentWriter> next,
                   SegmentWriter::Create(
                       env_, paths_.logs() + "/" + RangeName(next_sn, kOpenSegmentEnd), next_sn));
  segment_ = std::move(next);
  // One directory sync covers both names. Entries of the new segment are acknowledged only
  // after its first Sync, which comes after this.
  return env_->SyncDir(paths_.logs());
}

void LocalJournal::Fail(const Status& cause) {
  Status failure = InternalError("Journal " + paths_.folder +
                                 " failed and accepts no more entries: " + cause.ToString());
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!failure_.ok()) return;
    failure_ = failure;
    running_ = false;
  }
  spdlog::error("{}", failure.ToString());
  // Before waking the waiters, so that the master hears of the failure before any client does
  // (barring spurious wake-ups).
  if (options_.on_fatal_error) options_.on_fatal_error(failure);
  durable_cv_.notify_all();
  std::vector<std::pair<SequenceNumber, std::function<void(Status)>>> ready;
  {
    std::lock_guard<std::mutex> l(mu_);
    TakeResolvedCallbacksLocked(true, &ready);
  }
  RunCallbacks(&ready);
  flush_cv_.notify_all();
  checkpoint_cv_.notify_all();
}

Status LocalJournal::Checkpoint() {
  std::lock_guard<std::mutex> ck(checkpoint_mu_);
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!failure_.ok()) return failure_;
    if (!running_) return FailedPreconditionError("Journal " + paths_.folder + " is not started");
  }
  return WriteCheckpoint();
}

class LocalJournal::Importer final : public StateImporter {
 public:
  Importer(LocalJournal* journal, std::string tmp, std::unique_ptr<CheckpointWriter> writer)
      : journal_(journal), tmp_(std::move(tmp)), writer_(std::move(writer)) {}
  ~Importer() override {
    if (committed_) return;
    writer_.reset();  // closes the file
    if (journal_->env_->FileExists(tmp_)) journal_->env_->RemoveFile(tmp_).IgnoreError();
  }

  Status Add(std::string_view header, std::string_view payload) override {
    return writer_->WriteRecord(header, payload);
  }

  Status Commit(JournalEntry marker) override {
    if (committed_) return FailedPreconditionError("the import was committed already");
    {
      std::lock_guard<std::mutex> ck(journal_->checkpoint_mu_);
      if (journal_->NextSequenceNumber() != 0) {
        return FailedPreconditionError("Journal " + journal_->paths_.folder +
                                       " received entries during the import");
      }
      RETURN_IF_ERROR(writer_->Finish());
      spdlog::info("Imported {} entries into checkpoint {}", writer_->entry_count(), tmp_);
      RETURN_IF_ERROR(journal_->InstallCheckpoint(tmp_, 1));
      committed_ = true;
    }
    ASSIGN_OR_RETURN(SequenceNumber sn, journal_->Append(std::move(marker)));
    return journal_->WaitForDurable(sn);
  }

 private:
  LocalJournal* const journal_;
  const std::string tmp_;
  std::unique_ptr<CheckpointWriter> writer_;
  bool committed_ = false;
};

Result<std::unique_ptr<StateImporter>> LocalJournal::BeginImport() {
  std::lock_guard<std::mutex> ck(checkpoint_mu_);
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!failure_.ok()) return failure_;
    if (!running_) return FailedPreconditionError("Journal " + paths_.folder + " is not started");
    if (next_sn_ != 0 || last_checkpoint_end_ != 0) {
      return FailedPreconditionError("Journal " + paths_.folder +
                                     " is not empty: a state can only be imported into an "
                                     "empty journal");
    }
  }
  const std::string tmp =
      paths_.tmp() + "/" + RangeName(0, 1) + ".import." + std::to_string(env_->NowMillis());
  ASSIGN_OR_RETURN(std::unique_ptr<CheckpointWriter> writer,
                   CheckpointWriter::Create(env_, tmp, 1));
  return std::unique_ptr<StateImporter>(new Importer(this, tmp, std::move(writer)));
}

Status LocalJournal::InstallCheckpoint(const std::string& tmp, SequenceNumber end) {
  const std::string name = RangeName(0, end);
  RETURN_IF_ERROR(env_->RenameFile(tmp, paths_.checkpoints() + "/" + name));
  RETURN_IF_ERROR(env_->SyncDir(paths_.checkpoints()));
  last_checkpoint_end_ = end;
  std::lock_guard<std::mutex> l(mu_);
  checkpoints_taken_++;
  entries_since_checkpoint_ = next_sn_ - end;
  return Status::OK();
}

Status LocalJournal::WriteCheckpoint() {
  std::unique_ptr<StateSnapshot> snapshot = state_->Snapshot(this);
  const SequenceNumber end = snapshot->next_sequence_number();
  if (end == last_checkpoint_end_) return Status::OK();  // Nothing new.
  // The checkpoint must never cover entries that a crash could still lose.
  if (end > 0) RETURN_IF_ERROR(WaitForDurable(end - 1));
  const std::string name = RangeName(0, end);
  const std::string tmp = paths_.tmp() + "/" + name + "." + std::to_string(env_->NowMillis());
  int64_t entries = 0;
  Status s = [&]() -> Status {
    ASSIGN_OR_RETURN(std::unique_ptr<CheckpointWriter> writer,
                     CheckpointWriter::Create(env_, tmp, end));
    RETURN_IF_ERROR(snapshot->WriteTo(writer.get()));
    RETURN_IF_ERROR(writer->Finish());
    entries = writer->entry_count();
    return InstallCheckpoint(tmp, end);
  }();
  if (!s.ok()) {
    if (env_->FileExists(tmp)) {
      // Best effort; GC removes it later otherwise.
      env_->RemoveFile(tmp).IgnoreError();
    }
    return s.WithContext("Failed to write checkpoint " + name + " of journal " + paths_.folder);
  }
  spdlog::info("Wrote checkpoint {}/{} ({} entries)", paths_.checkpoints(), name, entries);
  CollectGarbage();
  return Status::OK();
}

void LocalJournal::CollectGarbage() {
  Result<std::vector<RangeFile>> checkpoints = ListCheckpoints(env_, paths_);
  if (!checkpoints.ok()) {
    spdlog::warn("Journal GC: {}", checkpoints.status().ToString());
    return;
  }
  auto remove = [&](const std::string& path) {
    Status s = env_->RemoveFile(path);
    if (!s.ok()) spdlog::warn("Journal GC: {}", s.ToString());
  };
  while (checkpoints->size() > 2) {
    spdlog::info("Deleting old checkpoint {}", checkpoints->front().path);
    remove(checkpoints->front().path);
    checkpoints->erase(checkpoints->begin());
  }
  if (!checkpoints->empty()) {
    // Keep every segment the older kept checkpoint needs, so that it is a real fallback should
    // the newest one prove unreadable.
    const SequenceNumber floor = checkpoints->front().end;
    Result<std::vector<RangeFile>> segments = ListSegments(env_, paths_);
    if (!segments.ok()) {
      spdlog::warn("Journal GC: {}", segments.status().ToString());
    } else {
      for (const RangeFile& segment : *segments) {
        if (!segment.open() && segment.end <= floor) {
          spdlog::info("Deleting journal segment {} (covered by checkpoints)", segment.path);
          remove(segment.path);
        }
      }
    }
  }
  Result<std::vector<std::string>> tmp = env_->GetChildren(paths_.tmp());
  if (tmp.ok()) {
    for (const std::string& name : *tmp) {
      spdlog::info("Deleting stale temporary checkpoint {}/{}", paths_.tmp(), name);
      Status s = env_->RemoveDirRecursively(paths_.tmp() + "/" + name);
      if (!s.ok()) spdlog::warn("Journal GC: {}", s.ToString());
    }
  }
}

bool LocalJournal::CheckpointDueLocked() const {
  return entries_since_checkpoint_ >= options_.checkpoint_period_entries;
}

void LocalJournal::CheckpointLoop() {
  std::unique_lock<std::mutex> l(mu_);
  while (true) {
    if (stopping_ || !failure_.ok()) return;
    if (!CheckpointDueLocked()) {
      checkpoint_cv_.wait(l);
      continue;
    }
    if (std::chrono::steady_clock::now() < next_checkpoint_attempt_) {
      checkpoint_cv_.wait_until(l, next_checkpoint_attempt_);
      continue;
    }
    l.unlock();
    Status s = Checkpoint();
    l.lock();
    if (!s.ok() && !stopping_) {
      spdlog::warn("Background checkpoint failed, retrying in {} s: {}",
                   kCheckpointRetryDelay.count(), s.ToString());
      next_checkpoint_attempt_ = std::chrono::steady_clock::now() + kCheckpointRetryDelay;
    }
  }
}

int64_t LocalJournal::EntriesSinceCheckpoint() const {
  std::lock_guard<std::mutex> l(mu_);
  return entries_since_checkpoint_;
}

int64_t LocalJournal::CheckpointsTaken() const {
  std::lock_guard<std::mutex> l(mu_);
  return checkpoints_taken_;
}

SequenceNumber LocalJournal::LastDurableSequenceNumber() const {
  std::lock_guard<std::mutex> l(mu_);
  return durable_next_ - 1;
}

}  // namespace alluxio::journal
