// SPDX-License-Identifier: Apache-2.0
#include "cli/fsadmin/fsadmin_shell.h"

#include "client/api/file_system.h"

namespace alluxio::cli::fsadmin {

namespace {

void PrintUsage(std::ostream& out) {
  out << "Usage: alluxio fsadmin [generic options]\n";
  out << "\t [journal [checkpoint]]\n";
}

// `fsadmin journal checkpoint`: the primary writes a checkpoint now.
int RunJournal(CommandContext& ctx, const std::vector<std::string>& args) {
  if (args.empty()) {
    *ctx.out << "No sub-command is specified\n";
    *ctx.out << "Usage: journal [checkpoint]\n";
    return 255;
  }
  if (args[0] != "checkpoint") {
    *ctx.out << "Unknown sub-command: " << args[0] << "\n";
    *ctx.out << "Usage: journal [checkpoint]\n";
    return 255;
  }
  if (args.size() != 1) {
    *ctx.out << "Command checkpoint takes 0 arguments, not " << args.size() - 1 << "\n";
    return 255;
  }
  auto fs = client::FileSystem::Create(*ctx.conf);
  if (!fs.ok()) {
    *ctx.out << fs.status().message() << "\n";
    return 255;
  }
  Result<std::string> host = (*fs)->Checkpoint();
  if (!host.ok()) {
    *ctx.out << host.status().message() << "\n";
    return 255;
  }
  *ctx.out << "Successfully took a checkpoint on master " << *host << "\n";
  return 0;
}

}  // namespace

int RunFsAdminShell(CommandContext& ctx, const std::vector<std::string>& args) {
  if (args.empty()) {
    PrintUsage(*ctx.out);
    return 255;
  }
  if (args[0] == "journal") {
    return RunJournal(ctx, std::vector<std::string>(args.begin() + 1, args.end()));
  }
  *ctx.err << args[0] << " is an unknown command.\n";
  PrintUsage(*ctx.out);
  return 255;
}

}  // namespace alluxio::cli::fsadmin
