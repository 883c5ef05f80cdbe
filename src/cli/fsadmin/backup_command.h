// SPDX-License-Identifier: Apache-2.0
// `fsadmin backup [directory] [--local] [--allow-leader] [--bypass-delegation]` (Alluxio's
// BackupCommand, reference §2.3): submits an asynchronous backup, polls its status every 500 ms
// (showing "Backup state: <State> | Entries processed: N" on one line rewritten with \r when
// stdout is a terminal), then prints where the backup is.
// Thread-safety: free functions, thread-safe.
#pragma once

#include <string>
#include <vector>

#include "alluxio/grpc/meta_master.pb.h"
#include "cli/fs/shell.h"

namespace alluxio::cli::fsadmin {

// The lines printed for a completed backup: "Successfully backed up journal to <uri>" and the
// Backup Host / URI / Entry Count block.
std::string BackupCompletedOutput(const ::alluxio::grpc::meta::BackupPStatus& status);
// The progress line (without the leading \r).
std::string BackupProgressLine(const ::alluxio::grpc::meta::BackupPStatus& status);

void AddBackupCommand(std::vector<fs::FsCommand>* commands);

}  // namespace alluxio::cli::fsadmin
