// SPDX-License-Identifier: Apache-2.0
// `alluxio readJournal [-start <sn>] [-end <sn>] [-inputDir <dir>] [-outputDir <dir>]`: dumps a
// local journal as readable text (reference §2.1). Read-only; safe while a master runs.
#pragma once

#include "cli/command.h"

namespace alluxio::cli {

int RunReadJournal(CommandContext& ctx, const std::vector<std::string>& args);

}  // namespace alluxio::cli
