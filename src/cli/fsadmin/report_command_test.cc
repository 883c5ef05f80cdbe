// SPDX-License-Identifier: Apache-2.0
#include "cli/fsadmin/report_command.h"

#include <sstream>

#include <gtest/gtest.h>

#include "cli/fsadmin/fsadmin_shell.h"

namespace alluxio::cli::fsadmin {
namespace {

using ::alluxio::grpc::block::WorkerInfo;

WorkerInfo Worker(const std::string& host, int last_contact,
                  const std::map<std::string, std::pair<int64_t, int64_t>>& tiers) {
  WorkerInfo w;
  w.mutable_address()->set_host(host);
  w.set_last_contact_sec(last_contact);
  int64_t cap = 0, used = 0;
  for (const auto& [tier, cu] : tiers) {
    (*w.mutable_capacity_bytes_on_tiers())[tier] = cu.first;
    (*w.mutable_used_bytes_on_tiers())[tier] = cu.second;
    cap += cu.first;
    used += cu.second;
  }
  w.set_capacity_bytes(cap);
  w.set_used_bytes(used);
  return w;
}

int RunAdmin(const std::vector<std::string>& args, std::string* out) {
  conf::Configuration conf;
  std::ostringstream o, e;
  CommandContext ctx{&conf, &o, &e};
  int rc = RunFsAdminShell(ctx, args);
  *out = o.str();
  return rc;
}

TEST(ReportCommandTest, TiersSortMemSsdHddFirst) {
  std::vector<std::string> tiers = {"ZZZ", "HDD", "AAA", "MEM", "SSD"};
  std::sort(tiers.begin(), tiers.end(), TierLess);
  EXPECT_EQ(tiers, (std::vector<std::string>{"MEM", "SSD", "HDD", "AAA", "ZZZ"}));
}

TEST(ReportCommandTest, ClockTime) {
  EXPECT_EQ(ClockTime(0), "0 day(s), 0 hour(s), 0 minute(s), and 0 second(s)");
  EXPECT_EQ(ClockTime(((26 * 60 + 3) * 60 + 4) * 1000 + 999),
            "1 day(s), 2 hour(s), 3 minute(s), and 4 second(s)");
}

TEST(ReportCommandTest, Summary) {
  ::alluxio::grpc::meta::MasterInfo m;
  m.set_leader_master_address("master:19998");
  m.set_web_port(19999);
  m.set_rpc_port(19998);
  m.set_start_time_ms(0);
  m.set_up_time_ms(79000);
  m.set_version("2.10.0");
  m.set_safe_mode(false);
  ::alluxio::grpc::block::BlockMasterInfo b;
  b.set_live_worker_num(3);
  b.set_lost_worker_num(0);
  b.set_capacity_bytes(3 * 1024LL * 1024 * 1024);
  (*b.mutable_capacity_bytes_on_tiers())["SSD"] = 2 * 1024LL * 1024 * 1024;
  (*b.mutable_capacity_bytes_on_tiers())["MEM"] = 1024LL * 1024 * 1024;
  b.set_used_bytes(0);
  (*b.mutable_used_bytes_on_tiers())["MEM"] = 0;
  b.set_free_bytes(3 * 1024LL * 1024 * 1024);
  std::string out = SummaryOutput(m, b, "yyyy", JournalSummary{true, {"master:19200"}});
  std::string started = "    Started: " + fs::FormatDate(0, "yyyy") + "\n";
  EXPECT_EQ(out,
            "Alluxio cluster summary: \n"
            "    Master Address: master:19998\n"
            "    Web Port: 19999\n"
            "    Rpc Port: 19998\n" +
                started +
                "    Uptime: 0 day(s), 0 hour(s), 1 minute(s), and 19 second(s)\n"
                "    Version: 2.10.0\n"
                "    Safe Mode: false\n"
                "    Zookeeper Enabled: false\n"
                "    Raft-based Journal: true\n"
                "    Raft Journal Addresses: \n"
                "        master:19200\n"
                "    Live Workers: 3\n"
                "    Lost Workers: 0\n"
                "    Total Capacity: 3072.00MB\n"
                "        Tier: MEM  Size: 1024.00MB\n"
                "        Tier: SSD  Size: 2048.00MB\n"
                "    Used Capacity: 0B\n"
                "        Tier: MEM  Size: 0B\n"
                "    Free Capacity: 3072.00MB\n");
}

TEST(ReportCommandTest, CapacityOneTier) {
  std::vector<WorkerInfo> workers = {Worker("worker-2", 3, {{"MEM", {1000, 250}}}),
                                     Worker("w1", 1, {{"MEM", {1000, 0}}})};
  EXPECT_EQ(CapacityOutput(workers, "all"),
            "Capacity information for all workers: \n"
            "    Total Capacity: 2000B\n"
            "        Tier: MEM  Size: 2000B\n"
            "    Used Capacity: 250B\n"
            "        Tier: MEM  Size: 250B\n"
            "    Used Percentage: 12%\n"
            "    Free Percentage: 88%\n"
            "\n"
            "Worker Name      Last Heartbeat   Storage       MEM\n"
            "w1               1                capacity      1000B\n"
            "                                  used          0B (0%)\n"
            "worker-2         3                capacity      1000B\n"
            "                                  used          250B (25%)\n");
}

TEST(ReportCommandTest, CapacityTwoTiersAndLongNames) {
  std::vector<WorkerInfo> workers = {
      Worker("a-very-long-worker-name", 0, {{"MEM", {100, 10}}, {"HDD", {900, 0}}}),
      Worker("w2", 2, {{"MEM", {100, 0}}})};
  std::string out = CapacityOutput(workers, "live");
  EXPECT_EQ(out.rfind("Capacity information for live workers: \n", 0), 0u);
  EXPECT_NE(out.find("\nWorker Name                  Last Heartbeat   Storage       Total          "
                     "  MEM           HDD           \n"
                     "a-very-long-worker-name      0                capacity      1000B          "
                     "  100B          900B          \n"
                     "                                              used          10B (1%)       "
                     "  10B           0B            \n"
                     "w2                           2                capacity      100B           "
                     "  100B          -             \n"),
            std::string::npos)
      << out;
  EXPECT_EQ(CapacityOutput({}, "lost"), "No workers found.\n");
}

TEST(ReportCommandTest, GetBlockInfoOutput) {
  ::alluxio::grpc::BlockInfo b;
  b.set_block_id((5LL << 24) | 1);
  b.set_length(10);
  EXPECT_EQ(GetBlockInfoOutput(b.block_id(), b, std::string("/a")),
            "BlockInfo{id=83886081, length=10, locations=[]}\n"
            "This block belongs to file {id=100663295, path=/a}\n");
  EXPECT_EQ(GetBlockInfoOutput(7, std::nullopt, std::nullopt),
            "BlockMeta is not available for blockId: 7\n"
            "This block belongs to file {id=16777215}\n");
}

TEST(ReportCommandTest, ArgumentErrorsNeedNoMaster) {
  std::string out;
  EXPECT_EQ(RunAdmin({"report", "bogus"}, &out), 255);
  EXPECT_EQ(out.rfind("report [category] [category args]\nReport Alluxio running cluster"), 0u);
  EXPECT_NE(out.find("\nreport category is invalid.\n"), std::string::npos);
  EXPECT_EQ(RunAdmin({"report", "summary", "-live"}, &out), 255);
  EXPECT_EQ(out, "report summary does not support arguments: live\n");
  EXPECT_EQ(RunAdmin({"report", "-h"}, &out), 0);
  EXPECT_EQ(out.rfind("report [category] [category args]\n", 0), 0u);
  EXPECT_EQ(RunAdmin({"report", "capacity", "-h"}, &out), 0);
  EXPECT_EQ(out.rfind("alluxio fsadmin report capacity [filter arg]\n", 0), 0u);
  EXPECT_EQ(RunAdmin({"getBlockInfo"}, &out), 255);
  EXPECT_EQ(out.rfind("Command getBlockInfo takes 1 arguments, not 0\nUsage: getBlockInfo "
                      "[blockId]\n",
                      0),
            0u);
  EXPECT_EQ(RunAdmin({}, &out), 255);
  EXPECT_EQ(out.rfind("Usage: alluxio fsadmin [generic options]\n\t [backup [directory] [--local] "
                      "[--allow-leader] [--bypass-delegation]]",
                      0),
            0u);
  EXPECT_NE(out.find("\t [getBlockInfo [blockId]]"), std::string::npos);
}

}  // namespace
}  // namespace alluxio::cli::fsadmin
