// SPDX-License-Identifier: Apache-2.0
// RaftJournal on real libraft nodes talking TCP over 127.0.0.1, one MapJournaled state each:
// election, replication, restart, failover, snapshots installed on a wiped follower, and a
// leader that loses its quorum dropping what it had not committed.
#include "journal/raft/raft_journal.h"

#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "env/testing/free_port.h"

#include "journal/testing/map_journaled.h"

namespace alluxio::journal {
namespace {

using env::testing::PickFreePort;

bool WaitFor(const std::function<bool()>& cond, int64_t timeout_ms = 20000) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return cond();
}

// A quorum of n RaftJournals in one process, each with its own folder and MapJournaled.
class Quorum {
 public:
  explicit Quorum(int n, int64_t snapshot_threshold = 1'000'000) {
    char tmpl[] = "/tmp/alluxio-raft-test-XXXXXX";
    root_ = mkdtemp(tmpl);
    for (int i = 0; i < n; i++) addresses_.push_back("127.0.0.1:" + std::to_string(PickFreePort()));
    for (int i = 0; i < n; i++) {
      std::filesystem::create_directories(Folder(i));
      states_.push_back(std::make_unique<MapJournaled>());
      journals_.emplace_back();
      primacy_changes_.push_back(0);
    }
    snapshot_threshold_ = snapshot_threshold;
  }
  ~Quorum() {
    for (auto& j : journals_) {
      if (j) j->Stop().IgnoreError();
    }
    if (getenv("ALLUXIO_KEEP_TEST_DIRS") == nullptr) std::filesystem::remove_all(root_);
  }

  std::string Folder(int i) const { return root_ + "/m" + std::to_string(i); }

  RaftJournalOptions Options(int i) {
    RaftJournalOptions o;
    o.folder = Folder(i);
    o.addresses = addresses_;
    o.local_address = addresses_[i];
    o.election_timeout_ms = 300;
    o.snapshot_threshold = snapshot_threshold_;
    o.snapshot_trailing = 8;
    o.on_primacy_change = [this, i](bool) { primacy_changes_[i]++; };
    o.on_fatal_error = [this, i](const Status& s) {
      fatal_ = std::to_string(i) + ": " + s.ToString();
    };
    return o;
  }

  Status Start(int i) {
    journals_[i] = std::make_unique<RaftJournal>(Options(i));
    Status s = journals_[i]->Start(states_[i].get());
    if (!s.ok()) std::fprintf(stderr, "Start(%d): %s\n", i, s.ToString().c_str());
    return s;
  }
  void Stop(int i) {
    journals_[i]->Stop().IgnoreError();
    journals_[i].reset();
  }
  // Gives stopped node i an empty state (its folder is kept).
  void ResetState(int i) { states_[i] = std::make_unique<MapJournaled>(); }
  // Stops node i and gives it an empty folder and state.
  void Wipe(int i) {
    if (journals_[i]) Stop(i);
    std::filesystem::remove_all(Folder(i));
    std::filesystem::create_directories(Folder(i));
    states_[i] = std::make_unique<MapJournaled>();
  }

  // The one primary, or -1.
  int Primary() const {
    int p = -1;
    for (size_t i = 0; i < journals_.size(); i++) {
      if (journals_[i] && journals_[i]->IsPrimary()) {
        if (p != -1) return -2;  // two primaries: never acceptable
        p = static_cast<int>(i);
      }
    }
    return p;
  }
  int WaitForPrimary() {
    int p = -1;
    WaitFor([&] { return (p = Primary()) >= 0; });
    return p;
  }

  // Put + WaitForDurable through node i.
  Status Put(int i, const std::string& key, const std::string& value) {
    Result<SequenceNumber> sn = states_[i]->Put(journals_[i].get(), key, value);
    if (!sn.ok()) return sn.status();
    return journals_[i]->WaitForDurable(*sn);
  }

  // Put through whichever node is the primary, retrying (as a client does) when leadership moves
  // meanwhile: on a loaded machine a follower may miss heartbeats and start an election.
  Status PutAnywhere(const std::string& key, const std::string& value) {
    Status s;
    for (int attempt = 0; attempt < 50; attempt++) {
      int p = WaitForPrimary();
      if (p < 0) return UnavailableError("no primary");
      s = Put(p, key, value);
      if (s.ok() || s.code() != StatusCode::kUnavailable) return s;
    }
    return s;
  }

  RaftJournal* journal(int i) { return journals_[i].get(); }
  MapJournaled* state(int i) { return states_[i].get(); }
  const std::string& fatal() const { return fatal_; }
  int primacy_changes(int i) const { return primacy_changes_[i]; }

 private:
  std::string root_;
  std::vector<std::string> addresses_;
  std::vector<std::unique_ptr<MapJournaled>> states_;
  std::vector<std::unique_ptr<RaftJournal>> journals_;
  std::vector<int> primacy_changes_;
  int64_t snapshot_threshold_;
  std::string fatal_;
};

std::map<std::string, std::string> Expected(int from, int to) {
  std::map<std::string, std::string> m;
  for (int k = from; k < to; k++) m["k" + std::to_string(k)] = "v" + std::to_string(k);
  return m;
}

TEST(RaftJournalTest, SingleNodeIsPrimaryAndKeepsEverythingAcrossRestarts) {
  Quorum q(1);
  ASSERT_TRUE(q.Start(0).ok());
  ASSERT_EQ(q.WaitForPrimary(), 0);
  for (int k = 0; k < 100; k++) {
    ASSERT_TRUE(q.Put(0, "k" + std::to_string(k), "v" + std::to_string(k)).ok());
  }
  EXPECT_EQ(q.journal(0)->NextSequenceNumber(), 100);
  q.Stop(0);

  // A fresh state replays the log before the node serves again.
  q.ResetState(0);
  ASSERT_TRUE(q.Start(0).ok());
  ASSERT_EQ(q.WaitForPrimary(), 0);
  EXPECT_EQ(q.state(0)->contents(), Expected(0, 100));
  EXPECT_EQ(q.journal(0)->NextSequenceNumber(), 100);
  // OnDurable on the primary: OK once committed.
  Result<SequenceNumber> sn = q.state(0)->Put(q.journal(0), "k100", "v100");
  ASSERT_TRUE(sn.ok());
  std::atomic<int> ok_callbacks{0};
  q.journal(0)->OnDurable(*sn, [&](Status st) { ok_callbacks += st.ok() ? 1 : 100; });
  EXPECT_TRUE(WaitFor([&] { return ok_callbacks.load() != 0; }));
  EXPECT_EQ(ok_callbacks.load(), 1);
  EXPECT_EQ(q.state(0)->contents(), Expected(0, 101));
  EXPECT_EQ(q.journal(0)->snapshots_restored(), 0);
  EXPECT_TRUE(q.fatal().empty()) << q.fatal();
}

TEST(RaftJournalTest, StandbysApplyCommittedEntriesAndRefuseAppends) {
  Quorum q(3);
  for (int i = 0; i < 3; i++) ASSERT_TRUE(q.Start(i).ok());
  int p = q.WaitForPrimary();
  ASSERT_GE(p, 0);
  for (int k = 0; k < 200; k++)
    ASSERT_TRUE(q.PutAnywhere("k" + std::to_string(k), "v" + std::to_string(k)).ok());
  for (int i = 0; i < 3; i++) {
    EXPECT_TRUE(WaitFor([&] { return q.state(i)->contents() == Expected(0, 200); }))
        << "node " << i;
    EXPECT_EQ(q.journal(i)->AppliedSequenceNumber(), 200);
  }
  p = q.WaitForPrimary();  // leadership may have moved under load
  ASSERT_GE(p, 0);
  int standby = (p + 1) % 3;
  Result<SequenceNumber> sn = q.journal(standby)->Append(PutEntry("x", "y"));
  EXPECT_EQ(sn.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(sn.status().message().find("not the primary"), std::string::npos) << sn.status();
  std::vector<QuorumMember> members = q.journal(standby)->Quorum();
  ASSERT_EQ(members.size(), 3u);
  int leaders = 0;
  for (const QuorumMember& m : members) leaders += m.leader ? 1 : 0;
  EXPECT_EQ(leaders, 1);
  EXPECT_TRUE(q.fatal().empty()) << q.fatal();
}

TEST(RaftJournalTest, FailoverKeepsEveryAcknowledgedEntry) {
  Quorum q(3);
  for (int i = 0; i < 3; i++) ASSERT_TRUE(q.Start(i).ok());
  int next = 0;
  for (int round = 0; round < 3; round++) {
    int p = q.WaitForPrimary();
    ASSERT_GE(p, 0);
    for (int k = 0; k < 50; k++, next++) {
      ASSERT_TRUE(q.PutAnywhere("k" + std::to_string(next), "v" + std::to_string(next)).ok());
    }
    p = q.WaitForPrimary();
    ASSERT_GE(p, 0);
    auto t0 = std::chrono::steady_clock::now();
    q.Stop(p);
    int np = q.WaitForPrimary();
    ASSERT_GE(np, 0) << "no new primary after stopping " << p;
    EXPECT_NE(np, p);
    std::printf("round %d: new primary %d after %lld ms\n", round, np,
                static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::steady_clock::now() - t0)
                                           .count()));
    EXPECT_EQ(q.state(np)->contents(), Expected(0, next));
    ASSERT_TRUE(q.Start(p).ok());  // the old primary rejoins as a standby and catches up
    EXPECT_TRUE(WaitFor([&] { return q.state(p)->contents() == Expected(0, next); }));
  }
  EXPECT_TRUE(q.fatal().empty()) << q.fatal();
}

TEST(RaftJournalTest, FiveNodesSurviveTheLossOfTwo) {
  Quorum q(5);
  for (int i = 0; i < 5; i++) ASSERT_TRUE(q.Start(i).ok());
  for (int k = 0; k < 20; k++) {
    ASSERT_TRUE(q.PutAnywhere("k" + std::to_string(k), "v" + std::to_string(k)).ok());
  }
  int p = q.WaitForPrimary();
  ASSERT_GE(p, 0);
  int other = (p + 1) % 5;
  q.Stop(p);  // the primary and one standby go
  q.Stop(other);
  for (int k = 20; k < 40; k++) {
    ASSERT_TRUE(q.PutAnywhere("k" + std::to_string(k), "v" + std::to_string(k)).ok());
  }
  for (int i = 0; i < 5; i++) {
    if (i == p || i == other) continue;
    EXPECT_TRUE(WaitFor([&] { return q.state(i)->contents() == Expected(0, 40); })) << "node " << i;
  }
  EXPECT_TRUE(q.fatal().empty()) << q.fatal();
}

TEST(RaftJournalTest, WipedFollowerCatchesUpFromASnapshot) {
  Quorum q(3, /*snapshot_threshold=*/16);
  for (int i = 0; i < 3; i++) ASSERT_TRUE(q.Start(i).ok());
  int p = q.WaitForPrimary();
  ASSERT_GE(p, 0);
  int follower = (p + 1) % 3;
  q.Wipe(follower);
  // Entries written one at a time: the leader is idle after each, so it snapshots.
  for (int k = 0; k < 300; k++)
    ASSERT_TRUE(q.PutAnywhere("k" + std::to_string(k), "v" + std::to_string(k)).ok());
  std::this_thread::yield();
  ASSERT_TRUE(q.Start(follower).ok());
  EXPECT_TRUE(WaitFor([&] { return q.state(follower)->contents() == Expected(0, 300); }));
  // It installed the leader's snapshot: the log from the first entry is gone.
  EXPECT_GE(q.journal(follower)->snapshots_restored(), 1);
  EXPECT_TRUE(q.fatal().empty()) << q.fatal();
}

// A state imported on the primary (a restore from a backup) reaches every standby, survives
// restarts, and is followed by ordinary entries; only an empty journal's primary imports.
TEST(RaftJournalTest, ImportedStateReachesEveryMaster) {
  Quorum q(3);
  for (int i = 0; i < 3; i++) ASSERT_TRUE(q.Start(i).ok());
  int p = q.WaitForPrimary();
  ASSERT_GE(p, 0);
  int standby = (p + 1) % 3;
  EXPECT_EQ(q.journal(standby)->BeginImport().status().code(), StatusCode::kFailedPrecondition);
  // 300,000 puts: more than one compressed chunk.
  constexpr int kPuts = 300'000;
  Status s = ImportPuts(q.journal(p), q.state(p), "c1", 0, kPuts);
  ASSERT_TRUE(s.ok()) << s;
  std::map<std::string, std::string> expected = Expected(0, kPuts);
  expected["cluster_id"] = "c1";
  EXPECT_EQ(q.state(p)->contents(), expected);
  for (int i = 0; i < 3; i++) {
    EXPECT_TRUE(WaitFor([&] { return q.state(i)->contents() == expected; })) << "node " << i;
  }
  EXPECT_EQ(q.journal(p)->BeginImport().status().code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(q.PutAnywhere("k" + std::to_string(kPuts), "after").ok());
  expected["k" + std::to_string(kPuts)] = "after";
  // A standby restarted with an empty state rebuilds it from its log.
  q.Stop(standby);
  q.ResetState(standby);
  ASSERT_TRUE(q.Start(standby).ok());
  EXPECT_TRUE(WaitFor([&] { return q.state(standby)->contents() == expected; }));
  EXPECT_FALSE(std::filesystem::exists(q.Folder(p) + "/import.tmp"));
  EXPECT_TRUE(q.fatal().empty()) << q.fatal();
}

TEST(RaftJournalTest, CheckpointThenRestartRestoresTheSnapshot) {
  Quorum q(1);
  ASSERT_TRUE(q.Start(0).ok());
  ASSERT_EQ(q.WaitForPrimary(), 0);
  for (int k = 0; k < 50; k++)
    ASSERT_TRUE(q.Put(0, "k" + std::to_string(k), "v" + std::to_string(k)).ok());
  ASSERT_TRUE(q.journal(0)->Checkpoint().ok());
  ASSERT_TRUE(q.Put(0, "k50", "v50").ok());
  q.Stop(0);
  q.ResetState(0);
  ASSERT_TRUE(q.Start(0).ok());
  EXPECT_EQ(q.journal(0)->snapshots_restored(), 1);  // at Start, before any election
  ASSERT_EQ(q.WaitForPrimary(), 0);
  EXPECT_EQ(q.state(0)->contents(), Expected(0, 51));
  EXPECT_TRUE(q.fatal().empty()) << q.fatal();
}

// A snapshot that does not read back (a flipped byte) makes Start fail with DataLoss naming the
// folder: the master refuses to start with the reason instead of exiting from inside libraft.
TEST(RaftJournalTest, CorruptSnapshotFailsStartClearly) {
  Quorum q(1);
  ASSERT_TRUE(q.Start(0).ok());
  ASSERT_EQ(q.WaitForPrimary(), 0);
  for (int k = 0; k < 50; k++)
    ASSERT_TRUE(q.Put(0, "k" + std::to_string(k), "v" + std::to_string(k)).ok());
  ASSERT_TRUE(q.journal(0)->Checkpoint().ok());
  q.Stop(0);
  q.ResetState(0);
  int corrupted = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(q.Folder(0))) {
    std::string name = e.path().filename().string();
    if (name.rfind("snapshot-", 0) != 0 || name.find(".meta") != std::string::npos) continue;
    std::fstream f(e.path(), std::ios::in | std::ios::out | std::ios::binary);
    auto size = std::filesystem::file_size(e.path());
    ASSERT_GT(size, 16u);
    f.seekg(static_cast<std::streamoff>(size / 2));
    char c = 0;
    f.read(&c, 1);
    c = static_cast<char>(c ^ 0x5a);
    f.seekp(static_cast<std::streamoff>(size / 2));
    f.write(&c, 1);
    corrupted++;
  }
  ASSERT_GT(corrupted, 0);
  Status s = q.Start(0);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s.ToString();
  EXPECT_NE(s.message().find("snapshot"), std::string::npos) << s.ToString();
  EXPECT_TRUE(q.fatal().empty()) << q.fatal();
}

TEST(RaftJournalTest, LeaderWithoutQuorumAcknowledgesNothingAndRebuildsItsState) {
  Quorum q(3);
  for (int i = 0; i < 3; i++) ASSERT_TRUE(q.Start(i).ok());
  int p = q.WaitForPrimary();
  ASSERT_GE(p, 0);
  ASSERT_TRUE(q.Put(p, "committed", "1").ok());
  int a = (p + 1) % 3, b = (p + 2) % 3;
  q.Stop(a);
  q.Stop(b);
  // Applied locally, never committed: the waiter (and an OnDurable callback) is told so once
  // leadership is gone.
  Result<SequenceNumber> lost = q.state(p)->Put(q.journal(p), "lost", "1");
  ASSERT_TRUE(lost.ok());
  std::mutex mu;
  std::vector<Status> callbacks;
  q.journal(p)->OnDurable(*lost, [&](Status st) {
    std::lock_guard<std::mutex> l(mu);
    callbacks.push_back(st);
  });
  Status s = q.journal(p)->WaitForDurable(*lost);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s;
  EXPECT_TRUE(WaitFor([&] {
    std::lock_guard<std::mutex> l(mu);
    return !callbacks.empty();
  }));
  {
    std::lock_guard<std::mutex> l(mu);
    ASSERT_EQ(callbacks.size(), 1u);
    EXPECT_EQ(callbacks[0].code(), StatusCode::kUnavailable) << callbacks[0];
  }
  EXPECT_TRUE(WaitFor([&] { return q.journal(p)->rebuilds() == 1; }));
  EXPECT_FALSE(q.journal(p)->IsPrimary());
  EXPECT_EQ(q.primacy_changes(p), 2);  // gained, lost
  ASSERT_TRUE(q.Start(a).ok());
  ASSERT_TRUE(q.Start(b).ok());
  int np = q.WaitForPrimary();
  ASSERT_GE(np, 0);
  ASSERT_TRUE(q.PutAnywhere("after", "1").ok());
  // The unacknowledged entry reached the old leader's log only. Raft may still commit it (if the
  // old leader wins the next election with its longer log) or drop it; either way every node
  // agrees, and the acknowledged entries are there.
  std::map<std::string, std::string> dropped = {{"committed", "1"}, {"after", "1"}};
  std::map<std::string, std::string> kept = {{"committed", "1"}, {"lost", "1"}, {"after", "1"}};
  for (int i = 0; i < 3; i++) {
    EXPECT_TRUE(WaitFor([&] {
      auto c = q.state(i)->contents();
      return c == dropped || c == kept;
    })) << "node "
        << i;
  }
  EXPECT_EQ(q.state(0)->contents(), q.state(1)->contents());
  EXPECT_EQ(q.state(0)->contents(), q.state(2)->contents());
  EXPECT_TRUE(q.fatal().empty()) << q.fatal();
}

TEST(RaftJournalTest, BadConfigurationIsRefusedClearly) {
  Quorum q(1);
  RaftJournalOptions o = q.Options(0);
  o.local_address = "127.0.0.1:1";
  RaftJournal j(o);
  MapJournaled state;
  Status s = j.Start(&state);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("is not one of the configured addresses"), std::string::npos) << s;

  o = q.Options(0);
  o.folder = q.Folder(0) + "/missing";
  RaftJournal unformatted(o);
  s = unformatted.Start(&state);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(), "Journal " + o.folder + " has not been formatted!");

  o = q.Options(0);
  o.addresses = {"nohost", o.local_address};
  RaftJournal bad(o);
  s = bad.Start(&state);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("expected host:port"), std::string::npos) << s;
}

}  // namespace
}  // namespace alluxio::journal

namespace alluxio::journal {
namespace {

JournalEntry GoldenBatch() {
  JournalEntry batch;
  batch.set_sequence_number(41);
  for (int i = 0; i < 2; i++) {
    JournalEntry e = PutEntry("key" + std::to_string(i), "value" + std::to_string(i));
    e.set_sequence_number(41 + i);
    *batch.add_journal_entries() = std::move(e);
  }
  return batch;
}

// Version 1 commands, as committed to src/journal/raft/testdata/v1/, stay readable; this build
// still writes exactly those bytes. ALLUXIO_WRITE_GOLDEN=1 rewrites the file (only when the
// format version changes: then add a v2 directory and keep v1).
TEST(RaftCommandFormatTest, GoldenVersion1StaysReadable) {
  std::string path = std::string(ALLUXIO_SOURCE_DIR) + "/src/journal/raft/testdata/v1/command.bin";
  if (getenv("ALLUXIO_WRITE_GOLDEN") != nullptr) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << EncodeCommand(GoldenBatch());
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in.good()) << path;
  std::string golden((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(golden.size() % 8, 0u);
  JournalEntry decoded;
  ASSERT_TRUE(DecodeCommand(golden, &decoded).ok());
  EXPECT_EQ(decoded.SerializeAsString(), GoldenBatch().SerializeAsString());
  EXPECT_EQ(EncodeCommand(GoldenBatch()), golden);

  std::string newer = golden;
  newer[0] = 2;
  Status s = DecodeCommand(newer, &decoded);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("version 2 is not supported"), std::string::npos) << s;
  EXPECT_EQ(DecodeCommand(golden.substr(0, 12), &decoded).code(), StatusCode::kDataLoss);
  EXPECT_EQ(DecodeCommand("", &decoded).code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace alluxio::journal
