// SPDX-License-Identifier: Apache-2.0
// WorkerProcess: one Alluxio worker. Opens the tiered block store, serves the BlockWorker data
// service (and ServiceVersionClientService) on alluxio.worker.rpc.port, and keeps the masters
// informed: registration and block heartbeats (BlockMasterSync), file system heartbeats with
// persistence and the pin list (FileSystemMasterSync). Used by the alluxio-worker binary and by
// the in-process minicluster. Contract: docs/design/data-path.md "Worker".
//
// Configuration (besides the tiered store keys of worker/block/store_options.h):
//   alluxio.worker.hostname / bind.host / rpc.port (0: a free port) / web.port (reported only),
//   alluxio.master.hostname + alluxio.master.rpc.port or alluxio.master.rpc.addresses,
//   alluxio.worker.block.heartbeat.interval / .timeout, alluxio.worker.register.stream.batch.size,
//   alluxio.worker.network.reader.max.chunk.size.bytes, alluxio.underfs.persistence.async.temp.dir.
//
// Thread-safety: Create/Start/Stop from one thread; the accessors, WaitRegistered and
// HeartbeatNow are thread-safe after Start.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/conf/configuration.h"
#include "common/result.h"
#include "worker/block/block_store.h"
#include "worker/block/store_options.h"

namespace alluxio::rpc {
class MasterClient;
class RpcServer;
}  // namespace alluxio::rpc

namespace alluxio::worker {

class BlockHeartbeatReporter;
class BlockMasterSync;
class BlockWorkerService;
class FilePersister;
class FileSystemMasterSync;
class UfsBlockCacher;
class UfsManager;
class WorkerVersionService;

class WorkerProcess {
 public:
  // Validates the configuration (store layout, ports, durations, master addresses); does not
  // touch the disk. InvalidArgument naming the key otherwise.
  static Result<std::unique_ptr<WorkerProcess>> Create(const conf::Configuration& conf);
  ~WorkerProcess();
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;

  // Called once if the master cannot be reached for alluxio.worker.block.heartbeat.timeout (the
  // worker has stopped syncing by then). The binary exits; by default the worker only logs.
  // REQUIRES: before Start().
  void SetFatalErrorHandler(std::function<void(const Status&)> handler);

  // Opens the block store, starts serving on alluxio.worker.bind.host:rpc.port, then starts the
  // master syncs. Registration happens in the background and is retried while the master is
  // away. Errors: the store's (InvalidArgument, I/O), Unavailable when the port cannot be bound.
  Status Start();
  // Stops the syncs, the server (ending open streams, which releases their sessions), background
  // tasks, and closes the store. Idempotent.
  void Stop();

  int rpc_port() const { return rpc_port_; }
  // alluxio.worker.hostname, else this host's name.
  std::string hostname() const { return hostname_; }
  // 0 until the master gave an id.
  int64_t worker_id() const;
  // The open store (null before Start and after Stop).
  BlockStore* block_store() { return store_.get(); }

  // Tests: runs heartbeats until the current master has confirmed this worker's registration
  // (after a master restart too), or DeadlineExceeded after `timeout_ms`.
  Status WaitRegistered(int64_t timeout_ms);
  // Tests: runs one block and one file-system heartbeat now, on the calling thread.
  void HeartbeatNow();

 private:
  explicit WorkerProcess(conf::Configuration conf);

  conf::Configuration conf_;
  StoreOptions store_options_;
  std::string hostname_;
  std::string bind_host_;
  int rpc_port_ = 0;
  int web_port_ = 0;
  int64_t heartbeat_interval_ms_ = 1000;
  int64_t heartbeat_timeout_ms_ = 0;
  int64_t register_batch_size_ = 0;
  int64_t max_chunk_bytes_ = 0;
  int cache_threads_ = 0;  // from the async cache manager keys (Create)
  size_t max_queued_caches_ = 0;
  bool packed_files_ = true;
  std::string persistence_temp_dir_;
  std::function<void(const Status&)> fatal_handler_;

  // Declared in dependency order: destroyed users first.
  std::unique_ptr<BlockStore> store_;
  std::unique_ptr<BlockHeartbeatReporter> reporter_;
  std::unique_ptr<rpc::MasterClient> block_master_;              // data path (CommitBlock)
  std::unique_ptr<rpc::MasterClient> fs_master_;                 // data path (GetUfsInfo)
  std::unique_ptr<rpc::MasterClient> block_master_sync_client_;  // short retries
  std::unique_ptr<rpc::MasterClient> fs_master_sync_client_;
  std::unique_ptr<UfsManager> ufs_;
  std::unique_ptr<UfsBlockCacher> cacher_;
  std::unique_ptr<FilePersister> persister_;
  std::unique_ptr<BlockWorkerService> service_;
  std::unique_ptr<WorkerVersionService> version_service_;
  std::unique_ptr<rpc::RpcServer> server_;
  std::unique_ptr<BlockMasterSync> block_sync_;
  std::unique_ptr<FileSystemMasterSync> fs_sync_;
};

// Service specs of the master services a worker uses (reference §7).
inline constexpr int kBlockMasterWorkerServiceType = 5;
inline constexpr int kFileSystemMasterWorkerServiceType = 2;
inline constexpr int64_t kBlockMasterWorkerServiceVersion = 2;
inline constexpr int64_t kFileSystemMasterWorkerServiceVersion = 2;

}  // namespace alluxio::worker
