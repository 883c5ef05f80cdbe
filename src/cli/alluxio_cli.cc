// SPDX-License-Identifier: Apache-2.0
#include "cli/alluxio_cli.h"

#include <map>

#include "cli/conf_commands.h"
#include "cli/format_command.h"
#include "cli/fs/shell.h"
#include "cli/fsadmin/fsadmin_shell.h"
#include "cli/read_journal_command.h"
#include "cli/run_tests_command.h"
#include "common/conf/configuration.h"

namespace alluxio::cli {

namespace {

struct TopCommand {
  CommandFn fn;
  const char* usage;
};

const std::map<std::string, TopCommand>& Commands() {
  static const std::map<std::string, TopCommand> kCommands = {
      {"fs", {fs::RunFsShell, "Command line tool for interacting with the Alluxio filesystem."}},
      {"fsadmin",
       {fsadmin::RunFsAdminShell, "Command line tool for use by Alluxio filesystem admins."}},
      {"readJournal",
       {RunReadJournal,
        "Read an Alluxio journal file from stdin and write a human-readable version of it to "
        "stdout."}},
      {"runTests", {RunRunTests, "Run all end-to-end tests on an Alluxio cluster."}},
      {"getConf", {RunGetConf, "Look up a configuration key, or print all configuration."}},
      {"validateConf", {RunValidateConf, "Validate Alluxio conf and exit."}},
      {"version", {RunVersion, "Print Alluxio version and exit."}},
      {"format",
       {RunFormat,
        "Format Alluxio master and all workers (if -s specified, only format "
        "if underfs is local and doesn't already exist)"}},
      {"formatJournal", {RunFormatJournal, "Format Alluxio master journal locally"}},
      {"formatMasters", {RunFormatJournal, "Format Alluxio master journal on all master nodes"}},
      {"formatWorker", {RunFormatWorker, "Format Alluxio worker storage locally"}},
  };
  return kCommands;
}

void PrintUsage(std::ostream& out) {
  out << "Usage: alluxio COMMAND [GENERIC_COMMAND_OPTIONS] [COMMAND_ARGS]\n\n";
  out << "COMMAND is one of:\n";
  for (const auto& [name, c] : Commands()) out << "  " << name << "\t" << c.usage << "\n";
  out << "\nGENERIC_COMMAND_OPTIONS supports:\n";
  out << "\t-D<property=value>\tUse a value for a given Alluxio property\n";
}

}  // namespace

int RunAlluxio(std::vector<std::string> args, std::ostream& out, std::ostream& err) {
  conf::LoadOptions lo;
  lo.system_properties = conf::Configuration::ExtractSystemProperties(&args);
  if (args.empty()) {
    PrintUsage(out);
    return 1;
  }
  std::string name = args[0];
  if (name == "formatMaster") {
    out << "formatMaster is deprecated - use formatJournal or formatMasters instead\n";
    name = "formatJournal";
  }
  auto it = Commands().find(name);
  if (it == Commands().end()) {
    PrintUsage(out);
    return 1;
  }
  Result<conf::Configuration> conf = conf::Configuration::Load(lo);
  if (!conf.ok()) {
    err << conf.status().message() << "\n";
    return 1;
  }
  // Unknown keys in the site file are warnings; they must not clutter command output.
  CommandContext ctx{&*conf, &out, &err};
  std::vector<std::string> rest(args.begin() + 1, args.end());
  return it->second.fn(ctx, rest);
}

}  // namespace alluxio::cli
