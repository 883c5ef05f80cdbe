// SPDX-License-Identifier: Apache-2.0
// `fsadmin journal checkpoint` and `fsadmin journal quorum info|remove|elect` (Alluxio's
// JournalCommand, QuorumInfoCommand, QuorumRemoveCommand, QuorumElectCommand; reference §2.3).
// The quorum commands talk to the primary's JournalMasterClientService.
#pragma once

#include <string>
#include <vector>

#include "cli/command.h"

namespace alluxio::cli::fsadmin {

// The usage line of `journal` in fsadmin's usage.
inline constexpr char kJournalUsage[] =
    "journal [checkpoint] [quorum [info|remove|elect] -domain <MASTER> [-address <host:port>]]";

int RunJournal(CommandContext& ctx, const std::vector<std::string>& args);

}  // namespace alluxio::cli::fsadmin
