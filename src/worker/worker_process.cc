// SPDX-License-Identifier: Apache-2.0
#include "worker/worker_process.h"

#include <unistd.h>

#include <algorithm>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/version.h"
#include "rpc/master_client.h"
#include "rpc/server.h"
#include "ufs/under_file_system.h"
#include "worker/service/block_worker_service.h"
#include "worker/sync/block_heartbeat_reporter.h"
#include "worker/sync/block_master_sync.h"
#include "worker/sync/file_system_master_sync.h"
#include "worker/ufs_io/file_persister.h"
#include "worker/ufs_io/ufs_block_cacher.h"
#include "worker/ufs_io/ufs_manager.h"

namespace alluxio::worker {

namespace {

namespace k = conf::keys;

constexpr int kPersistThreads = 2;

Status Positive(const conf::PropertyKey& key, int64_t value) {
  if (value > 0) return Status();
  return InvalidArgumentError(
      fmt::format("Invalid value '{}' for {}: must be positive", value, key.name));
}

// A client whose calls give up quickly: the background loops retry on their own schedule, and
// must stay responsive to Stop() and to a master that comes back.
Result<std::unique_ptr<rpc::MasterClient>> SyncClient(const conf::Configuration& conf,
                                                      rpc::ServiceSpec spec, int64_t interval_ms) {
  conf::Configuration c = conf;
  RETURN_IF_ERROR(c.Set(k::kUserRpcRetryMaxDuration,
                        std::to_string(std::clamp<int64_t>(interval_ms, 0, 1000))));
  return rpc::MasterClient::Create(c, std::move(spec));
}

rpc::ServiceSpec BlockMasterWorkerSpec() {
  return rpc::ServiceSpec{kBlockMasterWorkerServiceType, kBlockMasterWorkerServiceVersion,
                          "BlockMasterWorker"};
}

rpc::ServiceSpec FileSystemMasterWorkerSpec() {
  return rpc::ServiceSpec{kFileSystemMasterWorkerServiceType, kFileSystemMasterWorkerServiceVersion,
                          "FileSystemMasterWorker"};
}

}  // namespace

WorkerProcess::WorkerProcess(conf::Configuration conf) : conf_(std::move(conf)) {}

WorkerProcess::~WorkerProcess() { Stop(); }

Result<std::unique_ptr<WorkerProcess>> WorkerProcess::Create(const conf::Configuration& conf) {
  // The UFS keys of the configuration reach every UFS the worker opens (see MasterProcess).
  ufs::SetDefaultUfsOptions(ufs::UfsOptionsFromConfiguration(conf));
  std::unique_ptr<WorkerProcess> p(new WorkerProcess(conf));
  ASSIGN_OR_RETURN(p->store_options_, StoreOptions::FromConfiguration(conf));
  ASSIGN_OR_RETURN(int64_t port, conf.GetInt(k::kWorkerRpcPort));
  ASSIGN_OR_RETURN(int64_t web_port, conf.GetInt(k::kWorkerWebPort));
  p->rpc_port_ = static_cast<int>(port);
  p->web_port_ = static_cast<int>(web_port);
  p->bind_host_ = conf.Get(k::kWorkerBindHost);
  ASSIGN_OR_RETURN(p->heartbeat_interval_ms_, conf.GetDurationMs(k::kWorkerBlockHeartbeatInterval));
  RETURN_IF_ERROR(Positive(k::kWorkerBlockHeartbeatInterval, p->heartbeat_interval_ms_));
  ASSIGN_OR_RETURN(p->heartbeat_timeout_ms_, conf.GetDurationMs(k::kWorkerBlockHeartbeatTimeout));
  RETURN_IF_ERROR(Positive(k::kWorkerBlockHeartbeatTimeout, p->heartbeat_timeout_ms_));
  ASSIGN_OR_RETURN(p->register_batch_size_, conf.GetInt(k::kWorkerRegisterStreamBatchSize));
  ASSIGN_OR_RETURN(p->max_chunk_bytes_, conf.GetBytes(k::kWorkerNetworkReaderMaxChunkSizeBytes));
  RETURN_IF_ERROR(Positive(k::kWorkerNetworkReaderMaxChunkSizeBytes, p->max_chunk_bytes_));
  ASSIGN_OR_RETURN(p->packed_files_, conf.GetBool(k::kWorkerTieredstorePackedFilesEnabled));
  // Alluxio's default, max(8, 2 x cores): a reader's prefetches wait for each other's turn at
  // their file (UfsBlockCacher), so half of these threads may be waiting rather than copying.
  p->cache_threads_ = std::max(8, 2 * static_cast<int>(std::thread::hardware_concurrency()));
  if (conf.GetSource(k::kWorkerNetworkAsyncCacheManagerThreadsMax) != conf::Source::kDefault) {
    ASSIGN_OR_RETURN(int64_t threads, conf.GetInt(k::kWorkerNetworkAsyncCacheManagerThreadsMax));
    p->cache_threads_ = static_cast<int>(threads);  // 1 to 4096: the key's bounds, checked when set
  }
  ASSIGN_OR_RETURN(int64_t queued, conf.GetInt(k::kWorkerNetworkAsyncCacheManagerQueueMax));
  p->max_queued_caches_ = static_cast<size_t>(queued);  // >= 0, checked when set
  p->persistence_temp_dir_ = conf.Get(k::kUnderfsPersistenceAsyncTempDir);
  if (p->persistence_temp_dir_.empty() || p->persistence_temp_dir_.find('/') != std::string::npos) {
    return InvalidArgumentError(fmt::format("Invalid value '{}' for {}: expected a directory name",
                                            p->persistence_temp_dir_,
                                            k::kUnderfsPersistenceAsyncTempDir.name));
  }
  RETURN_IF_ERROR(rpc::MasterClient::MasterAddresses(conf).status());
  if (conf.IsSet(k::kWorkerHostname) && !conf.Get(k::kWorkerHostname).empty()) {
    p->hostname_ = conf.Get(k::kWorkerHostname);
  } else {
    char buf[256] = {0};
    p->hostname_ = gethostname(buf, sizeof(buf) - 1) == 0 ? buf : "localhost";
  }
  return p;
}

void WorkerProcess::SetFatalErrorHandler(std::function<void(const Status&)> handler) {
  fatal_handler_ = std::move(handler);
}

Status WorkerProcess::Start() {
  ASSIGN_OR_RETURN(store_, BlockStore::Open(store_options_));
  RecoveryStats rs = store_->recovery_stats();
  spdlog::info("Block store opened: {} blocks ({} bytes) kept, {} dropped, {} dirs lost", rs.blocks,
               rs.bytes, rs.dropped_corrupt + rs.dropped_over_quota + rs.dropped_duplicate,
               rs.dirs_lost);
  reporter_ = std::make_unique<BlockHeartbeatReporter>();
  store_->AddListener(reporter_.get());

  ASSIGN_OR_RETURN(block_master_, rpc::MasterClient::Create(conf_, BlockMasterWorkerSpec()));
  ASSIGN_OR_RETURN(fs_master_, rpc::MasterClient::Create(conf_, FileSystemMasterWorkerSpec()));
  ASSIGN_OR_RETURN(block_master_sync_client_,
                   SyncClient(conf_, BlockMasterWorkerSpec(), heartbeat_interval_ms_));
  ASSIGN_OR_RETURN(fs_master_sync_client_,
                   SyncClient(conf_, FileSystemMasterWorkerSpec(), heartbeat_interval_ms_));

  ufs_ = std::make_unique<UfsManager>(fs_master_.get());
  cacher_ = std::make_unique<UfsBlockCacher>(store_.get(), ufs_.get(), cache_threads_,
                                             max_queued_caches_, packed_files_);
  persister_ = std::make_unique<FilePersister>(store_.get(), ufs_.get(), persistence_temp_dir_,
                                               kPersistThreads);
  auto worker_id = [this] { return block_sync_ ? block_sync_->worker_id() : 0; };
  BlockWorkerServiceOptions so;
  so.max_chunk_bytes = max_chunk_bytes_;
  so.packed_files = packed_files_;
  so.cache_report_client = block_master_sync_client_.get();
  service_ = std::make_unique<BlockWorkerService>(store_.get(), ufs_.get(), cacher_.get(),
                                                  block_master_.get(), worker_id, so);
  version_service_ = std::make_unique<WorkerVersionService>();

  BlockMasterSyncOptions bo;
  bo.heartbeat_interval_ms = heartbeat_interval_ms_;
  bo.heartbeat_timeout_ms = heartbeat_timeout_ms_;
  bo.register_batch_size = register_batch_size_;
  bo.build_version = std::string(kVersion);
  // The sync exists before the server so that handlers always see it (worker_id above); it
  // learns the bound port before it starts.
  block_sync_ = std::make_unique<BlockMasterSync>(
      store_.get(), reporter_.get(), block_master_sync_client_.get(), bo, fatal_handler_);
  ASSIGN_OR_RETURN(server_, rpc::RpcServer::Start(bind_host_, rpc_port_,
                                                  {service_.get(), version_service_.get()}));
  rpc_port_ = server_->port();
  grpc::WorkerNetAddress address;
  address.set_host(hostname_);
  address.set_rpc_port(rpc_port_);
  address.set_data_port(rpc_port_);
  address.set_web_port(web_port_);
  block_sync_->set_address(address);
  fs_sync_ =
      std::make_unique<FileSystemMasterSync>(store_.get(), fs_master_sync_client_.get(),
                                             persister_.get(), worker_id, heartbeat_interval_ms_);
  block_sync_->Start();
  fs_sync_->Start();
  spdlog::info("Alluxio worker {} serving on {}:{} as {}:{}", kVersion, bind_host_, rpc_port_,
               hostname_, rpc_port_);
  return Status();
}

void WorkerProcess::Stop() {
  if (block_sync_) block_sync_->Stop();
  if (fs_sync_) fs_sync_->Stop();
  if (server_) {
    server_->Shutdown();  // cancels open streams; their handlers clean up their sessions
    server_.reset();
  }
  if (cacher_) cacher_->Stop();
  if (persister_) persister_->Stop();
  fs_sync_.reset();
  block_sync_.reset();
  service_.reset();
  version_service_.reset();
  persister_.reset();
  cacher_.reset();
  ufs_.reset();
  store_.reset();
  reporter_.reset();
}

int64_t WorkerProcess::worker_id() const { return block_sync_ ? block_sync_->worker_id() : 0; }

Status WorkerProcess::WaitRegistered(int64_t timeout_ms) {
  if (!block_sync_) return FailedPreconditionError("The worker is not running");
  return block_sync_->WaitRegistered(timeout_ms);
}

void WorkerProcess::HeartbeatNow() {
  if (!block_sync_ || !fs_sync_) return;  // not started (or Start failed)
  Status b = block_sync_->HeartbeatOnce();
  if (!b.ok()) spdlog::warn("Block heartbeat: {}", b.ToString());
  Status f = fs_sync_->HeartbeatOnce();
  if (!f.ok()) spdlog::warn("File system heartbeat: {}", f.ToString());
}

}  // namespace alluxio::worker
