// SPDX-License-Identifier: Apache-2.0
// CLI commands against a real master: `fs` with '*' patterns (Alluxio's runWildCardCmd) and
// `fsadmin journal checkpoint`.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "cli/fs/shell.h"
#include "cli/fsadmin/fsadmin_shell.h"
#include "cli/read_journal_command.h"
#include "tests/minicluster/mini_cluster.h"

namespace alluxio::testing {
namespace {

struct Output {
  int rc;
  std::string out;
};

Output Fs(MiniCluster* cluster, std::vector<std::string> args) {
  conf::Configuration conf = cluster->conf();
  std::ostringstream out, err;
  cli::CommandContext ctx{&conf, &out, &err};
  int rc = cli::fs::RunFsShell(ctx, args);
  return {rc, out.str()};
}

TEST(CliWildcardTest, PatternsMatchLikeAlluxio) {
  auto cluster = MiniCluster::Start();
  ASSERT_TRUE(cluster.ok());
  MiniCluster* c = cluster->get();
  ASSERT_EQ(Fs(c, {"mkdir", "/w/a", "/w/b", "/w/c.d"}).rc, 0);
  ASSERT_EQ(Fs(c, {"touch", "/w/a/f1"}).rc, 0);
  ASSERT_EQ(Fs(c, {"touch", "/w/b/f2"}).rc, 0);
  // A matching directory is taken, not descended into; matches are sorted.
  Output o = Fs(c, {"chmod", "700", "/w/*"});
  EXPECT_EQ(o.rc, 0);
  EXPECT_EQ(o.out,
            "Changed permission of /w/a to 700\nChanged permission of /w/b to 700\n"
            "Changed permission of /w/c.d to 700\n");
  // '*' also crosses '/'; '.' is literal.
  o = Fs(c, {"stat", "-f", "%N", "/w/*/f*"});
  EXPECT_EQ(o.out, "f1\nf2\n");
  EXPECT_EQ(Fs(c, {"stat", "-f", "%N", "/w/c*d"}).out, "c.d\n");
  EXPECT_EQ(Fs(c, {"stat", "-f", "%N", "/w/a?"}).rc, 255);
  o = Fs(c, {"du", "-s", "/w/*"});
  EXPECT_EQ(o.out,
            "File Size     In Alluxio       Path\n"
            "0             0 (0%)           /w/a\n"
            "0             0 (0%)           /w/b\n"
            "0             0 (0%)           /w/c.d\n");
  o = Fs(c, {"ls", "/nothing*"});
  EXPECT_EQ(o.rc, 255);
  EXPECT_EQ(o.out, "/nothing* does not exist.\n");
  o = Fs(c, {"rm", "-R", "/w/*"});
  EXPECT_EQ(o.rc, 0);
  EXPECT_EQ(o.out, "/w/a has been removed\n/w/b has been removed\n/w/c.d has been removed\n");
  // Header line (66 characters), then 0 files and 0 folders left under /w.
  EXPECT_EQ(Fs(c, {"count", "/w"}).out.find("0                        0"), 66u);
}

TEST(CliCommandsTest, FsAdminJournalCheckpointWritesACheckpoint) {
  auto cluster = MiniCluster::Start();
  ASSERT_TRUE(cluster.ok());
  MiniCluster* c = cluster->get();
  ASSERT_EQ(Fs(c, {"mkdir", "/before-checkpoint"}).rc, 0);
  conf::Configuration conf = c->conf();
  std::ostringstream out, err;
  cli::CommandContext ctx{&conf, &out, &err};
  EXPECT_EQ(cli::fsadmin::RunFsAdminShell(ctx, {"journal", "checkpoint"}), 0);
  EXPECT_EQ(out.str(), "Successfully took a checkpoint on master " +
                           conf.Get(conf::keys::kMasterHostname) + "\n");
  EXPECT_FALSE(std::filesystem::is_empty(c->work_dir() + "/journal/checkpoints"));
  ASSERT_TRUE(c->RestartMaster().ok());
  EXPECT_EQ(Fs(c, {"test", "-d", "/before-checkpoint"}).rc, 0);
}

TEST(CliCommandsTest, ReadJournalDumpsEntriesInRange) {
  auto cluster = MiniCluster::Start();
  ASSERT_TRUE(cluster.ok());
  MiniCluster* c = cluster->get();
  ASSERT_EQ(Fs(c, {"mkdir", "/dumped-dir"}).rc, 0);
  ASSERT_TRUE(c->StopMaster().ok());
  conf::Configuration conf = c->conf();
  auto run = [&](std::vector<std::string> args, std::string* text) {
    std::ostringstream out, err;
    cli::CommandContext ctx{&conf, &out, &err};
    int rc = cli::RunReadJournal(ctx, args);
    std::ifstream in(c->work_dir() + "/dump/journal.txt");
    text->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return rc == 0 ? out.str() : "rc=" + std::to_string(rc) + " " + err.str();
  };
  std::string text;
  std::string out = run({"-outputDir", c->work_dir() + "/dump"}, &text);
  EXPECT_NE(out.find("Dumping journal of type UFS to"), std::string::npos) << out;
  EXPECT_NE(out.find("entries from log"), std::string::npos) << out;
  EXPECT_NE(text.find("name: \"dumped-dir\""), std::string::npos);
  // Entries 0 and 1 are the root and the cluster id; -start 2 leaves them out.
  out = run({"-start", "2", "-outputDir", c->work_dir() + "/dump"}, &text);
  EXPECT_EQ(text.find("cluster_info"), std::string::npos);
  EXPECT_NE(text.find("dumped-dir"), std::string::npos);
  EXPECT_EQ(run({"-start", "minus-one"}, &text).rfind("rc=1 Invalid sequence number", 0), 0u);
}

}  // namespace
}  // namespace alluxio::testing
