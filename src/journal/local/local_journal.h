// SPDX-License-Identifier: Apache-2.0
// LocalJournal: the Journal for alluxio.master.journal.type=UFS on a local folder, laid out like
// Alluxio's UfsJournal (journal_layout.h; formats in docs/formats/journal-segment.md and
// docs/formats/checkpoint.md).
//
// Writing: Append assigns the sequence number, serializes the entry into an in-memory batch and
// returns (cheap; the master calls it under its state lock). One flusher thread writes the batch
// to the open segment and fdatasyncs it (group commit): a flush starts as soon as the previous
// one finished and someone waits in WaitForDurable, or the batch is 1 MiB, or its oldest entry
// waited flush_batch_time_ms. After a flush the segment rotates once it holds
// log_size_bytes_max bytes.
//
// Failure: if a write, sync or rotation fails, the journal fails for good: waiters of entries not
// yet durable get Internal, Append gets Unavailable, and on_fatal_error is called once (on the
// flusher thread) so the master can stop. Nothing is retried: a journal whose durability is
// unknown must not acknowledge anything more.
//
// Checkpoints: a background thread writes one when checkpoint_period_entries entries were
// appended since the last; Checkpoint() writes one now. Only Journaled::Snapshot blocks writers
// (briefly); the checkpoint file is written while appends continue. Afterwards at most two
// checkpoints are kept, segments needed by neither are deleted, as are stale .tmp files.
//
// Recovery (Start): see journal_reader.h. A torn tail of the previous open segment is truncated,
// then that segment is completed (renamed to its final range, or deleted if empty) and a new one
// opened.
//
// Thread-safety: thread-safe. Start and Stop must not race each other. Lock order: the caller's
// state lock (held around Append and inside Journaled::Snapshot) before mu_; the journal never
// calls into the Journaled while holding mu_.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "env/env.h"
#include "journal/journal.h"
#include "journal/local/journal_layout.h"
#include "journal/local/journal_reader.h"

namespace alluxio::journal {

class SegmentWriter;

// The master maps configuration keys to these.
struct LocalJournalOptions {
  // alluxio.master.journal.folder (per master).
  std::string folder;
  // alluxio.master.format.file.prefix.
  std::string format_prefix = kDefaultFormatPrefix;
  // alluxio.master.journal.log.size.bytes.max: rotate the open segment at this size.
  int64_t log_size_bytes_max = 10 << 20;
  // alluxio.master.journal.checkpoint.period.entries.
  int64_t checkpoint_period_entries = 2'000'000;
  // alluxio.master.journal.flush.batch.time: the longest an entry nobody waits for stays
  // unflushed. Waited-for entries are flushed at once.
  int64_t flush_batch_time_ms = 100;
  // Skip corrupt records during recovery instead of failing (operator override; loses entries).
  bool tolerate_corruption = false;
  // Called once, on the flusher thread, when the journal fails. Must not call Stop() itself.
  std::function<void(const Status&)> on_fatal_error;
  // Must outlive the journal. nullptr means Env::Default().
  env::Env* env = nullptr;
};

class LocalJournal final : public Journal {
 public:
  explicit LocalJournal(LocalJournalOptions options);
  // Stops (flushing) if still running.
  ~LocalJournal() override;

  LocalJournal(const LocalJournal&) = delete;
  LocalJournal& operator=(const LocalJournal&) = delete;

  // Journal. Start may be called once per object. Besides the errors documented in Journal:
  // InvalidArgument for bad options, FailedPrecondition when started twice. Append returns
  // InvalidArgument for an entry without a payload or larger than 64 MiB.
  Status Start(Journaled* state) override;
  // Returns the failure if the journal failed.
  Status Stop() override;
  Result<SequenceNumber> Append(JournalEntry entry) override;
  // InvalidArgument for a sequence number not appended yet.
  Status WaitForDurable(SequenceNumber sn) override;
  // The flusher runs done after the fsync that makes `sn` durable.
  void OnDurable(SequenceNumber sn, std::function<void(Status)> done) override;
  SequenceNumber NextSequenceNumber() const override;
  // OK without writing when no entry was appended since the last checkpoint. Calls
  // Journaled::Snapshot, so the caller must not hold the state lock.
  Status Checkpoint() override;
  // Stages the records as a checkpoint file in the journal's .tmp folder; Commit completes it,
  // moves it into place as the checkpoint of everything below sequence number 1, then journals
  // the marker as entry 0 (a crash in between leaves the imported state and an empty log, which
  // restarts at 1).
  Result<std::unique_ptr<StateImporter>> BeginImport() override;

  // For tests and metrics.
  int64_t EntriesSinceCheckpoint() const;
  // Checkpoints written by this object.
  int64_t CheckpointsTaken() const;
  // The highest durable sequence number, -1 if none.
  SequenceNumber LastDurableSequenceNumber() const;
  // What recovery found (valid after Start).
  const ReplayResult& recovery() const { return recovery_; }

 private:
  Status Recover();
  void FlusherLoop();
  void CheckpointLoop();
  // Completes the open segment and opens the next one at `next_sn`. Flusher thread only.
  Status Rotate(SequenceNumber next_sn);
  // Enters the failed state (first failure wins) and notifies everyone.
  void Fail(const Status& cause);
  Status WriteCheckpoint();
  class Importer;
  // Moves the complete checkpoint `tmp` into place as the one below `end` (after it was written
  // by an importer). REQUIRES: checkpoint_mu_ held.
  Status InstallCheckpoint(const std::string& tmp, SequenceNumber end);
  // Deletes old checkpoints, segments no kept checkpoint needs, and .tmp files.
  // REQUIRES: checkpoint_mu_ held (no checkpoint in progress).
  void CollectGarbage();
  bool CheckpointDueLocked() const;  // REQUIRES: mu_ held.
  // Moves the callbacks whose sequence number is durable (all of them once failed or stopped)
  // to `ready`. REQUIRES: mu_ held.
  void TakeResolvedCallbacksLocked(
      bool all, std::vector<std::pair<SequenceNumber, std::function<void(Status)>>>* ready);
  // Runs callbacks taken by TakeResolvedCallbacksLocked. REQUIRES: mu_ not held.
  void RunCallbacks(std::vector<std::pair<SequenceNumber, std::function<void(Status)>>>* ready);

  const LocalJournalOptions options_;
  env::Env* const env_;
  const JournalPaths paths_;

  // Set by Start, before the threads exist.
  Journaled* state_ = nullptr;
  std::unique_ptr<env::FileLock> lock_;
  ReplayResult recovery_;

  // Owned by the flusher thread once started (by Start/Stop otherwise).
  std::unique_ptr<SegmentWriter> segment_;
  std::string spare_batch_;

  // Serialises checkpoints (background and on demand) and GC.
  std::mutex checkpoint_mu_;
  SequenceNumber last_checkpoint_end_ = 0;  // GUARDED_BY(checkpoint_mu_)

  mutable std::mutex mu_;
  std::condition_variable flush_cv_;       // The flusher waits for work.
  std::condition_variable durable_cv_;     // WaitForDurable waits for durable_next_.
  std::condition_variable checkpoint_cv_;  // The checkpoint thread waits for work.
  bool started_ = false;                   // GUARDED_BY(mu_): Start was called.
  bool running_ = false;                   // GUARDED_BY(mu_): open for appends.
  bool stopping_ = false;                  // GUARDED_BY(mu_)
  Status failure_;                         // GUARDED_BY(mu_): non-OK once failed.
  SequenceNumber next_sn_ = 0;             // GUARDED_BY(mu_)
  SequenceNumber durable_next_ = 0;        // GUARDED_BY(mu_): all below are durable.
  std::string pending_;                    // GUARDED_BY(mu_): framed records to flush.
  SequenceNumber pending_last_sn_ = -1;    // GUARDED_BY(mu_)
  std::chrono::steady_clock::time_point pending_since_;  // GUARDED_BY(mu_)
  int waiters_ = 0;  // GUARDED_BY(mu_): threads in WaitForDurable.
  // OnDurable callbacks waiting for their sequence number; they count as waiters.
  std::vector<std::pair<SequenceNumber, std::function<void(Status)>>>
      callbacks_;                         // GUARDED_BY(mu_)
  int64_t entries_since_checkpoint_ = 0;  // GUARDED_BY(mu_)
  int64_t checkpoints_taken_ = 0;         // GUARDED_BY(mu_)
  // The checkpoint thread does not retry a failed checkpoint before this.
  std::chrono::steady_clock::time_point next_checkpoint_attempt_;  // GUARDED_BY(mu_)

  std::thread flusher_;
  std::thread checkpointer_;
};

}  // namespace alluxio::journal
