// SPDX-License-Identifier: Apache-2.0
// Crashes and I/O failures through FaultInjectingEnv: whatever WaitForDurable acknowledged
// survives; a failed write or sync fails the journal for good and is reported.
#include <atomic>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "env/testing/fault_injecting_env.h"
#include "gtest/gtest.h"
#include "journal/local/local_journal.h"
#include "journal/local/test_util.h"
#include "journal/testing/map_journaled.h"

namespace alluxio::journal {
namespace {

using env::FaultInjectingEnv;
using env::FaultOp;
using testing::Contains;
using testing::JournalHarness;
using testing::WaitFor;

// Records on_fatal_error calls.
struct FatalErrors {
  void Install(LocalJournalOptions* options) {
    options->on_fatal_error = [this](const Status& s) {
      std::lock_guard<std::mutex> l(mu);
      statuses.push_back(s);
    };
  }
  size_t count() {
    std::lock_guard<std::mutex> l(mu);
    return statuses.size();
  }
  std::mutex mu;
  std::vector<Status> statuses;
};

TEST(CrashTest, UnsyncedEntriesAreLostAndAcknowledgedOnesKept) {
  FaultInjectingEnv fenv(env::Env::Default());
  JournalHarness h(&fenv);
  FatalErrors fatal;
  fatal.Install(&h.options());
  ASSERT_TRUE(h.Restart().ok());
  for (int i = 0; i < 50; i++) {
    ASSERT_TRUE(h.PutAndWait("k" + std::to_string(i), "v" + std::to_string(i)).ok());
  }
  // The next flush writes its batch, but the sync fails: the bytes sit unsynced in the file.
  fenv.FailNthCall(FaultOp::kSync, 1, InternalError("sync lost"));
  for (int i = 50; i < 80; i++) {
    ASSERT_TRUE(h.state()->Put(h.journal(), "k" + std::to_string(i), "x").ok());
  }
  EXPECT_TRUE(WaitFor([&] { return fatal.count() == 1; }));
  fenv.SetFilesystemActive(false);  // The machine dies.
  EXPECT_FALSE(h.Stop().ok());
  ASSERT_TRUE(fenv.DropUnsyncedData().ok());
  fenv.SetFilesystemActive(true);

  ASSERT_TRUE(h.Restart().ok());
  EXPECT_EQ(h.state()->contents(), JournalHarness::Expected(50));
  ASSERT_TRUE(h.PutAndWait("after", "crash").ok());
}

TEST(CrashTest, RandomCrashPointsKeepEveryAcknowledgedEntry) {
  for (uint64_t seed = 1; seed <= 8; seed++) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    FaultInjectingEnv fenv(env::Env::Default());
    JournalHarness h(&fenv);
    h.options().log_size_bytes_max = 2048;       // Crash around rotations too.
    h.options().checkpoint_period_entries = 97;  // And around checkpoints.
    FatalErrors fatal;
    fatal.Install(&h.options());
    ASSERT_TRUE(h.Restart().ok());

    std::mutex mu;
    std::set<std::string> acked;
    std::atomic<int> acked_count{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 6; t++) {
      threads.emplace_back([&, t] {
        for (int i = 0;; i++) {
          std::string key = std::to_string(t) + "/" + std::to_string(i);
          auto sn = h.state()->Put(h.journal(), key, "v");
          if (!sn.ok()) return;
          if (!h.journal()->WaitForDurable(*sn).ok()) return;
          // Acknowledged before the crash only if the filesystem was still alive afterwards.
          // Go on appending either way: the journal's next flush fails and ends the loop.
          if (!fenv.IsFilesystemActive()) continue;
          std::lock_guard<std::mutex> l(mu);
          acked.insert(key);
          acked_count++;
        }
      });
    }
    const int crash_after = 50 + static_cast<int>(seed * 53 % 300);
    ASSERT_TRUE(WaitFor([&] { return acked_count.load() >= crash_after; }));
    fenv.SetFilesystemActive(false);
    for (auto& t : threads) t.join();  // Each ends at its first error.
    EXPECT_FALSE(h.Stop().ok());
    EXPECT_EQ(fatal.count(), 1u);
    ASSERT_TRUE(fenv.DropUnsyncedData(seed).ok());  // Keeps a random part of unsynced bytes.
    fenv.SetFilesystemActive(true);

    Status s = h.Restart();
    ASSERT_TRUE(s.ok()) << s.ToString();
    auto contents = h.state()->contents();
    for (const std::string& key : acked) EXPECT_TRUE(contents.count(key)) << key;
    EXPECT_GE(contents.size(), acked.size());
    ASSERT_TRUE(h.PutAndWait("after", "crash").ok());
  }
}

// A callback waiting for an entry that the failed sync was to make durable gets the failure.
TEST(CrashTest, SyncFailureFailsPendingOnDurableCallbacks) {
  FaultInjectingEnv fenv(env::Env::Default());
  JournalHarness h(&fenv);
  FatalErrors fatal;
  fatal.Install(&h.options());
  ASSERT_TRUE(h.Restart().ok());
  ASSERT_TRUE(h.PutAndWait("k", "v").ok());
  fenv.FailNthCall(FaultOp::kSync, 1, InternalError("disk on fire"));
  auto sn = h.state()->Put(h.journal(), "doomed", "v");
  ASSERT_TRUE(sn.ok());
  std::mutex mu;
  std::vector<Status> got;
  h.journal()->OnDurable(*sn, [&](Status st) {
    std::lock_guard<std::mutex> l(mu);
    got.push_back(st);
  });
  ASSERT_TRUE(WaitFor([&] {
    std::lock_guard<std::mutex> l(mu);
    return !got.empty();
  }));
  EXPECT_EQ(got[0].code(), StatusCode::kInternal);
  EXPECT_TRUE(Contains(got[0].message(), "disk on fire")) << got[0].ToString();
  EXPECT_EQ(h.Stop().code(), StatusCode::kInternal);
  EXPECT_EQ(got.size(), 1u);  // exactly once
}

TEST(CrashTest, SyncFailureFailsTheJournalForGood) {
  FaultInjectingEnv fenv(env::Env::Default());
  JournalHarness h(&fenv);
  FatalErrors fatal;
  fatal.Install(&h.options());
  ASSERT_TRUE(h.Restart().ok());
  for (int i = 0; i < 5; i++) ASSERT_TRUE(h.PutAndWait("k" + std::to_string(i), "v").ok());

  fenv.FailNthCall(FaultOp::kSync, 1, InternalError("disk on fire"));
  auto sn = h.state()->Put(h.journal(), "doomed", "v");
  ASSERT_TRUE(sn.ok());
  Status s = h.journal()->WaitForDurable(*sn);
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_TRUE(Contains(s.message(), "disk on fire")) << s.ToString();
  ASSERT_TRUE(WaitFor([&] { return fatal.count() == 1; }));
  EXPECT_TRUE(Contains(fatal.statuses[0].message(), "disk on fire"));

  // Later calls fail too; what was durable stays acknowledged.
  EXPECT_EQ(h.journal()->WaitForDurable(*sn).code(), StatusCode::kInternal);
  Status callback;
  h.journal()->OnDurable(*sn, [&](Status st) { callback = st; });
  EXPECT_EQ(callback.code(), StatusCode::kInternal);
  EXPECT_TRUE(h.journal()->WaitForDurable(4).ok());
  EXPECT_EQ(h.journal()->Append(PutEntry("k", "v")).status().code(), StatusCode::kUnavailable);
  EXPECT_FALSE(h.journal()->Checkpoint().ok());
  EXPECT_EQ(h.Stop().code(), StatusCode::kInternal);
  EXPECT_EQ(fatal.count(), 1u);  // Once.

  ASSERT_TRUE(h.Restart().ok());
  auto contents = h.state()->contents();
  for (int i = 0; i < 5; i++) EXPECT_TRUE(contents.count("k" + std::to_string(i)));
}

TEST(CrashTest, EveryWaiterGetsAnErrorWhenTheJournalFails) {
  FaultInjectingEnv fenv(env::Env::Default());
  JournalHarness h(&fenv);
  FatalErrors fatal;
  fatal.Install(&h.options());
  ASSERT_TRUE(h.Restart().ok());
  fenv.FailNthCall(FaultOp::kSync, 20, InternalError("sync failed"));
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; t++) {
    threads.emplace_back([&, t] {
      for (int i = 0;; i++) {
        auto sn = h.state()->Put(h.journal(), std::to_string(t) + "/" + std::to_string(i), "v");
        if (!sn.ok()) {
          EXPECT_EQ(sn.status().code(), StatusCode::kUnavailable);
          errors++;
          return;
        }
        Status s = h.journal()->WaitForDurable(*sn);
        if (!s.ok()) {
          EXPECT_EQ(s.code(), StatusCode::kInternal);
          errors++;
          return;
        }
      }
    });
  }
  for (auto& t : threads) t.join();  // None hangs.
  EXPECT_EQ(errors.load(), 8);
  EXPECT_TRUE(WaitFor([&] { return fatal.count() == 1; }));
  ASSERT_FALSE(h.Stop().ok());
  EXPECT_EQ(fatal.count(), 1u);
}

TEST(CrashTest, RotationFailureFailsTheJournal) {
  FaultInjectingEnv fenv(env::Env::Default());
  JournalHarness h(&fenv);
  h.options().log_size_bytes_max = 256;
  FatalErrors fatal;
  fatal.Install(&h.options());
  ASSERT_TRUE(h.Restart().ok());
  fenv.FailNthCall(FaultOp::kRename, 1, InternalError("no rename"));
  std::set<std::string> acked;
  for (int i = 0; i < 100; i++) {
    std::string key = "k" + std::to_string(i);
    if (!h.PutAndWait(key, "v").ok()) break;
    acked.insert(key);
  }
  EXPECT_TRUE(WaitFor([&] { return fatal.count() == 1; }));
  EXPECT_TRUE(Contains(fatal.statuses[0].message(), "no rename"));
  EXPECT_LT(acked.size(), 100u);
  EXPECT_FALSE(h.Stop().ok());
  ASSERT_TRUE(h.Restart().ok());
  auto contents = h.state()->contents();
  for (const std::string& key : acked) EXPECT_TRUE(contents.count(key)) << key;
}

TEST(CrashTest, FailedCheckpointLeavesTheJournalWritable) {
  FaultInjectingEnv fenv(env::Env::Default());
  JournalHarness h(&fenv);
  FatalErrors fatal;
  fatal.Install(&h.options());
  ASSERT_TRUE(h.Restart().ok());
  for (int i = 0; i < 5; i++) ASSERT_TRUE(h.PutAndWait("k" + std::to_string(i), "v").ok());
  fenv.FailNthCall(FaultOp::kRename, 1, InternalError("no rename"));
  Status s = h.journal()->Checkpoint();
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "Failed to write checkpoint 0x0-0x5")) << s.ToString();
  EXPECT_EQ(h.journal()->CheckpointsTaken(), 0);
  ASSERT_TRUE(h.PutAndWait("more", "v").ok());
  ASSERT_TRUE(h.journal()->Checkpoint().ok());
  EXPECT_EQ(h.journal()->CheckpointsTaken(), 1);
  EXPECT_TRUE(testing::Children(h.folder() + "/.tmp").empty());
  EXPECT_EQ(fatal.count(), 0u);
}

}  // namespace
}  // namespace alluxio::journal
