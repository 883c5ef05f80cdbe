// SPDX-License-Identifier: Apache-2.0
// alluxio-proxy: runs the S3 gateway until SIGTERM/SIGINT. Accepts -Dkey=value anywhere.
#include <signal.h>

#include <spdlog/spdlog.h>

#include "cmd/daemon.h"
#include "common/conf/configuration.h"
#include "proxy/proxy_process.h"

int main(int argc, char** argv) {
  using namespace alluxio;
  sigset_t sigs;
  int exit_code = 0;
  Result<conf::Configuration> conf =
      cmd::PrepareDaemon(argc, argv, "alluxio-proxy", &sigs, &exit_code);
  if (!conf.ok()) return exit_code;
  auto process = proxy::ProxyProcess::Create(*conf);
  if (!process.ok()) {
    spdlog::error("Failed to create the proxy: {}", process.status().message());
    return 1;
  }
  Status s = (*process)->Start();
  if (!s.ok()) {
    spdlog::error("Failed to start the proxy: {}", s.message());
    return 1;
  }
  int sig = 0;
  sigwait(&sigs, &sig);
  spdlog::info("Received signal {}, stopping the proxy", sig);
  (*process)->Stop();
  return 0;
}
