// SPDX-License-Identifier: Apache-2.0
// MiniCluster: an in-process Alluxio cluster for integration tests and benchmarks — a master
// (real gRPC server on 127.0.0.1 with an ephemeral port, real local journal and UFS in a temp
// directory) and clients. It can stop and restart the master on the same journal.
// (Workers join with the data-path issue.)
// Thread-safety: not thread-safe; drive it from the test thread. Clients are thread-safe.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "client/api/file_system.h"
#include "common/conf/configuration.h"
#include "master/master_process.h"

namespace alluxio::testing {

struct MiniClusterOptions {
  // Extra configuration for every process (key -> value).
  std::map<std::string, std::string> properties;
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

  master::MasterProcess* master() { return master_.get(); }
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
};

}  // namespace alluxio::testing
