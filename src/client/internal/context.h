// SPDX-License-Identifier: Apache-2.0
// Context: what every part of the client library shares: the master client, the data-path
// settings read once from configuration, gRPC stubs per worker, and the list of live workers.
// Internal to the client library (the public API is client/api/).
//
// Thread-safety: thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "alluxio/grpc/block_master.grpc.pb.h"
#include "alluxio/grpc/block_worker.grpc.pb.h"
#include "alluxio/grpc/common.pb.h"
#include "common/conf/configuration.h"
#include "common/result.h"

namespace alluxio::rpc {
class MasterClient;
}

namespace alluxio::client::internal {

using WorkerNetAddress = ::alluxio::grpc::WorkerNetAddress;
using WorkerStub = ::alluxio::grpc::block::BlockWorker::Stub;

// The data-path settings (alluxio.user.*), read once.
struct DataOptions {
  int64_t default_block_size = 64 << 20;
  int64_t reader_chunk_size = 1 << 20;
  int64_t writer_chunk_size = 1 << 20;
  int64_t local_reader_chunk_size = 8 << 20;
  int64_t data_timeout_ms = 3 * 60 * 1000;
  int64_t persistence_wait_ms = 0;
  int64_t worker_list_refresh_ms = 2 * 60 * 1000;
  bool short_circuit = true;
  // alluxio.user.file.passive.cache.enabled: a block read from another host's worker is copied
  // into this host's worker (AsyncCache with the source worker).
  bool passive_cache = true;
  ::alluxio::grpc::WritePType write_type = ::alluxio::grpc::ASYNC_THROUGH;
  ::alluxio::grpc::ReadPType read_type = ::alluxio::grpc::CACHE;
  bool round_robin_writes = false;  // RoundRobinPolicy instead of LocalFirstPolicy

  static Result<DataOptions> FromConfiguration(const conf::Configuration& conf);
};

// A live worker as the master last reported it.
struct WorkerEntry {
  int64_t id = 0;
  WorkerNetAddress address;
  int64_t capacity_bytes = 0;
  int64_t used_bytes = 0;
  bool local = false;  // runs on this host
};

// "host:rpc_port" of a worker.
std::string WorkerKey(const WorkerNetAddress& address);

class Context {
 public:
  Context(std::shared_ptr<rpc::MasterClient> master, DataOptions options, std::string local_host);

  rpc::MasterClient* master() const { return master_.get(); }
  const DataOptions& options() const { return options_; }
  const std::string& user() const;

  // A stub for the worker's BlockWorker service (one channel per worker, kept).
  std::shared_ptr<WorkerStub> Worker(const WorkerNetAddress& address);
  // The channel behind Worker(address), for calls made without the generated stub (raw reads).
  std::shared_ptr<::grpc::Channel> WorkerChannel(const WorkerNetAddress& address);
  // True when the worker runs on this host (its hostname is this host's name, localhost, or a
  // loopback address): short-circuit is possible and LocalFirst prefers it.
  bool IsLocal(const WorkerNetAddress& address) const;

  // Live workers, from the master, cached for alluxio.user.worker.list.refresh.interval (or
  // fetched again with `refresh`).
  Result<std::vector<WorkerEntry>> Workers(bool refresh = false);

  // Adds the user header to a call to a worker.
  void PrepareDataCall(::grpc::ClientContext* ctx) const;

  // Blocks that a stream of this client is having this host's worker cache (a synchronous Cache
  // before a whole-block read), now or lately. A read of part of such a block waits for that copy
  // and reads the cached block, which its own stream's locations (from its open) do not list,
  // instead of streaming the range from the UFS: what a FUSE mount's concurrent reads of a file
  // read for the first time did.
  // False, and nothing begun, when another stream is caching the block already.
  bool TryBeginCaching(int64_t block_id);
  void EndCaching(int64_t block_id, bool cached);
  // kCached: the block was cached here by this client (waiting for a copy in progress, up to
  // `deadline`); kNotCaching: this client knows of no copy here.
  enum class CachingWait { kNotCaching, kCached, kTimedOut };
  CachingWait WaitForCaching(int64_t block_id, std::chrono::steady_clock::time_point deadline);

 private:
  const std::shared_ptr<rpc::MasterClient> master_;
  const DataOptions options_;
  const std::string local_host_;

  std::mutex mu_;
  struct WorkerConnection {
    std::shared_ptr<::grpc::Channel> channel;
    std::shared_ptr<WorkerStub> stub;
  };
  const WorkerConnection& Connection(const std::string& key);  // REQUIRES(mu_)
  std::map<std::string, WorkerConnection> workers_by_key_;     // GUARDED_BY(mu_)
  std::vector<WorkerEntry> workers_;                           // GUARDED_BY(mu_)
  int64_t workers_fetched_ms_ = -1;                            // GUARDED_BY(mu_)

  std::mutex caching_mu_;
  std::condition_variable caching_done_;
  std::set<int64_t> caching_;  // GUARDED_BY(caching_mu_)
  // The last kRecentlyCached blocks cached here, oldest first.
  static constexpr size_t kRecentlyCached = 1024;
  std::deque<int64_t> recently_cached_;  // GUARDED_BY(caching_mu_)
};

}  // namespace alluxio::client::internal
