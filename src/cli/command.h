// SPDX-License-Identifier: Apache-2.0
// The shape of a CLI command: arguments in, text and an exit code out. Commands write to the
// streams of the context (never to std::cout directly) so tests can capture them.
// Thread-safety: a context is used by one command on one thread.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "common/conf/configuration.h"

namespace alluxio::cli {

struct CommandContext {
  conf::Configuration* conf;  // effective configuration (site file, env, -D already applied)
  std::ostream* out;
  std::ostream* err;
};

// Runs one command; `args` excludes the command name and all -D options. Returns the exit code.
using CommandFn = int (*)(CommandContext& ctx, const std::vector<std::string>& args);

}  // namespace alluxio::cli
