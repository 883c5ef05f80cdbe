// SPDX-License-Identifier: Apache-2.0
// Vocabulary of the worker block store: block, session, lock and file ids, the global tier order,
// and where a block lives (BlockLocation) or should go (BlockLocationHint).
// Ids follow Alluxio: a file's blocks are (container id << 24) | index and the file's id is
// (container id << 24) | 0xFFFFFF (see master/file/inode.h).
//
// Thread-safety: plain values.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/block_id.h"

namespace alluxio::worker {

using BlockId = int64_t;
using SessionId = int64_t;
using LockId = int64_t;
using FileId = int64_t;

// Block-id arithmetic lives in common/block_id.h; these are its names in the worker.
inline constexpr int kContainerIdShift = kBlockIndexBits;
inline constexpr int64_t kMaxBlockIndex = kMaxBlockIndexInFile;

// The id of the file a block belongs to (Alluxio's BlockId.getFileId).
inline constexpr FileId FileIdOfBlock(BlockId block_id) { return FileIdOfBlockId(block_id); }

// The global tier order, fastest first (alluxio.master.tieredstore.global.levels = 3 with
// aliases MEM, SSD, HDD). Worker tier levels must follow it.
inline constexpr std::array<std::string_view, 3> kGlobalTierAliases = {"MEM", "SSD", "HDD"};
// Medium types a tier directory may declare (alluxio.master.tieredstore.global.mediumtype).
inline constexpr std::array<std::string_view, 3> kMediumTypes = {"MEM", "SSD", "HDD"};

// Position of `alias` in kGlobalTierAliases, or -1.
inline int GlobalTierOrdinal(std::string_view alias) {
  for (size_t i = 0; i < kGlobalTierAliases.size(); i++) {
    if (kGlobalTierAliases[i] == alias) return static_cast<int>(i);
  }
  return -1;
}

// "Any tier" in a location hint (Alluxio's BlockStoreLocation.anyTier()).
inline constexpr std::string_view kAnyTier = "ANY";

// Where a committed block lives.
struct BlockLocation {
  std::string tier_alias;   // "MEM"
  int tier_level = 0;       // 0 = fastest configured tier
  int dir_index = 0;        // position of the dir in its tier's dirs.path list
  std::string dir_path;     // the configured tier directory, e.g. /mnt/ramdisk
  std::string medium_type;  // "MEM"

  friend bool operator==(const BlockLocation&, const BlockLocation&) = default;
};

// Where a new block should go. The store tries the hinted tier (and medium) first, then any tier
// (Alluxio's non-forced allocation), then evicts (see BlockStore::CreateBlock).
struct BlockLocationHint {
  std::string tier_alias = std::string(kAnyTier);  // a configured alias or kAnyTier
  std::string medium_type;                         // empty: any medium
  // > 0: the block may be stored inside its file's packed container, at (block index) x this
  // (the file's block size), so that a file cached whole is one file on disk
  // (BlockStore::CreateBlockFile). 0: the block is a file of its own.
  int64_t pack_block_size = 0;
};

}  // namespace alluxio::worker
