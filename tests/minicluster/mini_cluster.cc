// SPDX-License-Identifier: Apache-2.0
#include "tests/minicluster/mini_cluster.h"

#include <stdlib.h>

#include <filesystem>

#include "env/env.h"
#include "journal/local/journal_layout.h"

namespace alluxio::testing {

namespace k = conf::keys;

Result<std::unique_ptr<MiniCluster>> MiniCluster::Start(MiniClusterOptions options) {
  std::unique_ptr<MiniCluster> c(new MiniCluster());
  std::string tmpl = (std::filesystem::temp_directory_path() / "alluxio-mini-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) return InternalError("mkdtemp failed");
  c->work_dir_ = tmpl;
  RETURN_IF_ERROR(c->conf_.Set(k::kWorkDir, c->work_dir_));
  RETURN_IF_ERROR(c->conf_.Set(k::kMasterHostname, "127.0.0.1"));
  RETURN_IF_ERROR(c->conf_.Set(k::kMasterBindHost, "127.0.0.1"));
  RETURN_IF_ERROR(c->conf_.Set(k::kMasterRpcPort, "0"));
  RETURN_IF_ERROR(c->conf_.Set(k::kUserRpcRetryMaxDuration, "10sec"));
  RETURN_IF_ERROR(c->conf_.Set(k::kMasterJournalFlushBatchTime, "5ms"));
  for (const auto& [key, value] : options.properties) RETURN_IF_ERROR(c->conf_.Set(key, value));
  RETURN_IF_ERROR(env::Env::Default()->CreateDirs(c->work_dir_ + "/underFSStorage"));
  RETURN_IF_ERROR(
      journal::FormatLocalJournal(env::Env::Default(), c->conf_.Get(k::kMasterJournalFolder)));
  RETURN_IF_ERROR(c->StartMaster());
  return c;
}

MiniCluster::~MiniCluster() {
  client_.reset();
  if (master_) master_->Stop();
  master_.reset();
  std::error_code ec;
  std::filesystem::remove_all(work_dir_, ec);
}

Status MiniCluster::StartMaster() {
  ASSIGN_OR_RETURN(master_, master::MasterProcess::Create(conf_));
  RETURN_IF_ERROR(master_->Start());
  // Later restarts (and clients) use the port the first start picked.
  return conf_.Set(k::kMasterRpcPort, std::to_string(master_->rpc_port()));
}

Status MiniCluster::StopMaster() {
  if (master_) master_->Stop();
  master_.reset();
  return Status();
}

Status MiniCluster::RestartMaster() {
  RETURN_IF_ERROR(StopMaster());
  return StartMaster();
}

client::FileSystem* MiniCluster::client() {
  if (!client_) {
    auto c = client::FileSystem::Create(conf_);
    if (!c.ok()) return nullptr;
    client_ = std::move(*c);
  }
  return client_.get();
}

Result<std::unique_ptr<client::FileSystem>> MiniCluster::NewClient(
    const std::map<std::string, std::string>& properties) {
  conf::Configuration conf = conf_;
  for (const auto& [key, value] : properties) RETURN_IF_ERROR(conf.Set(key, value));
  return client::FileSystem::Create(conf);
}

}  // namespace alluxio::testing
