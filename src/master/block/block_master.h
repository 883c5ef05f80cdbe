// SPDX-License-Identifier: Apache-2.0
// BlockMaster: what the master knows about workers and the blocks they cache (design:
// docs/design/data-path.md, "Block master"). Everything is in memory and nothing is journaled:
// workers tell a (re)started master what they hold by registering.
//
// State: the workers (id, address, tiers with capacity and usage, last contact, live or lost)
// and, for every cached block, its copies (worker, tier alias, medium) and its length when a
// CommitBlock reported it. A block that no worker caches has no record; its length is derived from
// its file (`min(B, L - i * B)`).
//
// The block master never journals and never calls the file system master while holding its
// mutex: orphan checks (reported blocks whose file is gone) go through FileBlockIndex after the
// mutex is released, then the orphans are removed under the mutex again. A block deleted in between
// is caught either by the check or by RemoveBlocks, so no stale location survives.
//
// Thread-safety: thread-safe. Lock order: the FileSystemMaster state lock before mu_ (the file
// system master calls RemoveBlocks* while applying deletes).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <absl/container/btree_map.h>
#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>
#include <absl/container/inlined_vector.h>

#include "alluxio/grpc/block_master.pb.h"
#include "alluxio/grpc/common.pb.h"
#include "common/conf/configuration.h"
#include "common/result.h"

namespace alluxio::master {

using WorkerId = int64_t;
using BlockId = int64_t;

// The tier alias whose cached bytes count as "in memory".
inline constexpr char kMemoryTierAlias[] = "MEM";

// What the block master asks of the namespace (implemented by FileSystemMaster). Called without
// the block master's mutex held; implementations may take their own locks.
class FileBlockIndex {
 public:
  virtual ~FileBlockIndex() = default;
  // The ids among `block_ids` that belong to no file: the file does not exist, or it is complete
  // and the block's index is beyond its block count.
  virtual std::vector<BlockId> FindOrphanBlocks(const std::vector<BlockId>& block_ids) = 0;
  // The length of a block, derived from its file. NotFound when the block belongs to no file.
  virtual Result<int64_t> BlockLength(BlockId block_id) = 0;
};

struct BlockMasterOptions {
  // A worker silent for this long is lost (alluxio.master.worker.timeout).
  int64_t worker_timeout_ms = 5 * 60 * 1000;
  // How often the detection thread looks (alluxio.master.lost.worker.detection.interval).
  int64_t lost_worker_detection_interval_ms = 10 * 1000;
  // A lost worker is forgotten after this long without contact
  // (alluxio.master.lost.worker.deletion.timeout).
  int64_t lost_worker_deletion_timeout_ms = 30 * 60 * 1000;
  // Safe mode after Start (alluxio.master.worker.connect.wait.time).
  int64_t safe_mode_ms = 5000;
  // Wall-clock ms; defaults to the system clock. Tests inject a fake one.
  std::function<int64_t()> clock;

  static Result<BlockMasterOptions> FromConfiguration(const conf::Configuration& conf);
};

class BlockMaster {
 public:
  explicit BlockMaster(BlockMasterOptions options);
  ~BlockMaster();
  BlockMaster(const BlockMaster&) = delete;
  BlockMaster& operator=(const BlockMaster&) = delete;

  // `index` must outlive the block master (or be reset to nullptr first). Without an index no
  // orphan is ever detected and GetBlockInfo knows only cached blocks.
  void SetFileBlockIndex(FileBlockIndex* index);
  // Starts the lost-worker detection thread and safe mode (workers are still registering: for
  // options.safe_mode_ms, InSafeMode()). Stop() joins the thread; both are idempotent.
  void Start();
  // Whether the master is in safe mode: the worker list is still incomplete after Start.
  bool InSafeMode() const;
  void Stop();
  // Forgets every worker and block location (a master that stopped being the primary; workers
  // register with the next primary).
  void Clear();

  // --- Workers (BlockMasterWorkerService) ---

  // The id known for `address` (host and rpc port), or a new random one.
  WorkerId GetWorkerId(const grpc::WorkerNetAddress& address);
  // Applies a whole registration stream; messages[0] carries the tiers and usage, every message
  // may carry blocks. Replaces every location the master had for the worker with the reported
  // ones and queues Free for reported orphans. A worker id the master does not know (it
  // restarted) is adopted when the first message has an address no other worker uses.
  // InvalidArgument for an empty stream; NotFound for an unknown id that cannot be adopted.
  Status RegisterWorker(const std::vector<grpc::block::RegisterWorkerPRequest>& messages);
  // Applies usage and block deltas. The command is Register when the worker is unknown, not
  // registered or lost; else Free with the queued block ids (the queue is emptied); else Nothing.
  grpc::block::Command Heartbeat(const grpc::block::BlockHeartbeatPRequest& request);
  // Records a committed block (location and length). Idempotent. NotFound for an unknown or
  // unregistered worker; a lost worker's commit is accepted and not recorded (it will register).
  Status CommitBlock(const grpc::block::CommitBlockPRequest& request);
  // Marks workers silent for longer than the timeout at `now_ms` as lost and drops their
  // locations; returns how many were lost. The detection thread calls this; tests call it.
  int DetectLostWorkers(int64_t now_ms);
  bool IsWorkerLive(WorkerId id) const;

  // --- Blocks ---

  // Queues Free for every worker caching one of `block_ids` and drops those locations at once
  // (no reader is sent to a copy being removed). Unknown ids are ignored.
  void RemoveBlocks(const std::vector<BlockId>& block_ids);
  // RemoveBlocks for every block of the given files (any index, complete or not).
  void RemoveBlocksOfFiles(const std::vector<int64_t>& file_ids);
  // Fills file_block_infos and in_alluxio/in_memory_percentage of a file's FileInfo (and its
  // block_ids when the file is complete). Directories are left alone. One lock per call.
  void FillFileBlockInfos(grpc::FileInfo* info) const;
  void FillFileBlockInfos(std::vector<grpc::FileInfo>* infos) const;
  // Length and locations of one block. NotFound "Block <id> does not exist." when it is neither
  // cached nor part of a file.
  Result<grpc::BlockInfo> GetBlockInfo(BlockId block_id);
  // A live worker caching every block in `block_ids` (the one with most free bytes), if any.
  std::optional<WorkerId> FindWorkerWithAllBlocks(const std::vector<BlockId>& block_ids) const;

  // --- Reports (BlockMasterClientService, MetaMaster) ---

  grpc::block::BlockMasterInfo GetBlockMasterInfo() const;
  std::vector<grpc::block::WorkerInfo> GetWorkerReport(
      const grpc::block::GetWorkerReportPOptions& options) const;
  std::vector<grpc::WorkerNetAddress> LiveWorkerAddresses() const;

 private:
  // A cached copy. The location (tier alias, medium) is interned: few distinct values.
  struct Copy {
    WorkerId worker;
    uint32_t location;
  };
  struct BlockRecord {
    int64_t length = -1;  // from CommitBlock; -1: derive from the file
    absl::InlinedVector<Copy, 1> copies;
  };
  struct Worker {
    WorkerId id = 0;
    grpc::WorkerNetAddress address;
    bool registered = false;
    bool lost = false;
    int64_t last_contact_ms = 0;
    int64_t start_time_ms = 0;
    std::vector<std::string> tiers;
    std::map<std::string, int64_t> capacity_on_tiers;
    std::map<std::string, int64_t> used_on_tiers;
    std::map<std::string, std::vector<std::string>> lost_storage;
    absl::flat_hash_set<BlockId> blocks;   // what it caches (mirrors the copies)
    absl::flat_hash_set<BlockId> to_free;  // sent with the next heartbeat reply
  };

  // REQUIRES: mu_ held.
  uint32_t InternLocation(const std::string& tier, const std::string& medium);
  void AddCopy(Worker* w, BlockId id, uint32_t location);
  void DropCopy(Worker* w, BlockId id);  // from the record and the worker's set
  void DropAllCopies(Worker* w);
  void RemoveBlocksLocked(const std::vector<BlockId>& ids);
  void FillLocked(grpc::FileInfo* info) const;
  void FillLocation(const Copy& c, grpc::BlockLocation* out) const;
  grpc::block::WorkerInfo ToWorkerInfo(const Worker& w, int64_t now) const;

  // Runs the orphan check for blocks a worker reported and frees the orphans from it. Called
  // without mu_.
  void FreeOrphans(WorkerId worker, const std::vector<BlockId>& reported);
  int64_t NowMs() const { return options_.clock(); }
  void DetectionLoop();

  BlockMasterOptions options_;
  FileBlockIndex* index_ = nullptr;  // set before serving

  mutable std::mutex mu_;
  absl::flat_hash_map<WorkerId, Worker> workers_;                 // GUARDED_BY(mu_)
  absl::flat_hash_map<std::string, WorkerId> worker_by_address_;  // GUARDED_BY(mu_)
  // Ordered by id, so the blocks of one file (one container) are a range.
  absl::btree_map<BlockId, BlockRecord> blocks_;                // GUARDED_BY(mu_)
  std::vector<std::pair<std::string, std::string>> locations_;  // GUARDED_BY(mu_)

  mutable std::mutex thread_mu_;
  std::condition_variable thread_cv_;
  bool stopping_ = false;                                  // GUARDED_BY(thread_mu_)
  std::chrono::steady_clock::time_point safe_mode_until_;  // GUARDED_BY(thread_mu_)
  std::thread detection_thread_;
};

}  // namespace alluxio::master
