// SPDX-License-Identifier: Apache-2.0
// Crash harness for a real alluxio-master process: a "create storm" of client threads, kill -9 at a
// random moment, restart on the same journal, and a model check that every acknowledged operation
// survived. Small checkpoint period and segment size make checkpoints, segment rotation and log
// garbage collection happen during the storm, so kills land in the middle of them.
//
// Model: each worker thread owns a subtree (/tN, or /pN for the workers whose creates go to the
// UFS) and runs one operation at a time, so its expected subtree is exact except for the one
// operation in flight when the master died. An operation whose reply was lost (Unavailable,
// DeadlineExceeded, Cancelled, Aborted) may or may not have taken effect; the recovered subtree
// must equal the model either without it or with it. Any other error fails the test.
//
// Environment: ALLUXIO_CRASH_SEED (default random, always logged) and ALLUXIO_CRASH_ROUNDS
// (default 20) reproduce or lengthen a run.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "client/api/file_system.h"
#include "tests/crash/child_process.h"
#include "tests/crash/master_cluster.h"

namespace alluxio::testing {
namespace {

using namespace std::chrono_literals;

// ---- the model ----

enum class Kind { kDir, kIncompleteFile, kFile };

struct Node {
  Kind kind;
  int mode;
  bool operator==(const Node&) const = default;
};

// Paths (absolute) below a worker's root, not including the root.
using Tree = std::map<std::string, Node>;

bool IsUnder(const std::string& path, const std::string& dir) {
  return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
         path[dir.size()] == '/';
}

void ApplyDelete(Tree* tree, const std::string& path) {
  for (auto it = tree->begin(); it != tree->end();) {
    if (it->first == path || IsUnder(it->first, path)) {
      it = tree->erase(it);
    } else {
      ++it;
    }
  }
}

void ApplyRename(Tree* tree, const std::string& src, const std::string& dst) {
  Tree moved;
  for (auto it = tree->begin(); it != tree->end();) {
    if (it->first == src || IsUnder(it->first, src)) {
      moved[dst + it->first.substr(src.size())] = it->second;
      it = tree->erase(it);
    } else {
      ++it;
    }
  }
  tree->insert(moved.begin(), moved.end());
}

std::string KindName(Kind k) {
  switch (k) {
    case Kind::kDir:
      return "dir";
    case Kind::kIncompleteFile:
      return "incomplete file";
    case Kind::kFile:
      return "file";
  }
  return "?";
}

std::string DescribeNode(const Node& n) {
  std::ostringstream out;
  out << KindName(n.kind) << " mode " << std::oct << n.mode;
  return out.str();
}

// "missing /a (dir mode 755); unexpected /b (...); differs /c: ... vs ..." (at most 20 items).
std::string DiffTrees(const Tree& expected, const Tree& actual) {
  std::vector<std::string> items;
  for (const auto& [path, node] : expected) {
    auto it = actual.find(path);
    if (it == actual.end()) {
      items.push_back("missing " + path + " (" + DescribeNode(node) + ")");
    } else if (!(it->second == node)) {
      items.push_back("differs " + path + ": expected " + DescribeNode(node) + ", got " +
                      DescribeNode(it->second));
    }
  }
  for (const auto& [path, node] : actual) {
    if (!expected.contains(path)) {
      items.push_back("unexpected " + path + " (" + DescribeNode(node) + ")");
    }
  }
  std::string out;
  for (size_t i = 0; i < items.size() && i < 20; ++i) out += "\n      " + items[i];
  if (items.size() > 20) out += "\n      ... " + std::to_string(items.size() - 20) + " more";
  return out;
}

bool OutcomeUnknown(StatusCode code) {
  return code == StatusCode::kUnavailable || code == StatusCode::kDeadlineExceeded ||
         code == StatusCode::kCancelled || code == StatusCode::kAborted;
}

constexpr int kDirModes[] = {0755, 0700, 0750, 0711};
constexpr int kFileModes[] = {0644, 0600, 0640, 0604};

// ---- a worker: one client thread and its subtree ----

class Worker {
 public:
  Worker(int index, bool persist, uint64_t seed)
      : root_((persist ? "/p" : "/t") + std::to_string(index)), persist_(persist), rng_(seed) {}

  const std::string& root() const { return root_; }
  bool persist() const { return persist_; }
  const Tree& model() const { return model_; }
  const std::string& failure() const { return failure_; }
  int64_t acked() const { return acked_; }
  int64_t in_doubt_applied() const { return in_doubt_applied_; }
  int64_t in_doubt_lost() const { return in_doubt_lost_; }
  bool has_pending() const { return pending_.has_value(); }

  // Runs operations until `stop` is set, an outcome is unknown, or an operation fails.
  void Run(client::FileSystem* fs, const std::atomic<bool>& stop, int round) {
    round_ = round;
    while (!stop.load(std::memory_order_relaxed) && failure_.empty() && !pending_) {
      RunOne(fs);
    }
  }

  // Compares the recovered subtree with the model; returns "" or a description of the mismatch.
  // On success the model becomes the recovered state (resolving the in-flight operation).
  std::string Verify(const Tree& actual) {
    std::string error;
    if (actual == model_) {
      if (pending_) ++in_doubt_lost_;
    } else if (pending_ && actual == *pending_) {
      ++in_doubt_applied_;
      model_ = *pending_;
    } else {
      error = root_ + ": recovered state matches neither the acknowledged model" +
              (pending_ ? " nor the model with the in-flight op (" + pending_desc_ + ")" : "") +
              ".\n    vs acknowledged:" + DiffTrees(model_, actual);
      if (pending_) error += "\n    vs with in-flight op:" + DiffTrees(*pending_, actual);
      error += "\n    last acknowledged op: " + last_acked_;
    }
    pending_.reset();
    pending_desc_.clear();
    return error;
  }

 private:
  struct Op {
    std::string desc;
    std::function<Status(client::FileSystem*)> exec;
    Tree after;
  };

  std::string NewName(const char* prefix) {
    return std::string(prefix) + std::to_string(round_) + "_" + std::to_string(counter_++);
  }
  template <size_t N>
  int Pick(const int (&values)[N]) {
    return values[std::uniform_int_distribution<size_t>(0, N - 1)(rng_)];
  }
  std::string PickDir(const std::string& exclude = "") {
    std::vector<std::string> dirs = {root_};
    for (const auto& [path, node] : model_) {
      if (node.kind == Kind::kDir &&
          (exclude.empty() || (path != exclude && !IsUnder(path, exclude)))) {
        dirs.push_back(path);
      }
    }
    return dirs[std::uniform_int_distribution<size_t>(0, dirs.size() - 1)(rng_)];
  }
  std::string PickEntry() {
    auto it = model_.begin();
    std::advance(it, std::uniform_int_distribution<size_t>(0, model_.size() - 1)(rng_));
    return it->first;
  }

  Op Choose() {
    Op op;
    op.after = model_;
    // An incomplete file (its CompleteFile was in flight at a crash) is completed first.
    for (const auto& [path, node] : model_) {
      if (node.kind == Kind::kIncompleteFile) {
        std::string p = path;
        op.desc = "CompleteFile " + p;
        op.after[p].kind = Kind::kFile;
        op.exec = [p](client::FileSystem* fs) { return fs->CompleteFile(p); };
        return op;
      }
    }
    enum { kMkdir, kCreate, kRename, kDelete, kChmod };
    int choice;
    if (persist_) {
      choice = std::bernoulli_distribution(0.45)(rng_) ? kMkdir : kCreate;
    } else if (model_.empty()) {
      choice = kMkdir;
    } else {
      double del = model_.size() > 150 ? 40 : 10;
      choice = std::discrete_distribution<int>({25, 30, 15, del, 10})(rng_);
    }
    switch (choice) {
      case kMkdir: {
        std::string p = PickDir() + "/" + NewName("d");
        int mode = Pick(kDirModes);
        op.desc = "CreateDirectory " + p;
        op.after[p] = {Kind::kDir, mode};
        bool persist = persist_;
        op.exec = [p, mode, persist](client::FileSystem* fs) {
          client::fsopts::CreateDirectoryPOptions o;
          o.set_mode(mode);
          o.set_persist(persist);
          return fs->CreateDirectory(p, o);
        };
        break;
      }
      case kCreate: {
        std::string p = PickDir() + "/" + NewName("f");
        int mode = Pick(kFileModes);
        op.desc = "CreateFile " + p;
        op.after[p] = {Kind::kIncompleteFile, mode};
        bool persist = persist_;
        op.exec = [p, mode, persist](client::FileSystem* fs) {
          client::fsopts::CreateFilePOptions o;
          o.set_mode(mode);
          o.set_persist(persist);
          return fs->CreateFile(p, o).status();
        };
        break;
      }
      case kRename: {
        std::string src = PickEntry();
        bool dir = model_.at(src).kind == Kind::kDir;
        std::string dst = PickDir(dir ? src : "") + "/" + NewName(dir ? "d" : "f");
        op.desc = "Rename " + src + " -> " + dst;
        ApplyRename(&op.after, src, dst);
        op.exec = [src, dst](client::FileSystem* fs) { return fs->Rename(src, dst); };
        break;
      }
      case kDelete: {
        std::string p = PickEntry();
        op.desc = "Delete -R " + p;
        ApplyDelete(&op.after, p);
        op.exec = [p](client::FileSystem* fs) {
          client::fsopts::DeletePOptions o;
          o.set_recursive(true);
          return fs->Delete(p, o);
        };
        break;
      }
      default: {
        std::string p = PickEntry();
        int mode = model_.at(p).kind == Kind::kDir ? Pick(kDirModes) : Pick(kFileModes);
        std::ostringstream d;
        d << "SetAttribute mode=" << std::oct << mode << " " << p;
        op.desc = d.str();
        op.after[p].mode = mode;
        op.exec = [p, mode](client::FileSystem* fs) {
          client::fsopts::SetAttributePOptions o;
          o.set_mode(mode);
          return fs->SetAttribute(p, o);
        };
        break;
      }
    }
    return op;
  }

  void RunOne(client::FileSystem* fs) {
    Op op = Choose();
    Status s = op.exec(fs);
    if (s.ok()) {
      model_ = std::move(op.after);
      last_acked_ = op.desc;
      ++acked_;
    } else if (OutcomeUnknown(s.code())) {
      pending_ = std::move(op.after);
      pending_desc_ = op.desc + " -> " + s.ToString();
    } else {
      failure_ = root_ + ": " + op.desc + " failed: " + s.ToString();
    }
  }

  const std::string root_;
  const bool persist_;
  std::mt19937_64 rng_;
  int round_ = 0;
  uint64_t counter_ = 0;
  Tree model_;
  std::optional<Tree> pending_;  // the model if the in-flight operation took effect
  std::string pending_desc_;
  std::string failure_;
  std::string last_acked_;
  int64_t acked_ = 0;
  int64_t in_doubt_applied_ = 0;
  int64_t in_doubt_lost_ = 0;
};

uint64_t SeedFromEnv() {
  if (const char* s = std::getenv("ALLUXIO_CRASH_SEED"); s != nullptr && *s != '\0') {
    return std::strtoull(s, nullptr, 10);
  }
  return std::random_device{}() * 0x100000001ULL ^ std::random_device{}();
}

int RoundsFromEnv() {
  if (const char* s = std::getenv("ALLUXIO_CRASH_ROUNDS"); s != nullptr && *s != '\0') {
    return std::max(1, std::atoi(s));
  }
  return 20;
}

size_t CountFiles(const std::string& dir) {
  std::error_code ec;
  size_t n = 0;
  for (auto it = std::filesystem::directory_iterator(dir, ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++n;
  }
  return n;
}

class MasterCrashTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (HasFailure() && cluster_) {
      cluster_->KeepDir();
      std::cout << "Kept " << cluster_->dir() << " (master logs in logs/)" << std::endl;
    }
  }

  // Lists the whole namespace and checks every worker; returns the error messages.
  std::vector<std::string> VerifyAll(std::vector<Worker>* workers) {
    std::vector<std::string> errors;
    std::unique_ptr<client::FileSystem> fs = cluster_->NewClient("10sec");
    client::fsopts::ListStatusPOptions opts;
    opts.set_recursive(true);
    Result<std::vector<client::FileInfo>> listing = fs->ListStatus("/", opts);
    if (!listing.ok()) return {"ListStatus -R / failed: " + listing.status().ToString()};
    std::map<std::string, Tree> by_root;
    std::map<std::string, const client::FileInfo*> infos;
    for (const Worker& w : *workers) by_root[w.root()];
    for (const client::FileInfo& info : *listing) {
      const std::string& path = info.path();
      infos[path] = &info;
      if (by_root.contains(path)) continue;
      bool owned = false;
      for (auto& [root, tree] : by_root) {
        if (IsUnder(path, root)) {
          Kind kind =
              info.folder() ? Kind::kDir : (info.completed() ? Kind::kFile : Kind::kIncompleteFile);
          tree[path] = Node{kind, info.mode() & 0777};
          owned = true;
          break;
        }
      }
      if (!owned) errors.push_back("unexpected path outside every worker subtree: " + path);
    }
    for (Worker& w : *workers) {
      if (!infos.contains(w.root())) errors.push_back("worker root " + w.root() + " is missing");
      std::string e = w.Verify(by_root[w.root()]);
      if (!e.empty()) errors.push_back(e);
      if (!e.empty() || !w.persist()) continue;
      // Creates that went to the UFS are in the UFS folder too, and marked persisted.
      for (const auto& [path, node] : w.model()) {
        std::string local = cluster_->ufs_dir() + path;
        if (node.kind == Kind::kDir && !std::filesystem::is_directory(local)) {
          errors.push_back("persisted directory " + path + " is not in the UFS at " + local);
        } else if (node.kind == Kind::kFile && !std::filesystem::is_regular_file(local)) {
          errors.push_back("persisted file " + path + " is not in the UFS at " + local);
        }
        if (node.kind != Kind::kIncompleteFile && !infos.at(path)->persisted()) {
          errors.push_back(path + " was created persisted but is not persisted after recovery");
        }
      }
    }
    return errors;
  }

  std::unique_ptr<MasterCluster> cluster_;
};

TEST_F(MasterCrashTest, AcknowledgedOperationsSurviveKillNine) {
  const uint64_t seed = SeedFromEnv();
  const int rounds = RoundsFromEnv();
  std::cout << "ALLUXIO_CRASH_SEED=" << seed << " ALLUXIO_CRASH_ROUNDS=" << rounds << std::endl;
  RecordProperty("seed", std::to_string(seed));
  std::mt19937_64 rng(seed);

  cluster_ = std::make_unique<MasterCluster>(std::map<std::string, std::string>{
      {"alluxio.master.journal.checkpoint.period.entries", "500"},
      {"alluxio.master.journal.log.size.bytes.max", "64KB"},
  });
  int format = cluster_->FormatJournal();
  ASSERT_TRUE(ExitedWith(format, 0)) << "formatJournal: " << DescribeWaitStatus(format);
  Status started = cluster_->Start();
  ASSERT_TRUE(started.ok()) << started.ToString();

  constexpr int kWorkers = 8;
  constexpr int kPersistingWorkers = 2;  // the last ones; they only create, in Alluxio and the UFS
  std::vector<Worker> workers;
  {
    std::unique_ptr<client::FileSystem> fs = cluster_->NewClient("10sec");
    for (int i = 0; i < kWorkers; ++i) {
      bool persist = i >= kWorkers - kPersistingWorkers;
      workers.emplace_back(i, persist, seed + 1000003ULL * static_cast<uint64_t>(i + 1));
      client::fsopts::CreateDirectoryPOptions o;
      o.set_persist(persist);
      Status s = fs->CreateDirectory(workers.back().root(), o);
      ASSERT_TRUE(s.ok()) << "CreateDirectory " << workers.back().root() << ": " << s.ToString();
    }
  }

  const auto test_start = std::chrono::steady_clock::now();
  for (int round = 1; round <= rounds; ++round) {
    const auto round_start = std::chrono::steady_clock::now();
    std::atomic<bool> stop{false};
    std::vector<std::unique_ptr<client::FileSystem>> clients;
    for (int i = 0; i < kWorkers; ++i) clients.push_back(cluster_->NewClient("2sec"));
    std::vector<std::thread> threads;
    // Joins the storm on every exit from this round, including a failed assertion.
    struct Joiner {
      std::atomic<bool>* stop;
      std::vector<std::thread>* threads;
      ~Joiner() {
        stop->store(true);
        for (std::thread& t : *threads) {
          if (t.joinable()) t.join();
        }
      }
    } joiner{&stop, &threads};
    int64_t acked_before = 0;
    for (const Worker& w : workers) acked_before += w.acked();
    for (int i = 0; i < kWorkers; ++i) {
      threads.emplace_back([&, i] { workers[i].Run(clients[i].get(), stop, round); });
    }

    // The fault: a random moment into the storm. This sleep only places the kill; nothing waits
    // on it for synchronisation.
    const auto delay = std::chrono::milliseconds(std::uniform_int_distribution<int>(50, 1200)(rng));
    std::this_thread::sleep_for(delay);
    const bool graceful = std::uniform_int_distribution<int>(0, 4)(rng) == 0;
    int status = cluster_->Stop(graceful ? SIGTERM : SIGKILL);
    stop.store(true);
    if (graceful) {
      EXPECT_TRUE(ExitedWith(status, 0))
          << "round " << round << ": SIGTERM should stop the master cleanly, got "
          << DescribeWaitStatus(status) << "; log:\n"
          << TailOfFile(cluster_->master_log());
    }

    // Sometimes crash again while the master recovers (replay, segment completion).
    bool recovery_kill = std::uniform_int_distribution<int>(0, 3)(rng) == 0;
    if (recovery_kill) {
      Status s = cluster_->Spawn();
      ASSERT_TRUE(s.ok()) << s.ToString();
      std::this_thread::sleep_for(
          std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 40)(rng)));
      cluster_->Stop(SIGKILL);
    }

    // Usually restart on the same journal at once: clients still retrying reach the new master
    // with the same operation ids (the retry must be recognised). Sometimes restart only after
    // every client gave up, so that the in-flight operations stay in doubt.
    const bool restart_late = std::uniform_int_distribution<int>(0, 2)(rng) == 0;
    if (restart_late) {
      for (std::thread& t : threads) t.join();
    }
    const auto restart_begin = std::chrono::steady_clock::now();
    Status s = cluster_->Start();
    const auto restart_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - restart_begin)
                                .count();
    ASSERT_TRUE(s.ok()) << "round " << round << ": restart failed: " << s.ToString();
    for (std::thread& t : threads) {
      if (t.joinable()) t.join();
    }

    int64_t acked = -acked_before;
    int in_flight = 0;
    for (const Worker& w : workers) {
      acked += w.acked();
      in_flight += w.has_pending() ? 1 : 0;
    }
    std::vector<std::string> errors;
    for (const Worker& w : workers) {
      if (!w.failure().empty()) errors.push_back(w.failure());
    }
    std::vector<std::string> verify = VerifyAll(&workers);
    errors.insert(errors.end(), verify.begin(), verify.end());
    std::cout << "round " << round << ": " << (graceful ? "SIGTERM" : "SIGKILL") << " after "
              << delay.count() << " ms, " << acked << " ops acknowledged, " << in_flight
              << " in doubt" << (recovery_kill ? ", killed again during recovery" : "")
              << (restart_late ? ", restarted after the clients gave up" : "") << ", restart "
              << restart_ms << " ms, round "
              << std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - round_start)
                     .count()
              << " ms" << std::endl;
    if (!errors.empty()) {
      std::string all;
      for (const std::string& e : errors) all += "\n  " + e;
      FAIL() << "round " << round << " (ALLUXIO_CRASH_SEED=" << seed << "):" << all
             << "\nmaster log " << cluster_->master_log() << ":\n"
             << TailOfFile(cluster_->master_log());
    }
  }

  // A clean restart after the storm changes nothing.
  EXPECT_TRUE(ExitedWith(cluster_->Stop(SIGTERM), 0));
  ASSERT_TRUE(cluster_->Start().ok());
  std::vector<std::string> errors = VerifyAll(&workers);
  for (const std::string& e : errors) ADD_FAILURE() << "after the final clean restart: " << e;

  int64_t acked = 0, applied = 0, lost = 0;
  size_t entries = 0;
  for (const Worker& w : workers) {
    acked += w.acked();
    applied += w.in_doubt_applied();
    lost += w.in_doubt_lost();
    entries += w.model().size();
  }
  const size_t checkpoints = CountFiles(cluster_->journal_dir() + "/checkpoints");
  const size_t segments = CountFiles(cluster_->journal_dir() + "/logs");
  std::cout << rounds << " rounds in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - test_start)
                   .count()
            << " ms: " << acked << " ops acknowledged, in-flight ops applied/lost " << applied
            << "/" << lost << ", " << entries << " inodes at the end, " << checkpoints
            << " checkpoint(s) and " << segments << " log segment(s) in the journal" << std::endl;
  EXPECT_GE(acked, 10 * rounds) << "the storm did too little to test anything";
  EXPECT_GE(checkpoints, 1u) << "no checkpoint was written (period 500 entries)";
  // Tens of thousands of entries in 64KB segments: without log GC there would be hundreds.
  EXPECT_LE(segments, 50u) << "completed log segments are not garbage-collected after checkpoints";
}

// A master on an existing but unformatted journal folder refuses to start, with Alluxio's message.
TEST_F(MasterCrashTest, UnformattedJournalFolderIsRefused) {
  cluster_ = std::make_unique<MasterCluster>();
  std::filesystem::create_directories(cluster_->journal_dir());
  ASSERT_TRUE(cluster_->Spawn().ok());
  std::optional<int> status = cluster_->master()->Wait(30s);
  ASSERT_TRUE(status.has_value()) << "the master kept running on an unformatted journal; log:\n"
                                  << TailOfFile(cluster_->master_log());
  EXPECT_FALSE(ExitedWith(*status, 0)) << DescribeWaitStatus(*status);
  std::string log = ReadFileOrEmpty(cluster_->master_log());
  EXPECT_NE(log.find("Journal " + cluster_->journal_dir() + " has not been formatted!"),
            std::string::npos)
      << log;
  // Nothing was formatted behind the operator's back.
  for (const auto& entry : std::filesystem::directory_iterator(cluster_->journal_dir())) {
    EXPECT_EQ(entry.path().filename().string().rfind("_format_", 0), std::string::npos)
        << entry.path();
  }
}

// While a master runs, a second master on the same journal, and formatJournal, are refused; the
// first master keeps serving, and the journal opens again once it stopped.
TEST_F(MasterCrashTest, SecondMasterOnALockedJournalIsRefused) {
  cluster_ = std::make_unique<MasterCluster>();
  ASSERT_TRUE(ExitedWith(cluster_->FormatJournal(), 0));
  Status s = cluster_->Start();
  ASSERT_TRUE(s.ok()) << s.ToString();
  std::unique_ptr<client::FileSystem> fs = cluster_->NewClient("10sec");
  ASSERT_TRUE(fs->CreateDirectory("/before").ok());
  const int first_port = cluster_->port();

  // Same work dir (journal), another port: the journal lock must refuse it.
  std::vector<std::string> argv = {MasterBinary()};
  for (std::string a : cluster_->MasterArgs()) {
    if (a.rfind("-Dalluxio.master.rpc.port=", 0) == 0) {
      a = "-Dalluxio.master.rpc.port=" + std::to_string(PickFreePort());
    }
    argv.push_back(a);
  }
  const std::string second_log = cluster_->NextLogPath("second-master");
  ChildProcess second(argv, second_log, cluster_->ChildEnv());
  ASSERT_TRUE(second.Start().ok());
  std::optional<int> status = second.Wait(30s);
  ASSERT_TRUE(status.has_value()) << "a second master started on a locked journal; log:\n"
                                  << TailOfFile(second_log);
  EXPECT_FALSE(ExitedWith(*status, 0)) << DescribeWaitStatus(*status);
  std::string log = ReadFileOrEmpty(second_log);
  EXPECT_NE(log.find("Cannot start journal " + cluster_->journal_dir()), std::string::npos) << log;
  EXPECT_NE(log.find("locked"), std::string::npos) << log;

  // formatJournal refuses too, and does not wipe the journal.
  std::string format_output;
  int format = cluster_->FormatJournal(&format_output);
  EXPECT_FALSE(ExitedWith(format, 0)) << format_output;
  EXPECT_NE(format_output.find("in use by a running master"), std::string::npos) << format_output;

  // The first master is unharmed.
  ASSERT_EQ(cluster_->port(), first_port);
  Result<bool> exists = fs->Exists("/before");
  ASSERT_TRUE(exists.ok()) << exists.status().ToString();
  EXPECT_TRUE(*exists);
  ASSERT_TRUE(fs->CreateDirectory("/during").ok());

  // After a clean stop the lock is free and the namespace is intact.
  EXPECT_TRUE(ExitedWith(cluster_->Stop(SIGTERM), 0));
  s = cluster_->Start();
  ASSERT_TRUE(s.ok()) << s.ToString();
  fs = cluster_->NewClient("10sec");
  for (const char* path : {"/before", "/during"}) {
    Result<bool> e = fs->Exists(path);
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    EXPECT_TRUE(*e) << path;
  }
}

}  // namespace
}  // namespace alluxio::testing
