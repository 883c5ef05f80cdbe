// SPDX-License-Identifier: Apache-2.0
// alluxio-worker: runs one worker until SIGTERM/SIGINT, or until the master has been unreachable
// for alluxio.worker.block.heartbeat.timeout (exit code 1). Accepts -Dkey=value anywhere.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <string>

#include <spdlog/spdlog.h>

#include "cmd/daemon.h"
#include "common/conf/configuration.h"
#include "worker/worker_process.h"

int main(int argc, char** argv) {
  using namespace alluxio;
  sigset_t sigs;
  int exit_code = 0;
  Result<conf::Configuration> conf =
      cmd::PrepareDaemon(argc, argv, "alluxio-worker", &sigs, &exit_code);
  if (!conf.ok()) return exit_code;
  auto process = worker::WorkerProcess::Create(*conf);
  if (!process.ok()) {
    spdlog::error("Failed to create the worker: {}", process.status().message());
    return 1;
  }
  // The master has been unreachable for too long: stop like on SIGTERM, then exit non-zero.
  static std::atomic<bool> fatal{false};
  (*process)->SetFatalErrorHandler([](const Status&) {
    fatal = true;
    kill(getpid(), SIGTERM);
  });
  Status s = (*process)->Start();
  if (!s.ok()) {
    spdlog::error("Failed to start the worker: {}", s.message());
    (*process)->Stop();
    return 1;
  }
  int sig = 0;
  sigwait(&sigs, &sig);
  if (fatal) {
    spdlog::error("Stopping the worker: master heartbeat timeout exceeded");
  } else {
    spdlog::info("Received signal {}, stopping the worker", sig);
  }
  (*process)->Stop();
  spdlog::info("Worker stopped");
  return fatal ? 1 : 0;
}
