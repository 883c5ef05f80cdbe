// SPDX-License-Identifier: Apache-2.0
// BlockMasterSync: keeps the block master informed about this worker (Alluxio's BlockMasterSync).
//   - Registration: GetWorkerId(address), then a client-streamed RegisterWorker: the first message
//     carries the tiers (fastest first), capacity and usage per tier, lost storage, build version
//     and address; the stored blocks follow, grouped by location, at most `register_batch_size`
//     ids per message.
//   - Heartbeat every `heartbeat_interval_ms`: usage and capacity per tier, the added and removed
//     blocks collected by a BlockHeartbeatReporter, lost storage. The reply's command is obeyed:
//     Register -> register again (with a fresh GetWorkerId); Free/Delete -> remove those blocks (a
//     block a reader holds stays and is retried on later heartbeats); Nothing.
//   - A heartbeat that fails with a retryable code (the master is away or restarting) is simply
//     retried: the restarted master answers the next one with Register. Other failures make the
//     worker register again. A report that could not be delivered is merged back.
//   - When no heartbeat has succeeded for `heartbeat_timeout_ms`, the loop logs
//     "Master heartbeat timeout exceeded", calls `on_timeout` once and stops.
//
// Thread-safety: thread-safe. One background thread (Start/Stop) runs the loop; HeartbeatOnce and
// WaitRegistered may be called from any thread and are serialised with it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "alluxio/grpc/common.pb.h"
#include "common/result.h"
#include "worker/block/block_store.h"
#include "worker/internal/active_calls.h"
#include "worker/sync/block_heartbeat_reporter.h"

namespace alluxio::rpc {
class MasterClient;
}

namespace alluxio::worker {

struct BlockMasterSyncOptions {
  grpc::WorkerNetAddress address;
  int64_t heartbeat_interval_ms = 1000;
  int64_t heartbeat_timeout_ms = 3600 * 1000;
  int64_t register_batch_size = 1000000;
  std::string build_version;
};

class BlockMasterSync {
 public:
  // `store`, `reporter` (registered as a listener of `store`) and `master` (a client of
  // BlockMasterWorkerService) must outlive the sync. `on_timeout` may be empty.
  BlockMasterSync(BlockStore* store, BlockHeartbeatReporter* reporter, rpc::MasterClient* master,
                  BlockMasterSyncOptions options, std::function<void(const Status&)> on_timeout);
  ~BlockMasterSync();

  // Starts the background loop (it registers first). Stop() joins it and cancels calls in flight;
  // both idempotent.
  void Start();
  void Stop();
  // The address to register with (the RPC port is known once the server is bound).
  // REQUIRES: before Start().
  void set_address(const grpc::WorkerNetAddress& address) { options_.address = address; }

  // One round now: registers when not registered, else heartbeats (registering again if the
  // master asks). Returns the outcome of the master calls.
  Status HeartbeatOnce();
  // Runs rounds until one confirms that the current master knows this worker (a heartbeat answered
  // with anything but Register, or a registration), or `timeout_ms` passes (DeadlineExceeded with
  // the last error).
  Status WaitRegistered(int64_t timeout_ms);

  // 0 until the master gave an id.
  int64_t worker_id() const { return worker_id_.load(); }
  bool registered() const { return registered_.load(); }
  // Registrations completed since Start (tests: a Register command leads to a new one).
  int64_t registrations() const { return registrations_.load(); }

 private:
  Status RoundLocked();  // REQUIRES: round_mu_
  Status RegisterLocked();
  Status HeartbeatLocked();
  // Removes the blocks the master asked to free; those held by readers stay queued.
  void FreeBlocksLocked();
  void Loop();

  BlockStore* const store_;
  BlockHeartbeatReporter* const reporter_;
  rpc::MasterClient* const master_;
  BlockMasterSyncOptions options_;  // address: set before Start()
  const std::function<void(const Status&)> on_timeout_;

  std::atomic<int64_t> worker_id_{0};
  std::atomic<bool> registered_{false};
  std::atomic<int64_t> registrations_{0};
  internal::ActiveCalls calls_;

  std::mutex round_mu_;        // serialises rounds (the loop, HeartbeatOnce, WaitRegistered)
  std::set<BlockId> to_free_;  // GUARDED_BY(round_mu_)
  std::chrono::steady_clock::time_point last_ok_;  // GUARDED_BY(round_mu_)
  bool timed_out_ = false;                         // GUARDED_BY(round_mu_)

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace alluxio::worker
