// SPDX-License-Identifier: Apache-2.0
// Inode: one file or directory of the Alluxio namespace, as held in the master's memory.
// Ids follow Alluxio: an inode owns a block container; its id is (container << 24) | 0xFFFFFF and
// its blocks are (container << 24) | index, allocated in order, so a file keeps only its block
// count. The layout is compact because the master holds millions of these: owner and group are
// interned, the UFS fingerprint is kept as a 64-bit hash, enums are single bytes, and only
// directories carry a child set (of pointers ordered by name; the name lives in the child).
// Thread-safety: plain data, guarded by the FileSystemMaster state lock (the intern pool has its
// own lock).
#pragma once

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <absl/container/btree_set.h>
#include <fmt/format.h>

#include "alluxio/journal/journal.pb.h"
#include "common/block_id.h"
#include "ufs/fingerprint.h"

namespace alluxio::master {

using InodeId = int64_t;
using PersistenceState = ::alluxio::proto::journal::PersistenceState;
using TtlAction = ::alluxio::proto::journal::TtlAction;
// Extended attributes of an inode (name -> bytes), ordered by name.
using XAttrs = std::map<std::string, std::string>;

// Block-id arithmetic lives in common/block_id.h; these are its names on the master side.
inline constexpr int kContainerIdShift = kBlockIndexBits;
inline constexpr int64_t kMaxBlockIndex = kMaxBlockIndexInFile;
inline constexpr InodeId kInvalidInodeId = -1;

inline InodeId InodeIdForContainer(int64_t container_id) {
  return (container_id << kContainerIdShift) | kMaxBlockIndex;
}
inline int64_t ContainerIdOf(int64_t id) { return id >> kContainerIdShift; }
// The id of the `index`-th block of the file with inode id `file_id`.
inline int64_t BlockIdOf(InodeId file_id, int64_t index) { return BlockIdOfFile(file_id, index); }

// A string from a process-wide pool that is never freed (owners and groups: few distinct
// values). Copies share the pooled string; comparison is by value.
class InternedString {
 public:
  InternedString();
  explicit InternedString(std::string_view value);
  InternedString& operator=(std::string_view value);

  const std::string& str() const { return *s_; }
  operator const std::string&() const { return *s_; }  // NOLINT(google-explicit-constructor)
  bool empty() const { return s_->empty(); }
  friend bool operator==(const InternedString& a, std::string_view b) { return *a.s_ == b; }
  friend bool operator==(const InternedString& a, const InternedString& b) { return a.s_ == b.s_; }

 private:
  const std::string* s_;
};

// UFS fingerprints are kept as hashes (ufs/fingerprint.h).
using ufs::FingerprintHash;
using ufs::FingerprintString;

// An inode name in 16 bytes: up to 15 bytes inline (most names), longer ones on the heap.
// (std::string takes 32.) Copies are deep.
class InodeName {
 public:
  InodeName() { Init({}); }
  InodeName(std::string_view s) { Init(s); }  // NOLINT(google-explicit-constructor)
  InodeName(const InodeName& o) { Init(o.view()); }
  InodeName(InodeName&& o) noexcept {
    std::memcpy(bytes_, o.bytes_, sizeof(bytes_));
    o.MarkEmpty();
  }
  InodeName& operator=(std::string_view s) {
    if (s.data() == view().data()) return *this;
    Free();
    Init(s);
    return *this;
  }
  InodeName& operator=(const InodeName& o) { return *this = o.view(); }
  InodeName& operator=(InodeName&& o) noexcept {
    if (this != &o) {
      Free();
      std::memcpy(bytes_, o.bytes_, sizeof(bytes_));
      o.MarkEmpty();
    }
    return *this;
  }
  ~InodeName() { Free(); }

  std::string_view view() const {
    if (OnHeap()) {
      char* p;
      uint32_t n;
      std::memcpy(&p, bytes_, sizeof(p));
      std::memcpy(&n, bytes_ + 8, sizeof(n));
      return {p, n};
    }
    return {bytes_, static_cast<size_t>(kInline - static_cast<unsigned char>(bytes_[15]))};
  }
  operator std::string_view() const { return view(); }  // NOLINT(google-explicit-constructor)
  std::string str() const { return std::string(view()); }
  bool empty() const { return view().empty(); }
  void clear() { *this = std::string_view(); }
  friend bool operator==(const InodeName& a, std::string_view b) { return a.view() == b; }

 private:
  static constexpr size_t kInline = 15;
  static constexpr unsigned char kHeapTag = 0xFF;
  bool OnHeap() const { return static_cast<unsigned char>(bytes_[15]) == kHeapTag; }
  void MarkEmpty() { bytes_[15] = static_cast<char>(kInline); }
  void Init(std::string_view s) {
    if (s.size() <= kInline) {
      if (!s.empty()) std::memcpy(bytes_, s.data(), s.size());  // data() may be null
      bytes_[15] = static_cast<char>(kInline - s.size());
      return;
    }
    char* p = new char[s.size()];
    std::memcpy(p, s.data(), s.size());
    uint32_t n = static_cast<uint32_t>(s.size());
    std::memcpy(bytes_, &p, sizeof(p));
    std::memcpy(bytes_ + 8, &n, sizeof(n));
    bytes_[15] = static_cast<char>(kHeapTag);
  }
  void Free() {
    if (OnHeap()) {
      char* p;
      std::memcpy(&p, bytes_, sizeof(p));
      delete[] p;
      MarkEmpty();
    }
  }

  char bytes_[16];
};

struct Inode;

// Orders a directory's children by name; lookups by name need no Inode.
struct ChildOrder {
  using is_transparent = void;
  bool operator()(const Inode* a, const Inode* b) const;
  bool operator()(const Inode* a, std::string_view b) const;
  bool operator()(std::string_view a, const Inode* b) const;
};
using ChildSet = absl::btree_set<Inode*, ChildOrder>;

// Everything about an inode except its children: what checkpoints copy.
struct InodeAttributes {
  InodeId id = kInvalidInodeId;
  InodeId parent_id = kInvalidInodeId;
  InodeName name;
  InternedString owner;
  InternedString group;
  int64_t creation_time_ms = 0;
  int64_t last_modification_time_ms = 0;

  // Files.
  int64_t block_size_bytes = 0;
  int64_t length = 0;
  uint64_t ufs_fingerprint = 0;  // FingerprintHash; 0: unknown
  uint32_t block_count = 0;
  uint16_t mode = 0;
  uint8_t persistence_state =
      ::alluxio::proto::journal::NOT_PERSISTED;  // PersistenceState
                                                 // The TTL itself (rarely set) lives in InodeTree's
                                                 // side map; only its action is here.
  uint8_t ttl_action = ::alluxio::proto::journal::DELETE;  // TtlAction
  bool is_directory = false;
  bool pinned = false;
  bool completed = false;               // files
  bool cacheable = true;                // files
  bool mount_point = false;             // directories
  bool direct_children_loaded = false;  // directories

  bool persisted() const { return persistence_state == ::alluxio::proto::journal::PERSISTED; }
  PersistenceState persistence() const { return static_cast<PersistenceState>(persistence_state); }
  TtlAction action() const { return static_cast<TtlAction>(ttl_action); }
};

struct Inode : InodeAttributes {
  // Directories only (null for files and for directories that never had a child).
  std::unique_ptr<ChildSet> child_set;

  const ChildSet& children() const;
  size_t child_count() const { return child_set ? child_set->size() : 0; }
};

inline bool ChildOrder::operator()(const Inode* a, const Inode* b) const {
  return a->name.view() < b->name.view();
}
inline bool ChildOrder::operator()(const Inode* a, std::string_view b) const {
  return a->name.view() < b;
}
inline bool ChildOrder::operator()(std::string_view a, const Inode* b) const {
  return a < b->name.view();
}

}  // namespace alluxio::master

template <>
struct fmt::formatter<alluxio::master::InodeName> : fmt::formatter<std::string_view> {
  template <typename Ctx>
  auto format(const alluxio::master::InodeName& s, Ctx& ctx) const {
    return fmt::formatter<std::string_view>::format(s.view(), ctx);
  }
};

template <>
struct fmt::formatter<alluxio::master::InternedString> : fmt::formatter<std::string_view> {
  template <typename Ctx>
  auto format(const alluxio::master::InternedString& s, Ctx& ctx) const {
    return fmt::formatter<std::string_view>::format(s.str(), ctx);
  }
};
