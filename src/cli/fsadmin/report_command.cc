// SPDX-License-Identifier: Apache-2.0
#include "cli/fsadmin/report_command.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "common/block_id.h"

namespace alluxio::cli::fsadmin {

namespace {

using ::alluxio::grpc::block::WorkerInfo;
using fs::FormatSize;

struct TierCompare {
  bool operator()(const std::string& a, const std::string& b) const { return TierLess(a, b); }
};
template <typename V>
using TierMap = std::map<std::string, V, TierCompare>;

// Lines indented by 4 spaces per level, as the report commands' print().
class Printer {
 public:
  void Print(const std::string& text) {
    out_ += std::string(static_cast<size_t>(level_) * 4, ' ') + text + "\n";
  }
  void In() { ++level_; }
  void Out() { --level_; }
  std::string Take() { return std::move(out_); }

 private:
  int level_ = 0;
  std::string out_;
};

constexpr char kReportUsage[] = "report [category] [category args]";
constexpr char kReportDescription[] =
    "Report Alluxio running cluster information.\n"
    "Where [category] is an optional argument. If no arguments are passed in, summary information "
    "will be printed out.\n"
    "[category] can be one of the following:\n"
    "    capacity         worker capacity information\n"
    "    summary          cluster summary\n";

// FileSystemAdminShellUtils.checkMasterClientService.
Status CheckMaster(client::FileSystem* fs) {
  Result<std::string> primary = fs->GetPrimaryAddress();
  if (!primary.ok() && primary.status().code() == StatusCode::kUnavailable) {
    return UnavailableError("Cannot connect to Alluxio leader master.");
  }
  return primary.status();
}

JournalSummary JournalOf(const conf::Configuration& conf) {
  JournalSummary j;
  Result<std::string> type = conf.GetEnum(conf::keys::kMasterJournalType);
  j.raft = type.ok() && *type == "EMBEDDED";
  if (j.raft) {
    // As Alluxio: alluxio.master.embedded.journal.addresses, else each master's host with the
    // embedded journal port.
    namespace k = conf::keys;
    if (conf.IsSet(k::kMasterEmbeddedJournalAddresses)) {
      j.addresses =
          conf.GetList(k::kMasterEmbeddedJournalAddresses).value_or(std::vector<std::string>{});
    }
    if (j.addresses.empty()) {
      std::string port = conf.Get(k::kMasterEmbeddedJournalPort);
      Result<std::vector<std::string>> masters =
          client::FileSystem::ConfiguredMasterAddresses(conf);
      if (masters.ok()) {
        for (const std::string& m : *masters)
          j.addresses.push_back(m.substr(0, m.rfind(':')) + ":" + port);
      }
    }
  }
  return j;
}

Result<int> RunReport(fs::ShellContext& sc, const fs::ParsedArgs& p) {
  const bool capacity = !p.args.empty() && p.args[0] == "capacity";
  if (p.Has("h") && !capacity) {
    sc.out() << kReportUsage << "\n" << kReportDescription << "\n";
    return 0;
  }
  if (!p.args.empty() && p.args[0] != "capacity" && p.args[0] != "summary") {
    sc.out() << kReportUsage << "\n" << kReportDescription << "\n";
    return InvalidArgumentError("report category is invalid.");
  }
  if (!capacity && p.option_count() > 0) {
    return InvalidArgumentError(
        fmt::format("report summary does not support arguments: {}", p.options.begin()->first));
  }
  // `capacity -h` and a capacity usage error are answered before contacting the master (Alluxio
  // checks the master first).
  if (capacity && p.Has("h")) {
    sc.out() << CapacityUsage() << "\n";
    return 0;
  }
  if (capacity && p.option_count() > 1) {
    sc.out() << CapacityUsage() << "\n";
    return InvalidArgumentError("Too many arguments passed in.");
  }
  ASSIGN_OR_RETURN(client::FileSystem * fs, sc.fs());
  RETURN_IF_ERROR(CheckMaster(fs));
  if (!capacity) {
    ASSIGN_OR_RETURN(::alluxio::grpc::meta::MasterInfo master, fs->GetMasterInfo());
    ASSIGN_OR_RETURN(::alluxio::grpc::block::BlockMasterInfo blocks, fs->GetBlockMasterInfo());
    sc.out() << SummaryOutput(master, blocks, sc.conf().Get(conf::keys::kUserDateFormatPattern),
                              JournalOf(sc.conf()));
    return 0;
  }
  ::alluxio::grpc::block::GetWorkerReportPOptions o;
  std::string range = "all";
  o.set_worker_range(::alluxio::grpc::block::ALL);
  if (p.Has("live")) {
    o.set_worker_range(::alluxio::grpc::block::LIVE);
    range = "live";
  } else if (p.Has("lost")) {
    o.set_worker_range(::alluxio::grpc::block::LOST);
    range = "lost";
  } else if (p.Has("workers")) {
    o.set_worker_range(::alluxio::grpc::block::SPECIFIED);
    range = "specified";
    const std::string list = p.Get("workers");
    for (size_t start = 0; start <= list.size();) {
      size_t comma = list.find(',', start);
      if (comma == std::string::npos) comma = list.size();
      o.add_addresses(list.substr(start, comma - start));
      start = comma + 1;
    }
  }
  ASSIGN_OR_RETURN(std::vector<WorkerInfo> workers, fs->GetWorkerReport(o));
  sc.out() << CapacityOutput(std::move(workers), range);
  return 0;
}

constexpr char kGetBlockInfoUsage[] = "getBlockInfo [blockId]";
constexpr char kGetBlockInfoDescription[] =
    "get the block information and file path of a specified block id.";

Result<int> RunGetBlockInfo(fs::ShellContext& sc, const fs::ParsedArgs& p) {
  if (p.Has("h")) {
    sc.out() << kGetBlockInfoUsage << "\n" << kGetBlockInfoDescription << "\n";
    return 0;
  }
  ASSIGN_OR_RETURN(client::FileSystem * fs, sc.fs());
  RETURN_IF_ERROR(CheckMaster(fs));
  const std::string& arg = p.args[0];
  int64_t block_id = 0;
  size_t used = 0;
  try {
    block_id = std::stoll(arg, &used);
  } catch (...) {
    used = std::string::npos;
  }
  if (used != arg.size()) {
    return InvalidArgumentError(fmt::format("{} is not a valid block id.", arg));
  }
  std::optional<::alluxio::grpc::BlockInfo> info;
  if (Result<::alluxio::grpc::BlockInfo> r = fs->GetBlockInfo(block_id); r.ok()) info = *r;
  std::optional<std::string> path;
  if (Result<std::string> r = fs->GetFilePath(FileIdOfBlockId(block_id)); r.ok()) path = *r;
  sc.out() << GetBlockInfoOutput(block_id, info, path);
  return 0;
}

}  // namespace

bool TierLess(const std::string& a, const std::string& b) {
  auto rank = [](const std::string& t) {
    if (t == "MEM") return 0;
    if (t == "SSD") return 1;
    if (t == "HDD") return 2;
    return 3;
  };
  int ra = rank(a), rb = rank(b);
  return ra != rb ? ra < rb : a < b;
}

std::string ClockTime(int64_t ms) {
  constexpr int64_t kSec = 1000, kMin = 60 * kSec, kHour = 60 * kMin, kDay = 24 * kHour;
  return fmt::format("{} day(s), {} hour(s), {} minute(s), and {} second(s)", ms / kDay,
                     (ms % kDay) / kHour, (ms % kHour) / kMin, (ms % kMin) / kSec);
}

std::string SummaryOutput(const ::alluxio::grpc::meta::MasterInfo& master,
                          const ::alluxio::grpc::block::BlockMasterInfo& blocks,
                          const std::string& date_pattern, const JournalSummary& journal) {
  Printer p;
  p.Print("Alluxio cluster summary: ");
  p.In();
  p.Print("Master Address: " + master.leader_master_address());
  p.Print(fmt::format("Web Port: {}", master.web_port()));
  p.Print(fmt::format("Rpc Port: {}", master.rpc_port()));
  p.Print("Started: " + fs::FormatDate(master.start_time_ms(), date_pattern));
  p.Print("Uptime: " + ClockTime(master.up_time_ms()));
  p.Print("Version: " + master.version());
  p.Print(fmt::format("Safe Mode: {}", master.safe_mode()));
  if (master.zookeeper_addresses_size() == 0) {
    p.Print("Zookeeper Enabled: false");
  } else {
    p.Print("Zookeeper Enabled: true");
    p.Print("Zookeeper Addresses: ");
    p.In();
    for (const std::string& zk : master.zookeeper_addresses()) p.Print(zk);
    p.Out();
  }
  p.Print(fmt::format("Raft-based Journal: {}", journal.raft));
  if (journal.raft) {
    p.Print("Raft Journal Addresses: ");
    p.In();
    for (const std::string& a : journal.addresses) p.Print(a);
    p.Out();
  }
  p.Print(fmt::format("Live Workers: {}", blocks.live_worker_num()));
  p.Print(fmt::format("Lost Workers: {}", blocks.lost_worker_num()));
  auto tiers = [&](const google::protobuf::Map<std::string, int64_t>& m) {
    TierMap<int64_t> sorted(m.begin(), m.end());
    p.In();
    for (const auto& [tier, bytes] : sorted) {
      p.Print("Tier: " + tier + "  Size: " + FormatSize(bytes));
    }
    p.Out();
  };
  p.Print("Total Capacity: " + FormatSize(blocks.capacity_bytes()));
  tiers(blocks.capacity_bytes_on_tiers());
  p.Print("Used Capacity: " + FormatSize(blocks.used_bytes()));
  tiers(blocks.used_bytes_on_tiers());
  p.Print("Free Capacity: " + FormatSize(blocks.free_bytes()));
  return p.Take();
}

std::string CapacityOutput(std::vector<WorkerInfo> workers, const std::string& range) {
  Printer p;
  if (workers.empty()) {
    p.Print("No workers found.");
    return p.Take();
  }
  std::stable_sort(workers.begin(), workers.end(), [](const WorkerInfo& a, const WorkerInfo& b) {
    return a.last_contact_sec() < b.last_contact_sec();
  });
  int64_t sum_capacity = 0, sum_used = 0;
  TierMap<int64_t> sum_capacity_on_tiers, sum_used_on_tiers;
  // tier -> worker host -> formatted size
  TierMap<std::map<std::string, std::string>> capacity_tiers, used_tiers;
  for (const WorkerInfo& w : workers) {
    sum_capacity += w.capacity_bytes();
    sum_used += w.used_bytes();
    const std::string& name = w.address().host();
    for (const auto& [tier, bytes] : w.capacity_bytes_on_tiers()) {
      sum_capacity_on_tiers[tier] += bytes;
      capacity_tiers[tier][name] = FormatSize(bytes);
    }
    for (const auto& [tier, bytes] : w.used_bytes_on_tiers()) {
      sum_used_on_tiers[tier] += bytes;
      used_tiers[tier][name] = FormatSize(bytes);
    }
  }
  p.Print(fmt::format("Capacity information for {} workers: ", range));
  p.In();
  p.Print("Total Capacity: " + FormatSize(sum_capacity));
  p.In();
  for (const auto& [tier, bytes] : sum_capacity_on_tiers) {
    p.Print("Tier: " + tier + "  Size: " + FormatSize(bytes));
  }
  p.Out();
  p.Print("Used Capacity: " + FormatSize(sum_used));
  p.In();
  for (const auto& [tier, bytes] : sum_used_on_tiers) {
    p.Print("Tier: " + tier + "  Size: " + FormatSize(bytes));
  }
  p.Out();
  if (sum_capacity != 0) {
    int used_pct = static_cast<int>(100 * sum_used / sum_capacity);
    p.Print(fmt::format("Used Percentage: {}%", used_pct));
    p.Print(fmt::format("Free Percentage: {}%", 100 - used_pct));
  }
  p.Out();
  if (capacity_tiers.empty()) return p.Take();

  size_t first = 16;
  for (const WorkerInfo& w : workers) {
    if (first <= w.address().host().size()) first = std::max(first, w.address().host().size() + 5);
  }
  auto used_info = [](const WorkerInfo& w) {
    std::string s = FormatSize(w.used_bytes());
    if (w.capacity_bytes() != 0)
      s += fmt::format(" ({}%)", 100 * w.used_bytes() / w.capacity_bytes());
    return s;
  };
  if (capacity_tiers.size() == 1) {
    // One tier: no Total column.
    auto row = [&](const std::string& a, const std::string& b, const std::string& c,
                   const std::string& d) {
      return fmt::format("{:<{}} {:<16} {:<13} {}", a, first, b, c, d);
    };
    p.Print("\n" + row("Worker Name", "Last Heartbeat", "Storage", capacity_tiers.begin()->first));
    for (const WorkerInfo& w : workers) {
      p.Print(row(w.address().host(), std::to_string(w.last_contact_sec()), "capacity",
                  FormatSize(w.capacity_bytes())));
      p.Print(row("", "", "used", used_info(w)));
    }
    return p.Take();
  }
  auto row = [&](const std::string& a, const std::string& b, const std::string& c,
                 const std::string& d, const std::string& e) {
    return fmt::format("{:<{}} {:<16} {:<13} {:<16} {}", a, first, b, c, d, e);
  };
  std::string tier_names;
  for (const auto& [tier, unused] : capacity_tiers) tier_names += fmt::format("{:<14}", tier);
  auto tier_values = [](const TierMap<std::map<std::string, std::string>>& m,
                        const std::string& worker) {
    std::string s;
    for (const auto& [tier, by_worker] : m) {
      auto it = by_worker.find(worker);
      s += fmt::format("{:<14}", it == by_worker.end() ? "-" : it->second);
    }
    return s;
  };
  p.Print("\n" + row("Worker Name", "Last Heartbeat", "Storage", "Total", tier_names));
  for (const WorkerInfo& w : workers) {
    const std::string& name = w.address().host();
    p.Print(row(name, std::to_string(w.last_contact_sec()), "capacity",
                FormatSize(w.capacity_bytes()), tier_values(capacity_tiers, name)));
    p.Print(row("", "", "used", used_info(w), tier_values(used_tiers, name)));
  }
  return p.Take();
}

std::string CapacityUsage() {
  return "alluxio fsadmin report capacity [filter arg]\n"
         "Report Alluxio capacity information.\n"
         "Where [filter arg] is an optional argument. If no arguments passed in, capacity "
         "information of all workers will be printed out.\n"
         "[filter arg] can be one of the following:\n"
         "    -live                   Live workers\n"
         "    -lost                   Lost workers\n"
         "    -workers <worker_names>  Specified workers, host names or ip addresses separated by "
         "\",\"\n";
}

std::string GetBlockInfoOutput(int64_t block_id,
                               const std::optional<::alluxio::grpc::BlockInfo>& info,
                               const std::optional<std::string>& path) {
  std::string out = info ? fs::BlockInfoString(*info) + "\n"
                         : fmt::format("BlockMeta is not available for blockId: {}\n", block_id);
  const int64_t file_id = FileIdOfBlockId(block_id);
  if (path)
    return out + fmt::format("This block belongs to file {{id={}, path={}}}\n", file_id, *path);
  return out + fmt::format("This block belongs to file {{id={}}}\n", file_id);
}

void AddReportCommands(std::vector<fs::FsCommand>* c) {
  c->push_back(
      fs::FsCommand{"report",
                    kReportUsage,
                    kReportDescription,
                    {{"h", "", false, "print help information."},
                     {"live", "", false, "show capacity information of live workers."},
                     {"lost", "", false, "show capacity information of lost workers."},
                     {"workers", "", true, "show capacity information of specified workers."}},
                    0,
                    1,
                    RunReport});
  c->push_back(fs::FsCommand{"getBlockInfo",
                             kGetBlockInfoUsage,
                             kGetBlockInfoDescription,
                             {{"h", "", false, "print help information."}},
                             1,
                             1,
                             RunGetBlockInfo});
}

}  // namespace alluxio::cli::fsadmin
