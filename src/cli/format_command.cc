// SPDX-License-Identifier: Apache-2.0
// formatJournal / formatMasters / formatMaster / format: wipe the master journal (and, with the
// data path, worker storage). Refuses while a master holds the journal.
#include "cli/format_command.h"

#include <unistd.h>

#include <fmt/format.h>

#include "env/env.h"
#include "journal/local/journal_layout.h"

namespace alluxio::cli {

namespace {
std::string Hostname() {
  char buf[256] = {0};
  return gethostname(buf, sizeof(buf) - 1) == 0 ? buf : "localhost";
}
}  // namespace

int RunFormatJournal(CommandContext& ctx, const std::vector<std::string>& args) {
  namespace k = conf::keys;
  std::ostream& out = *ctx.out;
  out << "Formatting Alluxio Master @ " << Hostname() << "\n";
  std::string folder = ctx.conf->Get(k::kMasterJournalFolder);
  if (folder.rfind("file://", 0) == 0) folder = folder.substr(7);
  if (folder.empty() || folder[0] != '/') {
    out << fmt::format("Invalid value '{}' for {}: expected an absolute local path\n", folder,
                       k::kMasterJournalFolder.name);
    out << "Failed to format\n";
    return 255;
  }
  out << "Formatting master journal: " << folder << "\n";
  Status s = journal::FormatLocalJournal(env::Env::Default(), folder,
                                         ctx.conf->Get(k::kMasterFormatFilePrefix));
  if (!s.ok()) {
    out << s.message() << "\n";
    out << "Failed to format\n";
    return 255;
  }
  out << "Formatting complete\n";
  return 0;
}

int RunFormat(CommandContext& ctx, const std::vector<std::string>& args) {
  bool only_if_absent = false;
  for (const std::string& a : args) {
    if (a == "-s") {
      only_if_absent = true;
    } else {
      *ctx.out << "Usage: alluxio format [-s]\n";
      return 2;
    }
  }
  if (only_if_absent) {
    // Format only if the root UFS is local and does not exist yet.
    std::string root = ctx.conf->Get(conf::keys::kMasterMountTableRootUfs);
    if (root.rfind("file://", 0) == 0) root = root.substr(7);
    if (root.empty() || root[0] != '/' || env::Env::Default()->FileExists(root)) return 0;
  }
  return RunFormatJournal(ctx, {});
}

}  // namespace alluxio::cli
