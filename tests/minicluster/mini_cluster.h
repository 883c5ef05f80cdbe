// SPDX-License-Identifier: Apache-2.0
// MiniCluster: an in-process Alluxio cluster for integration tests and benchmarks — a master
// (real gRPC server on 127.0.0.1 with an ephemeral port, real local journal and UFS in a temp
// directory), workers (real block stores on temp tier directories, ephemeral ports) and clients.
// Masters and workers can be stopped and restarted on the same journal, storage and ports.
// Thread-safety: not thread-safe; drive it from the test thread. Clients are thread-safe.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "client/api/file_system.h"
#include "common/conf/configuration.h"
#include "master/master_process.h"
#include "worker/worker_process.h"

namespace alluxio::testing {

struct MiniClusterOptions {
  // Extra configuration for every process (key -> value).
  std::map<std::string, std::string> properties = {};
  // Workers to start (each with one MEM tier dir of `worker_quota` under the work dir).
  int num_workers = 0;
  std::string worker_quota = "64MB";
  // Where worker tier directories go (default: the work dir); e.g. /dev/shm for benchmarks.
  std::string worker_storage_root = {};
  // Extra configuration for the workers only.
  std::map<std::string, std::string> worker_properties = {};
};

class MiniCluster {
 public:
  // Creates the temp work dir, formats the journal and starts the master.
  static Result<std::unique_ptr<MiniCluster>> Start(MiniClusterOptions options = {});
  ~MiniCluster();

  // Stops the master (flushing the journal) and starts a new one on the same journal and port.
  Status RestartMaster();
  Status StopMaster();
  Status StartMaster();
  // Starts the master with `extra` properties on top of the cluster's (for this start only, e.g.
  // alluxio.master.journal.init.from.backup).
  Status StartMaster(const std::map<std::string, std::string>& extra);
  // Formats the master's journal (like `alluxio formatJournal`). REQUIRES: the master is stopped.
  Status FormatJournal();

  master::MasterProcess* master() { return master_.get(); }

  // Workers. Stop/Start keep the worker's storage and port (a restart keeps its blocks).
  int num_workers() const { return static_cast<int>(workers_.size()); }
  worker::WorkerProcess* worker(int i) { return workers_[i].process.get(); }
  Status StopWorker(int i);
  // Starts worker i and (unless told not to) waits until it registered with the master.
  Status StartWorker(int i, bool wait_registered = true);
  Status RestartWorker(int i);
  // The tier directory of worker i.
  std::string worker_dir(int i) const { return workers_[i].dir; }
  // Waits until the master reports `n` live workers (all started ones when n < 0).
  Status WaitForWorkers(int n = -1, int64_t timeout_ms = 20000);
  // A client for this cluster (created on first use, recreated after restarts is not needed: it
  // reconnects by itself).
  client::FileSystem* client();
  // A new client with extra properties (e.g. another user).
  Result<std::unique_ptr<client::FileSystem>> NewClient(
      const std::map<std::string, std::string>& properties = {});
  const conf::Configuration& conf() const { return conf_; }
  const std::string& work_dir() const { return work_dir_; }
  std::string ufs_root() const { return work_dir_ + "/underFSStorage"; }

 private:
  MiniCluster() = default;

  std::string work_dir_;
  conf::Configuration conf_;
  std::unique_ptr<master::MasterProcess> master_;
  std::unique_ptr<client::FileSystem> client_;

  struct Worker {
    conf::Configuration conf;
    std::string dir;
    std::unique_ptr<worker::WorkerProcess> process;
  };
  std::vector<Worker> workers_;
  std::vector<std::string> extra_dirs_;  // removed with the cluster
};

}  // namespace alluxio::testing
