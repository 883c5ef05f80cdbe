// SPDX-License-Identifier: Apache-2.0
// The namespace survives restarts, checkpoints and log garbage collection: a random history of
// metadata operations through the client, then restart, gives the identical namespace (every
// attribute of every inode).
#include <filesystem>
#include <random>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "master/testing/namespace_dump.h"
#include "tests/minicluster/mini_cluster.h"

namespace alluxio::testing {
namespace {

namespace fo = ::alluxio::grpc::file;

std::string Dump(client::FileSystem* fs) {
  return master::testing::DumpNamespace([&](const auto& fn) {
    fo::ListStatusPOptions o;
    o.set_recursive(true);
    o.set_load_metadata_type(::alluxio::grpc::NEVER);
    Status s = fs->IterateStatus("/", o, [&](client::FileInfo&& f) { fn(f); });
    ASSERT_TRUE(s.ok()) << s.ToString();
  });
}

// Runs `n` random operations, keeping a model of the tree so that every operation is valid.
// Returns the number of inodes (excluding the root) the model expects.
size_t RandomHistory(client::FileSystem* fs, std::mt19937_64& rng, int n) {
  std::vector<std::string> dirs{"/"};
  std::vector<std::string> files;
  static int counter = 0;  // names stay unique across calls
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  auto join = [](const std::string& d, const std::string& name) {
    return d == "/" ? "/" + name : d + "/" + name;
  };
  auto under = [](const std::string& p, const std::string& dir) {
    return p == dir || p.rfind(dir + "/", 0) == 0;
  };
  for (int i = 0; i < n; ++i) {
    int op = static_cast<int>(rng() % 100);
    std::string name = fmt::format("n{} {}", counter++, (rng() % 7 == 0) ? "ünï ✓" : "x");
    if (op < 25) {
      std::string p = join(pick(dirs), name);
      if (Status st = fs->CreateDirectory(p); !st.ok()) {
        ADD_FAILURE() << p << ": " << st.ToString();
        return 0;
      }
      dirs.push_back(p);
    } else if (op < 55) {
      std::string p = join(pick(dirs), name);
      fo::CreateFilePOptions o;
      if (rng() % 3 == 0) o.set_persist(false);
      if (!(fs->CreateFile(p, o).ok())) {
        ADD_FAILURE() << p;
        return 0;
      }
      if (!(fs->CompleteFile(p).ok())) {
        ADD_FAILURE() << p;
        return 0;
      }
      files.push_back(p);
    } else if (op < 65 && !files.empty()) {
      size_t idx = rng() % files.size();
      std::string dst = join(pick(dirs), name);
      if (!(fs->Rename(files[idx], dst).ok())) {
        ADD_FAILURE() << files[idx] << " -> " << dst;
        return 0;
      }
      files[idx] = dst;
    } else if (op < 72 && dirs.size() > 1) {
      size_t idx = 1 + rng() % (dirs.size() - 1);
      std::string src = dirs[idx];
      std::string parent = pick(dirs);
      if (under(parent, src)) continue;
      std::string dst = join(parent, name);
      if (!(fs->Rename(src, dst).ok())) {
        ADD_FAILURE() << src << " -> " << dst;
        return 0;
      }
      for (auto* v : {&dirs, &files}) {
        for (std::string& p : *v) {
          if (under(p, src)) p = dst + p.substr(src.size());
        }
      }
    } else if (op < 80 && !files.empty()) {
      size_t idx = rng() % files.size();
      if (!(fs->Delete(files[idx]).ok())) {
        ADD_FAILURE() << files[idx];
        return 0;
      }
      files.erase(files.begin() + static_cast<long>(idx));
    } else if (op < 82 && dirs.size() > 1) {
      std::string d = dirs[1 + rng() % (dirs.size() - 1)];
      fo::DeletePOptions o;
      o.set_recursive(true);
      if (!(fs->Delete(d, o).ok())) {
        ADD_FAILURE() << d;
        return 0;
      }
      for (auto* v : {&dirs, &files}) {
        v->erase(
            std::remove_if(v->begin(), v->end(), [&](const std::string& p) { return under(p, d); }),
            v->end());
      }
    } else {
      std::vector<std::string> all = dirs;
      all.insert(all.end(), files.begin(), files.end());
      std::string p = pick(all);
      fo::SetAttributePOptions o;
      switch (rng() % 4) {
        case 0:
          o.set_mode(static_cast<int32_t>(0700 + rng() % 0100));
          break;
        case 1:
          o.set_pinned(rng() % 2 == 0);
          break;
        case 2:
          o.mutable_common_options()->set_ttl(static_cast<int64_t>(1e12 + rng() % 1000));
          o.mutable_common_options()->set_ttl_action(::alluxio::grpc::FREE);
          break;
        default:
          o.set_group(fmt::format("g{}", rng() % 5));
          break;
      }
      if (!(fs->SetAttribute(p, o).ok())) {
        ADD_FAILURE() << p;
        return 0;
      }
    }
  }
  return dirs.size() - 1 + files.size();
}

TEST(NamespaceDurabilityTest, RandomHistorySurvivesRestart) {
  auto cluster = MiniCluster::Start();
  ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();
  client::FileSystem* fs = (*cluster)->client();
  uint64_t seed = getenv("ALLUXIO_TEST_SEED") ? std::stoull(getenv("ALLUXIO_TEST_SEED"))
                                              : std::random_device{}();
  SCOPED_TRACE(fmt::format("seed {}", seed));
  std::mt19937_64 rng(seed);
  size_t expected = RandomHistory(fs, rng, 1200);
  std::string before = Dump(fs);
  ASSERT_GT(expected, 0u);
  ASSERT_EQ(static_cast<size_t>(std::count(before.begin(), before.end(), '\n')), expected);
  ASSERT_TRUE((*cluster)->RestartMaster().ok());
  EXPECT_EQ(Dump(fs), before);
  // And again: a restart right after a restart (completed segments only) changes nothing.
  ASSERT_TRUE((*cluster)->RestartMaster().ok());
  EXPECT_EQ(Dump(fs), before);
}

size_t CountFiles(const std::string& dir) {
  size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    (void)e;
    ++n;
  }
  return n;
}

TEST(NamespaceDurabilityTest, SameAfterCheckpointsAndLogGc) {
  auto cluster = MiniCluster::Start(
      {.properties = {{"alluxio.master.journal.checkpoint.period.entries", "200"},
                      {"alluxio.master.journal.log.size.bytes.max", "4KB"}}});
  ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();
  client::FileSystem* fs = (*cluster)->client();
  uint64_t seed = getenv("ALLUXIO_TEST_SEED") ? std::stoull(getenv("ALLUXIO_TEST_SEED"))
                                              : std::random_device{}();
  SCOPED_TRACE(fmt::format("seed {}", seed));
  std::mt19937_64 rng(seed);
  ASSERT_GT(RandomHistory(fs, rng, 1000), 0u);
  auto host = fs->Checkpoint();
  ASSERT_TRUE(host.ok()) << host.status().ToString();
  EXPECT_FALSE(host->empty());
  std::string journal = (*cluster)->work_dir() + "/journal";
  EXPECT_GE(CountFiles(journal + "/checkpoints"), 1u);
  EXPECT_LE(CountFiles(journal + "/checkpoints"), 2u) << "at most two checkpoints are kept";
  // 1000 operations in 4 KB segments make dozens of segments; GC leaves only the recent ones.
  EXPECT_LT(CountFiles(journal + "/logs"), 10u);
  std::string before = Dump(fs);
  ASSERT_TRUE((*cluster)->RestartMaster().ok());
  EXPECT_EQ(Dump(fs), before);
  RandomHistory(fs, rng, 300);
  before = Dump(fs);
  ASSERT_TRUE((*cluster)->RestartMaster().ok());
  EXPECT_EQ(Dump(fs), before);
}

TEST(NamespaceDurabilityTest, ClientRetriesWhileTheMasterRestarts) {
  auto cluster = MiniCluster::Start();
  ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();
  client::FileSystem* fs = (*cluster)->client();
  ASSERT_TRUE(fs->CreateDirectory("/before").ok());
  ASSERT_TRUE((*cluster)->StopMaster().ok());
  Status result;
  std::thread t([&] { result = fs->CreateDirectory("/during"); });
  ASSERT_TRUE((*cluster)->StartMaster().ok());
  t.join();
  EXPECT_TRUE(result.ok()) << result.ToString();
  EXPECT_TRUE(*fs->Exists("/during"));
  EXPECT_TRUE(*fs->Exists("/before"));
}

TEST(NamespaceDurabilityTest, UnreachableMasterGivesAClearError) {
  auto cluster =
      MiniCluster::Start({.properties = {{"alluxio.user.rpc.retry.max.duration", "300ms"}}});
  ASSERT_TRUE(cluster.ok());
  client::FileSystem* fs = (*cluster)->client();
  ASSERT_TRUE((*cluster)->StopMaster().ok());
  Status s = fs->CreateDirectory("/x");
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("Failed to connect to master"), std::string_view::npos) << s.message();
}

TEST(NamespaceDurabilityTest, LargeDirectoryListsCompletelyAndUfsFilesLoad) {
  auto cluster = MiniCluster::Start();
  ASSERT_TRUE(cluster.ok());
  client::FileSystem* fs = (*cluster)->client();
  // 3000 files made directly in the UFS are loaded by one listing, as one journal batch.
  std::string dir = (*cluster)->ufs_root() + "/ufsdir";
  std::filesystem::create_directories(dir);
  for (int i = 0; i < 3000; ++i) {
    std::FILE* f = std::fopen(fmt::format("{}/f{}", dir, i).c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fclose(f);
  }
  auto list = fs->ListStatus("/ufsdir");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ(list->size(), 3000u);
  std::string before = Dump(fs);
  ASSERT_TRUE((*cluster)->RestartMaster().ok());
  EXPECT_EQ(Dump(fs), before);
}

}  // namespace
}  // namespace alluxio::testing

namespace alluxio::testing {
namespace {

TEST(ClientWriteTypeTest, MustCacheKeepsNewInodesOutOfTheUfs) {
  auto cluster = MiniCluster::Start();
  ASSERT_TRUE(cluster.ok());
  client::FileSystem* fs = (*cluster)->client();  // default write type: ASYNC_THROUGH
  ASSERT_TRUE(fs->CreateDirectory("/through").ok());
  EXPECT_TRUE(std::filesystem::is_directory((*cluster)->ufs_root() + "/through"));
  auto cache_only = (*cluster)->NewClient({{"alluxio.user.file.writetype.default", "MUST_CACHE"}});
  ASSERT_TRUE(cache_only.ok());
  ASSERT_TRUE((*cache_only)->CreateDirectory("/cached").ok());
  ASSERT_TRUE((*cache_only)->CreateFile("/cached/f").ok());
  ASSERT_TRUE((*cache_only)->CompleteFile("/cached/f").ok());
  EXPECT_FALSE(std::filesystem::exists((*cluster)->ufs_root() + "/cached"));
  auto st = fs->GetStatus("/cached/f");
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->persistence_state(), "NOT_PERSISTED");
}

}  // namespace
}  // namespace alluxio::testing
