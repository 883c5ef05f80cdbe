// SPDX-License-Identifier: Apache-2.0
// Helpers for the block store tests: a per-test temp folder, store options from a compact tier
// description, writing a block through the store's protocol, reading files, and a listener that
// records events.
//
// Thread-safety: RecordingListener is thread-safe; the rest is for one test thread.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "env/env.h"
#include "gtest/gtest.h"
#include "worker/block/block_store.h"
#include "worker/block/block_store_listener.h"
#include "worker/block/store_options.h"

namespace alluxio::worker::testing {

// A fresh directory, removed at destruction; unique per test and process.
class TempFolder {
 public:
  TempFolder() {
    std::string tmpl = ::testing::TempDir() + "alluxio_worker_block_test.XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
    path_ = tmpl;
  }
  ~TempFolder() { env::Env::Default()->RemoveDirRecursively(path_).IgnoreError(); }
  const std::string& path() const { return path_; }
  std::string Sub(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

struct DirSpec {
  std::string name;  // under the temp folder
  int64_t quota;
  std::string medium = "";  // default: the tier alias
};
struct TierSpec {
  std::string alias;
  std::vector<DirSpec> dirs;
};

inline StoreOptions MakeOptions(const TempFolder& root, const std::vector<TierSpec>& tiers) {
  StoreOptions o;
  for (const TierSpec& t : tiers) {
    TierOptions tier;
    tier.alias = t.alias;
    for (const DirSpec& d : t.dirs) {
      tier.dirs.push_back(
          DirOptions{root.Sub(d.name), d.medium.empty() ? t.alias : d.medium, d.quota});
    }
    o.tiers.push_back(std::move(tier));
  }
  return o;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void WriteFile(const std::string& path, std::string_view data) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

// Sets a file's modification time (seconds since the epoch), to order blocks found at restart.
inline void SetMtime(const std::string& path, int64_t seconds) {
  struct timespec times[2];
  times[0].tv_sec = seconds;
  times[0].tv_nsec = 0;
  times[1] = times[0];
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0) << path;
}

// Deterministic content of `length` bytes for block `id`.
inline std::string BlockContent(BlockId id, int64_t length) {
  std::string s(static_cast<size_t>(length), '\0');
  for (size_t i = 0; i < s.size(); i++) {
    s[i] = static_cast<char>((static_cast<uint64_t>(id) * 131 + i * 7) & 0xff);
  }
  return s;
}

// Creates, writes and commits a block with `content`, reserving exactly its size.
inline Status WriteBlock(BlockStore* store, SessionId session, BlockId id, std::string_view content,
                         BlockLocationHint hint = {}, bool pinned = false) {
  ASSIGN_OR_RETURN(std::string path,
                   store->CreateBlock(session, id, hint, static_cast<int64_t>(content.size())));
  WriteFile(path, content);
  return store->CommitBlock(session, id, pinned);
}

// Names of the entries of a directory, sorted ("" entries for a missing directory).
inline std::vector<std::string> ListDir(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class RecordingListener : public BlockStoreListener {
 public:
  void OnBlockCommitted(BlockId id, const BlockLocation& loc) override {
    Add(fmt::format("commit {} {}", id, loc.tier_alias));
  }
  void OnBlockRemoved(BlockId id, const BlockLocation& loc, RemovalCause cause) override {
    Add(fmt::format("{} {} {}", cause == RemovalCause::kEvicted ? "evict" : "remove", id,
                    loc.tier_alias));
  }
  void OnBlockMoved(BlockId id, const BlockLocation& from, const BlockLocation& to) override {
    Add(fmt::format("move {} {}->{}", id, from.tier_alias, to.tier_alias));
  }
  void OnBlockLost(BlockId id, const BlockLocation& loc) override {
    Add(fmt::format("lost {} {}", id, loc.tier_alias));
  }
  void OnStorageLost(const std::string& alias, const std::string& path) override {
    Add(fmt::format("storage-lost {} {}", alias, std::filesystem::path(path).filename().string()));
  }

  std::vector<std::string> Take() {
    std::lock_guard<std::mutex> l(mu_);
    return std::exchange(events_, {});
  }

 private:
  void Add(std::string e) {
    std::lock_guard<std::mutex> l(mu_);
    events_.push_back(std::move(e));
  }
  std::mutex mu_;
  std::vector<std::string> events_;
};

}  // namespace alluxio::worker::testing
