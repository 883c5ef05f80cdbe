// SPDX-License-Identifier: Apache-2.0
#include "cli/read_journal_command.h"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <limits>

#include <fmt/format.h>

#include "env/env.h"
#include "journal/local/journal_reader.h"

namespace alluxio::cli {

namespace {

constexpr char kUsage[] =
    "usage: readJournal [-end <arg>] [-help] [-inputDir <arg>] [-outputDir <arg>] [-start "
    "<arg>]\n";

bool ParseSn(const std::string& s, int64_t* out) {
  char* end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || v < 0) return false;
  *out = v;
  return true;
}

}  // namespace

int RunReadJournal(CommandContext& ctx, const std::vector<std::string>& args) {
  int64_t start = 0;
  int64_t end = std::numeric_limits<int64_t>::max();
  std::string input = ctx.conf->Get(conf::keys::kMasterJournalFolder);
  if (input.rfind("file://", 0) == 0) input = input.substr(7);
  std::string output =
      fmt::format("journal_dump-{}", std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::system_clock::now().time_since_epoch())
                                         .count());
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-help") {
      *ctx.out << kUsage;
      return 0;
    }
    if ((a == "-start" || a == "-end" || a == "-inputDir" || a == "-outputDir" || a == "-master") &&
        i + 1 < args.size()) {
      const std::string& v = args[++i];
      if ((a == "-start" && !ParseSn(v, &start)) || (a == "-end" && !ParseSn(v, &end))) {
        *ctx.err << "Invalid sequence number " << v << " for " << a << "\n" << kUsage;
        return 1;
      }
      if (a == "-inputDir") input = v;
      if (a == "-outputDir") output = v;
      continue;  // -master: one journal stream holds every master's entries
    }
    *ctx.err << "Unrecognized or incomplete option: " << a << "\n" << kUsage;
    return 1;
  }
  env::Env* env = env::Env::Default();
  if (Status s = env->CreateDirs(output); !s.ok()) {
    *ctx.err << s.message() << "\n";
    return 1;
  }
  const std::string dump = output + "/journal.txt";
  std::ofstream out(dump);
  if (!out) {
    *ctx.err << "Cannot write " << dump << "\n";
    return 1;
  }
  *ctx.out << "Dumping journal of type UFS to " << output << "\n";
  int64_t count = 0;
  Status s = journal::ReadJournal(env, input, [&](const journal::JournalEntry& e) -> Status {
    // Checkpoint entries carry no sequence number; log entries are filtered by -start/-end.
    if (e.has_sequence_number() && (e.sequence_number() < start || e.sequence_number() >= end)) {
      return Status();
    }
    out << e.ShortDebugString() << "\n";
    ++count;
    return Status();
  });
  out.close();
  if (!s.ok()) {
    *ctx.err << "Failed to read journal " << input << ": " << s.message() << "\n";
    return 1;
  }
  *ctx.out << "Read " << count << " entries from log " << input << "\n";
  return 0;
}

}  // namespace alluxio::cli
