// SPDX-License-Identifier: Apache-2.0
// StoreOptions: the shape of a worker's block store (tiers, dirs, quotas) and its policies, read
// from Alluxio's alluxio.worker.* keys by FromConfiguration and checked by Validate.
//
// Keys (Alluxio's names and defaults):
//   alluxio.worker.tieredstore.levels                  1 (1..3)
//   alluxio.worker.tieredstore.level{N}.alias          level0 MEM; levels 1, 2 have no default
//   alluxio.worker.tieredstore.level{N}.dirs.path      level0 /mnt/ramdisk
//   alluxio.worker.tieredstore.level{N}.dirs.mediumtype
//   ${alluxio.worker.tieredstore.level{N}.alias} alluxio.worker.tieredstore.level{N}.dirs.quota
//   level0 ${alluxio.worker.ramdisk.size} alluxio.worker.data.folder /alluxioworker/ (under each
//   dir) alluxio.worker.data.folder.tmp                     .tmp_blocks (under the data folder)
//   alluxio.worker.data.tmp.subdir.max                 1024
//   alluxio.worker.allocator.class                     ...allocator.MaxFreeAllocator
//   alluxio.worker.block.annotator.class               ...annotator.LRUAnnotator
//   alluxio.worker.block.annotator.lrfu.step.factor    0.25
//   alluxio.worker.block.annotator.lrfu.attenuation.factor 2.0
//   alluxio.worker.tieredstore.free.ahead.bytes        0
// Lists are comma-separated and matched by position: dir i of a level has path i, medium type i
// and quota i. A medium-type or quota list shorter than the path list reuses its last item for
// the remaining dirs (as Alluxio); extra items are ignored.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/conf/configuration.h"
#include "common/result.h"

namespace alluxio::worker {

enum class AllocatorType { kMaxFree, kRoundRobin, kGreedy };
enum class AnnotatorType { kLru, kLrfu };

// Alluxio's class names: "alluxio.worker.block.allocator.MaxFreeAllocator" etc.
std::string_view AllocatorClassName(AllocatorType type);
std::string_view AnnotatorClassName(AnnotatorType type);
// Accepts the short ("GreedyAllocator") or fully qualified class name, case-sensitively.
// InvalidArgument naming the accepted values otherwise.
Result<AllocatorType> ParseAllocatorClass(std::string_view name);
Result<AnnotatorType> ParseAnnotatorClass(std::string_view name);

struct DirOptions {
  std::string path;         // absolute tier directory, e.g. /mnt/ramdisk
  std::string medium_type;  // MEM, SSD or HDD
  int64_t quota_bytes = 0;  // capacity of the dir; >= 0
};

struct TierOptions {
  std::string alias;  // MEM, SSD or HDD
  std::vector<DirOptions> dirs;
};

struct StoreOptions {
  // Fastest tier first; aliases follow the global order MEM, SSD, HDD.
  std::vector<TierOptions> tiers;
  // Relative to each dir; slashes around it are ignored ("/alluxioworker/" = "alluxioworker").
  std::string data_folder = "alluxioworker";
  // Relative to the data folder.
  std::string tmp_folder = ".tmp_blocks";
  int64_t tmp_subdir_max = 1024;
  AllocatorType allocator = AllocatorType::kMaxFree;
  AnnotatorType annotator = AnnotatorType::kLru;
  double lrfu_step_factor = 0.25;        // [0, 1]
  double lrfu_attenuation_factor = 2.0;  // >= 2
  int64_t free_ahead_bytes = 0;          // >= 0
  // Open() also checks the full XXH64 of every block that has one (slow: reads every block).
  // Off by default: Open() checks sizes only, VerifyBlock() checks a block on demand.
  bool verify_checksums_on_open = false;

  // Reads the alluxio.worker.* keys above. InvalidArgument, naming the key and the value, for: a
  // level count outside 1..3, a missing or unknown alias, aliases out of the global order or
  // repeated, an empty path list, a relative or duplicate dir path, an unknown medium type, a
  // missing quota or one that is not a size, an unknown allocator or annotator class, LRFU
  // factors that are not numbers or out of range, a negative free-ahead size, bad data folders.
  static Result<StoreOptions> FromConfiguration(const conf::Configuration& conf);

  // The same checks on a hand-built StoreOptions (Open calls it).
  Status Validate() const;
};

}  // namespace alluxio::worker
