// SPDX-License-Identifier: Apache-2.0
// MemoryJournal: a Journal kept in memory. Entries are "durable" as soon as they are appended.
// Used by unit tests of Journaled state, and to replay a recorded history into a fresh state
// (Restart() simulates a master restart: Reset + replay of the checkpoint and later entries).
// Thread-safety: thread-safe.
#pragma once

#include <deque>
#include <mutex>
#include <vector>

#include "journal/journal.h"

namespace alluxio::journal {

class MemoryJournal final : public Journal {
 public:
  Status Start(Journaled* state) override {
    std::lock_guard<std::mutex> l(mu_);
    state_ = state;
    started_ = true;
    return ReplayLocked();
  }
  Status Stop() override {
    std::lock_guard<std::mutex> l(mu_);
    started_ = false;
    return Status();
  }
  Result<SequenceNumber> Append(JournalEntry entry) override {
    std::lock_guard<std::mutex> l(mu_);
    if (!started_) return UnavailableError("journal is not open for writing");
    SequenceNumber sn = static_cast<SequenceNumber>(checkpoint_next_ + log_.size());
    entry.set_sequence_number(sn);
    log_.push_back(std::move(entry));
    return sn;
  }
  Status WaitForDurable(SequenceNumber) override { return Status(); }
  SequenceNumber NextSequenceNumber() const override {
    std::lock_guard<std::mutex> l(mu_);
    return static_cast<SequenceNumber>(checkpoint_next_ + log_.size());
  }
  // Takes a snapshot of the state and drops the log entries it covers.
  Status Checkpoint() override {
    Journaled* state;
    {
      std::lock_guard<std::mutex> l(mu_);
      if (!started_) return FailedPreconditionError("journal is not started");
      state = state_;
    }
    std::unique_ptr<StateSnapshot> snap = state->Snapshot(this);
    struct Collect : EntrySink {
      std::vector<JournalEntry>* out;
      Status Write(const JournalEntry& e) override {
        out->push_back(e);
        return Status();
      }
    };
    std::vector<JournalEntry> entries;
    Collect sink;
    sink.out = &entries;
    RETURN_IF_ERROR(snap->WriteTo(&sink));
    std::lock_guard<std::mutex> l(mu_);
    SequenceNumber covered = snap->next_sequence_number();
    log_.erase(log_.begin(), log_.begin() + (covered - checkpoint_next_));
    checkpoint_ = std::move(entries);
    checkpoint_next_ = covered;
    ++checkpoints_;
    return Status();
  }

  // Replays everything into `state` as a restarted master would.
  Status Restart(Journaled* state) {
    std::lock_guard<std::mutex> l(mu_);
    state_ = state;
    started_ = true;
    return ReplayLocked();
  }
  size_t log_size() const {
    std::lock_guard<std::mutex> l(mu_);
    return log_.size();
  }
  int checkpoints() const {
    std::lock_guard<std::mutex> l(mu_);
    return checkpoints_;
  }

 private:
  Status ReplayLocked() {
    state_->Reset();
    for (const JournalEntry& e : checkpoint_) RETURN_IF_ERROR(state_->Apply(e));
    for (const JournalEntry& e : log_) RETURN_IF_ERROR(state_->Apply(e));
    return Status();
  }

  mutable std::mutex mu_;
  Journaled* state_ = nullptr;
  bool started_ = false;
  std::vector<JournalEntry> checkpoint_;
  SequenceNumber checkpoint_next_ = 0;
  // A deque: growing never moves the entries (a vector's reallocation under the state lock would
  // stall writers for tens of milliseconds at half a million entries).
  std::deque<JournalEntry> log_;
  int checkpoints_ = 0;
};

}  // namespace alluxio::journal
