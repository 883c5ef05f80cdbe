// SPDX-License-Identifier: Apache-2.0
#include "master/file/inode_tree.h"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <cstdlib>
#include <deque>

#include <fmt/format.h>

#include "common/path.h"

namespace alluxio::master {

namespace pj = ::alluxio::proto::journal;

namespace {

template <typename E>
void FillCommon(const E& e, Inode* inode) {
  inode->id = e.id();
  inode->parent_id = e.parent_id();
  inode->name = e.name();
  inode->persistence_state = static_cast<uint8_t>(e.persistence_state());
  inode->pinned = e.pinned();
  inode->creation_time_ms = e.creation_time_ms();
  inode->last_modification_time_ms = e.last_modification_time_ms();
  inode->owner = e.owner();
  inode->group = e.group();
  inode->mode = e.mode();

  inode->ttl_action = static_cast<uint8_t>(e.ttl_action());
}

// Block ids are (container << 24) | index in order; an inode keeps only the count.
Status CheckBlockIds(InodeId id, const google::protobuf::RepeatedField<int64_t>& ids) {
  for (int i = 0; i < ids.size(); ++i) {
    if (ids[i] != BlockIdOf(id, i)) {
      return InternalError(fmt::format("block {} of inode {} has id {}, expected {}", i, id, ids[i],
                                       BlockIdOf(id, i)));
    }
  }
  return Status();
}

template <typename E>
void ToCommon(const InodeAttributes& inode, int64_t ttl, const XAttrs* xattrs, E* e) {
  e->set_id(inode.id);
  e->set_parent_id(inode.parent_id);
  e->set_name(inode.name.str());
  e->set_persistence_state(inode.persistence());
  e->set_pinned(inode.pinned);
  e->set_creation_time_ms(inode.creation_time_ms);
  e->set_last_modification_time_ms(inode.last_modification_time_ms);
  e->set_owner(inode.owner.str());
  e->set_group(inode.group.str());
  e->set_mode(inode.mode);
  e->set_ttl(ttl);
  e->set_ttl_action(inode.action());
  e->mutable_xattr()->clear();
  if (xattrs != nullptr) {
    for (const auto& [name, value] : *xattrs) (*e->mutable_xattr())[name] = value;
  }
}

}  // namespace

Inode* InodeArena::New(Inode&& value, uint32_t* slot) {
  if (!free_.empty()) {
    *slot = free_.back();
    free_.pop_back();
  } else {
    if (used_in_last_ == kSlabInodes) {
      // Slot numbers are 32-bit: 4 billion inodes.
      if (slabs_.size() >= (size_t{UINT32_MAX} >> kSlabShift)) std::abort();
      slabs_.push_back(std::make_unique<Inode[]>(kSlabInodes));
      std::pair<uintptr_t, uint32_t> entry{reinterpret_cast<uintptr_t>(slabs_.back().get()),
                                           static_cast<uint32_t>(slabs_.size() - 1)};
      slab_by_address_.insert(
          std::upper_bound(slab_by_address_.begin(), slab_by_address_.end(), entry), entry);
      used_in_last_ = 0;
    }
    *slot = static_cast<uint32_t>((slabs_.size() - 1) * kSlabInodes + used_in_last_++);
  }
  Inode* inode = &slabs_[*slot >> kSlabShift][*slot & (kSlabInodes - 1)];
  *inode = std::move(value);
  return inode;
}

void InodeArena::Delete(Inode* inode) {
  const uint32_t slot = SlotOf(inode);
  *inode = Inode();  // frees the name and child set; id kInvalidInodeId marks the slot free
  free_.push_back(slot);
}

uint32_t InodeArena::SlotOf(const Inode* inode) const {
  const uintptr_t p = reinterpret_cast<uintptr_t>(inode);
  auto it = std::upper_bound(slab_by_address_.begin(), slab_by_address_.end(),
                             std::pair<uintptr_t, uint32_t>{p, UINT32_MAX});
  assert(it != slab_by_address_.begin() && "inode not in the arena");
  --it;
  const uintptr_t index = (p - it->first) / sizeof(Inode);
  assert(index < kSlabInodes && "inode not in the arena");
  return static_cast<uint32_t>(it->second * kSlabInodes + index);
}

void InodeArena::Clear() {
  slabs_.clear();
  slab_by_address_.clear();
  free_.clear();
  free_.shrink_to_fit();
  used_in_last_ = kSlabInodes;
}

void InodeTreeCopy::Take(const InodeAttributes& inode, int64_t ttl, const XAttrs* xattrs) {
  (inode.is_directory ? dirs_ : files_).push_back(inode);
  if (ttl >= 0) ttls_.emplace(inode.id, ttl);
  if (xattrs != nullptr) xattrs_.emplace(inode.id, *xattrs);
}

void InodeTreeCopy::OrderForReplay() {
  handled_ = {};
  absl::flat_hash_map<InodeId, uint32_t> index;
  index.reserve(dirs_.size());
  for (uint32_t i = 0; i < dirs_.size(); ++i) index.emplace(dirs_[i].id, i);
  std::vector<bool> placed(dirs_.size());
  std::vector<InodeAttributes> ordered;
  ordered.reserve(dirs_.size());
  std::vector<uint32_t> chain;  // a directory, then its ancestors not placed yet
  for (uint32_t i = 0; i < dirs_.size(); ++i) {
    for (uint32_t j = i; !placed[j];) {
      placed[j] = true;
      chain.push_back(j);
      auto parent = index.find(dirs_[j].parent_id);
      if (parent == index.end()) break;  // the root
      j = parent->second;
    }
    for (auto k = chain.rbegin(); k != chain.rend(); ++k) ordered.push_back(std::move(dirs_[*k]));
    chain.clear();
  }
  dirs_ = std::move(ordered);
}

InodeTree::~InodeTree() { Reset(); }

void InodeTree::Reset() {
  // A registered copy must not lose the inodes it has not reached: complete it first.
  for (InodeTreeCopy* copy : copies_) ContinueCopy(copy, SIZE_MAX);
  inodes_.clear();
  last_parent_ = nullptr;
  arena_.Clear();
  ttls_.clear();
  xattrs_.clear();
  root_ = nullptr;
  next_container_id_ = 0;
}

void InodeTree::BeginCopy(InodeTreeCopy* copy) {
  copy->cursor_ = 0;
  copy->end_ = arena_.slot_count();
  copy->files_.reserve(inodes_.size());  // mostly files; reserving is O(1) (untouched pages)
  copies_.push_back(copy);
}

bool InodeTree::ContinueCopy(InodeTreeCopy* copy, size_t max_slots) const {
  const uint32_t stop =
      copy->end_ - copy->cursor_ <= max_slots ? copy->end_ : copy->cursor_ + max_slots;
  const bool any_ttl = !ttls_.empty();
  const bool any_xattr = !xattrs_.empty();
  for (uint32_t slot = copy->cursor_; slot < stop; ++slot) {
    const Inode& inode = arena_.At(slot);
    if (inode.id == kInvalidInodeId || copy->handled_.contains(slot)) continue;
    copy->Take(inode, any_ttl ? TtlOf(inode.id) : -1, any_xattr ? XAttrsOf(inode.id) : nullptr);
  }
  copy->cursor_ = stop;
  return copy->done();
}

void InodeTree::EndCopy(InodeTreeCopy* copy) {
  assert(copy->done());
  copies_.erase(std::find(copies_.begin(), copies_.end(), copy));
}

void InodeTree::BeforeChange(const Inode* inode) {
  if (copies_.empty()) return;
  const uint32_t slot = arena_.SlotOf(inode);
  for (InodeTreeCopy* copy : copies_) {
    if (slot >= copy->cursor_ && slot < copy->end_ && copy->handled_.insert(slot).second) {
      copy->Take(*inode, TtlOf(inode->id), XAttrsOf(inode->id));
    }
  }
}

void InodeTree::AfterCreate(uint32_t slot) {
  for (InodeTreeCopy* copy : copies_) {
    if (slot >= copy->cursor_ && slot < copy->end_) copy->handled_.insert(slot);
  }
}

const Inode* InodeTree::Get(InodeId id) const {
  auto it = inodes_.find(id);
  return it == inodes_.end() ? nullptr : *it;
}

Inode* InodeTree::Mutable(InodeId id) {
  auto it = inodes_.find(id);
  return it == inodes_.end() ? nullptr : *it;
}

const Inode* InodeTree::Child(const Inode* dir, std::string_view name) const {
  if (!dir->is_directory) return nullptr;
  const ChildSet& children = dir->children();
  auto it = children.find(name);
  return it == children.end() ? nullptr : *it;
}

ResolvedPath InodeTree::Resolve(std::string_view normalized_path) const {
  ResolvedPath r;
  std::vector<std::string_view> comps = PathComponents(normalized_path);
  r.num_components = comps.size();
  if (root_ == nullptr) return r;
  r.inodes.reserve(comps.size() + 1);
  r.inodes.push_back(root_);
  const Inode* cur = root_;
  for (std::string_view c : comps) {
    cur = Child(cur, c);
    if (cur == nullptr) break;
    r.inodes.push_back(cur);
  }
  return r;
}

std::string InodeTree::PathOf(const Inode* inode) const {
  std::vector<std::string_view> names;
  while (inode != nullptr && inode != root_) {
    names.push_back(inode->name.view());
    inode = Get(inode->parent_id);
  }
  if (names.empty()) return "/";
  std::string out;
  for (auto it = names.rbegin(); it != names.rend(); ++it) {
    out += '/';
    out += *it;
  }
  return out;
}

template <typename Map>
void InodeTree::MergeXAttrs(InodeId id, const Map& xattrs) {
  if (xattrs.empty()) return;
  XAttrs& mine = xattrs_[id];
  for (const auto& [name, value] : xattrs) mine[name] = value;
}

void InodeTree::SetTtl(InodeId id, int64_t ttl) {
  if (ttl >= 0) {
    ttls_[id] = ttl;
  } else {
    ttls_.erase(id);
  }
}

Status InodeTree::AddInode(Inode inode, int64_t ttl) {
  next_container_id_ = std::max(next_container_id_, ContainerIdOf(inode.id) + 1);
  if (inode.parent_id == kInvalidInodeId) {
    if (inodes_.contains(inode.id)) {
      return InternalError(fmt::format("inode id {} already exists", inode.id));
    }
    if (root_ != nullptr) return InternalError("a second root inode");
    inode.name.clear();
    uint32_t slot;
    InodeId id = inode.id;
    root_ = arena_.New(std::move(inode), &slot);
    AfterCreate(slot);
    inodes_.insert(root_);
    SetTtl(id, ttl);  // (a TTL on "/" does nothing, but it must survive a checkpoint like any)
    return Status();
  }
  Inode* parent = last_parent_ != nullptr && last_parent_->id == inode.parent_id
                      ? last_parent_
                      : Mutable(inode.parent_id);
  if (parent == nullptr || !parent->is_directory) {
    return InternalError(fmt::format("parent {} of inode {} ('{}') is missing or not a directory",
                                     inode.parent_id, inode.id, inode.name));
  }
  last_parent_ = parent;
  // Insert, then undo on a conflict: one search each in the child set and the id index (a
  // checkpoint replay adds millions of inodes; conflicts mean a corrupt journal).
  const InodeId id = inode.id;
  uint32_t slot;
  Inode* added = arena_.New(std::move(inode), &slot);
  if (!parent->child_set) parent->child_set = std::make_unique<ChildSet>();
  if (!parent->child_set->insert(added).second) {
    Status s = InternalError(
        fmt::format("inode {} already has a child named '{}'", parent->id, added->name));
    arena_.Delete(added);
    return s;
  }
  if (!inodes_.insert(added).second) {
    parent->child_set->erase(added);
    arena_.Delete(added);
    return InternalError(fmt::format("inode id {} already exists", id));
  }
  AfterCreate(slot);
  SetTtl(id, ttl);
  return Status();
}

void InodeTree::RemoveSubtree(Inode* inode) {
  std::vector<InodeId> stack{inode->id};
  std::vector<InodeId> order;
  while (!stack.empty()) {
    InodeId id = stack.back();
    stack.pop_back();
    order.push_back(id);
    const Inode* n = Get(id);
    for (const Inode* child : n->children()) stack.push_back(child->id);
  }
  if (Inode* parent = Mutable(inode->parent_id)) parent->child_set->erase(inode);
  for (InodeId id : order) {
    auto it = inodes_.find(id);
    Inode* removed = *it;
    BeforeChange(removed);
    ttls_.erase(id);
    xattrs_.erase(id);
    inodes_.erase(it);
    arena_.Delete(removed);
  }
}

Status InodeTree::Apply(const journal::JournalEntry& entry) {
  switch (entry.payload_case()) {
    case pj::JournalEntry::kInodeDirectory: {
      const auto& e = entry.inode_directory();
      Inode inode;
      FillCommon(e, &inode);
      inode.is_directory = true;
      inode.mount_point = e.mount_point();
      inode.direct_children_loaded = e.direct_children_loaded();
      inode.ufs_fingerprint = FingerprintHash(e.ufs_fingerprint());
      if (!e.has_parent_id()) inode.parent_id = kInvalidInodeId;
      const InodeId id = inode.id;
      RETURN_IF_ERROR(AddInode(std::move(inode), e.ttl()));
      MergeXAttrs(id, e.xattr());
      return Status();
    }
    case pj::JournalEntry::kInodeFile: {
      const auto& e = entry.inode_file();
      Inode inode;
      FillCommon(e, &inode);
      inode.block_size_bytes = e.block_size_bytes();
      inode.length = e.length();
      inode.completed = e.completed();
      inode.cacheable = e.cacheable();
      RETURN_IF_ERROR(CheckBlockIds(inode.id, e.block_ids()));
      inode.block_count = static_cast<uint32_t>(e.block_ids_size());
      inode.ufs_fingerprint = FingerprintHash(e.ufs_fingerprint());
      const InodeId id = inode.id;
      RETURN_IF_ERROR(AddInode(std::move(inode), e.ttl()));
      MergeXAttrs(id, e.xattr());
      return Status();
    }
    case pj::JournalEntry::kUpdateInode: {
      const auto& e = entry.update_inode();
      Inode* inode = Mutable(e.id());
      if (inode == nullptr) return InternalError(fmt::format("update of missing inode {}", e.id()));
      BeforeChange(inode);
      if (e.has_last_modification_time_ms()) {
        inode->last_modification_time_ms = e.last_modification_time_ms();
      }
      if (e.has_owner()) inode->owner = e.owner();
      if (e.has_group()) inode->group = e.group();
      if (e.has_mode()) inode->mode = e.mode();
      if (e.has_pinned()) inode->pinned = e.pinned();
      if (e.has_ttl()) SetTtl(inode->id, e.ttl());
      if (e.has_ttl_action()) inode->ttl_action = static_cast<uint8_t>(e.ttl_action());
      if (e.has_persistence_state()) {
        inode->persistence_state = static_cast<uint8_t>(e.persistence_state());
      }
      if (e.has_ufs_fingerprint()) inode->ufs_fingerprint = FingerprintHash(e.ufs_fingerprint());
      if (e.has_direct_children_loaded())
        inode->direct_children_loaded = e.direct_children_loaded();
      if (e.has_length()) inode->length = e.length();
      MergeXAttrs(inode->id, e.xattr());
      return Status();
    }
    case pj::JournalEntry::kCompleteFile: {
      const auto& e = entry.complete_file();
      Inode* inode = Mutable(e.id());
      if (inode == nullptr || inode->is_directory) {
        return InternalError(fmt::format("complete of missing file {}", e.id()));
      }
      BeforeChange(inode);
      inode->length = e.length();
      inode->completed = true;
      RETURN_IF_ERROR(CheckBlockIds(inode->id, e.block_ids()));
      inode->block_count = static_cast<uint32_t>(e.block_ids_size());
      inode->last_modification_time_ms = e.op_time_ms();
      if (e.has_ufs_fingerprint()) inode->ufs_fingerprint = FingerprintHash(e.ufs_fingerprint());
      return Status();
    }
    case pj::JournalEntry::kDeleteFile: {
      const auto& e = entry.delete_file();
      Inode* inode = Mutable(e.id());
      if (inode == nullptr) return InternalError(fmt::format("delete of missing inode {}", e.id()));
      if (inode == root_) return InternalError("delete of the root inode");
      if (Inode* parent = Mutable(inode->parent_id)) {
        BeforeChange(parent);
        parent->last_modification_time_ms = e.op_time_ms();
      }
      RemoveSubtree(inode);
      return Status();
    }
    case pj::JournalEntry::kRename: {
      const auto& e = entry.rename();
      Inode* inode = Mutable(e.id());
      Inode* new_parent = Mutable(e.new_parent_id());
      if (inode == nullptr || new_parent == nullptr || !new_parent->is_directory ||
          inode == root_) {
        return InternalError(fmt::format("rename of inode {} into {} does not fit the tree", e.id(),
                                         e.new_parent_id()));
      }
      if (new_parent->children().contains(e.new_name())) {
        return InternalError(fmt::format("rename target '{}' exists", e.new_name()));
      }
      for (const Inode* p = new_parent; p != nullptr; p = Get(p->parent_id)) {
        if (p == inode) return InternalError("rename into own subtree");
      }
      Inode* old_parent = Mutable(inode->parent_id);
      BeforeChange(inode);
      BeforeChange(old_parent);
      BeforeChange(new_parent);
      // The child set is ordered by name: take the inode out before renaming it.
      old_parent->child_set->erase(inode);
      old_parent->last_modification_time_ms = e.op_time_ms();
      inode->name = e.new_name();
      inode->parent_id = new_parent->id;
      inode->last_modification_time_ms = e.op_time_ms();
      if (!new_parent->child_set) new_parent->child_set = std::make_unique<ChildSet>();
      new_parent->child_set->insert(inode);
      new_parent->last_modification_time_ms = e.op_time_ms();
      return Status();
    }
    case pj::JournalEntry::kInodeIdGenerator:
      next_container_id_ =
          std::max(next_container_id_, entry.inode_id_generator().next_container_id());
      return Status();
    default:
      return InvalidArgumentError(
          fmt::format("not an inode entry (payload {})", static_cast<int>(entry.payload_case())));
  }
}

void InodeTree::ForEachTopDown(const std::function<void(const Inode&)>& fn) const {
  if (root_ == nullptr) return;
  std::deque<const Inode*> queue{root_};
  while (!queue.empty()) {
    const Inode* n = queue.front();
    queue.pop_front();
    fn(*n);
    for (const Inode* child : n->children()) queue.push_back(child);
  }
}

journal::JournalEntry InodeTree::ToEntry(const InodeAttributes& inode, int64_t ttl,
                                         const XAttrs* xattrs) {
  journal::JournalEntry entry;
  ToEntry(inode, ttl, &entry, xattrs);
  return entry;
}

void InodeTree::ToEntry(const InodeAttributes& inode, int64_t ttl, journal::JournalEntry* entry,
                        const XAttrs* xattrs) {
  if (inode.is_directory) {
    auto* e = entry->mutable_inode_directory();  // the same message if it already is one
    ToCommon(inode, ttl, xattrs, e);
    if (inode.parent_id == kInvalidInodeId) e->clear_parent_id();
    e->set_mount_point(inode.mount_point);
    e->set_direct_children_loaded(inode.direct_children_loaded);
    if (inode.ufs_fingerprint != 0) {
      e->set_ufs_fingerprint(FingerprintString(inode.ufs_fingerprint));
    } else {
      e->clear_ufs_fingerprint();
    }
  } else {
    auto* e = entry->mutable_inode_file();
    ToCommon(inode, ttl, xattrs, e);
    e->set_block_size_bytes(inode.block_size_bytes);
    e->set_length(inode.length);
    e->set_completed(inode.completed);
    e->set_cacheable(inode.cacheable);
    e->clear_block_ids();
    for (uint32_t i = 0; i < inode.block_count; ++i) e->add_block_ids(BlockIdOf(inode.id, i));
    if (inode.ufs_fingerprint != 0) {
      e->set_ufs_fingerprint(FingerprintString(inode.ufs_fingerprint));
    } else {
      e->clear_ufs_fingerprint();
    }
  }
}

}  // namespace alluxio::master
