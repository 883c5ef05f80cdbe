// SPDX-License-Identifier: Apache-2.0
// `alluxio fsadmin`: administrative commands (reference §2.3). Implemented so far:
// `journal checkpoint`, `journal quorum info|remove|elect`, `report [summary|capacity]`,
// `getBlockInfo <blockId>`, `backup`.
#pragma once

#include <string>
#include <vector>

#include "cli/command.h"

namespace alluxio::cli::fsadmin {

int RunFsAdminShell(CommandContext& ctx, const std::vector<std::string>& args);

}  // namespace alluxio::cli::fsadmin
