// SPDX-License-Identifier: Apache-2.0
// BackupWorkerRole: the standby side of backup delegation (reference §4.5, Alluxio's
// BackupWorkerRole). While a master is a standby, the role keeps one
// MetaMasterBackupMessagingService.Connect stream open to the primary (trying the configured
// master addresses, with exponential backoff between rounds), and takes the backups the primary
// hands it: it waits until its journal applied every entry the primary had (Transitioning, at
// most catchup_timeout_ms), takes the backup from its own state with a BackupManager
// (Running), and reports the status on every change and at least every heartbeat_ms until the
// backup ends. Wire format: docs/formats/rpc.md ("Backup delegation").
//
// A Raft snapshot installed while the standby copies its state would mix two states: such a
// backup fails ("interrupted by a snapshot install") and the primary may ask again.
//
// Thread-safety: Start/Stop from one thread (the master's role changes). Stop cancels the stream
// and returns without waiting for a backup being written: that one finishes from its own copy of
// the state (the master may meanwhile become the primary) and is joined by the next Start or the
// destructor.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "journal/journal.h"
#include "master/backup/backup_manager.h"

namespace grpc {
class ClientContext;
}

namespace alluxio::master {

// Version of MetaMasterBackupMessagingService (both sides; reference §7).
inline constexpr int64_t kMetaMasterBackupMessagingServiceVersion = 1;

struct BackupWorkerRoleOptions {
  // host:port of every master's RPC server (alluxio.master.rpc.addresses); this master's own is
  // skipped.
  std::vector<std::string> master_addresses;
  std::string own_address;
  std::string hostname;
  int64_t connect_interval_min_ms = 1000;   // alluxio.master.backup.connect.interval.min
  int64_t connect_interval_max_ms = 30000;  // alluxio.master.backup.connect.interval.max
  int64_t heartbeat_ms = 2000;              // alluxio.master.backup.heartbeat.interval
  int64_t catchup_timeout_ms = 30000;
  // Where this standby writes backups: root UFS, default directory, hostname.
  BackupManagerOptions backup;
  // The cluster id of the replayed state, read when a backup starts.
  std::function<std::string()> cluster_id;
  // How many Raft snapshots the journal restored so far (detects an install during a copy).
  std::function<int64_t()> snapshots_restored;

  static Result<BackupWorkerRoleOptions> FromConfiguration(const conf::Configuration& conf,
                                                           const std::string& hostname,
                                                           const std::string& own_address);
};

class BackupWorkerRole {
 public:
  // `state` and `journal` must outlive the role.
  BackupWorkerRole(journal::Journaled* state, journal::Journal* journal,
                   BackupWorkerRoleOptions options);
  ~BackupWorkerRole();
  BackupWorkerRole(const BackupWorkerRole&) = delete;
  BackupWorkerRole& operator=(const BackupWorkerRole&) = delete;

  void Start();
  void Stop();
  // Whether the primary accepted this standby (for tests and logs).
  bool connected() const;

 private:
  void Loop();
  // One connection to `address`; returns when it ends. True when the primary accepted us.
  bool Connect(const std::string& address);
  // Takes the backup `d` and reports through `report` (false: the stream is gone).
  void TakeBackup(const DelegatedBackup& d, const std::function<bool(const BackupStatus&)>& report);

  journal::Journaled* const state_;
  journal::Journal* const journal_;
  const BackupWorkerRoleOptions options_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = true;                      // GUARDED_BY(mu_)
  bool connected_ = false;                    // GUARDED_BY(mu_)
  ::grpc::ClientContext* context_ = nullptr;  // GUARDED_BY(mu_): the open stream's, to cancel
  std::thread loop_;
  std::thread backup_;           // the delegated backup being taken (or the last one)
  bool backup_running_ = false;  // GUARDED_BY(mu_)
};

}  // namespace alluxio::master
