// SPDX-License-Identifier: Apache-2.0
// InodeTree: the namespace as a tree of inodes, changed only by applying journal entries.
// Apply is deterministic (no clock, no I/O) and is shared by the primary and by replay.
//
// Thread-safety: externally synchronised (FileSystemMaster's state lock: shared for reads,
// exclusive for Apply).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <cstddef>
#include <memory>

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>
#include <absl/hash/hash.h>

#include "common/result.h"
#include "journal/journal.h"
#include "master/file/inode.h"

namespace alluxio::master {

// The inodes along a path: inodes[0] is the root; `found` tells whether the last component exists
// (then inodes.size() == components + 1), otherwise inodes holds the existing prefix.
struct ResolvedPath {
  std::vector<const Inode*> inodes;
  size_t num_components = 0;
  bool found() const { return inodes.size() == num_components + 1; }
  const Inode* target() const { return found() ? inodes.back() : nullptr; }
  // Deepest existing inode.
  const Inode* last() const { return inodes.back(); }
};

// Where inodes live: slabs of kSlabInodes slots, reused through a free list. Each inode costs
// sizeof(Inode) bytes, without malloc's per-allocation header and size-class rounding (112 bytes
// instead of 128). Pointers stay valid until Delete (children sets hold them).
// Thread-safety: externally synchronised (with the tree).
class InodeArena {
 public:
  InodeArena() = default;
  InodeArena(const InodeArena&) = delete;
  InodeArena& operator=(const InodeArena&) = delete;

  Inode* New(Inode&& value);
  // Destroys the inode and keeps its slot for a later New.
  void Delete(Inode* inode);
  // Drops every slab. REQUIRES: every inode was destroyed (Delete or ~Inode) first.
  void Clear();

 private:
  static constexpr size_t kSlabInodes = 4096;
  struct alignas(Inode) Slot {
    std::byte bytes[sizeof(Inode)];
  };
  std::vector<std::unique_ptr<Slot[]>> slabs_;
  size_t used_in_last_ = kSlabInodes;  // slots taken in slabs_.back()
  std::vector<Inode*> free_;
};

class InodeTree {
 public:
  InodeTree() = default;
  ~InodeTree();
  InodeTree(const InodeTree&) = delete;
  InodeTree& operator=(const InodeTree&) = delete;

  // Applies one non-batch inode entry (inode_directory, inode_file, update_inode, complete_file,
  // delete_file, rename, inode_id_generator). InvalidArgument for other payloads; Internal when the
  // entry does not fit the state (missing parent, duplicate name, ...).
  Status Apply(const journal::JournalEntry& entry);
  void Reset();

  const Inode* root() const { return root_; }
  const Inode* Get(InodeId id) const;
  // Resolves a normalised path.
  ResolvedPath Resolve(std::string_view normalized_path) const;
  // Full path of an inode.
  std::string PathOf(const Inode* inode) const;
  const Inode* Child(const Inode* dir, std::string_view name) const;

  // Allocates the id for a new inode. Deterministic given the applied history; the id is only
  // taken when an entry carrying it is applied.
  InodeId NextInodeId() const { return InodeIdForContainer(next_container_id_); }
  // For a batch that creates several inodes before applying: the k-th id from now.
  InodeId PeekInodeId(int k) const { return InodeIdForContainer(next_container_id_ + k); }

  size_t size() const { return inodes_.size(); }
  // Inodes with a TTL (ms after creation); inodes without one are absent.
  const absl::flat_hash_map<InodeId, int64_t>& ttls() const { return ttls_; }
  int64_t TtlOf(InodeId id) const {
    auto it = ttls_.find(id);
    return it == ttls_.end() ? -1 : it->second;
  }

  // Visits every inode, parents before children (breadth first).
  void ForEachTopDown(const std::function<void(const Inode&)>& fn) const;
  // Entries that rebuild this inode (inode_directory / inode_file).
  static journal::JournalEntry ToEntry(const InodeAttributes& inode, int64_t ttl);
  int64_t next_container_id() const { return next_container_id_; }

 private:
  Inode* Mutable(InodeId id);
  Status AddInode(Inode inode, int64_t ttl);
  void RemoveSubtree(Inode* inode);
  void SetTtl(InodeId id, int64_t ttl);

  // Every inode, found by id: a set of pointers hashed by the inode's own id (8 bytes a slot, the
  // id is not stored twice).
  struct IdHash {
    using is_transparent = void;
    size_t operator()(const Inode* inode) const { return absl::Hash<InodeId>()(inode->id); }
    size_t operator()(InodeId id) const { return absl::Hash<InodeId>()(id); }
  };
  struct IdEq {
    using is_transparent = void;
    bool operator()(const Inode* a, const Inode* b) const { return a->id == b->id; }
    bool operator()(const Inode* a, InodeId b) const { return a->id == b; }
    bool operator()(InodeId a, const Inode* b) const { return a == b->id; }
  };
  InodeArena arena_;
  absl::flat_hash_set<Inode*, IdHash, IdEq> inodes_;
  Inode* root_ = nullptr;
  int64_t next_container_id_ = 0;
  absl::flat_hash_map<InodeId, int64_t> ttls_;  // rarely set, so kept out of the inodes
};

}  // namespace alluxio::master
