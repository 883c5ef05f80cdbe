// SPDX-License-Identifier: Apache-2.0
// formatJournal / formatMasters / formatMaster / formatWorker / format on this host, like
// Alluxio's `alluxio.cli.Format`, with one addition: nothing is formatted while this cluster's
// processes run here (see format_command.h).
#include "cli/format_command.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>

#include <fmt/format.h>

#include "env/env.h"
#include "journal/local/journal_layout.h"

namespace alluxio::cli {

namespace {

namespace k = conf::keys;

std::string Hostname() {
  char buf[256] = {0};
  return gethostname(buf, sizeof(buf) - 1) == 0 ? buf : "localhost";
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t')) s.pop_back();
  size_t b = s.find_first_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b);
}

std::string StripSlashes(std::string s) {
  while (!s.empty() && s.front() == '/') s.erase(0, 1);
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

// The pid in `pid_file` if it names a live process whose command is `binary` (the pid may have
// been reused by an unrelated process since the file was written). Without /proc, any live pid.
std::optional<pid_t> LivePid(const std::string& pid_file, const std::string& binary) {
  std::ifstream in(pid_file);
  long pid = 0;
  if (!(in >> pid) || pid <= 0) return std::nullopt;
  if (kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM) return std::nullopt;
  std::ifstream comm(fmt::format("/proc/{}/comm", pid));
  std::string name;
  if (comm && std::getline(comm, name)) {
    // comm holds at most 15 characters of the executable's name.
    if (Trim(name) != binary.substr(0, 15)) return std::nullopt;
  }
  return static_cast<pid_t>(pid);
}

std::string JournalFolder(const conf::Configuration& conf) {
  std::string folder = conf.Get(k::kMasterJournalFolder);
  if (folder.rfind("file://", 0) == 0) folder = folder.substr(7);
  return folder;
}

// Empty when no process of this cluster that the format would pull the storage from under runs
// on this host; else the message explaining the refusal.
std::string WhyRunning(const conf::Configuration& conf, bool master, bool worker) {
  const std::string run_dir = conf.Get(k::kWorkDir) + "/run";
  const std::string host = Hostname();
  struct Candidate {
    bool wanted;
    const char* role;
    const char* binary;
  };
  for (const Candidate& c : {Candidate{master, "master", "alluxio-master"},
                             Candidate{worker, "worker", "alluxio-worker"}}) {
    if (!c.wanted) continue;
    std::string pid_file = fmt::format("{}/{}.pid", run_dir, c.binary);
    if (std::optional<pid_t> pid = LivePid(pid_file, c.binary)) {
      return fmt::format(
          "Cannot format: the Alluxio {} @ {} is running (pid {}, {}). Stop it first with "
          "bin/alluxio-stop.sh {}; nothing was formatted.",
          c.role, host, *pid, pid_file, c.role);
    }
  }
  if (master) {
    // A master started by other means (no pid file) still holds the journal's lock.
    std::string folder = JournalFolder(conf);
    env::Env* env = env::Env::Default();
    if (!folder.empty() && folder[0] == '/' && env->FileExists(folder)) {
      journal::JournalPaths paths(folder);
      Result<std::unique_ptr<env::FileLock>> lock = env->LockFile(paths.lock());
      if (!lock.ok() && lock.status().code() == StatusCode::kFailedPrecondition) {
        return fmt::format(
            "Cannot format: the journal {} is in use by a running master ({}). Stop it first "
            "with bin/alluxio-stop.sh master; nothing was formatted.",
            folder, lock.status().message());
      }
    }
  }
  return "";
}

// The data dirs `<tier dir>/<data folder>` of every tier, as (level, path) pairs; or the error.
Result<std::vector<std::pair<int, std::string>>> WorkerDataDirs(const conf::Configuration& conf) {
  static const std::array<const conf::PropertyKey*, 3> kPathKeys = {
      &k::kWorkerTieredstoreLevel0DirsPath, &k::kWorkerTieredstoreLevel1DirsPath,
      &k::kWorkerTieredstoreLevel2DirsPath};
  ASSIGN_OR_RETURN(int64_t levels, conf.GetInt(k::kWorkerTieredstoreLevels));
  if (levels < 1 || levels > static_cast<int64_t>(kPathKeys.size())) {
    return InvalidArgumentError(fmt::format("Invalid value '{}' for {}: expected 1 to {} levels",
                                            levels, k::kWorkerTieredstoreLevels.name,
                                            kPathKeys.size()));
  }
  const std::string folder = StripSlashes(conf.Get(k::kWorkerDataFolder));
  if (folder.empty()) {
    return InvalidArgumentError(fmt::format("{} is empty", k::kWorkerDataFolder.name));
  }
  std::vector<std::pair<int, std::string>> dirs;
  for (int level = 0; level < levels; level++) {
    Result<std::vector<std::string>> paths = conf.GetList(*kPathKeys[level]);
    if (!paths.ok() || paths->empty()) {
      return InvalidArgumentError(fmt::format("{} is not set", kPathKeys[level]->name));
    }
    for (const std::string& p : *paths) {
      std::string dir = Trim(p);
      while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
      if (dir.empty() || dir[0] != '/') {
        return InvalidArgumentError(fmt::format(
            "Invalid directory '{}' in {}: expected an absolute path", p, kPathKeys[level]->name));
      }
      dirs.emplace_back(level, (dir == "/" ? "" : dir) + "/" + folder + "/");
    }
  }
  return dirs;
}

int FormatJournalUnchecked(CommandContext& ctx) {
  std::ostream& out = *ctx.out;
  out << "Formatting Alluxio Master @ " << Hostname() << "\n";
  std::string folder = JournalFolder(*ctx.conf);
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

int FormatWorkerUnchecked(CommandContext& ctx) {
  std::ostream& out = *ctx.out;
  out << "Formatting Alluxio Worker @ " << Hostname() << "\n";
  Result<std::vector<std::pair<int, std::string>>> dirs = WorkerDataDirs(*ctx.conf);
  if (!dirs.ok()) {
    out << dirs.status().message() << "\n";
    out << "Failed to format\n";
    return 255;
  }
  out << "Formatting worker data folder: " << ctx.conf->Get(k::kWorkerDataFolder) << "\n";
  env::Env* env = env::Env::Default();
  for (const auto& [level, dir] : *dirs) {
    out << "Formatting Data path for tier " << level << ":" << dir << "\n";
    std::string path = dir.substr(0, dir.size() - 1);
    Status s;
    if (env->FileExists(path)) s = env->RemoveDirRecursively(path);
    if (s.ok()) s = env->CreateDirs(path);
    // Alluxio's alluxio.worker.data.folder.permissions (rwxrwxrwx) plus the sticky bit.
    if (s.ok() && chmod(path.c_str(), 01777) != 0) {
      s = InternalError(fmt::format("chmod {}: {}", path, std::strerror(errno)));
    }
    if (!s.ok()) {
      out << s.message() << "\n";
      out << "Failed to format\n";
      return 255;
    }
  }
  out << "Formatting complete\n";
  return 0;
}

}  // namespace

int RunFormatJournal(CommandContext& ctx, const std::vector<std::string>& args) {
  if (!args.empty()) {
    *ctx.out << "Usage: alluxio formatJournal\n";
    return 2;
  }
  std::string why = WhyRunning(*ctx.conf, /*master=*/true, /*worker=*/false);
  if (!why.empty()) {
    *ctx.out << why << "\n";
    return 1;
  }
  return FormatJournalUnchecked(ctx);
}

int RunFormatWorker(CommandContext& ctx, const std::vector<std::string>& args) {
  if (!args.empty()) {
    *ctx.out << "Usage: alluxio formatWorker\n";
    return 2;
  }
  std::string why = WhyRunning(*ctx.conf, /*master=*/false, /*worker=*/true);
  if (!why.empty()) {
    *ctx.out << why << "\n";
    return 1;
  }
  return FormatWorkerUnchecked(ctx);
}

int RunFormat(CommandContext& ctx, const std::vector<std::string>& args) {
  if (args.size() > 1 || (args.size() == 1 && args[0] != "-s")) {
    *ctx.out << "Usage: alluxio format [-s]\n";
    return 2;
  }
  if (args.size() == 1) {
    // Format only if the root UFS is local and does not exist yet.
    std::string root = ctx.conf->Get(k::kMasterMountTableRootUfs);
    if (root.rfind("file://", 0) == 0) root = root.substr(7);
    if (root.empty() || root[0] != '/' || env::Env::Default()->FileExists(root)) return 0;
  }
  // Checked once for both, so that a refusal leaves the workers' storage untouched too.
  std::string why = WhyRunning(*ctx.conf, /*master=*/true, /*worker=*/true);
  if (!why.empty()) {
    *ctx.out << why << "\n";
    return 1;
  }
  int rc = FormatWorkerUnchecked(ctx);
  if (rc != 0) return rc;
  return FormatJournalUnchecked(ctx);
}

}  // namespace alluxio::cli
