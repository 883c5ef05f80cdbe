// SPDX-License-Identifier: Apache-2.0
// Block ids as Alluxio forms them: block `index` of the file with container id C has id
// (C << 24) | index, and the file's own id is (C << 24) | 0xFFFFFF.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>

namespace alluxio {

inline constexpr int kBlockIndexBits = 24;
inline constexpr int64_t kMaxBlockIndexInFile = (int64_t{1} << kBlockIndexBits) - 1;

// Id of block `index` of file `file_id`.
inline constexpr int64_t BlockIdOfFile(int64_t file_id, int64_t index) {
  return ((file_id >> kBlockIndexBits) << kBlockIndexBits) | index;
}
// Id of the file block `block_id` belongs to.
inline constexpr int64_t FileIdOfBlockId(int64_t block_id) {
  return ((block_id >> kBlockIndexBits) << kBlockIndexBits) | kMaxBlockIndexInFile;
}
// Position of the block in its file.
inline constexpr int64_t BlockIndexOf(int64_t block_id) { return block_id & kMaxBlockIndexInFile; }

}  // namespace alluxio
