// SPDX-License-Identifier: Apache-2.0
// InodeTree: the namespace as a tree of inodes, changed only by applying journal entries.
// Apply is deterministic (no clock, no I/O) and is shared by the primary and by replay.
//
// A consistent copy of the whole tree for checkpoints and backups is taken copy-on-write
// (InodeTreeCopy, BeginCopy): Apply hands registered copies each inode before changing it.
//
// Thread-safety: externally synchronised (FileSystemMaster's state lock: shared for reads and
// copy steps, exclusive for Apply, BeginCopy and EndCopy).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>

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
// instead of 128). Pointers stay valid until Delete (children sets hold them). Slots are numbered
// densely: slot s is entry s % kSlabInodes of slab s / kSlabInodes. Every slot below slot_count()
// holds an Inode: a live one, or a free slot's default Inode (id kInvalidInodeId), so a walk over
// the slots (InodeTreeCopy) can tell them apart.
// Thread-safety: externally synchronised (with the tree).
class InodeArena {
 public:
  InodeArena() = default;
  InodeArena(const InodeArena&) = delete;
  InodeArena& operator=(const InodeArena&) = delete;

  // Moves `value` into a free slot (its number in *slot).
  Inode* New(Inode&& value, uint32_t* slot);
  // Destroys the inode's contents and keeps its slot, marked free, for a later New.
  void Delete(Inode* inode);
  // Drops every slab (and every inode).
  void Clear();

  // Slots [0, slot_count()) exist. Slot numbers are stable until Clear.
  uint32_t slot_count() const {
    return slabs_.empty()
               ? 0
               : static_cast<uint32_t>((slabs_.size() - 1) * kSlabInodes + used_in_last_);
  }
  const Inode& At(uint32_t slot) const {
    return slabs_[slot >> kSlabShift][slot & (kSlabInodes - 1)];
  }
  // The slot of an inode of this arena (a binary search over the slabs).
  uint32_t SlotOf(const Inode* inode) const;

 private:
  static constexpr int kSlabShift = 12;
  static constexpr size_t kSlabInodes = size_t{1} << kSlabShift;
  std::vector<std::unique_ptr<Inode[]>> slabs_;
  // (address of the slab's first inode, slab index), ordered by address: for SlotOf.
  std::vector<std::pair<uintptr_t, uint32_t>> slab_by_address_;
  size_t used_in_last_ = kSlabInodes;  // slots taken in slabs_.back()
  std::vector<uint32_t> free_;
};

// The attributes and TTLs of every inode at one moment (the copy's epoch), gathered in bounded
// steps while the tree goes on changing: what checkpoints and backups write (InodeTree::BeginCopy).
//
// Why the result is exact (copy-on-write over the arena slots): the copy walks the slots that
// existed at its epoch, [0, end), in order; slots below `cursor` are done. Before the tree changes
// or removes an inode whose slot is in [cursor, end) and not yet handled by the copy, it hands the
// inode's attributes to the copy and marks the slot handled. Those attributes are still the
// epoch's: every change since then went through the same hook, and the first one handled the slot.
// A new inode placed in such a slot (a free slot reused) marks it handled with nothing to copy.
// The walk copies a slot only if it is not handled and holds a live inode, which is then unchanged
// since the epoch. So every inode live at the epoch is copied exactly once, as it was at the
// epoch; inodes created later (in handled slots or slots >= end) never are.
//
// Thread-safety: externally synchronised with the tree. Only its owner (stepping it through
// InodeTree::ContinueCopy) and the tree's writers touch it, and they exclude each other through
// the tree's lock.
class InodeTreeCopy {
 public:
  InodeTreeCopy() = default;
  InodeTreeCopy(const InodeTreeCopy&) = delete;
  InodeTreeCopy& operator=(const InodeTreeCopy&) = delete;

  bool done() const { return cursor_ == end_; }
  // REQUIRES: done and no longer registered (InodeTree::EndCopy). Orders the directories so that
  // each parent comes before its children, the order in which Apply can rebuild them; files need
  // no order among themselves once every directory exists.
  void OrderForReplay();

  // Directories (in replay order after OrderForReplay) and files, as they were at the epoch.
  const std::vector<InodeAttributes>& directories() const { return dirs_; }
  const std::vector<InodeAttributes>& files() const { return files_; }
  // The TTL of a copied inode; -1 for none.
  int64_t TtlOf(InodeId id) const {
    auto it = ttls_.find(id);
    return it == ttls_.end() ? -1 : it->second;
  }
  // The extended attributes of a copied inode; null for none.
  const XAttrs* XAttrsOf(InodeId id) const {
    auto it = xattrs_.find(id);
    return it == xattrs_.end() ? nullptr : &it->second;
  }
  size_t size() const { return dirs_.size() + files_.size(); }

 private:
  friend class InodeTree;
  void Take(const InodeAttributes& inode, int64_t ttl, const XAttrs* xattrs);

  uint32_t cursor_ = 0;  // slots below are copied (or handled)
  uint32_t end_ = 0;     // InodeArena::slot_count() at the epoch
  // Slots in [cursor_, end_) that writers handled: their epoch inode (if any) was taken already.
  absl::flat_hash_set<uint32_t> handled_;
  std::vector<InodeAttributes> dirs_;
  std::vector<InodeAttributes> files_;
  absl::flat_hash_map<InodeId, int64_t> ttls_;   // copied inodes that had a TTL
  absl::flat_hash_map<InodeId, XAttrs> xattrs_;  // copied inodes that had extended attributes
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
  // The extended attributes of an inode; null when it has none (most inodes).
  const XAttrs* XAttrsOf(InodeId id) const {
    auto it = xattrs_.find(id);
    return it == xattrs_.end() ? nullptr : &it->second;
  }

  // Copy-on-write copies (InodeTreeCopy): a consistent copy of the whole tree that holds the
  // tree's lock only for bounded steps. Registers `copy` at the tree as it is now (the epoch): from
  // now until EndCopy the tree hands it each inode it is about to change. `copy` must stay alive
  // until EndCopy. REQUIRES: exclusive access (the lock writers take). O(1).
  void BeginCopy(InodeTreeCopy* copy);
  // Copies up to `max_slots` more arena slots into `copy`; true when the copy is complete.
  // REQUIRES: `copy` registered; no writer runs meanwhile (a shared lock is enough: readers and
  // other copies may run).
  bool ContinueCopy(InodeTreeCopy* copy, size_t max_slots) const;
  // Unregisters `copy`. REQUIRES: exclusive access; `copy` registered and done.
  void EndCopy(InodeTreeCopy* copy);

  // Visits every inode, parents before children (breadth first).
  void ForEachTopDown(const std::function<void(const Inode&)>& fn) const;
  // Entries that rebuild this inode (inode_directory / inode_file), with its TTL and extended
  // attributes (none when null).
  static journal::JournalEntry ToEntry(const InodeAttributes& inode, int64_t ttl,
                                       const XAttrs* xattrs = nullptr);
  // The same into `entry`, which may hold an earlier ToEntry result: its payload's allocations
  // are reused (writing millions of entries in a row). Sets every field ToEntry sets.
  static void ToEntry(const InodeAttributes& inode, int64_t ttl, journal::JournalEntry* entry,
                      const XAttrs* xattrs = nullptr);
  int64_t next_container_id() const { return next_container_id_; }

 private:
  Inode* Mutable(InodeId id);
  Status AddInode(Inode inode, int64_t ttl);
  void RemoveSubtree(Inode* inode);
  void SetTtl(InodeId id, int64_t ttl);
  // Adds or replaces the attributes in `xattrs` (a proto map); none are removed.
  template <typename Map>
  void MergeXAttrs(InodeId id, const Map& xattrs);
  // Copy-on-write hooks. Call BeforeChange before changing any attribute or TTL of `inode` or
  // removing it; AfterCreate after placing a new inode in `slot`.
  void BeforeChange(const Inode* inode);
  void AfterCreate(uint32_t slot);

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
  // The parent of the last inode added: batches and checkpoints add many children in a row.
  // Valid only while its id matches (a deleted inode's slot holds id kInvalidInodeId, ids are
  // never reused, and Reset clears it before the slabs go).
  Inode* last_parent_ = nullptr;
  int64_t next_container_id_ = 0;
  absl::flat_hash_map<InodeId, int64_t> ttls_;   // rarely set, so kept out of the inodes
  absl::flat_hash_map<InodeId, XAttrs> xattrs_;  // likewise (S3 objects carry them)
  std::vector<InodeTreeCopy*> copies_;           // registered copies (usually none)
};

}  // namespace alluxio::master
