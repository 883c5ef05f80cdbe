// SPDX-License-Identifier: Apache-2.0
// alluxio-master: runs one master until SIGTERM/SIGINT. Accepts -Dkey=value anywhere.
#include <signal.h>

#include <string>

#include <spdlog/spdlog.h>

#include "cmd/daemon.h"
#include "common/conf/configuration.h"
#include "master/master_process.h"

int main(int argc, char** argv) {
  using namespace alluxio;
  sigset_t sigs;
  int exit_code = 0;
  Result<conf::Configuration> conf =
      cmd::PrepareDaemon(argc, argv, "alluxio-master", &sigs, &exit_code);
  if (!conf.ok()) return exit_code;
  auto process = master::MasterProcess::Create(*conf);
  if (!process.ok()) {
    spdlog::error("Failed to create the master: {}", process.status().message());
    return 1;
  }
  Status s = (*process)->Start();
  if (!s.ok()) {
    spdlog::error("Failed to start the master: {}", s.message());
    (*process)->Stop();
    return 1;
  }
  int sig = 0;
  sigwait(&sigs, &sig);
  spdlog::info("Received signal {}, stopping the master", sig);
  (*process)->Stop();
  spdlog::info("Master stopped");
  return 0;
}
