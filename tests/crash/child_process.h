// SPDX-License-Identifier: Apache-2.0
// ChildProcess: one real process (alluxio-master, the alluxio CLI) started by a system or crash
// test, with stdout and stderr appended to a log file. The destructor SIGKILLs and reaps a child
// that still runs, so a failing test never leaves a master behind; the child also gets SIGKILL
// (PR_SET_PDEATHSIG) if the test process dies first (ctest timeout).
// Also: free-port picking and small file helpers shared by the tests in this folder.
//
// Thread-safety: externally synchronized; create, signal and reap a child from the thread that
// started it (PR_SET_PDEATHSIG follows the forking thread).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace alluxio::testing {

class ChildProcess {
 public:
  // `argv[0]` is the executable path. `env` entries are added to (or replace those of) the test's
  // environment. The log file is created if needed and appended to.
  ChildProcess(std::vector<std::string> argv, std::string log_path,
               std::map<std::string, std::string> env = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Forks and execs. REQUIRES: not running. Internal error if fork fails; a failed exec shows up
  // as exit status 127 with a message in the log.
  Status Start();

  // True if started and not reaped yet (a zombie still counts as running until Poll/Wait).
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

  // Reaps the child if it has exited; returns its wait status then, else nullopt. Never blocks.
  std::optional<int> Poll();
  // Waits up to `timeout` for the child to exit; its wait status, or nullopt on timeout.
  std::optional<int> Wait(std::chrono::milliseconds timeout);
  // Sends `sig`, then waits up to `timeout`; if it still runs, SIGKILLs it. Returns the wait
  // status. A child that is not running returns its last status.
  int Signal(int sig, std::chrono::milliseconds timeout = std::chrono::seconds(30));

  // The wait status of the last reaped run (nullopt before the first exit).
  std::optional<int> last_status() const { return last_status_; }
  const std::string& log_path() const { return log_path_; }

 private:
  std::vector<std::string> argv_;
  std::string log_path_;
  std::map<std::string, std::string> env_;
  pid_t pid_ = -1;
  std::optional<int> last_status_;
};

// "exit 1", "signal 9".
std::string DescribeWaitStatus(int status);
// True if the status is a normal exit with code `code`.
bool ExitedWith(int status, int code);

// Runs a command to completion (up to `timeout`, then SIGKILL), output appended to `log_path`.
// Returns the wait status; the output is in the log.
int RunToCompletion(const std::vector<std::string>& argv, const std::string& log_path,
                    const std::map<std::string, std::string>& env,
                    std::chrono::milliseconds timeout = std::chrono::seconds(60));

// A TCP port that was free on 127.0.0.1 a moment ago (bind to port 0, read it, close). Another
// process may take it before the caller binds, so callers retry with a new port on bind failure.
int PickFreePort();

// Whole file contents ("" if unreadable); the last `max_lines` lines of a file.
std::string ReadFileOrEmpty(const std::string& path);
std::string TailOfFile(const std::string& path, int max_lines = 40);

// A fresh directory under $TMPDIR (or /tmp): "<tmp>/<prefix>XXXXXX". Removed recursively by the
// destructor unless Keep() was called (tests keep it on failure, for the logs).
class TempDir {
 public:
  explicit TempDir(const std::string& prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  void Keep() { keep_ = true; }

 private:
  std::string path_;
  bool keep_ = false;
};

}  // namespace alluxio::testing
