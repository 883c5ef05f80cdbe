// SPDX-License-Identifier: Apache-2.0
// alluxio-master: runs one master until SIGTERM/SIGINT. Accepts -Dkey=value anywhere.
#include <signal.h>

#include <cstdio>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "common/conf/configuration.h"
#include "master/master_process.h"

int main(int argc, char** argv) {
  using namespace alluxio;
  std::vector<std::string> args(argv + 1, argv + argc);
  conf::LoadOptions lo;
  lo.system_properties = conf::Configuration::ExtractSystemProperties(&args);
  if (!args.empty()) {
    std::fprintf(stderr, "Usage: alluxio-master [-Dkey=value ...]\nUnexpected argument: %s\n",
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
