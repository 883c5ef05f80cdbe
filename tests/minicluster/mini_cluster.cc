// SPDX-License-Identifier: Apache-2.0
#include "tests/minicluster/mini_cluster.h"

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <fmt/format.h>

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
  // As Alluxio's test configuration: the UFS journal (HA tests set EMBEDDED themselves).
  RETURN_IF_ERROR(c->conf_.Set(k::kMasterJournalType, "UFS"));
  // As Alluxio's test configuration: no safe mode (workers register within milliseconds here).
  RETURN_IF_ERROR(c->conf_.Set(k::kMasterWorkerConnectWaitTime, "0sec"));
  for (const auto& [key, value] : options.properties) RETURN_IF_ERROR(c->conf_.Set(key, value));
  RETURN_IF_ERROR(env::Env::Default()->CreateDirs(c->work_dir_ + "/underFSStorage"));
  RETURN_IF_ERROR(
      journal::FormatLocalJournal(env::Env::Default(), c->conf_.Get(k::kMasterJournalFolder)));
  RETURN_IF_ERROR(c->StartMaster());
  for (int i = 0; i < options.num_workers; ++i) {
    Worker w;
    w.conf = c->conf_;
    if (options.worker_storage_root.empty()) {
      w.dir = fmt::format("{}/worker{}/mem", c->work_dir_, i);
    } else {
      std::string t = options.worker_storage_root + "/alluxio-worker-XXXXXX";
      if (mkdtemp(t.data()) == nullptr) return InternalError("mkdtemp failed");
      w.dir = t;
      c->extra_dirs_.push_back(t);
    }
    RETURN_IF_ERROR(env::Env::Default()->CreateDirs(w.dir));
    RETURN_IF_ERROR(w.conf.Set(k::kWorkerHostname, "127.0.0.1"));
    RETURN_IF_ERROR(w.conf.Set(k::kWorkerBindHost, "127.0.0.1"));
    RETURN_IF_ERROR(w.conf.Set(k::kWorkerRpcPort, "0"));
    RETURN_IF_ERROR(w.conf.Set(k::kWorkerWebPort, "0"));
    RETURN_IF_ERROR(w.conf.Set(k::kWorkerBlockHeartbeatInterval, "100ms"));
    RETURN_IF_ERROR(w.conf.Set("alluxio.worker.tieredstore.levels", "1"));
    RETURN_IF_ERROR(w.conf.Set("alluxio.worker.tieredstore.level0.alias", "MEM"));
    RETURN_IF_ERROR(w.conf.Set("alluxio.worker.tieredstore.level0.dirs.path", w.dir));
    RETURN_IF_ERROR(w.conf.Set("alluxio.worker.tieredstore.level0.dirs.mediumtype", "MEM"));
    RETURN_IF_ERROR(
        w.conf.Set("alluxio.worker.tieredstore.level0.dirs.quota", options.worker_quota));
    for (const auto& [key, value] : options.worker_properties) {
      RETURN_IF_ERROR(w.conf.Set(key, value));
    }
    c->workers_.push_back(std::move(w));
    RETURN_IF_ERROR(c->StartWorker(i));
  }
  if (options.num_workers > 0) RETURN_IF_ERROR(c->WaitForWorkers());
  return c;
}

Status MiniCluster::StartWorker(int i, bool wait_registered) {
  Worker& w = workers_[i];
  // The master's port may have been chosen after this worker's configuration was made.
  RETURN_IF_ERROR(w.conf.Set(k::kMasterRpcPort, conf_.Get(k::kMasterRpcPort)));
  ASSIGN_OR_RETURN(w.process, worker::WorkerProcess::Create(w.conf));
  RETURN_IF_ERROR(w.process->Start());
  RETURN_IF_ERROR(w.conf.Set(k::kWorkerRpcPort, std::to_string(w.process->rpc_port())));
  return wait_registered ? w.process->WaitRegistered(20000) : Status();
}

Status MiniCluster::StopWorker(int i) {
  Worker& w = workers_[i];
  if (w.process) w.process->Stop();
  w.process.reset();
  return Status();
}

Status MiniCluster::RestartWorker(int i) {
  RETURN_IF_ERROR(StopWorker(i));
  return StartWorker(i);
}

Status MiniCluster::WaitForWorkers(int n, int64_t timeout_ms) {
  if (n < 0) {
    n = 0;
    for (const Worker& w : workers_) n += w.process ? 1 : 0;
  }
  client::FileSystem* fs = client();
  if (!fs) return InternalError("no client");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  int live = -1;
  while (std::chrono::steady_clock::now() < deadline) {
    ::alluxio::grpc::block::GetWorkerReportPOptions o;
    o.set_worker_range(::alluxio::grpc::block::LIVE);
    auto report = fs->GetWorkerReport(o);
    if (report.ok()) {
      live = static_cast<int>(report->size());
      if (live == n) return Status();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return DeadlineExceededError(
      fmt::format("{} live workers after {} ms, expected {}", live, timeout_ms, n));
}

MiniCluster::~MiniCluster() {
  client_.reset();
  for (Worker& w : workers_) {
    if (w.process) w.process->Stop();
    w.process.reset();
  }
  if (master_) master_->Stop();
  master_.reset();
  std::error_code ec;
  std::filesystem::remove_all(work_dir_, ec);
  for (const std::string& d : extra_dirs_) std::filesystem::remove_all(d, ec);
}

Status MiniCluster::StartMaster() {
  ASSIGN_OR_RETURN(master_, master::MasterProcess::Create(conf_));
  RETURN_IF_ERROR(master_->Start());
  // Later restarts (and clients) use the port the first start picked.
  return conf_.Set(k::kMasterRpcPort, std::to_string(master_->rpc_port()));
}

Status MiniCluster::StartMaster(const std::map<std::string, std::string>& extra) {
  conf::Configuration conf = conf_;
  for (const auto& [key, value] : extra) RETURN_IF_ERROR(conf.Set(key, value));
  ASSIGN_OR_RETURN(master_, master::MasterProcess::Create(conf));
  RETURN_IF_ERROR(master_->Start());
  return conf_.Set(k::kMasterRpcPort, std::to_string(master_->rpc_port()));
}

Status MiniCluster::FormatJournal() {
  if (master_) return FailedPreconditionError("stop the master before formatting its journal");
  return journal::FormatLocalJournal(env::Env::Default(), conf_.Get(k::kMasterJournalFolder));
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
