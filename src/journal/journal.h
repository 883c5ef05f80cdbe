// SPDX-License-Identifier: Apache-2.0
// Journal: the durable, ordered log of metadata changes, and Journaled: the state it rebuilds.
//
// The master applies an operation's entries to its in-memory state through Journaled::Apply (the
// same call replay uses), appends them with Journal::Append while still holding its own lock (so
// sequence numbers follow apply order), releases the lock, then waits with WaitForDurable before
// acknowledging the client. Acknowledged means on disk.
//
// Implementations: LocalJournal (journal/local/, alluxio.master.journal.type=UFS, a local folder
// with framed log segments and checkpoints) and, later, a Raft journal. Both keep one logical
// stream of JournalEntry records with contiguous sequence numbers starting at 0.
//
// Thread-safety: Journal methods are thread-safe unless noted.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include "alluxio/journal/journal.pb.h"
#include "common/result.h"

namespace alluxio::journal {

using JournalEntry = ::alluxio::proto::journal::JournalEntry;
using SequenceNumber = int64_t;

// Receives the entries of a checkpoint (or backup) in order.
class EntrySink {
 public:
  virtual ~EntrySink() = default;
  virtual Status Write(const JournalEntry& entry) = 0;
};

// A consistent, immutable view of a Journaled's state, captured quickly and written slowly.
class StateSnapshot {
 public:
  virtual ~StateSnapshot() = default;
  // The snapshot reflects exactly the entries with sequence number < this.
  virtual SequenceNumber next_sequence_number() const = 0;
  // Writes the whole state as entries whose replay (through Apply, after Reset) rebuilds it.
  // Sequence numbers in the written entries are ignored. May run for long; holds no state locks.
  virtual Status WriteTo(EntrySink* sink) const = 0;
};

// State rebuilt from the journal.
class Journaled {
 public:
  virtual ~Journaled() = default;
  // Applies one entry (a batch entry applies its children in order). Deterministic: no clock, no
  // randomness, no I/O. A non-OK status means the entry cannot be applied to this state (a
  // corrupt or divergent journal); the caller stops.
  virtual Status Apply(const JournalEntry& entry) = 0;
  // Returns the state to empty (before a checkpoint is replayed).
  virtual void Reset() = 0;
  // Captures the state consistently. Blocks writers only for a moment. `journal` is the journal
  // whose next sequence number the snapshot records (read while writers are blocked).
  virtual std::unique_ptr<StateSnapshot> Snapshot(class Journal* journal) = 0;
};

// Makes a state restored outside the journal durable (alluxio-start.sh -i into an empty journal)
// without serializing it again: while the restore applies the backup's entries to the state, it
// hands their framed records to Add (the record format of journal/local/record_format.h, which
// backups share); once the whole backup proved valid, Commit journals them in one step. An
// importer destroyed without a successful Commit leaves the journal as it was.
// Thread-safety: externally synchronised (Add may run on another thread than the state's Apply).
class StateImporter {
 public:
  virtual ~StateImporter() = default;
  // Stages one record (8-byte record header, payload). Nothing is visible before Commit.
  virtual Status Add(std::string_view header, std::string_view payload) = 0;
  // Makes every staged record durable, together with `marker` (an entry the state already holds:
  // its cluster id), which gets the journal's first sequence number. REQUIRES: the state holds
  // exactly what was staged, and nothing was appended meanwhile.
  virtual Status Commit(JournalEntry marker) = 0;
};

class Journal {
 public:
  virtual ~Journal() = default;

  // Replays the newest valid checkpoint and then every later entry into `state`, then opens the
  // journal for writing. DataLoss names file, offset and sequence number on corruption before the
  // tail; FailedPrecondition when the journal is not formatted ("Journal ... has not been
  // formatted!") or is locked by another process. `state` must outlive the journal.
  virtual Status Start(Journaled* state) = 0;

  // Stops background work after flushing everything appended. Idempotent.
  virtual Status Stop() = 0;

  // Assigns the next sequence number to `entry` and queues it. Non-blocking. Unavailable when the
  // journal is not open for writing (stopped, or failed earlier).
  // REQUIRES: callers serialise Append with the Apply of the same entry (hold the state lock).
  virtual Result<SequenceNumber> Append(JournalEntry entry) = 0;

  // Blocks until every entry up to and including `sn` is durable. An error means durability is
  // unknown (the journal has failed; the master must stop serving).
  virtual Status WaitForDurable(SequenceNumber sn) = 0;

  // Calls done(status) once WaitForDurable(sn) would return `status`, without blocking the
  // caller: on a journal thread, or right here when the answer is known already. Call it on the
  // thread that appended `sn` (a replicated journal remembers which primacy that append belongs
  // to, as WaitForDurable does). done must not block or call back into the journal. Every
  // callback runs exactly once, at the latest when the journal stops. By default it waits here.
  virtual void OnDurable(SequenceNumber sn, std::function<void(Status)> done) {
    done(WaitForDurable(sn));
  }

  // The sequence number the next Append will get.
  // REQUIRES: called under the same lock that serialises Append, for a stable answer.
  virtual SequenceNumber NextSequenceNumber() const = 0;

  // Writes a checkpoint of the state now (blocking). FailedPrecondition if not started.
  virtual Status Checkpoint() = 0;

  // Makes `state`, rebuilt outside the journal while the journal is empty (a restore from a
  // backup), durable as if it had been journaled; `marker` is an entry the state already holds
  // (its cluster id): the marker is journaled, then a checkpoint covers the whole state. For
  // journals whose BeginImport returns null (an importer is faster: no second serialization).
  virtual Status CommitImportedState(Journaled* state, JournalEntry marker) {
    (void)state;
    Result<SequenceNumber> sn = Append(std::move(marker));
    if (!sn.ok()) return sn.status();
    Status s = WaitForDurable(*sn);
    if (!s.ok()) return s;
    return Checkpoint();
  }

  // Starts an import into this journal, which must be empty (FailedPrecondition otherwise).
  // Journals without a faster path return null: the caller then applies and uses
  // CommitImportedState.
  virtual Result<std::unique_ptr<StateImporter>> BeginImport() {
    return std::unique_ptr<StateImporter>();
  }
};

}  // namespace alluxio::journal
