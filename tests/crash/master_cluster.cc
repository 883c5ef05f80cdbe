// SPDX-License-Identifier: Apache-2.0
#include "tests/crash/master_cluster.h"

#include <signal.h>

#include <filesystem>

namespace alluxio::testing {

namespace k = conf::keys;

std::string MasterBinary() { return std::string(ALLUXIO_BINARY_DIR) + "/bin/alluxio-master"; }
std::string CliBinary() { return std::string(ALLUXIO_BINARY_DIR) + "/bin/alluxio"; }

MasterCluster::MasterCluster(std::map<std::string, std::string> properties)
    : dir_("alluxio-master-test-"), properties_(std::move(properties)), port_(PickFreePort()) {
  std::filesystem::create_directories(dir() + "/conf");
  std::filesystem::create_directories(dir() + "/logs");
  std::filesystem::create_directories(work_dir());
}

MasterCluster::~MasterCluster() {
  if (running()) Stop(SIGKILL);
}

std::vector<std::string> MasterCluster::MasterArgs() const {
  std::map<std::string, std::string> props = {
      {"alluxio.work.dir", work_dir()},
      {"alluxio.master.hostname", "127.0.0.1"},
      {"alluxio.master.rpc.port", std::to_string(port_)},
      // These tests crash the local (UFS) journal.
      {"alluxio.master.journal.type", "UFS"},
  };
  for (const auto& [key, value] : properties_) props[key] = value;
  std::vector<std::string> args;
  for (const auto& [key, value] : props) args.push_back("-D" + key + "=" + value);
  return args;
}

std::map<std::string, std::string> MasterCluster::ChildEnv() const {
  return {{"ALLUXIO_CONF_DIR", dir() + "/conf"}};
}

std::string MasterCluster::NextLogPath(const std::string& name) {
  return dir() + "/logs/" + name + "." + std::to_string(++log_seq_) + ".log";
}

int MasterCluster::FormatJournal(std::string* output) {
  std::vector<std::string> argv = {CliBinary(), "formatJournal"};
  for (std::string& a : MasterArgs()) argv.push_back(std::move(a));
  std::string log = NextLogPath("formatJournal");
  int status = RunToCompletion(argv, log, ChildEnv());
  if (output != nullptr) *output += ReadFileOrEmpty(log);
  return status;
}

Status MasterCluster::Spawn() {
  if (running()) return FailedPreconditionError("the master is already running");
  std::vector<std::string> argv = {MasterBinary()};
  for (std::string& a : MasterArgs()) argv.push_back(std::move(a));
  master_ = std::make_unique<ChildProcess>(argv, NextLogPath("master"), ChildEnv());
  return master_->Start();
}

Status MasterCluster::WaitServing(std::chrono::milliseconds timeout) {
  if (!master_) return FailedPreconditionError("no master started");
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  // Each Exists call retries for up to 500 ms, which paces this loop.
  std::unique_ptr<client::FileSystem> fs = NewClient("500ms");
  while (true) {
    if (std::optional<int> status = master_->Poll()) {
      return UnavailableError("alluxio-master exited (" + DescribeWaitStatus(*status) + "); log " +
                              master_->log_path() + ":\n" + TailOfFile(master_->log_path()));
    }
    Result<bool> exists = fs->Exists("/");
    if (exists.ok() && *exists) return Status();
    if (std::chrono::steady_clock::now() >= deadline) {
      return UnavailableError(
          "alluxio-master did not serve within the deadline (last: " + exists.status().ToString() +
          "); log " + master_->log_path() + ":\n" + TailOfFile(master_->log_path()));
    }
  }
}

Status MasterCluster::Start(std::chrono::milliseconds timeout) {
  for (int attempt = 0;; ++attempt) {
    Status s = Spawn();
    if (!s.ok()) return s;
    s = WaitServing(timeout);
    if (s.ok()) return s;
    if (running()) Stop(SIGKILL);
    bool port_taken =
        ReadFileOrEmpty(master_->log_path()).find("Failed to bind") != std::string::npos;
    if (!port_taken || attempt >= 4) return s;
    port_ = PickFreePort();
  }
}

int MasterCluster::Stop(int sig, std::chrono::milliseconds timeout) {
  if (!master_) return 0;
  return master_->Signal(sig, timeout);
}

conf::Configuration MasterCluster::ClientConf(const std::string& retry) const {
  conf::Configuration conf;
  Status s = conf.Set(k::kMasterHostname, "127.0.0.1");
  if (s.ok()) s = conf.Set(k::kMasterRpcPort, std::to_string(port_));
  if (s.ok()) s = conf.Set(k::kUserRpcRetryMaxDuration, retry);
  if (s.ok()) s = conf.Set(k::kUserRpcRetryBaseSleep, "20ms");
  if (s.ok()) s = conf.Set(k::kUserRpcRetryMaxSleep, "200ms");
  if (!s.ok()) std::abort();  // the values above are constants: a failure is a bug in this file
  return conf;
}

std::unique_ptr<client::FileSystem> MasterCluster::NewClient(const std::string& retry) const {
  Result<std::unique_ptr<client::FileSystem>> fs = client::FileSystem::Create(ClientConf(retry));
  if (!fs.ok()) std::abort();  // Create only reads the configuration above
  return std::move(fs).value();
}

}  // namespace alluxio::testing
