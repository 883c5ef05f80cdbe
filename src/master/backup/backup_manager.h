// SPDX-License-Identifier: Apache-2.0
// BackupManager: journal backups of the master (reference §4.5, docs/design/journal.md "Backups",
// format in docs/formats/backup.md), and restoring a fresh journal from one.
//
// A backup is taken from Journaled::Snapshot, which blocks metadata writers only for short steps
// while the state is copied in memory (copy-on-write, docs/design/master-metadata.md); the
// snapshot is then serialized, compressed and written on a background
// thread, outside every lock, to `alluxio-backup-<YYYY-MM-DD>-<epochMillis>.gz` (date in UTC) in
// the backup directory of the root UFS (or of the master's local disk), followed by an empty
// `<name>.complete` marker once the .gz is durable. One backup runs at a time; its status (and
// that of every earlier backup of this process) can be polled by id.
//
// Delegation (reference §4.5). With more than one master (`options.delegation`), the primary
// hands backups to a standby (a "delegate": each standby's BackupWorkerRole registers itself
// through AddDelegate) and only tracks them: the standby catches up to the primary's sequence
// number, takes the backup from its own state and reports its status (OnDelegateStatus). A
// delegate that goes away fails the backup ("Backup-worker is lost."), as does one silent for
// abandon_timeout_ms ("Backup timed out"). Without a delegate (after waiting delegate_wait_ms for
// one) a backup fails with "No master found to delegate backup." unless the request allows the
// leader; bypass_delegation makes the
// primary take it.
//
// The daily backup (alluxio.master.daily.backup.*) runs on its own thread at the configured
// local time and keeps the newest `files.retained` backups of the directory, deleting older ones
// with their markers. The clock is injectable: tests call RunDailyBackupIfDue directly.
//
// Restore (RestoreFromBackup) is for a master whose journal is empty: it reads the whole backup,
// verifying everything, applying into memory only; only when all of it proved valid does it
// journal the restored state. Invalid: the state is Reset() and the journal stays empty.
//
// Thread-safety: thread-safe. Stop() joins the threads; call it before the Journaled or the
// Journal is destroyed.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "alluxio/grpc/meta_master.pb.h"
#include "common/conf/configuration.h"
#include "journal/backup/backup_format.h"
#include "journal/journal.h"
#include "ufs/under_file_system.h"

namespace alluxio::master {

// Alluxio's BackupState values.
enum class BackupState {
  kNone = 1,
  kInitiating = 2,
  kTransitioning = 3,
  kRunning = 4,
  kCompleted = 5,
  kFailed = 6,
};
std::string_view BackupStateName(BackupState state);  // "Running", as Alluxio prints it

struct BackupStatus {
  std::string id;  // a UUID
  BackupState state = BackupState::kNone;
  std::string host;
  std::string uri;  // of the .gz
  int64_t entry_count = 0;
  Status error;  // when kFailed
};

// BackupStatus <-> BackupPStatus (GetBackupStatus replies and delegation reports). The error
// travels as Status::ToString() text ("FAILED_PRECONDITION: ...") and comes back with its code.
grpc::meta::BackupPStatus BackupStatusToProto(const BackupStatus& status);
BackupStatus BackupStatusFromProto(const grpc::meta::BackupPStatus& proto);

struct BackupRequest {
  // A path in the root UFS (or on the local disk with `local`); empty: the configured directory.
  std::string target_directory;
  bool local = false;
  // False: Backup() returns once the backup ended.
  bool run_async = true;
  // Delegation (fsadmin backup --allow-leader / --bypass-delegation).
  bool allow_leader = false;
  bool bypass_delegation = false;
  // Set by the primary for a backup it delegated: the standby's record takes this id.
  std::string id;
};

// What the primary sends a standby that is to take a backup.
struct DelegatedBackup {
  std::string id;
  BackupRequest request;
  // The standby takes the backup after applying every entry before this sequence number.
  journal::SequenceNumber sequence_number = 0;
};

struct BackupManagerOptions {
  std::string root_ufs;  // alluxio.master.mount.table.root.ufs
  ufs::UfsOptions root_ufs_options;
  std::string backup_directory = "/alluxio_backups";
  std::string hostname;
  bool daily_enabled = false;
  int daily_minute_of_day = 5 * 60;  // alluxio.master.daily.backup.time, local time
  int64_t daily_files_retained = 3;
  // Wall clock in epoch ms; defaults to the system clock.
  std::function<int64_t()> clock;
  // Hand backups to standbys (alluxio.master.backup.delegation.enabled with several masters).
  bool delegation = false;
  int64_t abandon_timeout_ms = 60000;  // alluxio.master.backup.abandon.timeout
  // With no standby connected, how long a backup waits for one (standbys reconnect within
  // about a second after a failover) before it fails or falls back to the leader.
  int64_t delegate_wait_ms = 3000;

  static Result<BackupManagerOptions> FromConfiguration(const conf::Configuration& conf,
                                                        const std::string& hostname);
};

// Where a backup (or its directory) lives: the UFS that holds it, the path to hand that UFS, and
// the URI to show people.
struct BackupLocation {
  std::shared_ptr<ufs::UnderFileSystem> ufs;
  std::string path;
  std::string uri;
};

// The backup directory `dir` (absolute; or a URI), in the root UFS or on the local disk:
// root hdfs://h:9000/alluxio/underfs + /alluxio_backups -> hdfs://h:9000/alluxio_backups.
Result<BackupLocation> ResolveBackupDirectory(const std::string& dir, bool local,
                                              const std::string& root_ufs,
                                              const ufs::UfsOptions& root_ufs_options);
// A backup to restore: file:///x or another URI as given; an absolute path on the local disk if
// it exists there, else in the root UFS. InvalidArgument for a relative path.
Result<BackupLocation> ResolveBackupFile(const std::string& uri, const std::string& root_ufs,
                                         const ufs::UfsOptions& root_ufs_options);
// alluxio-backup-<YYYY-MM-DD in UTC>-<now_ms>.gz
std::string BackupFileName(int64_t now_ms);
// The .complete marker of a backup file (path or URI).
inline std::string CompleteMarker(const std::string& backup) { return backup + ".complete"; }

// Writes `snapshot` as a backup into the directory `dir` (created with parents if missing):
// the .gz, then its .complete marker. `progress` (may be null) counts entries as they are
// written. On failure the partial .gz is deleted. Returns the URI of the .gz and the count.
struct WrittenBackup {
  std::string uri;
  int64_t entry_count = 0;
};
Result<WrittenBackup> WriteBackupFile(const journal::StateSnapshot& snapshot,
                                      const BackupLocation& dir, const journal::BackupInfo& info,
                                      std::atomic<int64_t>* progress);

// Restores `state` from the backup at `uri` and journals it (see the header comment). REQUIRES:
// the journal is started and empty, nothing else uses `state`. Errors: FailedPrecondition when
// the .complete marker is missing or the version is unsupported, DataLoss when corrupt, NotFound
// when missing; the message names the backup. Returns the number of entries restored.
Result<int64_t> RestoreFromBackup(const std::string& uri, const std::string& root_ufs,
                                  const ufs::UfsOptions& root_ufs_options,
                                  journal::Journaled* state, journal::Journal* journal);

class BackupManager {
 public:
  // `state` and `journal` must outlive the manager (or its Stop()).
  BackupManager(journal::Journaled* state, journal::Journal* journal, std::string cluster_id,
                BackupManagerOptions options);
  ~BackupManager();

  // Starts the daily backup thread if enabled.
  void Start();
  // Waits for a running backup to end and joins the threads. Idempotent.
  void Stop();

  // Starts a backup. FailedPrecondition "Backup in progress" while another runs. With
  // run_async, returns its first status (Initiating); otherwise waits and returns the final
  // status (state kCompleted, or kFailed with the error).
  Result<BackupStatus> Backup(const BackupRequest& request);
  // NotFound for an unknown id.
  Result<BackupStatus> GetStatus(const std::string& id);

  // --- Delegation (primary side) ---
  // Registers a standby that takes delegated backups; `send` hands it one (false: the standby is
  // gone). Returns the delegate's id. `send` is never called with mu_ held.
  int64_t AddDelegate(std::string host, std::function<bool(const DelegatedBackup&)> send);
  // The standby went away: a backup it was taking fails ("Backup-worker is lost.").
  void RemoveDelegate(int64_t delegate);
  // A status report of `delegate` about the backup status.id; ignored unless that backup was
  // handed to this delegate and is still running.
  void OnDelegateStatus(int64_t delegate, const BackupStatus& status);
  size_t delegate_count() const;
  // Blocks until the backup `id` ended; its final status.
  Result<BackupStatus> WaitFor(const std::string& id);

  // Daily backup: if the clock passed the next scheduled time, takes a backup into the
  // configured directory (synchronously), applies retention and schedules the next one.
  // Returns whether a backup was attempted. The daily thread calls this; tests call it.
  bool RunDailyBackupIfDue();
  // Deletes the oldest backups (with their markers) in `dir` beyond `retained`; returns how many.
  static Result<int> DeleteStaleBackups(const BackupLocation& dir, int64_t retained);
  // The first daily backup time strictly after `now_ms` at `minute_of_day` local time.
  static int64_t NextDailyBackupMs(int64_t now_ms, int minute_of_day);

 private:
  struct Record {
    BackupStatus status;
    std::atomic<int64_t> progress{0};
    bool done = false;
    int64_t delegate = -1;  // the standby taking it, or -1: this master
    std::chrono::steady_clock::time_point last_report;
  };
  struct Delegate {
    std::string host;
    std::function<bool(const DelegatedBackup&)> send;
  };
  void Run(std::shared_ptr<Record> record, BackupRequest request);
  // Hands the backup to a standby and waits until it reports the end, goes away or times out.
  void RunDelegated(std::shared_ptr<Record> record, BackupRequest request);
  // Ends `r` with `status` (kCompleted or kFailed). REQUIRES: mu_ held.
  void FinishLocked(Record* r, BackupState state, Status error);
  void DailyLoop();
  BackupStatus StatusOf(const Record& r) const;  // REQUIRES: mu_ held

  journal::Journaled* const state_;
  journal::Journal* const journal_;
  const std::string cluster_id_;
  const BackupManagerOptions options_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::shared_ptr<Record>> backups_;  // GUARDED_BY(mu_)
  bool running_ = false;                                    // GUARDED_BY(mu_)
  bool stopping_ = false;                                   // GUARDED_BY(mu_)
  int64_t next_daily_ms_ = 0;                               // GUARDED_BY(mu_)
  std::map<int64_t, Delegate> delegates_;                   // GUARDED_BY(mu_)
  int64_t next_delegate_id_ = 0;                            // GUARDED_BY(mu_)
  int64_t last_delegate_ = -1;  // GUARDED_BY(mu_): round robin among delegates
  std::thread worker_;          // the current or last backup; joined before the next starts
  std::thread daily_;
};

}  // namespace alluxio::master
