// SPDX-License-Identifier: Apache-2.0
// Journal backups end to end on the minicluster (reference §10, JournalBackupIntegrationTest and
// BackupCommandIntegrationTest): `fsadmin backup` through the CLI, stop, format, start with
// alluxio.master.journal.init.from.backup -> the identical namespace; a non-empty journal ignores
// the backup; corrupt backups are refused and leave the journal empty; metadata writes go on
// during a backup; a corrupt journal gets an emergency backup.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "cli/fs/shell.h"
#include "cli/fsadmin/fsadmin_shell.h"
#include "master/testing/namespace_dump.h"
#include "tests/minicluster/mini_cluster.h"

namespace alluxio::testing {
namespace {

namespace fo = ::alluxio::grpc::file;
namespace fsys = std::filesystem;

constexpr char kInitFromBackup[] = "alluxio.master.journal.init.from.backup";

struct Output {
  int rc;
  std::string out;
  std::string err;
};

Output RunCli(MiniCluster* c, bool admin, std::vector<std::string> args) {
  conf::Configuration conf = c->conf();
  std::ostringstream out, err;
  cli::CommandContext ctx{&conf, &out, &err};
  int rc = admin ? cli::fsadmin::RunFsAdminShell(ctx, args) : cli::fs::RunFsShell(ctx, args);
  return {rc, out.str(), err.str()};
}

std::string Dump(client::FileSystem* fs) {
  return master::testing::DumpNamespace([&](const auto& fn) {
    fo::ListStatusPOptions o;
    o.set_recursive(true);
    o.set_load_metadata_type(::alluxio::grpc::NEVER);
    Status s = fs->IterateStatus("/", o, [&](client::FileInfo&& f) { fn(f); });
    ASSERT_TRUE(s.ok()) << s.ToString();
  });
}

// Nested directories, files, a nested mount, a pinned file, TTLs, modes and owners.
void BuildNamespace(MiniCluster* c) {
  fsys::create_directories(c->work_dir() + "/mounted/sub");
  std::ofstream(c->work_dir() + "/mounted/sub/data.txt") << "hello";
  for (const std::vector<std::string>& cmd : std::vector<std::vector<std::string>>{
           {"mkdir", "/a/b/c", "/d"},
           {"touch", "/a/f1"},
           {"touch", "/a/b/f2"},
           {"touch", "/a/b/c/f3"},
           {"touch", "/d/f4"},
           {"chmod", "700", "/a/b"},
           {"chmod", "640", "/a/f1"},
           {"chgrp", "nogroup", "/d/f4"},
           {"pin", "/a/f1"},
           {"setTtl", "--action", "free", "/a/b/f2", "3600000"},
           {"setTtl", "/d", "7200000"},
           {"mount", "/d/mnt", c->work_dir() + "/mounted"},
           {"ls", "-R", "/d/mnt"},
       }) {
    Output o = RunCli(c, false, cmd);
    ASSERT_EQ(o.rc, 0) << cmd[0] << ": " << o.out << o.err;
  }
}

// Runs `fsadmin backup args...` and returns the URI it printed.
std::string Backup(MiniCluster* c, std::vector<std::string> args) {
  args.insert(args.begin(), "backup");
  Output o = RunCli(c, true, args);
  EXPECT_EQ(o.rc, 0) << o.out << o.err;
  EXPECT_EQ(o.err, "");
  std::istringstream lines(o.out);
  std::string first, host, uri, count;
  std::getline(lines, first);
  std::getline(lines, host);
  std::getline(lines, uri);
  std::getline(lines, count);
  const std::string prefix = "Successfully backed up journal to ";
  EXPECT_EQ(first.rfind(prefix, 0), 0u) << o.out;
  std::string u = first.substr(prefix.size());
  EXPECT_EQ(host, "Backup Host        : 127.0.0.1") << o.out;
  EXPECT_EQ(uri, "Backup URI         : " + u) << o.out;
  EXPECT_EQ(count.rfind("Backup Entry Count : ", 0), 0u) << o.out;
  EXPECT_NE(u.find("/alluxio-backup-"), std::string::npos) << u;
  return u;
}

std::string LocalPath(const std::string& uri) {
  return uri.rfind("file://", 0) == 0 ? uri.substr(7) : uri;
}

// Stops the master, formats the journal and starts it from `backup`.
Status RestartFromBackup(MiniCluster* c, const std::string& backup) {
  RETURN_IF_ERROR(c->StopMaster());
  RETURN_IF_ERROR(c->FormatJournal());
  return c->StartMaster({{kInitFromBackup, backup}});
}

TEST(BackupIntegrationTest, BackupFormatRestoreGivesTheIdenticalNamespace) {
  auto cluster = MiniCluster::Start();
  ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();
  MiniCluster* c = cluster->get();
  BuildNamespace(c);
  std::string before = Dump(c->client());
  std::string cluster_id = c->master()->file_system_master()->cluster_id();

  // To a directory given on the command line (a path in the root UFS, which is local here).
  std::string dir = c->work_dir() + "/backups";
  std::string uri = Backup(c, {dir});
  EXPECT_EQ(uri.rfind("file://" + dir + "/alluxio-backup-", 0), 0u) << uri;
  // Exactly the backup and its marker.
  std::vector<std::string> names;
  for (const auto& e : fsys::directory_iterator(dir)) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  ASSERT_EQ(names.size(), 2u);
  EXPECT_EQ(names[1], names[0] + ".complete");

  Status s = RestartFromBackup(c, uri);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_GT(c->master()->restored_entries(), 10);
  EXPECT_EQ(Dump(c->client()), before);
  EXPECT_EQ(c->master()->file_system_master()->cluster_id(), cluster_id);
  // The mount works after the restore.
  Output ls = RunCli(c, false, {"ls", "/d/mnt/sub"});
  EXPECT_NE(ls.out.find("/d/mnt/sub/data.txt"), std::string::npos) << ls.out << ls.err;

  // Durable: a plain restart (the property no longer set) keeps it.
  ASSERT_TRUE(c->RestartMaster().ok());
  EXPECT_EQ(Dump(c->client()), before);

  // The local path form and --local work too.
  std::string local_dir = c->work_dir() + "/local_backups";
  std::string local_uri = Backup(c, {local_dir, "--local"});
  EXPECT_EQ(local_uri.rfind("file://" + local_dir, 0), 0u);
  s = RestartFromBackup(c, LocalPath(local_uri));
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Dump(c->client()), before);
}

TEST(BackupIntegrationTest, RootIsSyncedAfterRestore) {
  auto cluster = MiniCluster::Start();
  ASSERT_TRUE(cluster.ok());
  MiniCluster* c = cluster->get();
  ASSERT_EQ(RunCli(c, false, {"mkdir", "/in_backup"}).rc, 0);
  std::string uri = Backup(c, {c->work_dir() + "/backups"});
  // Appears in the UFS after the backup.
  fsys::create_directories(c->ufs_root() + "/NOT_in_backup");
  ASSERT_TRUE(RestartFromBackup(c, uri).ok());
  Output ls = RunCli(c, false, {"ls", "/"});
  EXPECT_NE(ls.out.find("/in_backup"), std::string::npos) << ls.out;
  EXPECT_NE(ls.out.find("/NOT_in_backup"), std::string::npos) << ls.out;
}

TEST(BackupIntegrationTest, NonEmptyJournalIgnoresTheBackup) {
  auto cluster = MiniCluster::Start();
  ASSERT_TRUE(cluster.ok());
  MiniCluster* c = cluster->get();
  ASSERT_EQ(RunCli(c, false, {"mkdir", "/dir1"}).rc, 0);
  std::string uri = Backup(c, {c->work_dir() + "/backups"});
  ASSERT_EQ(RunCli(c, false, {"mkdir", "/dir2"}).rc, 0);
  ASSERT_TRUE(c->StopMaster().ok());
  ASSERT_TRUE(c->StartMaster({{kInitFromBackup, uri}}).ok());
  EXPECT_EQ(c->master()->restored_entries(), -1);
  EXPECT_EQ(RunCli(c, false, {"test", "-e", "/dir2"}).rc, 0);
}

TEST(BackupIntegrationTest, CorruptBackupsAreRefusedAndTheJournalStaysEmpty) {
  auto cluster = MiniCluster::Start();
  ASSERT_TRUE(cluster.ok());
  MiniCluster* c = cluster->get();
  BuildNamespace(c);
  std::string before = Dump(c->client());
  std::string good = LocalPath(Backup(c, {c->work_dir() + "/backups"}));
  std::string bytes;
  {
    std::ifstream in(good, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    bytes = ss.str();
  }
  std::string bad_dir = c->work_dir() + "/bad";
  fsys::create_directories(bad_dir);
  auto make = [&](const std::string& name, const std::string& data, bool marker) {
    std::string p = bad_dir + "/" + name;
    std::ofstream(p, std::ios::binary) << data;
    if (marker) std::ofstream(p + ".complete");
    return p;
  };
  std::string flipped = bytes;
  flipped[flipped.size() / 2] ^= 0x04;
  struct Case {
    std::string path;
    std::string expect;
  };
  std::vector<Case> cases = {
      {make("truncated.gz", bytes.substr(0, bytes.size() * 2 / 3), true), "is corrupt"},
      {make("flipped.gz", flipped, true), "is corrupt"},
      {make("nomarker.gz", bytes, false), ".complete does not exist"},
      {bad_dir + "/missing.gz", "does not exist"},
  };
  ASSERT_TRUE(c->StopMaster().ok());
  ASSERT_TRUE(c->FormatJournal().ok());
  for (const Case& k : cases) {
    Status s = c->StartMaster({{kInitFromBackup, k.path}});
    EXPECT_FALSE(s.ok()) << k.path;
    EXPECT_NE(s.message().find("Failed to restore from backup " + k.path), std::string::npos)
        << s.ToString();
    EXPECT_NE(s.message().find(k.expect), std::string::npos) << s.ToString();
    ASSERT_TRUE(c->StopMaster().ok());
  }
  // Nothing changed: the journal is still empty, so the good backup is applied.
  ASSERT_TRUE(c->StartMaster({{kInitFromBackup, good}}).ok());
  EXPECT_GT(c->master()->restored_entries(), 0);
  EXPECT_EQ(Dump(c->client()), before);
}

TEST(BackupIntegrationTest, MetadataWritesContinueDuringABackup) {
  auto cluster = MiniCluster::Start();
  ASSERT_TRUE(cluster.ok());
  MiniCluster* c = cluster->get();
  // A namespace big enough that the backup takes a while.
  master::FileSystemMaster* fsm = c->master()->file_system_master();
  fo::CreateDirectoryPOptions d;
  d.set_recursive(true);
  ASSERT_TRUE(fsm->CreateDirectory({}, "/big", d).ok());
  for (int i = 0; i < 3000; i++) {
    fo::CreateFilePOptions o;
    ASSERT_TRUE(fsm->CreateFile({}, "/big/f" + std::to_string(i), o).ok());
  }
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::vector<int> counts(4, 0);
  // MiniCluster::client() is not thread-safe; the client it returns is.
  client::FileSystem* fs = c->client();
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; t++) {
    writers.emplace_back([&, t] {
      for (int i = 0; !done.load() || i < 10; i++) {
        Status s = fs->CreateDirectory("/w" + std::to_string(t) + "/d" + std::to_string(i), [] {
          fo::CreateDirectoryPOptions o;
          o.set_recursive(true);
          return o;
        }());
        if (!s.ok()) {
          ADD_FAILURE() << s.ToString();
          failures++;
        }
        counts[t]++;
      }
    });
  }
  std::string uri = Backup(c, {c->work_dir() + "/backups"});
  done = true;
  for (auto& w : writers) w.join();
  EXPECT_EQ(failures.load(), 0);
  for (int n : counts) EXPECT_GE(n, 10);
  // The backup holds the 3000 files (a consistent snapshot).
  ASSERT_TRUE(RestartFromBackup(c, uri).ok());
  int listed = 0;
  fo::ListStatusPOptions o;
  o.set_load_metadata_type(::alluxio::grpc::NEVER);
  ASSERT_TRUE(c->client()->IterateStatus("/big", o, [&](client::FileInfo&&) { listed++; }).ok());
  EXPECT_EQ(listed, 3000);
}

TEST(BackupIntegrationTest, CorruptJournalGetsAnEmergencyBackup) {
  auto cluster = MiniCluster::Start();
  ASSERT_TRUE(cluster.ok());
  MiniCluster* c = cluster->get();
  for (int i = 0; i < 10; i++)
    ASSERT_EQ(RunCli(c, false, {"mkdir", "/e" + std::to_string(i)}).rc, 0);
  ASSERT_TRUE(c->StopMaster().ok());
  // Damage a record early in the newest segment (good records follow: not a torn tail).
  std::string logs = c->conf().Get(conf::keys::kMasterJournalFolder) + "/logs";
  std::string newest;
  for (const auto& e : fsys::directory_iterator(logs)) {
    if (newest.empty() || fsys::file_size(e.path()) > fsys::file_size(newest)) newest = e.path();
  }
  ASSERT_FALSE(newest.empty());
  {
    std::fstream f(newest, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(fsys::file_size(newest) / 2));
    f.put('\x5a');
  }
  std::string dir = c->work_dir() + "/emergency";
  Status s = c->StartMaster({{"alluxio.master.backup.directory", dir}});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("An emergency backup of the"), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find("file://" + dir + "/alluxio-backup-"), std::string::npos)
      << s.ToString();
  ASSERT_TRUE(c->StopMaster().ok());
  int files = 0;
  std::string gz;
  for (const auto& e : fsys::directory_iterator(dir)) {
    files++;
    if (e.path().extension() == ".gz") gz = e.path();
  }
  EXPECT_EQ(files, 2);
  // The emergency backup restores.
  ASSERT_TRUE(c->FormatJournal().ok());
  ASSERT_TRUE(c->StartMaster({{kInitFromBackup, gz}}).ok());
  EXPECT_GT(c->master()->restored_entries(), 2);
}

TEST(BackupIntegrationTest, CorruptJournalWithoutEmergencyBackupJustFails) {
  auto cluster = MiniCluster::Start();
  ASSERT_TRUE(cluster.ok());
  MiniCluster* c = cluster->get();
  for (int i = 0; i < 10; i++)
    ASSERT_EQ(RunCli(c, false, {"mkdir", "/e" + std::to_string(i)}).rc, 0);
  ASSERT_TRUE(c->StopMaster().ok());
  std::string logs = c->conf().Get(conf::keys::kMasterJournalFolder) + "/logs";
  std::string newest = fsys::directory_iterator(logs)->path();
  {
    std::fstream f(newest, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(fsys::file_size(newest) / 2));
    f.put('\x5a');
  }
  std::string dir = c->work_dir() + "/emergency";
  Status s = c->StartMaster({{"alluxio.master.backup.directory", dir},
                             {"alluxio.master.journal.backup.when.corrupted", "false"}});
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_EQ(s.message().find("emergency"), std::string::npos);
  EXPECT_FALSE(fsys::exists(dir));
  ASSERT_TRUE(c->StopMaster().ok());
}

}  // namespace
}  // namespace alluxio::testing
