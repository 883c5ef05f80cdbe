// SPDX-License-Identifier: Apache-2.0
// MasterProcess: one Alluxio master. Builds the journal and the masters from configuration,
// replays the journal, then serves RPCs as the primary; Stop() reverses it. Used by the
// alluxio-master binary and by the in-process minicluster.
//
// Backups: with several masters and alluxio.master.backup.delegation.enabled, the primary hands
// backups to standbys, which connect to it while they are standbys (BackupWorkerRole).
//
// Roles. With the UFS journal the master is the primary as soon as it started. With the EMBEDDED
// journal every master replays the quorum's log as a standby (no RPC server: clients and workers
// move on to the next address) and becomes the primary when its journal is elected leader and has
// applied everything committed before; it then initialises the namespace, starts the block
// master, the backup manager and the RPC server. When the journal loses leadership the master
// stops serving at once (the RPC server shuts down, waiting calls are failed by the journal),
// forgets its workers, and is a standby again while the journal rebuilds its state.
// Thread-safety: Start/Stop from one thread; accessors are thread-safe after Start. Primacy
// changes arrive on the journal's role thread and are serialised with Stop by role_mu_.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

#include "alluxio/grpc/meta_master.pb.h"
#include "common/conf/configuration.h"
#include "journal/journal.h"
#include "master/backup/backup_manager.h"
#include "master/backup/backup_worker_role.h"
#include "master/block/block_master.h"
#include "master/file/file_system_master.h"

namespace alluxio::rpc {
class RpcServer;
}

namespace alluxio::master {

class BackupMessagingService;
class BlockMasterClientService;
class BlockMasterWorkerService;
class FileSystemMasterService;
class FileSystemMasterWorkerService;
class JournalMasterService;
class MetaMasterService;
class ServiceVersionService;

class MasterProcess {
 public:
  // Validates the configuration; does not touch the disk.
  static Result<std::unique_ptr<MasterProcess>> Create(const conf::Configuration& conf);
  ~MasterProcess();

  // Opens and replays the journal, initialises the namespace and starts serving on the RPC port
  // (0 in the configuration picks a free port). FailedPrecondition when the journal is not
  // formatted or is in use by another master.
  // With alluxio.master.journal.init.from.backup and an empty journal, first restores the backup
  // (any problem with it fails Start and leaves the journal empty); a non-empty journal ignores
  // it. A journal found corrupt (DataLoss) with alluxio.master.journal.backup.when.corrupted
  // gets an emergency backup of the replayed state in the backup directory on the local disk,
  // and the error says where.
  Status Start();
  // With the EMBEDDED journal, Start returns once the journal joined the quorum; a one-master
  // quorum first waits (up to 30 s) to be elected and serving, like the UFS journal.
  // Stops serving and flushes the journal. Idempotent.
  void Stop();
  // Whether this master is the primary and serving RPCs.
  bool IsServing() const;
  // Waits up to timeout_ms for IsServing().
  bool WaitUntilServing(int64_t timeout_ms) const;

  int rpc_port() const { return rpc_port_; }
  const std::string& hostname() const { return hostname_; }
  std::string rpc_address() const;
  FileSystemMaster* file_system_master() { return fs_master_.get(); }
  BlockMaster* block_master() { return block_master_.get(); }
  journal::Journal* journal() { return journal_.get(); }
  grpc::meta::MasterInfo GetMasterInfo() const;
  // Valid after Start.
  BackupManager* backup_manager() { return backup_manager_.get(); }
  // Entries restored from a backup by Start (-1 when none was).
  int64_t restored_entries() const { return restored_entries_; }

 private:
  explicit MasterProcess(conf::Configuration conf);
  // Writes the replayed state to the local backup directory after a corrupt journal; returns the
  // error to report.
  Status EmergencyBackup(const Status& corruption);
  // Primacy. REQUIRES: role_mu_ held.
  Status BecomePrimary();
  void LosePrimacy();
  void OnPrimacyChange(bool primary);  // the embedded journal's callback

  conf::Configuration conf_;
  std::string hostname_;
  int rpc_port_ = 0;
  int web_port_ = 0;
  int64_t start_time_ms_ = 0;
  std::unique_ptr<journal::Journal> journal_;
  // Declared before fs_master_, which points to it: destroyed after it.
  std::unique_ptr<BlockMaster> block_master_;
  std::unique_ptr<FileSystemMaster> fs_master_;
  std::unique_ptr<BackupManager> backup_manager_;
  // Backup delegation with several masters: the standby side (runs while this master is a
  // standby) and the primary side (a service).
  std::unique_ptr<BackupWorkerRole> backup_role_;
  std::unique_ptr<BackupMessagingService> backup_messaging_service_;
  int64_t restored_entries_ = -1;
  std::unique_ptr<FileSystemMasterService> fs_service_;
  std::unique_ptr<FileSystemMasterWorkerService> fs_worker_service_;
  std::unique_ptr<BlockMasterClientService> block_client_service_;
  std::unique_ptr<BlockMasterWorkerService> block_worker_service_;
  std::unique_ptr<MetaMasterService> meta_service_;
  std::unique_ptr<ServiceVersionService> version_service_;
  std::unique_ptr<JournalMasterService> journal_service_;  // EMBEDDED journal only
  std::unique_ptr<rpc::RpcServer> server_;

  bool embedded_ = false;  // EMBEDDED journal: primacy follows the Raft leader
  bool single_master_quorum_ = false;
  mutable std::mutex role_mu_;
  mutable std::condition_variable role_cv_;
  bool serving_ = false;  // GUARDED_BY(role_mu_)
  bool stopped_ = false;  // GUARDED_BY(role_mu_)
  Status primacy_error_;  // GUARDED_BY(role_mu_): why becoming primary failed
};

// Folder of the local journal, from alluxio.master.journal.folder (a path or file:// URI).
Result<std::string> LocalJournalFolder(const conf::Configuration& conf);

}  // namespace alluxio::master
