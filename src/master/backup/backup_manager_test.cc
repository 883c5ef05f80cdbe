// SPDX-License-Identifier: Apache-2.0
// BackupManager on a FileSystemMaster over a memory journal and a memory root UFS: backups land
// in the root UFS with their .complete marker, restore rebuilds an identical namespace, one backup
// at a time, bad backups leave an empty state, and the daily backup (driven by a fake clock)
// keeps the configured number of files.
#include "master/backup/backup_manager.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "journal/memory/memory_journal.h"
#include "master/file/file_system_master.h"
#include "master/testing/namespace_dump.h"
#include "ufs/memory/memory_ufs.h"

namespace alluxio::master {
namespace {

namespace fo = ::alluxio::grpc::file;

// One master (journal + namespace) on a shared memory UFS.
struct TestMaster {
  journal::MemoryJournal journal;
  std::unique_ptr<FileSystemMaster> fs;
};

class BackupManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    authority_ = "bmt" + std::to_string(counter++);
    ufs_ = ufs::MemoryUfs::Shared(authority_);
    ASSERT_TRUE(ufs_->Mkdirs(root(), true, ufs::CreateOptions()).ok());
    master_ = NewMaster(/*initialize=*/true);
  }

  std::string root() const { return "memory://" + authority_ + "/underfs"; }

  std::unique_ptr<TestMaster> NewMaster(bool initialize) {
    auto m = std::make_unique<TestMaster>();
    FileSystemMasterOptions o;
    o.root_ufs = root();
    o.superuser = "admin";
    o.clock = [this] { return now_.load(); };
    auto fs = FileSystemMaster::Create(o, &m->journal);
    EXPECT_TRUE(fs.ok()) << fs.status().ToString();
    m->fs = std::move(*fs);
    EXPECT_TRUE(m->journal.Start(m->fs.get()).ok());
    if (initialize) {
      EXPECT_TRUE(m->fs->Initialize().ok());
    }
    return m;
  }

  BackupManagerOptions Options() {
    BackupManagerOptions o;
    o.root_ufs = root();
    o.backup_directory = "/alluxio_backups";
    o.hostname = "master-host";
    o.clock = [this] { return now_.load(); };
    return o;
  }

  void BuildNamespace(FileSystemMaster* fs, int files) {
    fo::CreateDirectoryPOptions d;
    d.set_recursive(true);
    ASSERT_TRUE(fs->CreateDirectory({}, "/a/b", d).ok());
    for (int i = 0; i < files; i++) {
      fo::CreateFilePOptions c;
      c.set_recursive(true);
      std::string p = "/a/b/f" + std::to_string(i);
      ASSERT_TRUE(fs->CreateFile({}, p, c).ok());
      ASSERT_TRUE(fs->CompleteFile({}, p, fo::CompleteFilePOptions()).ok());
    }
    fo::SetAttributePOptions pin;
    pin.set_pinned(true);
    ASSERT_TRUE(fs->SetAttribute({}, "/a/b/f0", pin).ok());
    fo::SetAttributePOptions owner;
    owner.set_owner("alice");
    ASSERT_TRUE(fs->SetAttribute({}, "/a", owner).ok());
  }

  std::string Dump(FileSystemMaster* fs) {
    return testing::DumpNamespace([&](const auto& fn) {
      fo::ListStatusPOptions o;
      o.set_recursive(true);
      o.set_load_metadata_type(grpc::NEVER);
      ASSERT_TRUE(fs->ListStatus({}, "/", o, [&](std::vector<FileInfo>&& b) {
                      for (auto& f : b) fn(f);
                      return Status();
                    }).ok());
    });
  }

  std::set<std::string> BackupDirNames(const std::string& dir = "/alluxio_backups") {
    std::set<std::string> names;
    auto list = ufs_->ListStatus("memory://" + authority_ + dir);
    if (!list.ok()) return names;
    for (const auto& s : *list) names.insert(s.name);
    return names;
  }

  std::string authority_;
  std::shared_ptr<ufs::MemoryUfs> ufs_;
  std::atomic<int64_t> now_{1'700'000'000'000};
  std::unique_ptr<TestMaster> master_;
};

TEST_F(BackupManagerTest, FileNameHasTheUtcDateAndMillis) {
  EXPECT_EQ(BackupFileName(1602619110769), "alluxio-backup-2020-10-13-1602619110769.gz");
}

TEST_F(BackupManagerTest, DirectoryIsResolvedInTheRootUfs) {
  auto loc = ResolveBackupDirectory("/alluxio_backups", false, "hdfs://h:9000/alluxio/underfs", {});
  // No hdfs UFS is registered: resolving the UFS fails, but a memory root shows the mapping.
  EXPECT_FALSE(loc.ok());
  auto mem = ResolveBackupDirectory("/bk", false, root(), {});
  ASSERT_TRUE(mem.ok());
  EXPECT_EQ(mem->uri, "memory://" + authority_ + "/bk");
  auto local = ResolveBackupDirectory("/tmp/bk", true, root(), {});
  ASSERT_TRUE(local.ok());
  EXPECT_EQ(local->uri, "file:///tmp/bk");
  EXPECT_EQ(ResolveBackupDirectory("relative", false, root(), {}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(BackupManagerTest, BackupWritesTheFileAndItsMarkerThenRestoresIdentically) {
  BuildNamespace(master_->fs.get(), 50);
  std::string before = Dump(master_->fs.get());
  BackupManager m(master_->fs.get(), &master_->journal, master_->fs->cluster_id(), Options());
  m.Start();
  BackupRequest r;
  r.run_async = false;
  auto st = m.Backup(r);
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  ASSERT_EQ(st->state, BackupState::kCompleted) << st->error.ToString();
  std::string name = BackupFileName(now_.load());
  EXPECT_EQ(st->uri, "memory://" + authority_ + "/alluxio_backups/" + name);
  EXPECT_EQ(st->host, "master-host");
  EXPECT_GT(st->entry_count, 50);
  EXPECT_EQ(BackupDirNames(), (std::set<std::string>{name, name + ".complete"}));
  // Still queryable by id.
  auto again = m.GetStatus(st->id);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->state, BackupState::kCompleted);
  EXPECT_EQ(m.GetStatus("nope").status().code(), StatusCode::kNotFound);
  m.Stop();

  // A fresh, empty master restores it.
  auto fresh = NewMaster(/*initialize=*/false);
  auto n = RestoreFromBackup(st->uri, root(), {}, fresh->fs.get(), &fresh->journal);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, st->entry_count);
  ASSERT_TRUE(fresh->fs->Initialize().ok());
  EXPECT_EQ(Dump(fresh->fs.get()), before);
  EXPECT_EQ(fresh->fs->cluster_id(), master_->fs->cluster_id());
  // The restored state was journaled (as a checkpoint): a replay of that journal gives it again.
  ASSERT_TRUE(fresh->journal.Stop().ok());
  FileSystemMasterOptions o;
  o.root_ufs = root();
  o.superuser = "admin";
  o.clock = [this] { return now_.load(); };
  auto replayed = FileSystemMaster::Create(o, &fresh->journal);
  ASSERT_TRUE(replayed.ok());
  ASSERT_TRUE(fresh->journal.Start(replayed->get()).ok());
  ASSERT_TRUE((*replayed)->Initialize().ok());
  EXPECT_EQ(Dump(replayed->get()), before);
  EXPECT_EQ((*replayed)->cluster_id(), master_->fs->cluster_id());
}

TEST_F(BackupManagerTest, AsyncBackupIsPolledToCompletionAndOneRunsAtATime) {
  BuildNamespace(master_->fs.get(), 10);
  BackupManager m(master_->fs.get(), &master_->journal, master_->fs->cluster_id(), Options());
  BackupRequest r;
  r.target_directory = "/elsewhere";
  auto st = m.Backup(r);
  ASSERT_TRUE(st.ok());
  // A second request while the first may still run is either refused with Alluxio's message or
  // (if the first already ended) accepted: both are correct; wait for the first then check.
  auto second = m.Backup(r);
  if (!second.ok()) {
    EXPECT_EQ(second.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_EQ(second.status().message(), "Backup in progress");
  }
  auto done = m.WaitFor(st->id);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->state, BackupState::kCompleted) << done->error.ToString();
  EXPECT_NE(done->uri.find("/elsewhere/alluxio-backup-"), std::string::npos) << done->uri;
  if (second.ok()) {
    ASSERT_TRUE(m.WaitFor(second->id).ok());
  }
  m.Stop();
}

// Delegation, primary side: a delegate gets the request with the primary's sequence number, its
// reports drive the record, and every way it can fail ends the backup with Alluxio's message.
TEST_F(BackupManagerTest, DelegatedBackupFollowsTheStandbysReports) {
  BuildNamespace(master_->fs.get(), 5);
  BackupManagerOptions o = Options();
  o.delegation = true;
  o.delegate_wait_ms = 50;
  BackupManager m(master_->fs.get(), &master_->journal, master_->fs->cluster_id(), o);
  BackupRequest r;
  // No standby connected (within the wait): refused, unless the leader may take it.
  auto refused = m.Backup(r);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.status().message(), "No master found to delegate backup.");
  r.allow_leader = true;
  r.run_async = false;
  auto local = m.Backup(r);
  ASSERT_TRUE(local.ok());
  EXPECT_EQ(local->state, BackupState::kCompleted) << local->error.ToString();
  EXPECT_EQ(local->host, "master-host");

  std::mutex mu;
  std::vector<DelegatedBackup> sent;
  int64_t standby = m.AddDelegate("standby-1", [&](const DelegatedBackup& d) {
    std::lock_guard<std::mutex> l(mu);
    sent.push_back(d);
    return true;
  });
  EXPECT_EQ(m.delegate_count(), 1u);
  BackupRequest async;
  async.target_directory = "/delegated";
  auto st = m.Backup(async);
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  EXPECT_EQ(st->host, "standby-1");
  // The request reaches the standby with the primary's next sequence number.
  for (int i = 0; i < 500; i++) {
    std::lock_guard<std::mutex> l(mu);
    if (!sent.empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  {
    std::lock_guard<std::mutex> l(mu);
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0].id, st->id);
    EXPECT_EQ(sent[0].request.target_directory, "/delegated");
    EXPECT_EQ(sent[0].sequence_number, master_->journal.NextSequenceNumber());
  }
  // One at a time, delegated or not.
  auto busy = m.Backup(async);
  ASSERT_FALSE(busy.ok());
  EXPECT_EQ(busy.status().message(), "Backup in progress");
  BackupStatus report;
  report.id = st->id;
  report.state = BackupState::kRunning;
  report.entry_count = 7;
  m.OnDelegateStatus(standby, report);
  auto running = m.GetStatus(st->id);
  ASSERT_TRUE(running.ok());
  EXPECT_EQ(running->state, BackupState::kRunning);
  EXPECT_EQ(running->entry_count, 7);
  // A report from another delegate is ignored.
  report.state = BackupState::kFailed;
  m.OnDelegateStatus(standby + 100, report);
  EXPECT_EQ(m.GetStatus(st->id)->state, BackupState::kRunning);
  report.state = BackupState::kCompleted;
  report.uri = "memory://x/delegated/alluxio-backup-1.gz";
  report.entry_count = 42;
  m.OnDelegateStatus(standby, report);
  auto done = m.WaitFor(st->id);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->state, BackupState::kCompleted);
  EXPECT_EQ(done->uri, report.uri);
  EXPECT_EQ(done->entry_count, 42);
  EXPECT_EQ(done->host, "standby-1");

  // The standby goes away mid-backup.
  auto lost = m.Backup(async);
  ASSERT_TRUE(lost.ok());
  m.RemoveDelegate(standby);
  auto lost_done = m.WaitFor(lost->id);
  ASSERT_TRUE(lost_done.ok());
  EXPECT_EQ(lost_done->state, BackupState::kFailed);
  EXPECT_EQ(lost_done->error.message(), "Backup-worker is lost.");
  // A standby that cannot be sent the request.
  m.AddDelegate("standby-2", [](const DelegatedBackup&) { return false; });
  async.run_async = false;
  auto unsent = m.Backup(async);
  ASSERT_TRUE(unsent.ok());
  EXPECT_EQ(unsent->state, BackupState::kFailed);
  EXPECT_EQ(unsent->error.message(), "Failed to delegate the backup.");
  // bypass_delegation: the primary takes it although a standby is connected.
  async.bypass_delegation = true;
  auto bypass = m.Backup(async);
  ASSERT_TRUE(bypass.ok());
  EXPECT_EQ(bypass->state, BackupState::kCompleted) << bypass->error.ToString();
  EXPECT_EQ(bypass->host, "master-host");
  m.Stop();
}

TEST_F(BackupManagerTest, BackupWaitsForAStandbyToConnect) {
  BackupManagerOptions o = Options();
  o.delegation = true;
  o.delegate_wait_ms = 20000;
  BackupManager m(master_->fs.get(), &master_->journal, master_->fs->cluster_id(), o);
  std::atomic<bool> sent{false};
  // Whichever comes first, the backup goes to the standby instead of failing.
  std::thread backup([&] {
    BackupRequest r;
    auto st = m.Backup(r);
    ASSERT_TRUE(st.ok()) << st.status().ToString();
    EXPECT_EQ(st->host, "standby-1");
  });
  m.AddDelegate("standby-1", [&](const DelegatedBackup&) {
    sent = true;
    return true;
  });
  backup.join();
  m.Stop();  // joins the thread that handed the backup over (then failed it: stopping)
  EXPECT_TRUE(sent.load());
}

TEST_F(BackupManagerTest, SilentStandbyIsAbandoned) {
  BackupManagerOptions o = Options();
  o.delegation = true;
  o.abandon_timeout_ms = 200;
  o.delegate_wait_ms = 50;
  BackupManager m(master_->fs.get(), &master_->journal, master_->fs->cluster_id(), o);
  m.AddDelegate("standby-1", [](const DelegatedBackup&) { return true; });
  BackupRequest r;
  r.run_async = false;
  auto st = m.Backup(r);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->state, BackupState::kFailed);
  EXPECT_EQ(st->error.code(), StatusCode::kDeadlineExceeded);
  EXPECT_NE(st->error.message().find("Backup timed out"), std::string::npos) << st->error.message();
  m.Stop();
}

TEST_F(BackupManagerTest, RestoreRefusesMissingMarkerAndCorruptionAndLeavesStateEmpty) {
  BuildNamespace(master_->fs.get(), 20);
  BackupManager m(master_->fs.get(), &master_->journal, master_->fs->cluster_id(), Options());
  BackupRequest r;
  r.run_async = false;
  auto st = m.Backup(r);
  ASSERT_TRUE(st.ok());
  ASSERT_EQ(st->state, BackupState::kCompleted);
  m.Stop();

  // Missing marker.
  ASSERT_TRUE(ufs_->DeleteFile(CompleteMarker(st->uri)).ok());
  auto fresh = NewMaster(false);
  auto n = RestoreFromBackup(st->uri, root(), {}, fresh->fs.get(), &fresh->journal);
  EXPECT_EQ(n.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(n.status().message().find(".complete does not exist"), std::string::npos)
      << n.status().ToString();
  EXPECT_EQ(fresh->journal.NextSequenceNumber(), 0);

  // Truncated, with the marker back.
  auto out = ufs_->Create(CompleteMarker(st->uri), ufs::CreateOptions());
  ASSERT_TRUE((*out)->Close().ok());
  auto in = ufs_->Open(st->uri);
  ASSERT_TRUE(in.ok());
  std::string data(1 << 20, '\0');
  auto got = (*in)->PRead(0, data.data(), data.size());
  ASSERT_TRUE(got.ok());
  data.resize(*got);
  auto w = ufs_->Create(st->uri, ufs::CreateOptions());
  ASSERT_TRUE((*w)->Write(data.substr(0, data.size() - 30)).ok());
  ASSERT_TRUE((*w)->Close().ok());
  n = RestoreFromBackup(st->uri, root(), {}, fresh->fs.get(), &fresh->journal);
  EXPECT_EQ(n.status().code(), StatusCode::kDataLoss) << n.status().ToString();
  EXPECT_NE(n.status().message().find("Failed to restore from backup"), std::string::npos);
  EXPECT_EQ(fresh->journal.NextSequenceNumber(), 0);
  EXPECT_EQ(fresh->fs->inode_count(), 0u);

  // Missing altogether.
  n = RestoreFromBackup(root() + "/nope.gz", root(), {}, fresh->fs.get(), &fresh->journal);
  EXPECT_EQ(n.status().code(), StatusCode::kNotFound);
}

TEST_F(BackupManagerTest, NextDailyTimeIsTheNextOccurrenceInLocalTime) {
  int64_t now = now_.load();
  int64_t next = BackupManager::NextDailyBackupMs(now, 5 * 60);
  EXPECT_GT(next, now);
  EXPECT_LE(next, now + 25 * 3600 * 1000LL);
  time_t secs = static_cast<time_t>(next / 1000);
  struct tm t;
  localtime_r(&secs, &t);
  EXPECT_EQ(t.tm_hour, 5);
  EXPECT_EQ(t.tm_min, 0);
  // Exactly at the time: the next day's.
  EXPECT_EQ(BackupManager::NextDailyBackupMs(next, 5 * 60) - next, 24 * 3600 * 1000LL);
}

TEST_F(BackupManagerTest, DailyBackupRunsAtItsTimeAndKeepsTheRetainedNumber) {
  BuildNamespace(master_->fs.get(), 5);
  BackupManagerOptions o = Options();
  o.daily_enabled = true;  // the thread is not started: the test drives RunDailyBackupIfDue
  o.daily_minute_of_day = 5 * 60;
  o.daily_files_retained = 2;
  BackupManager m(master_->fs.get(), &master_->journal, master_->fs->cluster_id(), o);
  int64_t first = BackupManager::NextDailyBackupMs(now_.load(), 5 * 60);
  now_ = first - 1;
  EXPECT_FALSE(m.RunDailyBackupIfDue());
  EXPECT_TRUE(BackupDirNames().empty());
  std::vector<std::string> taken;
  for (int day = 0; day < 4; day++) {
    now_ = first + day * 24 * 3600 * 1000LL + 1000;
    EXPECT_TRUE(m.RunDailyBackupIfDue()) << day;
    EXPECT_FALSE(m.RunDailyBackupIfDue()) << day;  // once a day
    taken.push_back(BackupFileName(now_.load()));
  }
  // The two newest, each with its marker.
  EXPECT_EQ(BackupDirNames(), (std::set<std::string>{taken[2], taken[2] + ".complete", taken[3],
                                                     taken[3] + ".complete"}));
  m.Stop();
}

}  // namespace
}  // namespace alluxio::master
