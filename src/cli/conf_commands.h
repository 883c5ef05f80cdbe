// SPDX-License-Identifier: Apache-2.0
// Configuration commands of `bin/alluxio`: getConf, validateConf and version. Each matches
// CommandFn (command.h) and works on the already-loaded configuration of the context.
// Thread-safety: each call uses only its context; calls on distinct contexts may run concurrently.
#pragma once

#include <string>
#include <vector>

#include "cli/command.h"

namespace alluxio::cli {

// getConf [--unit <arg>] [--source] [key]
// With no key, prints `key=value` for every registered key, sorted by name (unset keys print an
// empty value; with --source each line ends in " (SOURCE)"). With a key (or an alias) prints its
// value, or an empty line when it has none; --source prints where the value came from; --unit
// converts a size (B, KB, MB, GB, TB, PB) or a duration (MS, S, SEC, M, MIN, H, HR, D, DAY...) to
// that unit, rounding down. Returns 0, or 1 after a message and the usage on `err` for an unknown
// key or option, a unit that does not apply, or extra arguments. (--master is not supported yet.)
int RunGetConf(CommandContext& ctx, const std::vector<std::string>& args);

// validateConf: validates the configuration, printing its warnings. Returns 0 if valid, else 1.
int RunValidateConf(CommandContext& ctx, const std::vector<std::string>& args);

// version [-r|--revision [len]]: prints the version, optionally with the first `len` characters of
// the git revision. Returns 0, or 1 with the usage on a bad argument.
int RunVersion(CommandContext& ctx, const std::vector<std::string>& args);

}  // namespace alluxio::cli
