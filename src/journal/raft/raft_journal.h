// SPDX-License-Identifier: Apache-2.0
// RaftJournal: the Journal for alluxio.master.journal.type=EMBEDDED, replicated among the masters
// by Canonical's libraft (libuv I/O, TCP transport). Data lives in <journal.folder>/raft/. Formats:
// docs/formats/raft-journal.md; design: docs/design/journal.md ("Embedded journal").
//
// Roles. Every master runs one node; the Raft leader is the primary. As in Alluxio, the primary
// applies an operation to its state before journaling it ("pre-apply"): Append queues the entry,
// the raft loop thread batches queued entries into one Raft command, and WaitForDurable returns
// once that command is committed (on a majority of disks). Standbys apply committed commands to
// their state in order. A node that becomes leader first commits a barrier, so that every entry
// of earlier terms is applied, and only then becomes writable (on_primacy_change(true)). A
// primary that loses leadership stops acknowledging at once (waiters of entries not yet committed
// get Unavailable), tells its owner (on_primacy_change(false), which returns once the owner will
// no longer mutate the state), then rebuilds its state from the Raft snapshot and log: whatever it
// had applied but not committed is gone. No split brain: only committed entries are acknowledged.
//
// Sequence numbers are the journal's (contiguous from 0), carried inside every Raft command, so
// a standby that applies a command knows where it is and a pre-applied entry is never applied
// twice. Snapshots (libraft's, every snapshot_threshold commands) hold the state as a checkpoint
// stream (the local journal's checkpoint format, in memory); libraft installs them on lagging or
// wiped followers. The primary can only snapshot a state that holds nothing uncommitted, so it
// skips a snapshot while appends are in flight (libraft retries after the next commit).
//
// Thread-safety: thread-safe. Lock order: the caller's state lock (held around Append and inside
// Journaled::Snapshot) before mu_; the journal never calls into the Journaled while holding mu_.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "env/env.h"
#include "journal/journal.h"

struct uv_async_s;

namespace alluxio::journal {

// The master maps configuration keys to these.
struct RaftJournalOptions {
  // alluxio.master.journal.folder; the node's data is in <folder>/raft/.
  std::string folder;
  // alluxio.master.embedded.journal.addresses: host:port of every master's journal, this one's
  // included. Every master must list the same set (the order does not matter).
  std::vector<std::string> addresses;
  // This master's entry in `addresses` (alluxio.master.hostname:embedded.journal.port).
  std::string local_address;
  // alluxio.master.embedded.journal.election.timeout.min: libraft waits a random time between
  // this and twice this without a leader before it starts an election. Pre-vote is on.
  int64_t election_timeout_ms = 300;
  // Leader heartbeat period; 0 means election_timeout_ms / 10 (at least 10 ms).
  int64_t heartbeat_timeout_ms = 0;
  // Raft commands between snapshots (alluxio.master.journal.checkpoint.period.entries; one
  // command carries a batch of entries, so snapshots are at most this many entries apart).
  int64_t snapshot_threshold = 2'000'000;
  // Commands kept in the log after a snapshot, for followers slightly behind.
  int64_t snapshot_trailing = 1024;
  // alluxio.master.journal.log.size.bytes.max: size of a Raft log segment.
  int64_t segment_size_bytes = 8 << 20;
  // Called on the journal's role thread, one call at a time: true once this node is the leader
  // and writable; false when it stopped being writable. The false call must return only when the
  // owner no longer applies or appends (its state is rebuilt right after). Must not call Stop().
  std::function<void(bool primary)> on_primacy_change;
  // Called once (on an internal thread) when the journal cannot go on (e.g. its state rejected a
  // committed entry, or the disk failed); the master must stop.
  std::function<void(const Status&)> on_fatal_error;
};

// The payload of a Raft command (docs/formats/raft-journal.md): a batch of entries.
std::string EncodeCommand(const JournalEntry& batch);
// FailedPrecondition for an unknown format version, DataLoss for a damaged command.
Status DecodeCommand(std::string_view data, JournalEntry* batch);

// One member of the quorum as this node sees it.
struct QuorumMember {
  std::string address;
  uint64_t id = 0;
  bool leader = false;
  bool self = false;
  // Heard from within an election timeout (as the leader sees it; a standby knows only itself
  // and the leader).
  bool available = false;
};

class RaftJournal final : public Journal {
 public:
  explicit RaftJournal(RaftJournalOptions options);
  ~RaftJournal() override;  // Stops if still running.

  RaftJournal(const RaftJournal&) = delete;
  RaftJournal& operator=(const RaftJournal&) = delete;

  // Journal. Start loads the snapshot and log from disk (bootstrapping a pristine folder with
  // the configured quorum) and joins the quorum; it does not wait for an election. The node
  // becomes writable later, through on_primacy_change(true). Start fails with InvalidArgument for
  // a bad address list, FailedPrecondition when the folder is not formatted or its data belongs
  // to another quorum, and the libraft error otherwise.
  Status Start(Journaled* state) override;
  Status Stop() override;
  // Unavailable ("... is not the primary master") unless writable.
  Result<SequenceNumber> Append(JournalEntry entry) override;
  Status WaitForDurable(SequenceNumber sn) override;
  // A notifier thread (started on first use) runs done once WaitForDurable would return.
  void OnDurable(SequenceNumber sn, std::function<void(Status)> done) override;
  SequenceNumber NextSequenceNumber() const override;
  // Takes a Raft snapshot of the state now and waits for it to be on disk. Leader only.
  Status Checkpoint() override;
  // Stages the records in <folder>/import.tmp, zlib-compressed in chunks of 4 MiB; Commit
  // (primary only) journals the marker, then the chunks (`imported_records` entries, which every
  // standby unpacks and applies), and waits until all are committed.
  Result<std::unique_ptr<StateImporter>> BeginImport() override;

  // Whether this node is the primary (leader, caught up, writable).
  bool IsPrimary() const;
  // The quorum's members and the leader as this node knows it (empty before Start).
  std::vector<QuorumMember> Quorum() const;
  // Leader only (FailedPrecondition otherwise). Makes the member at `address` (one of the
  // configured addresses) the leader; returns once it is, or Unavailable if it did not become
  // leader within an election timeout. NotFound for an address outside the quorum.
  Status TransferLeadership(const std::string& address);
  // Leader only. Removes the member at `address` from the quorum configuration (committed through
  // Raft). FailedPrecondition to remove this node itself.
  Status RemoveServer(const std::string& address);
  // The entries applied to the state (committed), for tests and status pages.
  SequenceNumber AppliedSequenceNumber() const;
  // How many times the state was rebuilt after a lost leadership.
  int64_t rebuilds() const;
  // How many Raft snapshots were restored into the state (at start or installed by a leader).
  int64_t snapshots_restored() const;

  // Raft node id of an address (a hash; the same on every master).
  static uint64_t NodeId(const std::string& address);

  struct Node;  // internal: one incarnation of the libraft server and its loop thread

 private:
  // Runs `task` on the loop thread; it completes by calling `done` (there or later). Waits up to
  // timeout_ms for that. Unavailable when the node is not running; a node that stops first runs
  // the task with a null Node (the task reports Unavailable).
  Status RunOnLoop(std::function<void(Node*, std::function<void(Status)> done)> task,
                   int64_t timeout_ms);
  Status StartNode();          // creates and starts the raft node and its loop thread
  void StopNode();             // closes the node and joins its loop thread
  void RoleLoop();             // the role thread: primacy changes and rebuilds
  void PostEvent(int kind);    // from the loop thread to the role thread
  void Fail(const Status& s);  // fatal error: once

  // Called on the loop thread (through NodeCallbacks, the C callbacks).
  friend struct NodeCallbacks;
  // WaitForDurable's answer for `sn` appended in primacy `epoch`, or nullopt while it would wait.
  // REQUIRES: mu_ held.
  std::optional<Status> DurabilityLocked(SequenceNumber sn, uint64_t epoch) const;
  void NotifierLoop();  // runs OnDurable callbacks
  Status ApplyCommand(const char* data, size_t len);
  // Applies the records of an `imported_records` entry to the state.
  Status ApplyImportedRecords(const ::alluxio::proto::journal::ImportedRecordsEntry& chunk);
  class Importer;
  Status RestoreSnapshot(const char* data, size_t len);

  const RaftJournalOptions options_;
  Journaled* state_ = nullptr;
  std::unique_ptr<Node> node_;  // replaced only by Start, Stop and the role thread
  std::unique_ptr<env::FileLock> lock_;
  std::thread role_thread_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool started_ = false;          // GUARDED_BY(mu_)
  bool stopping_ = false;         // GUARDED_BY(mu_)
  bool writable_ = false;         // GUARDED_BY(mu_)
  bool rebuild_pending_ = false;  // GUARDED_BY(mu_): lost primacy, not rebuilt yet
  bool failed_ = false;           // GUARDED_BY(mu_)
  // While raft_start runs (it restores the newest snapshot on the calling thread): a snapshot
  // that cannot be restored is StartNode's error, not a fatal one.
  std::atomic<bool> starting_node_{false};
  Status start_error_;               // written by Restore during raft_start, on the same thread
  Status failure_;                   // GUARDED_BY(mu_)
  uint64_t epoch_ = 0;               // GUARDED_BY(mu_): +1 each time primacy is gained or lost
  SequenceNumber next_sn_ = 0;       // GUARDED_BY(mu_): the state's next sequence number
  SequenceNumber applied_next_ = 0;  // GUARDED_BY(mu_): after the last command Raft applied
  SequenceNumber durable_next_ = 0;  // GUARDED_BY(mu_): entries below are committed
  SequenceNumber lost_durable_next_ = 0;  // GUARDED_BY(mu_): durable_next_ when primacy was lost
  std::vector<JournalEntry> queue_;       // GUARDED_BY(mu_): appended, not yet given to Raft
  std::vector<int> events_;               // GUARDED_BY(mu_): for the role thread
  int64_t rebuilds_ = 0;                  // GUARDED_BY(mu_)
  int64_t snapshots_restored_ = 0;        // GUARDED_BY(mu_)
  std::vector<QuorumMember> quorum_;      // GUARDED_BY(mu_): refreshed by the loop thread
  uv_async_s* wake_ = nullptr;            // GUARDED_BY(mu_): the loop's wake-up handle
  std::vector<std::function<void(Node*)>> tasks_;  // GUARDED_BY(mu_): for the loop thread
  struct DurableCallback {
    SequenceNumber sn;
    uint64_t epoch;
    std::function<void(Status)> done;
  };
  std::vector<DurableCallback> callbacks_;  // GUARDED_BY(mu_): OnDurable, not resolved yet
  bool notifier_exit_ = false;              // GUARDED_BY(mu_)
  std::thread notifier_;                    // started by the first OnDurable (under mu_)
  uint64_t checkpoint_requested_ = 0;       // GUARDED_BY(mu_)
  uint64_t checkpoint_done_ = 0;            // GUARDED_BY(mu_)
};

}  // namespace alluxio::journal
