// SPDX-License-Identifier: Apache-2.0
// MasterCluster: one real alluxio-master process for crash and system tests, in its own temp
// work dir (journal, UFS root, logs) on a free port, started, stopped and killed from the test
// thread. The journal is kept across restarts; each start appends to a new log file
// (<dir>/logs/master.<n>.log). Children get ALLUXIO_CONF_DIR=<dir>/conf (an empty folder), so a
// developer's alluxio-site.properties cannot leak in.
//
// Thread-safety: externally synchronized (one test thread); clients made by NewClient() are
// thread-safe and may be used from any thread.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "client/api/file_system.h"
#include "common/conf/configuration.h"
#include "common/result.h"
#include "tests/crash/child_process.h"

namespace alluxio::testing {

class MasterCluster {
 public:
  // `properties` are passed as -Dkey=value to the master and formatJournal (after the defaults
  // work.dir, hostname=127.0.0.1 and rpc.port, so they may override them).
  explicit MasterCluster(std::map<std::string, std::string> properties = {});
  ~MasterCluster();  // SIGKILLs a running master

  const std::string& dir() const { return dir_.path(); }
  std::string work_dir() const { return dir() + "/work"; }
  std::string journal_dir() const { return work_dir() + "/journal"; }
  std::string ufs_dir() const { return work_dir() + "/underFSStorage"; }
  int port() const { return port_; }
  void set_port(int port) { port_ = port; }
  // Keeps the temp dir (call on failure so the logs survive).
  void KeepDir() { dir_.Keep(); }

  // Runs `alluxio formatJournal`; returns the wait status; output appended to `output` if given.
  int FormatJournal(std::string* output = nullptr);

  // Starts alluxio-master and waits (up to `timeout`) until Exists("/") answers. If the master
  // exits because the port was taken, retries on a new free port (up to 5 times). Unavailable if
  // the master exited (message holds the exit status and the log tail) or never served.
  Status Start(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // Starts the process without waiting for it to serve.
  Status Spawn();
  // Waits until the master serves or exits (see Start).
  Status WaitServing(std::chrono::milliseconds timeout);
  // Sends `sig` to the master and reaps it (SIGKILL after `timeout`). Returns the wait status.
  int Stop(int sig, std::chrono::milliseconds timeout = std::chrono::seconds(30));
  bool running() const { return master_ != nullptr && master_->running(); }
  ChildProcess* master() { return master_.get(); }
  // Log of the current (or last) master process.
  std::string master_log() const { return master_ ? master_->log_path() : std::string(); }

  // A client configuration for this master: hostname, port, and fast-failing retries
  // (alluxio.user.rpc.retry.max.duration=`retry`).
  conf::Configuration ClientConf(const std::string& retry = "2sec") const;
  std::unique_ptr<client::FileSystem> NewClient(const std::string& retry = "2sec") const;

  // The -Dkey=value arguments given to the master and to formatJournal.
  std::vector<std::string> MasterArgs() const;
  std::map<std::string, std::string> ChildEnv() const;
  std::string NextLogPath(const std::string& name);

 private:
  TempDir dir_;
  std::map<std::string, std::string> properties_;
  int port_;
  int log_seq_ = 0;
  std::unique_ptr<ChildProcess> master_;
};

std::string MasterBinary();
std::string CliBinary();

}  // namespace alluxio::testing
