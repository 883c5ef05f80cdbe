// SPDX-License-Identifier: Apache-2.0
#include "worker/block/store_options.h"

#include <array>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <set>
#include <string>
#include <system_error>

#include <fmt/format.h>

#include "common/conf/property_key.h"
#include "worker/block/block_types.h"

namespace alluxio::worker {
namespace {

namespace keys = conf::keys;

constexpr std::string_view kAllocatorPackage = "alluxio.worker.block.allocator.";
constexpr std::string_view kAnnotatorPackage = "alluxio.worker.block.annotator.";

struct LevelKeys {
  const conf::PropertyKey& alias;
  const conf::PropertyKey& path;
  const conf::PropertyKey& medium;
  const conf::PropertyKey& quota;
};

const LevelKeys& KeysOfLevel(size_t level) {
  static const std::array<LevelKeys, 3> kLevels = {{
      {keys::kWorkerTieredstoreLevel0Alias, keys::kWorkerTieredstoreLevel0DirsPath,
       keys::kWorkerTieredstoreLevel0DirsMediumtype, keys::kWorkerTieredstoreLevel0DirsQuota},
      {keys::kWorkerTieredstoreLevel1Alias, keys::kWorkerTieredstoreLevel1DirsPath,
       keys::kWorkerTieredstoreLevel1DirsMediumtype, keys::kWorkerTieredstoreLevel1DirsQuota},
      {keys::kWorkerTieredstoreLevel2Alias, keys::kWorkerTieredstoreLevel2DirsPath,
       keys::kWorkerTieredstoreLevel2DirsMediumtype, keys::kWorkerTieredstoreLevel2DirsQuota},
  }};
  return kLevels[level];
}

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

// "a/b/" -> "a/b"; "/alluxioworker/" -> "alluxioworker".
std::string StripSlashes(std::string_view s) {
  while (!s.empty() && s.front() == '/') s.remove_prefix(1);
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  return std::string(s);
}

Result<double> ParseDouble(const conf::Configuration& conf, const conf::PropertyKey& key) {
  std::string text = Trim(conf.Get(key));
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(value)) {
    return InvalidArgumentError(
        fmt::format("Invalid value '{}' for {}: expected a number such as 0.25", text, key.name));
  }
  return value;
}

// Checks a folder name relative to a dir: non-empty, no "." or ".." components.
Status CheckRelativeFolder(std::string_view what, const std::string& folder) {
  if (folder.empty()) return InvalidArgumentError(fmt::format("{} must not be empty", what));
  for (const auto& part : std::filesystem::path(folder)) {
    if (part == "." || part == "..") {
      return InvalidArgumentError(
          fmt::format("{} '{}' must not contain '.' or '..' components", what, folder));
    }
  }
  return Status::OK();
}

}  // namespace

std::string_view AllocatorClassName(AllocatorType type) {
  switch (type) {
    case AllocatorType::kMaxFree:
      return "alluxio.worker.block.allocator.MaxFreeAllocator";
    case AllocatorType::kRoundRobin:
      return "alluxio.worker.block.allocator.RoundRobinAllocator";
    case AllocatorType::kGreedy:
      return "alluxio.worker.block.allocator.GreedyAllocator";
  }
  return "";
}

std::string_view AnnotatorClassName(AnnotatorType type) {
  switch (type) {
    case AnnotatorType::kLru:
      return "alluxio.worker.block.annotator.LRUAnnotator";
    case AnnotatorType::kLrfu:
      return "alluxio.worker.block.annotator.LRFUAnnotator";
  }
  return "";
}

Result<AllocatorType> ParseAllocatorClass(std::string_view name) {
  std::string_view short_name = name;
  if (short_name.starts_with(kAllocatorPackage)) short_name.remove_prefix(kAllocatorPackage.size());
  if (short_name == "MaxFreeAllocator") return AllocatorType::kMaxFree;
  if (short_name == "RoundRobinAllocator") return AllocatorType::kRoundRobin;
  if (short_name == "GreedyAllocator") return AllocatorType::kGreedy;
  return InvalidArgumentError(
      fmt::format("Invalid value '{}' for {}: unknown allocator class; expected MaxFreeAllocator, "
                  "RoundRobinAllocator or GreedyAllocator (optionally prefixed with {})",
                  name, keys::kWorkerAllocatorClass.name, kAllocatorPackage));
}

Result<AnnotatorType> ParseAnnotatorClass(std::string_view name) {
  std::string_view short_name = name;
  if (short_name.starts_with(kAnnotatorPackage)) short_name.remove_prefix(kAnnotatorPackage.size());
  if (short_name == "LRUAnnotator") return AnnotatorType::kLru;
  if (short_name == "LRFUAnnotator") return AnnotatorType::kLrfu;
  return InvalidArgumentError(
      fmt::format("Invalid value '{}' for {}: unknown annotator class; expected LRUAnnotator or "
                  "LRFUAnnotator (optionally prefixed with {})",
                  name, keys::kWorkerBlockAnnotatorClass.name, kAnnotatorPackage));
}

Result<StoreOptions> StoreOptions::FromConfiguration(const conf::Configuration& conf) {
  StoreOptions o;
  ASSIGN_OR_RETURN(int64_t levels, conf.GetInt(keys::kWorkerTieredstoreLevels));
  if (levels < 1 || levels > static_cast<int64_t>(kGlobalTierAliases.size())) {
    return InvalidArgumentError(fmt::format("Invalid value '{}' for {}: expected 1 to {} levels",
                                            levels, keys::kWorkerTieredstoreLevels.name,
                                            kGlobalTierAliases.size()));
  }
  for (size_t level = 0; level < static_cast<size_t>(levels); level++) {
    const LevelKeys& k = KeysOfLevel(level);
    TierOptions tier;
    tier.alias = Trim(conf.Get(k.alias));
    if (tier.alias.empty()) {
      return InvalidArgumentError(
          fmt::format("{} is not set; {} is {}, so every level below it "
                      "needs an alias (MEM, SSD or HDD)",
                      k.alias.name, keys::kWorkerTieredstoreLevels.name, levels));
    }
    if (GlobalTierOrdinal(tier.alias) < 0) {
      return InvalidArgumentError(
          fmt::format("Invalid value '{}' for {}: unknown tier alias; expected MEM, SSD or HDD",
                      tier.alias, k.alias.name));
    }
    Result<std::vector<std::string>> paths = conf.GetList(k.path);
    if (!paths.ok() || paths->empty()) {
      return InvalidArgumentError(
          fmt::format("{} is not set; tier {} ({}) needs at least one directory", k.path.name,
                      level, tier.alias));
    }
    Result<std::vector<std::string>> media = conf.GetList(k.medium);
    if (!media.ok() || media->empty()) {
      return InvalidArgumentError(
          fmt::format("{} is not set; tier {} ({}) needs a medium type per directory",
                      k.medium.name, level, tier.alias));
    }
    Result<std::vector<std::string>> quotas = conf.GetList(k.quota);
    if (!quotas.ok() || quotas->empty()) {
      return InvalidArgumentError(
          fmt::format("{} is not set; tier {} ({}) needs a quota (a size such as 16GB)",
                      k.quota.name, level, tier.alias));
    }
    for (size_t i = 0; i < paths->size(); i++) {
      DirOptions dir;
      dir.path = (*paths)[i];
      dir.medium_type = (*media)[std::min(i, media->size() - 1)];
      const std::string& quota = (*quotas)[std::min(i, quotas->size() - 1)];
      Result<int64_t> bytes = conf::ParseBytes(quota);
      if (!bytes.ok() || *bytes < 0) {
        return InvalidArgumentError(
            fmt::format("Invalid quota '{}' for directory {} in {}: expected a size such as 16GB",
                        quota, dir.path, k.quota.name));
      }
      dir.quota_bytes = *bytes;
      tier.dirs.push_back(std::move(dir));
    }
    o.tiers.push_back(std::move(tier));
  }

  o.data_folder = StripSlashes(conf.Get(keys::kWorkerDataFolder));
  o.tmp_folder = StripSlashes(conf.Get(keys::kWorkerDataFolderTmp));
  ASSIGN_OR_RETURN(o.tmp_subdir_max, conf.GetInt(keys::kWorkerDataTmpSubdirMax));
  ASSIGN_OR_RETURN(o.allocator, ParseAllocatorClass(Trim(conf.Get(keys::kWorkerAllocatorClass))));
  ASSIGN_OR_RETURN(o.annotator,
                   ParseAnnotatorClass(Trim(conf.Get(keys::kWorkerBlockAnnotatorClass))));
  ASSIGN_OR_RETURN(o.lrfu_step_factor,
                   ParseDouble(conf, keys::kWorkerBlockAnnotatorLrfuStepFactor));
  ASSIGN_OR_RETURN(o.lrfu_attenuation_factor,
                   ParseDouble(conf, keys::kWorkerBlockAnnotatorLrfuAttenuationFactor));
  ASSIGN_OR_RETURN(o.free_ahead_bytes, conf.GetBytes(keys::kWorkerTieredstoreFreeAheadBytes));
  RETURN_IF_ERROR(o.Validate());
  return o;
}

Status StoreOptions::Validate() const {
  if (tiers.empty() || tiers.size() > kGlobalTierAliases.size()) {
    return InvalidArgumentError(fmt::format("A worker needs 1 to {} storage tiers, not {}",
                                            kGlobalTierAliases.size(), tiers.size()));
  }
  int previous_ordinal = -1;
  std::string previous_alias;
  std::set<std::string> paths;
  for (size_t level = 0; level < tiers.size(); level++) {
    const TierOptions& tier = tiers[level];
    int ordinal = GlobalTierOrdinal(tier.alias);
    if (ordinal < 0) {
      return InvalidArgumentError(fmt::format(
          "Unknown tier alias '{}' at level {}; expected MEM, SSD or HDD", tier.alias, level));
    }
    if (ordinal <= previous_ordinal) {
      return InvalidArgumentError(fmt::format(
          "Tier aliases must follow the global order MEM, SSD, HDD without repeats: level {} is "
          "{} but level {} is {}",
          level - 1, previous_alias, level, tier.alias));
    }
    previous_ordinal = ordinal;
    previous_alias = tier.alias;
    if (tier.dirs.empty()) {
      return InvalidArgumentError(
          fmt::format("Tier {} ({}) has no directories", level, tier.alias));
    }
    for (const DirOptions& dir : tier.dirs) {
      if (dir.path.empty() || dir.path.front() != '/') {
        return InvalidArgumentError(
            fmt::format("Directory '{}' of tier {} ({}) must be an absolute path", dir.path, level,
                        tier.alias));
      }
      std::string normal = std::filesystem::path(dir.path).lexically_normal().string();
      while (normal.size() > 1 && normal.back() == '/') normal.pop_back();
      if (!paths.insert(normal).second) {
        return InvalidArgumentError(fmt::format(
            "Directory {} is configured twice; each tier directory must be distinct", normal));
      }
      bool known_medium = false;
      for (std::string_view m : kMediumTypes) known_medium |= m == dir.medium_type;
      if (!known_medium) {
        return InvalidArgumentError(fmt::format(
            "Unknown medium type '{}' for directory {} of tier {} ({}); expected MEM, SSD or HDD",
            dir.medium_type, dir.path, level, tier.alias));
      }
      if (dir.quota_bytes < 0) {
        return InvalidArgumentError(
            fmt::format("Negative quota {} for directory {}", dir.quota_bytes, dir.path));
      }
    }
  }
  RETURN_IF_ERROR(CheckRelativeFolder(keys::kWorkerDataFolder.name, data_folder));
  RETURN_IF_ERROR(CheckRelativeFolder(keys::kWorkerDataFolderTmp.name, tmp_folder));
  if (tmp_subdir_max < 1) {
    return InvalidArgumentError(fmt::format("{} must be at least 1, not {}",
                                            keys::kWorkerDataTmpSubdirMax.name, tmp_subdir_max));
  }
  if (!(lrfu_step_factor >= 0.0 && lrfu_step_factor <= 1.0)) {
    return InvalidArgumentError(fmt::format("Invalid value '{}' for {}: must be in [0.0, 1.0]",
                                            lrfu_step_factor,
                                            keys::kWorkerBlockAnnotatorLrfuStepFactor.name));
  }
  if (!(lrfu_attenuation_factor >= 2.0) || !std::isfinite(lrfu_attenuation_factor)) {
    return InvalidArgumentError(fmt::format("Invalid value '{}' for {}: must be at least 2.0",
                                            lrfu_attenuation_factor,
                                            keys::kWorkerBlockAnnotatorLrfuAttenuationFactor.name));
  }
  if (free_ahead_bytes < 0) {
    return InvalidArgumentError(fmt::format("Invalid value '{}' for {}: must not be negative",
                                            free_ahead_bytes,
                                            keys::kWorkerTieredstoreFreeAheadBytes.name));
  }
  return Status::OK();
}

}  // namespace alluxio::worker
