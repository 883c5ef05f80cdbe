// SPDX-License-Identifier: Apache-2.0
// The `alluxio` command: loads configuration (site file, environment, -D anywhere) and dispatches
// to fs, getConf, validateConf, version, formatJournal, format, ...
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace alluxio::cli {

// Runs `alluxio <args>`; returns the process exit code.
int RunAlluxio(std::vector<std::string> args, std::ostream& out, std::ostream& err);

}  // namespace alluxio::cli
