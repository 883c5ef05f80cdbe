// SPDX-License-Identifier: Apache-2.0
// FakeMaster: an in-process stand-in for the master services a worker talks to
// (BlockMasterWorkerService, FileSystemMasterWorkerService, ServiceVersionClientService) on an
// ephemeral loopback port. It records what workers report and lets the test choose the commands
// heartbeats get. It knows a worker from its registration until ForgetWorkers() (or a new
// FakeMaster on the same port: a master restart); an unknown worker's heartbeat gets Register.
//
// Thread-safety: thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "alluxio/grpc/block_master.grpc.pb.h"
#include "alluxio/grpc/file_system_master.grpc.pb.h"
#include "alluxio/grpc/version.grpc.pb.h"
#include "common/result.h"

namespace alluxio::rpc {
class RpcServer;
}

namespace alluxio::worker::testing {

class FakeMaster {
 public:
  struct Registration {
    int64_t worker_id = 0;
    grpc::block::RegisterWorkerPRequest first;  // the first message as sent
    int messages = 0;
    std::map<int64_t, std::string> blocks;  // block id -> tier alias, over all messages
  };

  // Serves on 127.0.0.1:`port` (0: a free port).
  static Result<std::unique_ptr<FakeMaster>> Start(int port = 0);
  ~FakeMaster();
  // Stops serving (the recorded state stays readable). Idempotent.
  void Stop();
  int port() const { return port_; }

  // ---- What the test controls ----
  // The next heartbeat of a known worker gets `command` (queued, one per heartbeat).
  void QueueBlockCommand(grpc::block::Command command);
  // The next file system heartbeat gets a FS_PERSIST command with `file`.
  void QueuePersist(grpc::file::PersistFile file);
  void SetPinnedFileIds(std::vector<int64_t> ids);
  void AddMount(int64_t mount_id, std::string uri);
  // Forgets every worker: their next heartbeat gets Register (as after a restart).
  void ForgetWorkers();

  // ---- What workers reported ----
  std::vector<Registration> registrations();
  std::vector<grpc::block::BlockHeartbeatPRequest> heartbeats();
  std::vector<grpc::block::CommitBlockPRequest> commits();
  std::vector<grpc::file::PersistedFile> persisted_files();
  int64_t get_worker_id_calls();
  int64_t fs_heartbeats();

  // Waits until `pred` holds (checked after every call the master serves) or `timeout_ms`.
  bool WaitFor(const std::function<bool()>& pred, int64_t timeout_ms = 10000);

 private:
  class BlockService;
  class FsService;
  class VersionService;
  FakeMaster();
  void Notify();

  std::mutex mu_;
  std::condition_variable cv_;
  int64_t next_worker_id_ = 1000;
  std::map<std::string, int64_t> ids_by_address_;
  std::set<int64_t> known_workers_;
  std::deque<grpc::block::Command> block_commands_;
  std::vector<grpc::file::PersistFile> persist_queue_;
  std::vector<int64_t> pinned_;
  std::map<int64_t, std::string> mounts_;
  std::vector<Registration> registrations_;
  std::vector<grpc::block::BlockHeartbeatPRequest> heartbeats_;
  std::vector<grpc::block::CommitBlockPRequest> commits_;
  std::vector<grpc::file::PersistedFile> persisted_;
  int64_t get_worker_id_calls_ = 0;
  int64_t fs_heartbeats_ = 0;

  std::unique_ptr<BlockService> block_service_;
  std::unique_ptr<FsService> fs_service_;
  std::unique_ptr<VersionService> version_service_;
  std::unique_ptr<rpc::RpcServer> server_;
  int port_ = 0;
};

}  // namespace alluxio::worker::testing
