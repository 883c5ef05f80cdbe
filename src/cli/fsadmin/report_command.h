// SPDX-License-Identifier: Apache-2.0
// `fsadmin report [summary|capacity]` and `fsadmin getBlockInfo <blockId>` (Alluxio's
// ReportCommand, report/SummaryCommand, report/CapacityCommand, GetBlockInfoCommand). The
// formatting functions are pure so that tests can feed them fabricated protos.
// Thread-safety: free functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "alluxio/grpc/block_master.pb.h"
#include "alluxio/grpc/meta_master.pb.h"
#include "cli/fs/shell.h"

namespace alluxio::cli::fsadmin {

// FileSystemAdminShellUtils.compareTierNames: MEM, SSD, HDD first (in that order), then the other
// aliases alphabetically.
bool TierLess(const std::string& a, const std::string& b);

// CommonUtils.convertMsToClockTime: "1 day(s), 2 hour(s), 3 minute(s), and 4 second(s)".
std::string ClockTime(int64_t ms);

struct JournalSummary {
  bool raft = false;                   // alluxio.master.journal.type is EMBEDDED
  std::vector<std::string> addresses;  // host:port of each journal member
};

// The "Alluxio cluster summary: " block.
std::string SummaryOutput(const ::alluxio::grpc::meta::MasterInfo& master,
                          const ::alluxio::grpc::block::BlockMasterInfo& blocks,
                          const std::string& date_pattern, const JournalSummary& journal);

// The `report capacity` output for `workers` selected by `range` ("all", "live", "lost",
// "specified"): aggregated capacity, then a table of workers sorted by last heartbeat.
std::string CapacityOutput(std::vector<::alluxio::grpc::block::WorkerInfo> workers,
                           const std::string& range);
// CapacityCommand.getUsage().
std::string CapacityUsage();

// `getBlockInfo`: the BlockInfo (or "BlockMeta is not available for blockId: <id>") and the file
// the block belongs to, with its path when known.
std::string GetBlockInfoOutput(int64_t block_id,
                               const std::optional<::alluxio::grpc::BlockInfo>& info,
                               const std::optional<std::string>& path);

// Adds `report` and `getBlockInfo` to an fsadmin command table.
void AddReportCommands(std::vector<fs::FsCommand>* commands);

}  // namespace alluxio::cli::fsadmin
