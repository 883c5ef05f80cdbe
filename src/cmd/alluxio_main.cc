// SPDX-License-Identifier: Apache-2.0
// alluxio: the command-line tool (fs, getConf, format, ...).
#include <iostream>
#include <string>
#include <vector>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "cli/alluxio_cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::cout.sync_with_stdio(false);
  // Library logs go to stderr and only when they matter; stdout carries the command's output.
  spdlog::set_default_logger(spdlog::stderr_logger_mt("alluxio"));
  spdlog::set_level(spdlog::level::warn);
  int rc = alluxio::cli::RunAlluxio(std::move(args), std::cout, std::cerr);
  std::cout.flush();
  return rc;
}
