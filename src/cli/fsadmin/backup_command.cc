// SPDX-License-Identifier: Apache-2.0
#include "cli/fsadmin/backup_command.h"

#include <unistd.h>

#include <chrono>
#include <iostream>
#include <thread>

#include <fmt/format.h>

namespace alluxio::cli::fsadmin {

namespace meta = ::alluxio::grpc::meta;

namespace {

constexpr char kUsage[] = "backup [directory] [--local] [--allow-leader] [--bypass-delegation]";
constexpr char kDescription[] =
    "Backs up all Alluxio metadata to the backup directory configured on master. The directory "
    "to back up to can be overridden by specifying a directory here. The directory path is "
    "relative to the root UFS. To write the backup to the local disk of the primary master, use "
    "--local and specify a filesystem path. Backup will be delegated to a standby master if the "
    "leader has connected standby masters, use --allow-leader to allow the leading master to "
    "take the backup if no standby is available, use --bypass-delegation to take the backup on "
    "the leader directly.";
// Alluxio's BackupCommand polls at this interval.
constexpr auto kPollInterval = std::chrono::milliseconds(500);

bool Ended(const meta::BackupPStatus& s) {
  return s.backup_state() == meta::Completed || s.backup_state() == meta::Failed ||
         s.backup_state() == meta::None;
}

Result<int> RunBackup(fs::ShellContext& ctx, const fs::ParsedArgs& a) {
  ASSIGN_OR_RETURN(client::FileSystem * fs, ctx.fs());
  meta::BackupPRequest req;
  if (!a.args.empty()) req.set_target_directory(a.args[0]);
  req.mutable_options()->set_run_async(true);
  req.mutable_options()->set_local_file_system(a.Has("local"));
  req.mutable_options()->set_allow_leader(a.Has("allow-leader"));
  req.mutable_options()->set_bypass_delegation(a.Has("bypass-delegation"));
  ASSIGN_OR_RETURN(meta::BackupPStatus status, fs->Backup(req));
  // Progress only on a terminal: a rewritten line is noise in a log or a pipe.
  const bool tty = ctx.base->out == &std::cout && isatty(STDOUT_FILENO) == 1;
  bool drew = false;
  while (!Ended(status)) {
    if (tty) {
      ctx.out() << "\r" << BackupProgressLine(status) << std::flush;
      drew = true;
    }
    std::this_thread::sleep_for(kPollInterval);
    ASSIGN_OR_RETURN(status, fs->GetBackupStatus(status.backup_id()));
  }
  if (drew) ctx.out() << "\r" << BackupProgressLine(status) << "\n";
  if (status.backup_state() == meta::None) {
    ctx.out() << "Backup lost. Please check Alluxio logs.\n";
    return 255;
  }
  if (status.backup_state() == meta::Failed) {
    return InternalError(status.backup_error().empty() ? "Backup failed" : status.backup_error());
  }
  ctx.out() << BackupCompletedOutput(status);
  return 0;
}

}  // namespace

std::string BackupProgressLine(const meta::BackupPStatus& s) {
  std::string line = fmt::format(" Backup state: {}", meta::BackupState_Name(s.backup_state()));
  if (s.backup_state() == meta::Running || s.backup_state() == meta::Completed) {
    line += fmt::format(" | Entries processed: {}", s.entry_count());
  }
  return line;
}

std::string BackupCompletedOutput(const meta::BackupPStatus& s) {
  return fmt::format(
      "Successfully backed up journal to {}\n"
      "Backup Host        : {}\n"
      "Backup URI         : {}\n"
      "Backup Entry Count : {}\n",
      s.backup_uri(), s.backup_host(), s.backup_uri(), s.entry_count());
}

void AddBackupCommand(std::vector<fs::FsCommand>* c) {
  c->push_back(fs::FsCommand{
      "backup",
      kUsage,
      kDescription,
      {{"", "local", false, "Whether to write the backup to the master's local filesystem."},
       {"", "allow-leader", false,
        "Whether to allow the leader to take the backup when HA cluster has no standby master."},
       {"", "bypass-delegation", false,
        "Whether to bypass backup delegation to a standby master."}},
      0,
      2,  // as in Alluxio; only the first (the directory) is used
      RunBackup});
}

}  // namespace alluxio::cli::fsadmin
