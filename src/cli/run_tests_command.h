// SPDX-License-Identifier: Apache-2.0
// `alluxio runTests [--directory <dir>] [--operation <op>] [--readType <t>] [--writeType <t>]`:
// Alluxio's TestRunner. For every read type x write type x operation it writes a small file under
// <dir>/default_tests_files, reads it back and checks the content, printing
// "runTest <op> <readType> <writeType>" and "Passed the test!" / "Failed the test!" (in ANSI
// green/red, as Alluxio always does). Exit code: the number of failed tests.
#pragma once

#include <string>
#include <vector>

#include "cli/command.h"
#include "common/result.h"

namespace alluxio::cli {

int RunRunTests(CommandContext& ctx, const std::vector<std::string>& args);

// The parsed command line (JCommander's TestRunner fields); empty lists mean "all".
struct TestRunnerOptions {
  std::string directory = "/";
  bool help = false;
  std::vector<std::string> operations;   // BASIC, BASIC_NON_BYTE_BUFFER
  std::vector<std::string> read_types;   // CACHE_PROMOTE, CACHE, NO_CACHE
  std::vector<std::string> write_types;  // MUST_CACHE, CACHE_THROUGH, THROUGH, ASYNC_THROUGH
};
// Unknown options, missing values and unknown enum constants are InvalidArgument. The lists are
// filled with Alluxio's defaults when not given.
Result<TestRunnerOptions> ParseTestRunnerArgs(const std::vector<std::string>& args);

}  // namespace alluxio::cli
