// SPDX-License-Identifier: Apache-2.0
#include "journal/local/local_journal.h"

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "journal/local/checkpoint.h"
#include "journal/local/test_util.h"
#include "journal/testing/map_journaled.h"

namespace alluxio::journal {
namespace {

using testing::Children;
using testing::Contains;
using testing::TempFolder;
using testing::WaitFor;

class LocalJournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(FormatLocalJournal(env::Env::Default(), folder_.path()).ok());
    options_ = testing::TestOptions(folder_.path());
  }

  // Replaces the journal and state by fresh ones recovered from the folder.
  Status Restart() {
    journal_.reset();
    state_ = std::make_unique<MapJournaled>();
    journal_ = std::make_unique<LocalJournal>(options_);
    return journal_->Start(state_.get());
  }

  void PutAndWait(const std::string& key, const std::string& value) {
    auto sn = state_->Put(journal_.get(), key, value);
    ASSERT_TRUE(sn.ok()) << sn.status().ToString();
    ASSERT_TRUE(journal_->WaitForDurable(*sn).ok());
  }

  std::string logs() const { return folder_.path() + "/logs"; }
  std::string checkpoints() const { return folder_.path() + "/checkpoints"; }

  TempFolder folder_;
  LocalJournalOptions options_;
  // Declared before the journal, which refers to it.
  std::unique_ptr<MapJournaled> state_;
  std::unique_ptr<LocalJournal> journal_;
};

// OnDurable: the callback runs once the entry is on disk (a pending callback counts as a waiter:
// the batch is flushed at once, not after the batch time), inline when the answer is known.
TEST_F(LocalJournalTest, OnDurableRunsOnceTheEntryIsOnDisk) {
  options_.flush_batch_time_ms = 600'000;
  ASSERT_TRUE(Restart().ok());
  std::mutex mu;
  std::vector<std::pair<SequenceNumber, Status>> got;
  for (int k = 0; k < 3; k++) {
    Result<SequenceNumber> sn = state_->Put(journal_.get(), "k" + std::to_string(k), "v");
    ASSERT_TRUE(sn.ok());
    journal_->OnDurable(*sn, [&, sn = *sn](Status st) {
      std::lock_guard<std::mutex> l(mu);
      got.emplace_back(sn, st);
    });
  }
  ASSERT_TRUE(WaitFor([&] {
    std::lock_guard<std::mutex> l(mu);
    return got.size() == 3;
  }));
  for (const auto& [sn, st] : got) EXPECT_TRUE(st.ok()) << sn << ": " << st;
  EXPECT_GE(journal_->LastDurableSequenceNumber(), 2);

  // Known answers come back on the calling thread.
  std::thread::id ran_on;
  Status inline_status;
  journal_->OnDurable(1, [&](Status st) {
    ran_on = std::this_thread::get_id();
    inline_status = st;
  });
  EXPECT_EQ(ran_on, std::this_thread::get_id());
  EXPECT_TRUE(inline_status.ok());
  journal_->OnDurable(99, [&](Status st) { inline_status = st; });
  EXPECT_EQ(inline_status.code(), StatusCode::kInvalidArgument);

  ASSERT_TRUE(Restart().ok());
  EXPECT_EQ(state_->contents().size(), 3u);
}

// A restore from a backup imports the backup's records as the journal's first checkpoint; the
// next entry gets sequence number 1 and everything survives a restart.
TEST_F(LocalJournalTest, ImportedStateBecomesTheFirstCheckpoint) {
  ASSERT_TRUE(Restart().ok());
  Status s = ImportPuts(journal_.get(), state_.get(), "c1", 0, 1000);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(journal_->NextSequenceNumber(), 1);
  EXPECT_EQ(Children(checkpoints()), std::vector<std::string>{"0x0-0x1"});
  EXPECT_TRUE(Children(folder_.path() + "/.tmp").empty());
  PutAndWait("k1000", "v1000");
  // Only an empty journal imports.
  EXPECT_EQ(journal_->BeginImport().status().code(), StatusCode::kFailedPrecondition);

  ASSERT_TRUE(Restart().ok());
  std::map<std::string, std::string> expected;
  for (int k = 0; k <= 1000; k++) expected["k" + std::to_string(k)] = "v" + std::to_string(k);
  expected["cluster_id"] = "c1";
  EXPECT_EQ(state_->contents(), expected);
  EXPECT_EQ(journal_->NextSequenceNumber(), 2);
}

// An import that is never committed (the backup proved corrupt) leaves no trace.
TEST_F(LocalJournalTest, UncommittedImportLeavesTheJournalEmpty) {
  ASSERT_TRUE(Restart().ok());
  ASSERT_TRUE(ImportPuts(journal_.get(), state_.get(), "c1", 0, 100, /*commit=*/false).ok());
  EXPECT_TRUE(Children(folder_.path() + "/.tmp").empty());
  EXPECT_TRUE(Children(checkpoints()).empty());
  ASSERT_TRUE(Restart().ok());
  EXPECT_TRUE(state_->contents().empty());
  EXPECT_EQ(journal_->NextSequenceNumber(), 0);
  // A second attempt works.
  ASSERT_TRUE(ImportPuts(journal_.get(), state_.get(), "c2", 0, 10).ok());
  ASSERT_TRUE(Restart().ok());
  EXPECT_EQ(state_->contents().at("cluster_id"), "c2");
  EXPECT_EQ(state_->contents().size(), 11u);
}

// A crash after the imported checkpoint is in place but before the marker entry is durable
// leaves the imported state and an empty log: the journal restarts at sequence number 1.
TEST_F(LocalJournalTest, CrashBeforeTheImportMarkerKeepsTheImportedState) {
  ASSERT_TRUE(Restart().ok());
  ASSERT_TRUE(ImportPuts(journal_.get(), state_.get(), "c1", 0, 10).ok());
  journal_.reset();
  // Undo the marker: the open segment holds only entry 0.
  for (const std::string& name : Children(logs())) {
    std::filesystem::resize_file(logs() + "/" + name, 32);  // the file header only
  }
  ASSERT_TRUE(Restart().ok());
  EXPECT_EQ(state_->contents().size(), 11u);
  EXPECT_EQ(journal_->NextSequenceNumber(), 1);
  PutAndWait("x", "y");
  ASSERT_TRUE(Restart().ok());
  EXPECT_EQ(state_->contents().at("x"), "y");
}

TEST_F(LocalJournalTest, UnformattedFolderIsRefused) {
  TempFolder other;
  options_.folder = other.path() + "/journal";
  Status s = Restart();
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(), "Journal " + options_.folder + " has not been formatted!");
}

TEST_F(LocalJournalTest, AppendRestartRoundTrip) {
  ASSERT_TRUE(Restart().ok());
  EXPECT_EQ(journal_->NextSequenceNumber(), 0);
  EXPECT_EQ(journal_->LastDurableSequenceNumber(), -1);
  for (int i = 0; i < 10; i++) PutAndWait("k" + std::to_string(i), "v" + std::to_string(i));
  EXPECT_EQ(journal_->LastDurableSequenceNumber(), 9);
  auto before = state_->contents();
  ASSERT_TRUE(journal_->Stop().ok());
  ASSERT_TRUE(journal_->Stop().ok());  // Idempotent.

  ASSERT_TRUE(Restart().ok());
  EXPECT_EQ(state_->contents(), before);
  EXPECT_EQ(journal_->NextSequenceNumber(), 10);
  EXPECT_EQ(journal_->recovery().log_entries, 10);
  // The previous open segment was completed; a new one is open.
  EXPECT_EQ(Children(logs()), (std::vector<std::string>{"0x0-0xa", "0xa-0x7fffffffffffffff"}));
  PutAndWait("k10", "v10");
  ASSERT_TRUE(Restart().ok());
  EXPECT_EQ(state_->contents().size(), 11u);
  EXPECT_EQ(journal_->NextSequenceNumber(), 11);
}

TEST_F(LocalJournalTest, EmptyOpenSegmentIsDeletedOnRestart) {
  ASSERT_TRUE(Restart().ok());
  ASSERT_TRUE(Restart().ok());
  ASSERT_TRUE(Restart().ok());
  EXPECT_EQ(Children(logs()), std::vector<std::string>{"0x0-0x7fffffffffffffff"});
  EXPECT_EQ(journal_->NextSequenceNumber(), 0);
}

TEST_F(LocalJournalTest, SecondStartOnTheSameFolderIsRefused) {
  ASSERT_TRUE(Restart().ok());
  MapJournaled other_state;
  LocalJournal other(options_);
  Status s = other.Start(&other_state);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Contains(s.message(), "is locked by another process")) << s.ToString();
  EXPECT_TRUE(Contains(s.message(), folder_.path())) << s.ToString();
  // The running journal is unaffected.
  PutAndWait("k", "v");
}

TEST_F(LocalJournalTest, StartingTheSameObjectTwiceIsRefused) {
  ASSERT_TRUE(Restart().ok());
  EXPECT_EQ(journal_->Start(state_.get()).code(), StatusCode::kFailedPrecondition);
}

TEST_F(LocalJournalTest, AppendWhenNotRunningIsUnavailable) {
  LocalJournal never_started(options_);
  EXPECT_EQ(never_started.Append(PutEntry("k", "v")).status().code(), StatusCode::kUnavailable);
  ASSERT_TRUE(Restart().ok());
  ASSERT_TRUE(journal_->Stop().ok());
  EXPECT_EQ(journal_->Append(PutEntry("k", "v")).status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(journal_->Checkpoint().code(), StatusCode::kFailedPrecondition);
}

TEST_F(LocalJournalTest, WaitingForAnUnappendedSequenceNumberIsInvalid) {
  ASSERT_TRUE(Restart().ok());
  EXPECT_EQ(journal_->WaitForDurable(0).code(), StatusCode::kInvalidArgument);
  PutAndWait("k", "v");
  EXPECT_TRUE(journal_->WaitForDurable(0).ok());
  EXPECT_EQ(journal_->WaitForDurable(1).code(), StatusCode::kInvalidArgument);
}

TEST_F(LocalJournalTest, UnwaitedEntriesAreFlushedWithinTheBatchTime) {
  ASSERT_TRUE(Restart().ok());
  for (int i = 0; i < 5; i++) ASSERT_TRUE(state_->Put(journal_.get(), "k", "v").ok());
  EXPECT_TRUE(WaitFor([&] { return journal_->LastDurableSequenceNumber() == 4; }));
}

TEST_F(LocalJournalTest, StopFlushesEverythingAppended) {
  options_.flush_batch_time_ms = 60'000;  // Only Stop (or a waiter) flushes.
  ASSERT_TRUE(Restart().ok());
  for (int i = 0; i < 100; i++)
    ASSERT_TRUE(state_->Put(journal_.get(), std::to_string(i), "v").ok());
  ASSERT_TRUE(journal_->Stop().ok());
  EXPECT_EQ(journal_->LastDurableSequenceNumber(), 99);
  ASSERT_TRUE(Restart().ok());
  EXPECT_EQ(state_->contents().size(), 100u);
}

TEST_F(LocalJournalTest, ManyConcurrentAppendersThenRestart) {
  ASSERT_TRUE(Restart().ok());
  constexpr int kThreads = 16;
  constexpr int kPerThread = 300;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; t++) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; i++) {
        auto sn = state_->Put(journal_.get(), std::to_string(t) + "/" + std::to_string(i),
                              std::to_string(i));
        if (!sn.ok() || !journal_->WaitForDurable(*sn).ok()) failures++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto before = state_->contents();
  EXPECT_EQ(before.size(), static_cast<size_t>(kThreads * kPerThread));
  ASSERT_TRUE(Restart().ok());
  EXPECT_EQ(state_->contents(), before);
  EXPECT_EQ(journal_->NextSequenceNumber(), kThreads * kPerThread);
}

TEST_F(LocalJournalTest, RotationProducesCompletedSegmentsWithContiguousRanges) {
  options_.log_size_bytes_max = 1024;
  ASSERT_TRUE(Restart().ok());
  for (int i = 0; i < 200; i++) PutAndWait("key" + std::to_string(i), std::string(40, 'v'));
  auto before = state_->contents();
  ASSERT_TRUE(Restart().ok());
  EXPECT_EQ(state_->contents(), before);

  auto segments = ListSegments(env::Env::Default(), JournalPaths(folder_.path()));
  ASSERT_TRUE(segments.ok());
  int completed = 0;
  SequenceNumber expected = 0;
  for (const RangeFile& s : *segments) {
    EXPECT_EQ(s.start, expected) << s.path;
    if (s.open()) continue;
    completed++;
    expected = s.end;
  }
  EXPECT_GT(completed, 1);
  EXPECT_EQ(expected, 200);
}

TEST_F(LocalJournalTest, CheckpointThenGarbageCollectionThenRestart) {
  options_.log_size_bytes_max = 512;  // Many segments, so GC has something to delete.
  ASSERT_TRUE(Restart().ok());
  std::vector<SequenceNumber> ends;
  for (int round = 0; round < 4; round++) {
    for (int i = 0; i < 30; i++) {
      PutAndWait("r" + std::to_string(round) + "k" + std::to_string(i % 20), std::to_string(i));
    }
    ASSERT_TRUE(journal_->Checkpoint().ok());
    ends.push_back(journal_->NextSequenceNumber());
    EXPECT_EQ(journal_->EntriesSinceCheckpoint(), 0);
  }
  EXPECT_EQ(journal_->CheckpointsTaken(), 4);
  // At most two checkpoints: the newest two.
  EXPECT_EQ(Children(checkpoints()),
            (std::vector<std::string>{RangeName(0, ends[2]), RangeName(0, ends[3])}));
  // Segments the older kept checkpoint covers are gone; the rest remain.
  auto segments = ListSegments(env::Env::Default(), JournalPaths(folder_.path()));
  ASSERT_TRUE(segments.ok());
  for (const RangeFile& s : *segments) EXPECT_GT(s.end, ends[2]) << s.path;
  EXPECT_TRUE(Children(folder_.path() + "/.tmp").empty());

  for (int i = 0; i < 7; i++) PutAndWait("after" + std::to_string(i), "x");
  auto before = state_->contents();
  ASSERT_TRUE(Restart().ok());
  EXPECT_EQ(state_->contents(), before);
  EXPECT_EQ(journal_->recovery().checkpoint_end, ends[3]);
  EXPECT_EQ(journal_->recovery().log_entries, 7);
  EXPECT_EQ(journal_->EntriesSinceCheckpoint(), 7);
}

TEST_F(LocalJournalTest, CheckpointWithoutNewEntriesWritesNothing) {
  ASSERT_TRUE(Restart().ok());
  ASSERT_TRUE(journal_->Checkpoint().ok());  // Empty state, nothing appended.
  EXPECT_EQ(journal_->CheckpointsTaken(), 0);
  PutAndWait("k", "v");
  ASSERT_TRUE(journal_->Checkpoint().ok());
  ASSERT_TRUE(journal_->Checkpoint().ok());
  EXPECT_EQ(journal_->CheckpointsTaken(), 1);
}

TEST_F(LocalJournalTest, PeriodicCheckpointsFollowTheEntryCount) {
  options_.checkpoint_period_entries = 50;
  ASSERT_TRUE(Restart().ok());
  // Two rounds of one period each: each round's last entry makes a checkpoint due, and the next
  // round starts only once it was taken (a checkpoint that snapshots late under load would
  // otherwise cover entries of the next round and leave fewer than a period for another).
  for (int round = 0; round < 2; round++) {
    for (int i = 0; i < 50; i++) PutAndWait("k" + std::to_string(round * 50 + i), "v");
    EXPECT_TRUE(WaitFor([&] { return journal_->CheckpointsTaken() >= round + 1; }));
  }
  for (int i = 100; i < 120; i++) PutAndWait("k" + std::to_string(i), "v");
  EXPECT_TRUE(WaitFor([&] { return journal_->EntriesSinceCheckpoint() < 50; }));
  auto before = state_->contents();
  ASSERT_TRUE(Restart().ok());
  EXPECT_EQ(state_->contents(), before);
  EXPECT_GE(journal_->recovery().checkpoint_end, 100);
}

TEST_F(LocalJournalTest, WritesContinueWhileACheckpointIsWritten) {
  ASSERT_TRUE(Restart().ok());
  for (int i = 0; i < 10; i++) PutAndWait("k" + std::to_string(i), "v");
  std::mutex mu;
  std::condition_variable cv;
  bool entered = false;
  bool release = false;
  state_->SetWriteToHook([&] {
    std::unique_lock<std::mutex> l(mu);
    entered = true;
    cv.notify_all();
    cv.wait(l, [&] { return release; });
  });
  Status checkpoint_status;
  std::thread checkpointer([&] { checkpoint_status = journal_->Checkpoint(); });
  {
    std::unique_lock<std::mutex> l(mu);
    ASSERT_TRUE(cv.wait_for(l, std::chrono::seconds(30), [&] { return entered; }));
  }
  // The checkpoint is stuck in WriteTo; appends and durability go on.
  for (int i = 0; i < 10; i++) PutAndWait("during" + std::to_string(i), "v");
  {
    std::lock_guard<std::mutex> l(mu);
    release = true;
  }
  cv.notify_all();
  checkpointer.join();
  ASSERT_TRUE(checkpoint_status.ok()) << checkpoint_status.ToString();
  EXPECT_EQ(Children(checkpoints()), std::vector<std::string>{"0x0-0xa"});
  EXPECT_EQ(journal_->EntriesSinceCheckpoint(), 10);
  state_->SetWriteToHook(nullptr);
  auto before = state_->contents();
  ASSERT_TRUE(Restart().ok());
  EXPECT_EQ(state_->contents(), before);
}

TEST_F(LocalJournalTest, TruncatedNewestCheckpointFallsBackToTheOlderOne) {
  ASSERT_TRUE(Restart().ok());
  for (int i = 0; i < 10; i++) PutAndWait("a" + std::to_string(i), "1");
  ASSERT_TRUE(journal_->Checkpoint().ok());
  for (int i = 0; i < 10; i++) PutAndWait("b" + std::to_string(i), "2");
  ASSERT_TRUE(journal_->Checkpoint().ok());
  for (int i = 0; i < 5; i++) PutAndWait("c" + std::to_string(i), "3");
  auto before = state_->contents();
  ASSERT_TRUE(journal_->Stop().ok());

  const std::string newest = checkpoints() + "/0x0-0x14";
  const std::string older = checkpoints() + "/0x0-0xa";
  ASSERT_EQ(Children(checkpoints()), (std::vector<std::string>{"0x0-0x14", "0x0-0xa"}));
  std::string data = testing::ReadAll(newest);
  for (size_t cut : {data.size() - 1, data.size() - 24, data.size() / 2, size_t{40}, size_t{5}}) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    testing::WriteAll(newest, data.substr(0, cut));
    ASSERT_TRUE(Restart().ok());
    EXPECT_EQ(state_->contents(), before);
    EXPECT_EQ(journal_->recovery().checkpoint_path, older);
    EXPECT_EQ(journal_->recovery().log_entries, 15);
    ASSERT_TRUE(journal_->Stop().ok());
  }
}

TEST_F(LocalJournalTest, ApplyErrorStopsRecoveryWithContext) {
  ASSERT_TRUE(Restart().ok());
  PutAndWait("good", "1");
  PutAndWait("bad", "2");
  ASSERT_TRUE(journal_->Stop().ok());
  journal_.reset();
  state_ = std::make_unique<MapJournaled>();
  state_->FailApplyOnKey("bad");
  journal_ = std::make_unique<LocalJournal>(options_);
  Status s = journal_->Start(state_.get());
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_TRUE(Contains(s.message(), "Failed to apply journal entry 1 from")) << s.ToString();
  EXPECT_TRUE(Contains(s.message(), "cannot apply a put of bad")) << s.ToString();
  // The failed start released the lock.
  EXPECT_TRUE(Restart().ok());
}

TEST_F(LocalJournalTest, ReadJournalStreamsCheckpointThenLogs) {
  ASSERT_TRUE(Restart().ok());
  PutAndWait("a", "1");
  PutAndWait("b", "2");
  ASSERT_TRUE(journal_->Checkpoint().ok());
  PutAndWait("c", "3");
  ASSERT_TRUE(journal_->Stop().ok());
  std::vector<std::string> seen;
  Status s = ReadJournal(env::Env::Default(), folder_.path(), [&](const JournalEntry& e) {
    seen.push_back(e.inode_directory().name());
    return Status::OK();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b", "c"}));
  // The callback can stop the iteration.
  s = ReadJournal(env::Env::Default(), folder_.path(),
                  [&](const JournalEntry&) { return CancelledError("enough"); });
  EXPECT_EQ(s.code(), StatusCode::kCancelled);
}

TEST_F(LocalJournalTest, EntriesWithoutPayloadAreRefused) {
  ASSERT_TRUE(Restart().ok());
  EXPECT_EQ(journal_->Append(JournalEntry()).status().code(), StatusCode::kInvalidArgument);
  JournalEntry batch;
  *batch.add_journal_entries() = PutEntry("k", "v");
  batch.add_journal_entries();  // A child without payload.
  EXPECT_EQ(journal_->Append(batch).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(journal_->NextSequenceNumber(), 0);
  PutAndWait("k", "v");
}

TEST_F(LocalJournalTest, ReadJournalRefusesAnUnformattedFolder) {
  TempFolder other;
  Status s = ReadJournal(env::Env::Default(), other.path(),
                         [](const JournalEntry&) { return Status::OK(); });
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(), "Journal " + other.path() + " has not been formatted!");
}

TEST_F(LocalJournalTest, BatchEntriesRoundTrip) {
  ASSERT_TRUE(Restart().ok());
  JournalEntry batch;
  *batch.add_journal_entries() = PutEntry("x", "1");
  *batch.add_journal_entries() = PutEntry("y", "2");
  ASSERT_TRUE(state_->Apply(batch).ok());
  auto sn = journal_->Append(batch);
  ASSERT_TRUE(sn.ok());
  ASSERT_TRUE(journal_->WaitForDurable(*sn).ok());
  ASSERT_TRUE(Restart().ok());
  EXPECT_EQ(state_->contents(), (std::map<std::string, std::string>{{"x", "1"}, {"y", "2"}}));
}

}  // namespace
}  // namespace alluxio::journal
