// SPDX-License-Identifier: Apache-2.0
#include "master/master_process.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/version.h"
#include "env/env.h"
#include "journal/local/local_journal.h"
#include "journal/raft/raft_journal.h"
#include "master/service/block_master_service.h"
#include "master/service/file_system_master_service.h"
#include "master/service/file_system_master_worker_service.h"
#include "master/service/journal_master_service.h"
#include "master/service/meta_master_service.h"
#include "rpc/server.h"
#include "ufs/under_file_system.h"

namespace alluxio::master {

namespace k = conf::keys;

Result<std::string> LocalJournalFolder(const conf::Configuration& conf) {
  std::string folder = conf.Get(k::kMasterJournalFolder);
  if (folder.rfind("file://", 0) == 0) folder = folder.substr(7);
  if (folder.empty() || folder.front() != '/') {
    return InvalidArgumentError(
        fmt::format("Invalid value '{}' for {}: expected an absolute local path (or file:// URI)",
                    folder, k::kMasterJournalFolder.name));
  }
  return folder;
}

MasterProcess::MasterProcess(conf::Configuration conf) : conf_(std::move(conf)) {}

MasterProcess::~MasterProcess() { Stop(); }

Result<std::unique_ptr<MasterProcess>> MasterProcess::Create(const conf::Configuration& conf) {
  // Every UFS this process opens (root, mounts, backups) gets the configured UFS keys
  // (alluxio.underfs.s3.endpoint, s3a.accessKeyId, ...) unless its mount options say otherwise.
  ufs::SetDefaultUfsOptions(ufs::UfsOptionsFromConfiguration(conf));
  std::unique_ptr<MasterProcess> p(new MasterProcess(conf));
  ASSIGN_OR_RETURN(std::string type, conf.GetEnum(k::kMasterJournalType));
  if (type != "UFS" && type != "EMBEDDED") {
    return UnimplementedError(fmt::format(
        "{}={} is not supported; use EMBEDDED (Raft among the masters) or UFS (a local journal "
        "folder)",
        k::kMasterJournalType.name, type));
  }
  if (conf.IsSet(k::kMasterHostname)) {
    p->hostname_ = conf.Get(k::kMasterHostname);
  } else {
    char buf[256] = {0};
    p->hostname_ = gethostname(buf, sizeof(buf) - 1) == 0 ? buf : "localhost";
  }
  ASSIGN_OR_RETURN(std::string folder, LocalJournalFolder(conf));
  auto on_fatal_error = [](const Status& s) {
    // Nothing more can be acknowledged safely; a restart replays what is durable.
    spdlog::critical("Journal failed, the master exits: {}", s.ToString());
    spdlog::default_logger()->flush();
    std::_Exit(1);
  };
  if (type == "EMBEDDED") {
    journal::RaftJournalOptions ro;
    ro.folder = folder;
    ASSIGN_OR_RETURN(int64_t raft_port, conf.GetInt(k::kMasterEmbeddedJournalPort));
    ro.local_address = fmt::format("{}:{}", p->hostname_, raft_port);
    if (conf.IsSet(k::kMasterEmbeddedJournalAddresses)) {
      ASSIGN_OR_RETURN(ro.addresses, conf.GetList(k::kMasterEmbeddedJournalAddresses));
    }
    if (ro.addresses.empty()) ro.addresses = {ro.local_address};
    if (std::find(ro.addresses.begin(), ro.addresses.end(), ro.local_address) ==
        ro.addresses.end()) {
      return InvalidArgumentError(fmt::format(
          "This master's embedded journal address {} ({}:{}) is not in {} ({}); set {} to the "
          "name this master has in that list",
          ro.local_address, k::kMasterHostname.name, k::kMasterEmbeddedJournalPort.name,
          k::kMasterEmbeddedJournalAddresses.name, fmt::join(ro.addresses, ","),
          k::kMasterHostname.name));
    }
    ASSIGN_OR_RETURN(int64_t min_ms,
                     conf.GetDurationMs(k::kMasterEmbeddedJournalElectionTimeoutMin));
    ASSIGN_OR_RETURN(int64_t max_ms,
                     conf.GetDurationMs(k::kMasterEmbeddedJournalElectionTimeoutMax));
    if (min_ms <= 0 || max_ms < min_ms) {
      return InvalidArgumentError(
          fmt::format("Invalid election timeouts: {}={}ms must be positive and at most {}={}ms",
                      k::kMasterEmbeddedJournalElectionTimeoutMin.name, min_ms,
                      k::kMasterEmbeddedJournalElectionTimeoutMax.name, max_ms));
    }
    ro.election_timeout_ms = min_ms;
    ASSIGN_OR_RETURN(ro.snapshot_threshold, conf.GetInt(k::kMasterJournalCheckpointPeriodEntries));
    ASSIGN_OR_RETURN(ro.segment_size_bytes, conf.GetBytes(k::kMasterJournalLogSizeBytesMax));
    MasterProcess* raw = p.get();
    ro.on_primacy_change = [raw](bool primary) { raw->OnPrimacyChange(primary); };
    ro.on_fatal_error = on_fatal_error;
    p->embedded_ = true;
    p->single_master_quorum_ = ro.addresses.size() == 1;
    p->journal_ = std::make_unique<journal::RaftJournal>(std::move(ro));
  } else {
    journal::LocalJournalOptions jo;
    jo.folder = folder;
    jo.format_prefix = conf.Get(k::kMasterFormatFilePrefix);
    ASSIGN_OR_RETURN(jo.log_size_bytes_max, conf.GetBytes(k::kMasterJournalLogSizeBytesMax));
    ASSIGN_OR_RETURN(jo.checkpoint_period_entries,
                     conf.GetInt(k::kMasterJournalCheckpointPeriodEntries));
    ASSIGN_OR_RETURN(jo.flush_batch_time_ms, conf.GetDurationMs(k::kMasterJournalFlushBatchTime));
    ASSIGN_OR_RETURN(jo.tolerate_corruption, conf.GetBool(k::kMasterJournalTolerateCorruption));
    jo.on_fatal_error = on_fatal_error;
    p->journal_ = std::make_unique<journal::LocalJournal>(std::move(jo));
  }
  ASSIGN_OR_RETURN(FileSystemMasterOptions fo, FileSystemMasterOptions::FromConfiguration(conf));
  ASSIGN_OR_RETURN(BlockMasterOptions bo, BlockMasterOptions::FromConfiguration(conf));
  p->block_master_ = std::make_unique<BlockMaster>(std::move(bo));
  ASSIGN_OR_RETURN(p->fs_master_, FileSystemMaster::Create(std::move(fo), p->journal_.get(),
                                                           p->block_master_.get()));
  ASSIGN_OR_RETURN(int64_t port, conf.GetInt(k::kMasterRpcPort));
  ASSIGN_OR_RETURN(int64_t web_port, conf.GetInt(k::kMasterWebPort));
  p->rpc_port_ = static_cast<int>(port);
  p->web_port_ = static_cast<int>(web_port);
  ASSIGN_OR_RETURN(bool delegation, conf.GetBool(k::kMasterBackupDelegationEnabled));
  if (p->embedded_ && !p->single_master_quorum_ && delegation) {
    ASSIGN_OR_RETURN(BackupWorkerRoleOptions wo, BackupWorkerRoleOptions::FromConfiguration(
                                                     conf, p->hostname_, p->rpc_address()));
    wo.cluster_id = [raw = p.get()] { return raw->fs_master_->cluster_id(); };
    wo.snapshots_restored = [raw = p.get()] {
      return static_cast<journal::RaftJournal*>(raw->journal_.get())->snapshots_restored();
    };
    p->backup_role_ =
        std::make_unique<BackupWorkerRole>(p->fs_master_.get(), p->journal_.get(), std::move(wo));
  }
  return p;
}

Status MasterProcess::Start() {
  start_time_ms_ = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  auto t0 = std::chrono::steady_clock::now();
  Status started = journal_->Start(fs_master_.get());
  if (!started.ok()) {
    // The embedded journal's other masters hold the data: a corrupt node is wiped, not backed up.
    if (started.code() != StatusCode::kDataLoss || embedded_) return started;
    ASSIGN_OR_RETURN(bool emergency, conf_.GetBool(k::kMasterJournalBackupWhenCorrupted));
    return emergency ? EmergencyBackup(started) : started;
  }
  auto replay_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  spdlog::info("Journal replayed in {} ms: {} inodes, next sequence number {}", replay_ms,
               fs_master_->inode_count(), journal_->NextSequenceNumber());
  std::unique_lock<std::mutex> l(role_mu_);
  if (!embedded_) return BecomePrimary();
  if (!single_master_quorum_) {
    if (backup_role_ && !serving_) backup_role_->Start();
    spdlog::info(
        "Alluxio master {} started as a standby; the embedded journal quorum elects the "
        "primary",
        kVersion);
    return Status();
  }
  role_cv_.wait_for(l, std::chrono::seconds(30), [&] { return serving_ || !primacy_error_.ok(); });
  if (!primacy_error_.ok()) return primacy_error_;
  if (!serving_) {
    return UnavailableError("The embedded journal did not elect this master within 30 s");
  }
  return Status();
}

Status MasterProcess::BecomePrimary() {
  // A delegated backup this master was writing as a standby finishes on its own thread.
  if (backup_role_) backup_role_->Stop();
  if (conf_.IsSet(k::kMasterJournalInitFromBackup) &&
      !conf_.Get(k::kMasterJournalInitFromBackup).empty()) {
    std::string uri = conf_.Get(k::kMasterJournalInitFromBackup);
    if (journal_->NextSequenceNumber() == 0 && fs_master_->inode_count() == 0) {
      auto restored = RestoreFromBackup(uri, conf_.Get(k::kMasterMountTableRootUfs), {},
                                        fs_master_.get(), journal_.get());
      if (!restored.ok()) {
        spdlog::error("{}", restored.status().ToString());
        return restored.status();
      }
      restored_entries_ = *restored;
    } else {
      spdlog::info("The journal system is not freshly formatted, skipping restoring backup from {}",
                   uri);
    }
  }
  RETURN_IF_ERROR(fs_master_->Initialize());
  if (restored_entries_ >= 0) {
    ASSIGN_OR_RETURN(bool sync_root, conf_.GetBool(k::kMasterJournalSyncRootAfterInitFromBackup));
    if (sync_root) RETURN_IF_ERROR(fs_master_->MarkRootForMetadataSync());
  }
  ASSIGN_OR_RETURN(BackupManagerOptions backup_options,
                   BackupManagerOptions::FromConfiguration(conf_, hostname_));
  backup_options.delegation = backup_options.delegation && backup_role_ != nullptr;
  backup_manager_ = std::make_unique<BackupManager>(
      fs_master_.get(), journal_.get(), fs_master_->cluster_id(), std::move(backup_options));
  backup_manager_->Start();
  // Workers register after the namespace is known, so orphan checks see the replayed files.
  block_master_->SetFileBlockIndex(fs_master_.get());
  block_master_->Start();
  fs_service_ = std::make_unique<FileSystemMasterService>(fs_master_.get(), block_master_.get());
  fs_worker_service_ =
      std::make_unique<FileSystemMasterWorkerService>(fs_master_.get(), block_master_.get());
  block_client_service_ = std::make_unique<BlockMasterClientService>(block_master_.get());
  block_worker_service_ = std::make_unique<BlockMasterWorkerService>(block_master_.get());
  meta_service_ = std::make_unique<MetaMasterService>(this);
  version_service_ = std::make_unique<ServiceVersionService>();
  std::vector<::grpc::Service*> services = {
      fs_service_.get(),           fs_worker_service_.get(), block_client_service_.get(),
      block_worker_service_.get(), meta_service_.get(),      version_service_.get()};
  if (backup_role_) {
    backup_messaging_service_ = std::make_unique<BackupMessagingService>(this);
    services.push_back(backup_messaging_service_.get());
  }
  if (embedded_) {
    journal_service_ =
        std::make_unique<JournalMasterService>(static_cast<journal::RaftJournal*>(journal_.get()));
    services.push_back(journal_service_.get());
  }
  ASSIGN_OR_RETURN(server_,
                   rpc::RpcServer::Start(conf_.Get(k::kMasterBindHost), rpc_port_, services));
  rpc_port_ = server_->port();
  serving_ = true;
  role_cv_.notify_all();
  spdlog::info("Alluxio master {} serving RPCs on {}:{} (cluster id {})", kVersion,
               conf_.Get(k::kMasterBindHost), rpc_port_, fs_master_->cluster_id());
  return Status();
}

void MasterProcess::LosePrimacy() {
  if (server_) {
    server_->Shutdown();
    server_.reset();
  }
  fs_service_.reset();
  fs_worker_service_.reset();
  block_client_service_.reset();
  block_worker_service_.reset();
  meta_service_.reset();
  version_service_.reset();
  journal_service_.reset();
  backup_messaging_service_.reset();
  if (backup_manager_) backup_manager_->Stop();
  if (block_master_) {
    block_master_->Stop();
    block_master_->SetFileBlockIndex(nullptr);
  }
  if (fs_master_) fs_master_->Stop();
  serving_ = false;
  role_cv_.notify_all();
  // A standby again: take delegated backups.
  if (backup_role_ && !stopped_) backup_role_->Start();
}

void MasterProcess::OnPrimacyChange(bool primary) {
  std::lock_guard<std::mutex> l(role_mu_);
  if (stopped_) return;
  if (!primary) {
    spdlog::warn("This master lost its primacy: it stops serving and becomes a standby");
    LosePrimacy();
    // The new primary learns the workers again when they re-register.
    block_master_->Clear();
    return;
  }
  Status s = BecomePrimary();
  if (!s.ok()) {
    // Either leadership was lost meanwhile (the journal then rebuilds this master as a standby)
    // or this master cannot serve (e.g. its RPC port is taken).
    spdlog::error("This master was elected but could not become the primary: {}", s.ToString());
    LosePrimacy();
    primacy_error_ = s;
    role_cv_.notify_all();
    return;
  }
  primacy_error_ = Status();
}

bool MasterProcess::IsServing() const {
  std::lock_guard<std::mutex> l(role_mu_);
  return serving_;
}

bool MasterProcess::WaitUntilServing(int64_t timeout_ms) const {
  std::unique_lock<std::mutex> l(role_mu_);
  return role_cv_.wait_for(l, std::chrono::milliseconds(timeout_ms), [&] { return serving_; });
}

void MasterProcess::Stop() {
  {
    std::lock_guard<std::mutex> l(role_mu_);
    stopped_ = true;
    if (backup_role_) backup_role_->Stop();
  }
  auto stop_journal = [&] {
    if (!journal_) return;
    Status s = journal_->Stop();
    if (!s.ok()) spdlog::error("Stopping the journal: {}", s.ToString());
  };
  // The embedded journal first: it fails whatever waits for a commit (a primacy change in
  // progress included) and stops its role thread. The local journal last: it flushes what the
  // operations still running append.
  if (embedded_) stop_journal();
  {
    std::lock_guard<std::mutex> l(role_mu_);
    LosePrimacy();
  }
  if (!embedded_) stop_journal();
}

Status MasterProcess::EmergencyBackup(const Status& corruption) {
  spdlog::error("The journal is corrupt: {}", corruption.ToString());
  spdlog::warn("Emergency backup triggered");
  std::string dir = conf_.Get(k::kMasterBackupDirectory);
  Result<BackupLocation> loc = ResolveBackupDirectory(dir, /*local=*/true, "", {});
  if (!loc.ok()) {
    return Status(corruption.code(), fmt::format("{} (the emergency backup failed: {})",
                                                 corruption.message(), loc.status().message()));
  }
  std::unique_ptr<journal::StateSnapshot> snap = fs_master_->Snapshot(journal_.get());
  journal::BackupInfo info;
  info.sequence_number = snap->next_sequence_number();
  info.alluxio_version = std::string(kVersion);
  info.cluster_id = fs_master_->cluster_id();
  info.host = hostname_;
  info.created_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
  std::atomic<int64_t> progress{0};
  Result<WrittenBackup> written = WriteBackupFile(*snap, *loc, info, &progress);
  if (!written.ok()) {
    return Status(corruption.code(), fmt::format("{} (the emergency backup failed: {})",
                                                 corruption.message(), written.status().message()));
  }
  spdlog::warn("Auto backup state: Completed | Entries processed: {}.", written->entry_count);
  return Status(corruption.code(),
                fmt::format("{}. An emergency backup of the {} entries replayed before the "
                            "corruption was written to {}",
                            corruption.message(), written->entry_count, written->uri));
}

std::string MasterProcess::rpc_address() const {
  return fmt::format("{}:{}", hostname_, rpc_port_);
}

grpc::meta::MasterInfo MasterProcess::GetMasterInfo() const {
  grpc::meta::MasterInfo info;
  // Served by the primary only: the leader is this master. All masters: the configured RPC
  // addresses (alluxio.master.rpc.addresses), else this one.
  info.set_leader_master_address(rpc_address());
  std::vector<std::string> masters;
  if (conf_.IsSet(k::kMasterRpcAddresses)) {
    masters = conf_.GetList(k::kMasterRpcAddresses).value_or(std::vector<std::string>{});
  }
  if (masters.empty()) masters = {rpc_address()};
  for (const std::string& m : masters) {
    size_t colon = m.rfind(':');
    auto* a = info.add_master_addresses();
    a->set_host(colon == std::string::npos ? m : m.substr(0, colon));
    a->set_rpc_port(colon == std::string::npos ? rpc_port_ : std::atoi(m.c_str() + colon + 1));
  }
  info.set_rpc_port(rpc_port_);
  info.set_web_port(web_port_);
  info.set_safe_mode(block_master_->InSafeMode());
  info.set_start_time_ms(start_time_ms_);
  info.set_up_time_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count() -
                      start_time_ms_);
  info.set_version(std::string(kVersion));
  info.set_cluster_id(fs_master_->cluster_id());
  for (const ::alluxio::grpc::WorkerNetAddress& w : block_master_->LiveWorkerAddresses()) {
    auto* a = info.add_worker_addresses();
    a->set_host(w.host());
    a->set_rpc_port(w.rpc_port());
  }
  return info;
}

}  // namespace alluxio::master
