// SPDX-License-Identifier: Apache-2.0
// alluxio: the command-line tool (fs, getConf, format, ...).
#include <iostream>
#include <string>
#include <vector>

#include "cli/alluxio_cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::cout.sync_with_stdio(false);
  int rc = alluxio::cli::RunAlluxio(std::move(args), std::cout, std::cerr);
  std::cout.flush();
  return rc;
}
