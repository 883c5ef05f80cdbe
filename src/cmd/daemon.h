// SPDX-License-Identifier: Apache-2.0
// What every daemon's main does first: accept only -Dkey=value arguments, block SIGTERM/SIGINT in
// all threads (the main thread waits for them with sigwait), set Alluxio's log pattern, turn off
// abseil's mutex deadlock detection, and load the configuration (printing its warnings).
// Thread-safety: call once, from main, before starting any thread.
#pragma once

#include <signal.h>

#include <cstdio>
#include <string>
#include <vector>

#include <absl/synchronization/mutex.h>
#include <spdlog/spdlog.h>

#include "common/conf/configuration.h"

namespace alluxio::cmd {

// The configuration, or the process exit code (2: bad arguments, 1: bad configuration) after the
// problem was printed. `sigs` receives the blocked termination signals.
inline Result<conf::Configuration> PrepareDaemon(int argc, char** argv, const char* name,
                                                 sigset_t* sigs, int* exit_code) {
  std::vector<std::string> args(argv + 1, argv + argc);
  conf::LoadOptions lo;
  lo.system_properties = conf::Configuration::ExtractSystemProperties(&args);
  if (!args.empty()) {
    std::fprintf(stderr, "Usage: %s [-Dkey=value ...]\nUnexpected argument: %s\n", name,
                 args[0].c_str());
    *exit_code = 2;
    return InvalidArgumentError("unexpected argument");
  }
  sigemptyset(sigs);
  sigaddset(sigs, SIGTERM);
  sigaddset(sigs, SIGINT);
  pthread_sigmask(SIG_BLOCK, sigs, nullptr);
  spdlog::set_pattern("%Y-%m-%d %H:%M:%S,%e %^%l%$ [%t] %v");
  // Debian builds abseil with deadlock detection on: every absl::Mutex (gRPC's locks) then keeps a
  // lock graph, 5-8% of a busy master's CPU (bench/RESULTS.md). Our own locks are std::mutex.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  Result<conf::Configuration> conf = conf::Configuration::Load(lo);
  if (!conf.ok()) {
    spdlog::error("Invalid configuration: {}", conf.status().message());
    *exit_code = 1;
    return conf.status();
  }
  for (const std::string& w : conf->warnings()) spdlog::warn("{}", w);
  return conf;
}

}  // namespace alluxio::cmd
