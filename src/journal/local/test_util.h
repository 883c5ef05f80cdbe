// SPDX-License-Identifier: Apache-2.0
// Helpers for the local journal tests: a per-test temporary folder, journal options, building
// segments by hand, record offsets, byte patching and polling with a deadline.
//
// Thread-safety: test-only helpers; TempFolder is not shared between threads.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "env/env.h"
#include "gtest/gtest.h"
#include "journal/journal.h"
#include "journal/local/journal_layout.h"
#include "journal/local/local_journal.h"
#include "journal/local/record_format.h"
#include "journal/local/segment.h"
#include "journal/testing/map_journaled.h"

namespace alluxio::journal::testing {

// A fresh directory under the test temp dir, removed at destruction. Unique per test and process
// so that tests can run in parallel.
class TempFolder {
 public:
  TempFolder() {
    std::string tmpl = ::testing::TempDir() + "alluxio_journal_test.XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
    path_ = tmpl;
  }
  ~TempFolder() { env::Env::Default()->RemoveDirRecursively(path_).IgnoreError(); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline LocalJournalOptions TestOptions(const std::string& folder, env::Env* env = nullptr) {
  LocalJournalOptions o;
  o.folder = folder;
  o.env = env;
  o.flush_batch_time_ms = 5;
  o.checkpoint_period_entries = 1'000'000;  // Tests checkpoint explicitly unless they say so.
  return o;
}

// Polls `condition` until it holds or `timeout` passes; returns whether it held.
inline bool WaitFor(const std::function<bool()>& condition,
                    std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

// Writes a segment holding exactly `entries` (their sequence numbers as given) at `path`.
inline void WriteSegmentFile(const std::string& path, SequenceNumber first_sn,
                             const std::vector<JournalEntry>& entries) {
  auto writer = SegmentWriter::Create(env::Env::Default(), path, first_sn);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  std::string records;
  for (const JournalEntry& e : entries) AppendEntryRecord(&records, e);
  ASSERT_TRUE((*writer)->Append(records).ok());
  ASSERT_TRUE((*writer)->Sync().ok());
  ASSERT_TRUE((*writer)->Close().ok());
}

// Offsets of the records of a segment file (stops at the first problem).
inline std::vector<uint64_t> RecordOffsets(const std::string& path) {
  std::vector<uint64_t> offsets;
  auto file = env::Env::Default()->NewSequentialFile(path);
  if (!file.ok()) return offsets;
  RecordReader reader(file->get(), 0);
  if (!reader.ReadRaw(kFileHeaderSize).ok()) return offsets;
  while (true) {
    auto outcome = reader.Next();
    if (!outcome.ok() || *outcome != RecordReader::Outcome::kRecord) break;
    offsets.push_back(reader.record_offset());
  }
  return offsets;
}

inline std::string ReadAll(const std::string& path) {
  return env::ReadFileToString(env::Env::Default(), path).value();
}

inline void WriteAll(const std::string& path, const std::string& data) {
  ASSERT_TRUE(env::WriteStringToFileSync(env::Env::Default(), path, data).ok());
}

// Replaces bytes [offset, offset + bytes.size()) of the file.
inline void PatchFile(const std::string& path, uint64_t offset, const std::string& bytes) {
  std::string data = ReadAll(path);
  ASSERT_LE(offset + bytes.size(), data.size());
  data.replace(offset, bytes.size(), bytes);
  WriteAll(path, data);
}

inline std::string OpenSegmentPath(const std::string& folder, SequenceNumber start) {
  return folder + "/logs/" + RangeName(start, kOpenSegmentEnd);
}

inline std::vector<std::string> Children(const std::string& dir) {
  auto children = env::Env::Default()->GetChildren(dir);
  std::vector<std::string> names = children.ok() ? *children : std::vector<std::string>();
  std::sort(names.begin(), names.end());
  return names;
}

inline bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// A formatted journal folder with a restartable journal and MapJournaled state.
class JournalHarness {
 public:
  explicit JournalHarness(env::Env* env = nullptr) {
    if (!FormatLocalJournal(env::Env::Default(), folder_.path()).ok()) std::abort();
    options_ = TestOptions(folder_.path(), env);
  }
  ~JournalHarness() { journal_.reset(); }

  // Replaces the journal and state by fresh ones recovered from the folder.
  Status Restart() {
    journal_.reset();
    state_ = std::make_unique<MapJournaled>();
    journal_ = std::make_unique<LocalJournal>(options_);
    return journal_->Start(state_.get());
  }
  Status Stop() { return journal_->Stop(); }

  // Puts key -> value and waits until it is durable.
  Status PutAndWait(const std::string& key, const std::string& value) {
    Result<SequenceNumber> sn = state_->Put(journal_.get(), key, value);
    if (!sn.ok()) return sn.status();
    return journal_->WaitForDurable(*sn);
  }
  // Starts, puts "k<i>" -> "v<i>" for i in [0, n) waiting for each, stops.
  void Populate(int n) {
    ASSERT_TRUE(Restart().ok());
    for (int i = 0; i < n; i++) {
      ASSERT_TRUE(PutAndWait("k" + std::to_string(i), "v" + std::to_string(i)).ok());
    }
    ASSERT_TRUE(Stop().ok());
  }
  // The state Populate(n) builds.
  static std::map<std::string, std::string> Expected(int n) {
    std::map<std::string, std::string> m;
    for (int i = 0; i < n; i++) m["k" + std::to_string(i)] = "v" + std::to_string(i);
    return m;
  }

  LocalJournalOptions& options() { return options_; }
  MapJournaled* state() { return state_.get(); }
  LocalJournal* journal() { return journal_.get(); }
  const std::string& folder() const { return folder_.path(); }
  std::string logs() const { return folder_.path() + "/logs"; }
  std::string open_segment(SequenceNumber start = 0) const {
    return OpenSegmentPath(folder_.path(), start);
  }

 private:
  TempFolder folder_;
  LocalJournalOptions options_;
  std::unique_ptr<MapJournaled> state_;  // Outlives journal_.
  std::unique_ptr<LocalJournal> journal_;
};

}  // namespace alluxio::journal::testing
