// SPDX-License-Identifier: Apache-2.0
// The data commands of `alluxio fs` / `fsadmin` and `alluxio runTests` against an in-process
// cluster with a worker: the bytes they move and Alluxio's output lines.
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <gtest/gtest.h>

#include "cli/alluxio_cli.h"
#include "tests/minicluster/mini_cluster.h"

namespace alluxio::testing {
namespace {

struct Output {
  int rc;
  std::string out;
  std::string err;
};

// Runs `alluxio <args>` in process with the cluster's configuration (-D options).
Output Alluxio(MiniCluster* c, std::vector<std::string> args) {
  std::vector<std::string> full;
  for (const char* key : {"alluxio.master.hostname", "alluxio.master.rpc.port",
                          "alluxio.user.rpc.retry.max.duration", "alluxio.work.dir"}) {
    full.push_back(fmt::format("-D{}={}", key, c->conf().Get(key)));
  }
  full.push_back("-Dalluxio.user.block.size.bytes.default=64KB");
  full.insert(full.end(), args.begin(), args.end());
  std::ostringstream out, err;
  int rc = cli::RunAlluxio(full, out, err);
  return {rc, out.str(), err.str()};
}

class CliDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MiniClusterOptions o;
    o.num_workers = 1;
    auto c = MiniCluster::Start(std::move(o));
    ASSERT_TRUE(c.ok()) << c.status();
    cluster_ = std::move(*c);
    local_ = cluster_->work_dir() + "/local";
    std::filesystem::create_directories(local_);
    std::mt19937 rng(5);
    data_.resize(200 * 1024 + 17);
    for (char& ch : data_) ch = static_cast<char>('a' + rng() % 26);
    std::ofstream(local_ + "/data.txt", std::ios::binary) << data_;
  }
  std::unique_ptr<MiniCluster> cluster_;
  std::string local_;
  std::string data_;
};

TEST_F(CliDataTest, CopyCatHeadTailChecksumAndCopyBack) {
  MiniCluster* c = cluster_.get();
  Output o = Alluxio(c, {"fs", "copyFromLocal", local_ + "/data.txt", "/d/data.txt"});
  ASSERT_EQ(o.rc, 0) << o.out << o.err;
  EXPECT_EQ(o.out, fmt::format("Copied file://{}/data.txt to /d/data.txt\n", local_));
  o = Alluxio(c, {"fs", "cat", "/d/data.txt"});
  EXPECT_EQ(o.rc, 0);
  EXPECT_TRUE(o.out == data_);
  EXPECT_EQ(Alluxio(c, {"fs", "head", "-c", "10", "/d/data.txt"}).out, data_.substr(0, 10));
  EXPECT_EQ(Alluxio(c, {"fs", "tail", "-c", "7", "/d/data.txt"}).out,
            data_.substr(data_.size() - 7));
  // Default 1KB.
  EXPECT_EQ(Alluxio(c, {"fs", "head", "/d/data.txt"}).out, data_.substr(0, 1024));
  o = Alluxio(c, {"fs", "checksum", "/d/data.txt"});
  EXPECT_EQ(o.rc, 0);
  EXPECT_EQ(o.out.rfind("md5sum: ", 0), 0u) << o.out;
  EXPECT_EQ(o.out.size(), std::string("md5sum: ").size() + 32 + 2) << o.out;
  o = Alluxio(c, {"fs", "copyToLocal", "/d/data.txt", local_ + "/back.txt"});
  ASSERT_EQ(o.rc, 0) << o.out << o.err;
  EXPECT_EQ(o.out, fmt::format("Copied /d/data.txt to file://{}/back.txt\n", local_));
  std::ifstream in(local_ + "/back.txt", std::ios::binary);
  std::stringstream back;
  back << in.rdbuf();
  EXPECT_TRUE(back.str() == data_);
}

TEST_F(CliDataTest, LocationStatFreeLoadAndBlockInfo) {
  MiniCluster* c = cluster_.get();
  ASSERT_EQ(Alluxio(c, {"fs", "-Dalluxio.user.file.writetype.default=CACHE_THROUGH",
                        "copyFromLocal", local_ + "/data.txt", "/f"})
                .rc,
            0);
  Output o = Alluxio(c, {"fs", "location", "/f"});
  EXPECT_EQ(o.rc, 0);
  EXPECT_NE(o.out.find("/f with file id "), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("is on nodes: "), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("127.0.0.1"), std::string::npos) << o.out;
  o = Alluxio(c, {"fs", "stat", "/f"});
  EXPECT_NE(o.out.find("Containing the following blocks: "), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("tierAlias=MEM"), std::string::npos) << o.out;
  EXPECT_NE(Alluxio(c, {"fs", "ls", "/f"}).out.find("100%"), std::string::npos);

  o = Alluxio(c, {"fs", "free", "/f"});
  EXPECT_EQ(o.rc, 0) << o.err;
  EXPECT_EQ(o.out, "/f was successfully freed from Alluxio space.\n");
  EXPECT_NE(Alluxio(c, {"fs", "ls", "/f"}).out.find(" 0%"), std::string::npos);
  o = Alluxio(c, {"fs", "load", "/f"});
  EXPECT_EQ(o.rc, 0) << o.err;
  EXPECT_EQ(o.out, "/f loaded\n");
  EXPECT_NE(Alluxio(c, {"fs", "ls", "/f"}).out.find("100%"), std::string::npos);
  EXPECT_EQ(Alluxio(c, {"fs", "load", "/f"}).out, "/f already in Alluxio fully\n");

  // getBlockInfo names the block's file by id and path.
  auto st = c->client()->GetStatus("/f");
  ASSERT_TRUE(st.ok());
  o = Alluxio(c, {"fsadmin", "getBlockInfo", std::to_string(st->block_ids(0))});
  EXPECT_EQ(o.rc, 0) << o.err;
  EXPECT_NE(o.out.find(fmt::format("This block belongs to file {{id={}, path=/f}}", st->file_id())),
            std::string::npos)
      << o.out;
  o = Alluxio(c, {"fsadmin", "report", "capacity"});
  EXPECT_EQ(o.rc, 0) << o.err;
  EXPECT_NE(o.out.find("Worker Name"), std::string::npos) << o.out;
}

TEST_F(CliDataTest, PersistAndFreeRules) {
  MiniCluster* c = cluster_.get();
  ASSERT_EQ(Alluxio(c, {"fs", "-Dalluxio.user.file.writetype.default=MUST_CACHE", "copyFromLocal",
                        local_ + "/data.txt", "/m"})
                .rc,
            0);
  Output o = Alluxio(c, {"fs", "free", "/m"});
  EXPECT_EQ(o.rc, 255);
  EXPECT_NE((o.out + o.err).find("Cannot free file /m which is not persisted"), std::string::npos)
      << o.out << o.err;
  o = Alluxio(c, {"fs", "persist", "/m"});
  EXPECT_EQ(o.rc, 0) << o.err;
  EXPECT_NE(o.out.find("Successfully persisted file: /m"), std::string::npos) << o.out;
  EXPECT_TRUE(std::filesystem::exists(c->ufs_root() + "/m"));
  ASSERT_EQ(Alluxio(c, {"fs", "pin", "/m"}).rc, 0);
  o = Alluxio(c, {"fs", "free", "/m"});
  EXPECT_EQ(o.rc, 255);
  EXPECT_NE((o.out + o.err).find("which is pinned"), std::string::npos) << o.out << o.err;
  EXPECT_EQ(Alluxio(c, {"fs", "free", "-f", "/m"}).rc, 0);
}

// Alluxio's runTests: every read type x write type x operation.
TEST_F(CliDataTest, RunTestsPassesEveryCombination) {
  Output o = Alluxio(cluster_.get(), {"runTests"});
  EXPECT_EQ(o.rc, 0) << o.out << o.err;
  size_t passed = 0;
  for (size_t p = o.out.find("Passed the test!"); p != std::string::npos;
       p = o.out.find("Passed the test!", p + 1)) {
    ++passed;
  }
  EXPECT_EQ(passed, 24u) << o.out;
  EXPECT_EQ(o.out.find("Failed the test!"), std::string::npos) << o.out;
}

}  // namespace
}  // namespace alluxio::testing
