// SPDX-License-Identifier: Apache-2.0
// `alluxio formatJournal` and `alluxio format [-s]` (reference §2.1).
#pragma once

#include "cli/command.h"

namespace alluxio::cli {

int RunFormatJournal(CommandContext& ctx, const std::vector<std::string>& args);
int RunFormat(CommandContext& ctx, const std::vector<std::string>& args);

}  // namespace alluxio::cli
