// SPDX-License-Identifier: Apache-2.0
// alluxio-worker: runs one worker until SIGTERM/SIGINT, or until the master has been unreachable
// for alluxio.worker.block.heartbeat.timeout (exit code 1). Accepts -Dkey=value anywhere.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "common/conf/configuration.h"
#include "worker/worker_process.h"

int main(int argc, char** argv) {
  using namespace alluxio;
  std::vector<std::string> args(argv + 1, argv + argc);
  conf::LoadOptions lo;
  lo.system_properties = conf::Configuration::ExtractSystemProperties(&args);
  if (!args.empty()) {
    std::fprintf(stderr, "Usage: alluxio-worker [-Dkey=value ...]\nUnexpected argument: %s\n",
                 args[0].c_str());
    return 2;
  }
  // Block termination signals in every thread; one thread waits for them below.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);

  spdlog::set_pattern("%Y-%m-%d %H:%M:%S,%e %^%l%$ [%t] %v");
  Result<conf::Configuration> conf = conf::Configuration::Load(lo);
  if (!conf.ok()) {
    spdlog::error("Invalid configuration: {}", conf.status().message());
    return 1;
  }
  for (const std::string& w : conf->warnings()) spdlog::warn("{}", w);
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
