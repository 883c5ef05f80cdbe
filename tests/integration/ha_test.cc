// SPDX-License-Identifier: Apache-2.0
// High availability with the EMBEDDED journal: three masters in this process, each with its own
// journal folder and Raft port on 127.0.0.1, sharing one UFS; a client configured with the three
// RPC addresses. Only the primary serves; stopping it elects another within a second or so and
// the client carries on with nothing acknowledged lost.
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "env/testing/free_port.h"

#include "cli/fsadmin/fsadmin_shell.h"
#include "client/api/file_system.h"
#include "common/conf/configuration.h"
#include "journal/local/journal_layout.h"
#include "master/master_process.h"
#include "tests/minicluster/mini_cluster.h"
#include "tests/minicluster/test_util.h"

namespace alluxio {
namespace {

namespace k = conf::keys;
using testing::WaitFor;

using env::testing::PickFreePort;

class HaTest : public ::testing::Test {
 protected:
  static constexpr int kMasters = 3;

  void SetUp() override {
    char tmpl[] = "/tmp/alluxio-ha-test-XXXXXX";
    root_ = mkdtemp(tmpl);
    std::filesystem::create_directories(root_ + "/ufs");
    std::vector<std::string> rpc, raft;
    for (int i = 0; i < kMasters; i++) {
      rpc_ports_.push_back(PickFreePort());
      rpc.push_back(fmt::format("127.0.0.1:{}", rpc_ports_.back()));
      raft_ports_.push_back(PickFreePort());
      raft.push_back(fmt::format("127.0.0.1:{}", raft_ports_.back()));
    }
    rpc_addresses_ = fmt::format("{}", fmt::join(rpc, ","));
    raft_addresses_ = fmt::format("{}", fmt::join(raft, ","));
    for (int i = 0; i < kMasters; i++) {
      std::string folder = fmt::format("{}/m{}/journal", root_, i);
      ASSERT_TRUE(journal::FormatLocalJournal(env::Env::Default(), folder).ok());
      masters_.emplace_back();
    }
  }

  void TearDown() override {
    masters_.clear();
    std::filesystem::remove_all(root_);
  }

  conf::Configuration MasterConf(int i) {
    conf::Configuration c;
    EXPECT_TRUE(c.Set(k::kWorkDir, fmt::format("{}/m{}", root_, i)).ok());
    EXPECT_TRUE(c.Set(k::kMasterHostname, "127.0.0.1").ok());
    EXPECT_TRUE(c.Set(k::kMasterBindHost, "127.0.0.1").ok());
    EXPECT_TRUE(c.Set(k::kMasterRpcPort, std::to_string(rpc_ports_[i])).ok());
    EXPECT_TRUE(c.Set(k::kMasterJournalType, "EMBEDDED").ok());
    EXPECT_TRUE(c.Set(k::kMasterEmbeddedJournalAddresses, raft_addresses_).ok());
    EXPECT_TRUE(c.Set(k::kMasterEmbeddedJournalPort, std::to_string(raft_ports_[i])).ok());
    EXPECT_TRUE(c.Set(k::kMasterEmbeddedJournalElectionTimeoutMin, "300ms").ok());
    EXPECT_TRUE(c.Set(k::kMasterRpcAddresses, rpc_addresses_).ok());
    EXPECT_TRUE(c.Set(k::kMasterMountTableRootUfs, root_ + "/ufs").ok());
    return c;
  }

  Status StartMaster(int i, const std::map<std::string, std::string>& extra = {}) {
    conf::Configuration c = MasterConf(i);
    for (const auto& [key, value] : extra) RETURN_IF_ERROR(c.Set(key, value));
    ASSIGN_OR_RETURN(masters_[i], master::MasterProcess::Create(c));
    return masters_[i]->Start();
  }

  int Serving() const {
    int s = -1;
    for (int i = 0; i < kMasters; i++) {
      if (masters_[i] && masters_[i]->IsServing()) {
        if (s != -1) return -2;
        s = i;
      }
    }
    return s;
  }

  int WaitForServing() {
    int s = -1;
    WaitFor([&] { return (s = Serving()) >= 0; }, 20000);
    return s;
  }

  std::unique_ptr<client::FileSystem> Client() {
    conf::Configuration c;
    EXPECT_TRUE(c.Set(k::kMasterRpcAddresses, rpc_addresses_).ok());
    EXPECT_TRUE(c.Set(k::kUserRpcRetryMaxDuration, "30sec").ok());
    auto fs = client::FileSystem::Create(c);
    EXPECT_TRUE(fs.ok()) << fs.status();
    return fs.ok() ? std::move(*fs) : nullptr;
  }

  // Runs `alluxio fsadmin <args>` as a client of the quorum (or of `addresses`); returns {exit
  // code, stdout + stderr}.
  std::pair<int, std::string> FsAdmin(const std::vector<std::string>& args,
                                      const std::string& addresses = "") {
    conf::Configuration c;
    EXPECT_TRUE(c.Set(k::kMasterRpcAddresses, addresses.empty() ? rpc_addresses_ : addresses).ok());
    EXPECT_TRUE(c.Set(k::kUserRpcRetryMaxDuration, "20sec").ok());
    std::ostringstream out, err;
    cli::CommandContext ctx{&c, &out, &err};
    int rc = cli::fsadmin::RunFsAdminShell(ctx, args);
    return {rc, out.str() + err.str()};
  }
  std::string RaftAddress(int i) const { return fmt::format("127.0.0.1:{}", raft_ports_[i]); }

  std::string root_;
  std::vector<int> rpc_ports_;
  std::vector<int> raft_ports_;
  std::string rpc_addresses_;
  std::string raft_addresses_;
  std::vector<std::unique_ptr<master::MasterProcess>> masters_;
};

TEST_F(HaTest, OnlyThePrimaryServesAndFailoverLosesNothingAcknowledged) {
  for (int i = 0; i < kMasters; i++) ASSERT_TRUE(StartMaster(i).ok());
  int primary = WaitForServing();
  ASSERT_GE(primary, 0);
  std::unique_ptr<client::FileSystem> fs = Client();
  ASSERT_NE(fs, nullptr);
  int created = 0;
  for (; created < 30; created++) {
    ASSERT_TRUE(fs->CreateDirectory(fmt::format("/d{}", created)).ok());
  }
  Result<grpc::meta::MasterInfo> info = fs->GetMasterInfo();
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->leader_master_address(), fmt::format("127.0.0.1:{}", rpc_ports_[primary]));
  EXPECT_EQ(info->master_addresses_size(), kMasters);

  for (int round = 0; round < 2; round++) {
    // The old primary goes away; the client's next call finds the new one.
    auto t0 = std::chrono::steady_clock::now();
    masters_[primary]->Stop();
    ASSERT_TRUE(fs->CreateDirectory(fmt::format("/d{}", created)).ok());
    created++;
    auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
            .count();
    std::printf("round %d: first create after stopping the primary took %lld ms\n", round,
                static_cast<long long>(ms));
    int next = Serving();
    ASSERT_GE(next, 0);
    EXPECT_NE(next, primary);
    Result<std::vector<client::FileInfo>> list = fs->ListStatus("/");
    ASSERT_TRUE(list.ok()) << list.status();
    EXPECT_EQ(static_cast<int>(list->size()), created);
    // The stopped master comes back as a standby and catches up.
    masters_[primary].reset();
    ASSERT_TRUE(StartMaster(primary).ok());
    EXPECT_FALSE(masters_[primary]->IsServing());
    EXPECT_TRUE(WaitFor([&] {
      return masters_[primary]->file_system_master()->inode_count() ==
             static_cast<size_t>(created + 1);
    }));
    primary = next;
  }
  EXPECT_EQ(Serving(), primary);
}

TEST_F(HaTest, QuorumInfoElectAndRemove) {
  for (int i = 0; i < kMasters; i++) ASSERT_TRUE(StartMaster(i).ok());
  int primary = WaitForServing();
  ASSERT_GE(primary, 0);
  // (Waits: under load an election may move the leadership, and a member counts as available
  // once the leader heard from it.)
  int rc = 0;
  std::string out;
  EXPECT_TRUE(WaitFor([&] {
    primary = Serving();
    std::tie(rc, out) = FsAdmin({"journal", "quorum", "info", "-domain", "MASTER"});
    bool all = true;
    for (int i = 0; i < kMasters; i++) {
      all =
          all && out.find("AVAILABLE   | 0        | " + RaftAddress(i) + "\n") != std::string::npos;
    }
    return rc == 0 && all && primary >= 0 &&
           out.find("Journal domain\t: MASTER\nQuorum size\t: 3\nQuorum leader\t: " +
                    RaftAddress(primary) + "\n\nSTATE       | PRIORITY | SERVER ADDRESS\n") !=
               std::string::npos;
  })) << out;

  // Elect another master: it becomes the primary and serves.
  int target = (primary + 1) % kMasters;
  std::tie(rc, out) = FsAdmin({"journal", "quorum", "elect", "-address", RaftAddress(target)});
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(out, "Initiating transfer of leadership to " + RaftAddress(target) +
                     "\nSuccessfully elected " + RaftAddress(target) +
                     " as the new leader\nQuorum priorities were reset to 1\n");
  EXPECT_TRUE(WaitFor([&] { return Serving() == target; }));
  target = WaitForServing();
  std::unique_ptr<client::FileSystem> fs = Client();
  ASSERT_TRUE(fs->CreateDirectory("/after-elect").ok());

  // A stopped master shows as unavailable, then is removed; the quorum of two goes on.
  int gone = (target + 1) % kMasters;
  ASSERT_GE(target, 0);
  masters_[gone]->Stop();
  EXPECT_TRUE(WaitFor([&] {
    auto [c, o] = FsAdmin({"journal", "quorum", "info", "-domain", "MASTER"});
    return c == 0 && o.find("UNAVAILABLE | 0        | " + RaftAddress(gone)) != std::string::npos;
  }));
  std::tie(rc, out) =
      FsAdmin({"journal", "quorum", "remove", "-domain", "MASTER", "-address", RaftAddress(gone)});
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(out, "Removed server at: " + RaftAddress(gone) + " from quorum: MASTER\n");
  std::tie(rc, out) = FsAdmin({"journal", "quorum", "info", "-domain", "MASTER"});
  EXPECT_NE(out.find("Quorum size\t: 2\n"), std::string::npos) << out;
  ASSERT_TRUE(fs->CreateDirectory("/after-remove").ok());

  // Bad input.
  std::tie(rc, out) = FsAdmin({"journal", "quorum", "info"});
  EXPECT_EQ(rc, 255);
  EXPECT_NE(out.find("Missing required option: domain"), std::string::npos) << out;
  std::tie(rc, out) = FsAdmin({"journal", "quorum", "elect", "-address", "nonsense"});
  EXPECT_EQ(rc, 255);
  EXPECT_NE(out.find("Invalid address nonsense: expected <host>:<port>"), std::string::npos) << out;
  std::tie(rc, out) = FsAdmin({"journal", "quorum", "elect", "-address", "127.0.0.1:1"});
  EXPECT_EQ(rc, 255);
  EXPECT_NE(out.find("Failed to elect 127.0.0.1:1 as the new leader: 127.0.0.1:1 is not a member"),
            std::string::npos)
      << out;
  std::tie(rc, out) = FsAdmin({"journal", "quorum", "info", "-domain", "JOB_MASTER"});
  EXPECT_EQ(rc, 255);
}

// The URI `fsadmin backup` printed ("Successfully backed up journal to <uri>").
std::string BackupUri(const std::string& out) {
  const std::string prefix = "Successfully backed up journal to ";
  size_t at = out.find(prefix);
  if (at == std::string::npos) return "";
  size_t end = out.find('\n', at);
  std::string uri = out.substr(at + prefix.size(), end - at - prefix.size());
  return uri.rfind("file://", 0) == 0 ? uri.substr(7) : uri;
}

// Alluxio's JournalMigrationIntegrationTest, both ways: a namespace on a UFS-journal master is
// backed up, restored into a three-master embedded quorum (every master started with the backup,
// as `alluxio-start.sh -i <backup> masters` does; the first primary imports it), survives a
// failover, is backed up from the quorum and restored into a UFS-journal master again.
TEST_F(HaTest, MigrationBetweenUfsAndEmbeddedJournalsByBackup) {
  std::string uri;
  {
    auto ufs_master = testing::MiniCluster::Start();
    ASSERT_TRUE(ufs_master.ok()) << ufs_master.status();
    client::FileSystem* fs = (*ufs_master)->client();
    for (int d = 0; d < 10; d++) ASSERT_TRUE(fs->CreateDirectory(fmt::format("/dir{}", d)).ok());
    ASSERT_TRUE(fs->CreateDirectory("/dir3/sub").ok());
    std::string address = fmt::format("127.0.0.1:{}", (*ufs_master)->master()->rpc_port());
    auto [rc, out] = FsAdmin({"backup", root_ + "/backups", "--local"}, address);
    ASSERT_EQ(rc, 0) << out;
    uri = BackupUri(out);
    ASSERT_FALSE(uri.empty()) << out;
  }
  for (int i = 0; i < kMasters; i++) {
    ASSERT_TRUE(StartMaster(i, {{"alluxio.master.journal.init.from.backup", uri}}).ok());
  }
  int primary = WaitForServing();
  ASSERT_GE(primary, 0);
  std::unique_ptr<client::FileSystem> fs = Client();
  auto expect_namespace = [&](client::FileSystem* f) {
    auto list = f->ListStatus("/");
    ASSERT_TRUE(list.ok()) << list.status();
    EXPECT_EQ(list->size(), 10u);
    EXPECT_TRUE(f->GetStatus("/dir3/sub").ok());
  };
  expect_namespace(fs.get());
  // Every standby applied the imported entries: a failover keeps the namespace.
  masters_[primary]->Stop();
  expect_namespace(fs.get());
  ASSERT_TRUE(fs->CreateDirectory("/after-failover").ok());

  auto [rc, out] = FsAdmin({"backup", root_ + "/backups2", "--local"});
  ASSERT_EQ(rc, 0) << out;
  std::string back = BackupUri(out);
  ASSERT_FALSE(back.empty()) << out;
  testing::MiniClusterOptions o;
  o.properties = {{"alluxio.master.journal.init.from.backup", back}};
  auto ufs_master = testing::MiniCluster::Start(o);
  ASSERT_TRUE(ufs_master.ok()) << ufs_master.status();
  auto list = (*ufs_master)->client()->ListStatus("/");
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->size(), 11u);
  EXPECT_TRUE((*ufs_master)->client()->GetStatus("/dir3/sub").ok());
}

// Alluxio's backupDelegationEmbedded / backupDelegationProtocol: with three masters a backup is
// taken by a standby (here: into the standby's own --local backup directory) from its state
// caught up with everything the primary acknowledged; without standbys it is refused with
// Alluxio's message (after a short wait for one to connect) unless --allow-leader, and
// --bypass-delegation makes the primary take it.
TEST_F(HaTest, BackupsAreDelegatedToAStandby) {
  auto backup_dir = [&](int i) { return fmt::format("{}/m{}/backups", root_, i); };
  for (int i = 0; i < kMasters; i++) {
    ASSERT_TRUE(StartMaster(i, {{"alluxio.master.backup.directory", backup_dir(i)},
                                {"alluxio.master.backup.connect.interval.min", "100ms"},
                                {"alluxio.master.backup.connect.interval.max", "500ms"}})
                    .ok());
  }
  int primary = WaitForServing();
  ASSERT_GE(primary, 0);
  std::unique_ptr<client::FileSystem> fs = Client();
  for (int d = 0; d < 50; d++) ASSERT_TRUE(fs->CreateDirectory(fmt::format("/dir{}", d)).ok());
  auto [rc, out] = FsAdmin({"backup", "--local"});
  ASSERT_EQ(rc, 0) << out;
  std::string uri = BackupUri(out);
  ASSERT_FALSE(uri.empty()) << out;
  EXPECT_EQ(uri.find(backup_dir(primary)), std::string::npos) << "taken by the primary: " << uri;
  int taker = -1;
  for (int i = 0; i < kMasters; i++) {
    if (uri.rfind(backup_dir(i), 0) == 0) taker = i;
  }
  ASSERT_GE(taker, 0) << uri;
  EXPECT_TRUE(std::filesystem::exists(uri + ".complete"));

  // Without standbys taking backups (restarted, one at a time, with delegation off): refused,
  // unless the leader may take it.
  for (int i = 0; i < kMasters; i++) {
    if (i == primary) continue;
    masters_[i].reset();
    ASSERT_TRUE(StartMaster(i, {{"alluxio.master.backup.directory", backup_dir(i)},
                                {"alluxio.master.backup.delegation.enabled", "false"}})
                    .ok());
  }
  ASSERT_EQ(WaitForServing(), primary);
  std::tie(rc, out) = FsAdmin({"backup", "--local"});
  EXPECT_NE(rc, 0) << out;
  EXPECT_NE(out.find("No master found to delegate backup."), std::string::npos) << out;
  std::tie(rc, out) = FsAdmin({"backup", "--local", "--allow-leader"});
  ASSERT_EQ(rc, 0) << out;
  EXPECT_EQ(BackupUri(out).rfind(backup_dir(primary), 0), 0u) << out;
  std::tie(rc, out) = FsAdmin({"backup", "--local", "--bypass-delegation"});
  ASSERT_EQ(rc, 0) << out;
  EXPECT_EQ(BackupUri(out).rfind(backup_dir(primary), 0), 0u) << out;

  // The standby's backup holds everything acknowledged before it was asked for.
  masters_.clear();
  testing::MiniClusterOptions o;
  o.properties = {{"alluxio.master.journal.init.from.backup", uri}};
  auto restored = testing::MiniCluster::Start(o);
  ASSERT_TRUE(restored.ok()) << restored.status();
  auto list = (*restored)->client()->ListStatus("/");
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->size(), 50u);
}

TEST_F(HaTest, SingleMasterEmbeddedJournalServesAndRestarts) {
  conf::Configuration c = MasterConf(0);
  ASSERT_TRUE(
      c.Set(k::kMasterEmbeddedJournalAddresses, fmt::format("127.0.0.1:{}", raft_ports_[0])).ok());
  ASSERT_TRUE(c.Set(k::kMasterRpcAddresses, fmt::format("127.0.0.1:{}", rpc_ports_[0])).ok());
  for (int run = 0; run < 2; run++) {
    auto m = master::MasterProcess::Create(c);
    ASSERT_TRUE(m.ok()) << m.status();
    ASSERT_TRUE((*m)->Start().ok());
    EXPECT_TRUE((*m)->IsServing());  // a one-master quorum serves when Start returns
    conf::Configuration cc;
    ASSERT_TRUE(cc.Set(k::kMasterRpcAddresses, fmt::format("127.0.0.1:{}", rpc_ports_[0])).ok());
    auto fs = client::FileSystem::Create(cc);
    ASSERT_TRUE(fs.ok());
    ASSERT_TRUE((*fs)->CreateDirectory(fmt::format("/run{}", run)).ok());
    auto list = (*fs)->ListStatus("/");
    ASSERT_TRUE(list.ok());
    EXPECT_EQ(static_cast<int>(list->size()), run + 1);
    (*m)->Stop();
  }
}

TEST_F(HaTest, MisconfiguredQuorumIsRefused) {
  conf::Configuration c = MasterConf(0);
  ASSERT_TRUE(c.Set(k::kMasterEmbeddedJournalPort, "1").ok());
  auto m = master::MasterProcess::Create(c);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(m.status().message().find("is not in alluxio.master.embedded.journal.addresses"),
            std::string::npos)
      << m.status();
  c = MasterConf(0);
  ASSERT_TRUE(c.Set(k::kMasterEmbeddedJournalElectionTimeoutMax, "10ms").ok());
  m = master::MasterProcess::Create(c);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("Invalid election timeouts"), std::string::npos)
      << m.status();
}

}  // namespace
}  // namespace alluxio
