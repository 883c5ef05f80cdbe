// SPDX-License-Identifier: Apache-2.0
#include "cli/fsadmin/fsadmin_shell.h"

#include <algorithm>

#include <fmt/format.h>

#include "cli/fsadmin/backup_command.h"
#include "cli/fsadmin/journal_command.h"
#include "cli/fsadmin/report_command.h"
#include "client/api/file_system.h"

namespace alluxio::cli::fsadmin {

namespace {

std::vector<fs::FsCommand> Commands() {
  std::vector<fs::FsCommand> commands;
  AddReportCommands(&commands);
  AddBackupCommand(&commands);
  return commands;
}

// AbstractShell.printUsage: every command's usage, sorted by name.
void PrintUsage(std::ostream& out) {
  std::vector<std::pair<std::string, std::string>> usages = {{"journal", kJournalUsage}};
  for (const fs::FsCommand& c : Commands()) usages.emplace_back(c.name, c.usage);
  std::sort(usages.begin(), usages.end());
  out << "Usage: alluxio fsadmin [generic options]\n";
  for (const auto& [name, usage] : usages) out << fmt::format("{:<60}\n", "\t [" + usage + "]");
}

}  // namespace

int RunFsAdminShell(CommandContext& ctx, const std::vector<std::string>& args) {
  if (args.empty()) {
    PrintUsage(*ctx.out);
    return 255;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "journal") return RunJournal(ctx, rest);
  for (const fs::FsCommand& c : Commands()) {
    if (c.name == args[0]) return fs::RunCommand(ctx, c, rest);
  }
  *ctx.err << args[0] << " is an unknown command.\n";
  PrintUsage(*ctx.out);
  return 255;
}

}  // namespace alluxio::cli::fsadmin
