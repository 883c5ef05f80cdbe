// SPDX-License-Identifier: Apache-2.0
// Inode: one file or directory of the Alluxio namespace, as held in the master's memory.
// Ids follow Alluxio: an inode owns a block container; its id is (container << 24) | 0xFFFFFF and
// its blocks are (container << 24) | index.
// Thread-safety: plain data, guarded by the FileSystemMaster state lock.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <absl/container/btree_map.h>

#include "alluxio/journal/journal.pb.h"

namespace alluxio::master {

using InodeId = int64_t;
using PersistenceState = ::alluxio::proto::journal::PersistenceState;
using TtlAction = ::alluxio::proto::journal::TtlAction;

inline constexpr int kContainerIdShift = 24;
inline constexpr int64_t kMaxBlockIndex = (int64_t{1} << kContainerIdShift) - 1;
inline constexpr InodeId kInvalidInodeId = -1;

inline InodeId InodeIdForContainer(int64_t container_id) {
  return (container_id << kContainerIdShift) | kMaxBlockIndex;
}
inline int64_t ContainerIdOf(int64_t id) { return id >> kContainerIdShift; }

// Everything about an inode except its children: what checkpoints copy.
struct InodeAttributes {
  InodeId id = kInvalidInodeId;
  InodeId parent_id = kInvalidInodeId;
  std::string name;
  bool is_directory = false;
  int64_t creation_time_ms = 0;
  int64_t last_modification_time_ms = 0;
  std::string owner;
  std::string group;
  int32_t mode = 0;
  PersistenceState persistence_state = ::alluxio::proto::journal::NOT_PERSISTED;
  bool pinned = false;
  int64_t ttl = -1;  // ms after creation; -1: none
  TtlAction ttl_action = ::alluxio::proto::journal::DELETE;
  std::string ufs_fingerprint;

  // Files.
  int64_t block_size_bytes = 0;
  int64_t length = 0;
  bool completed = false;
  bool cacheable = true;
  std::vector<int64_t> block_ids;

  // Directories.
  bool mount_point = false;
  bool direct_children_loaded = false;

  bool persisted() const { return persistence_state == ::alluxio::proto::journal::PERSISTED; }
};

struct Inode : InodeAttributes {
  // Directories: name -> id, sorted for listing.
  absl::btree_map<std::string, InodeId, std::less<>> children;
};

}  // namespace alluxio::master
