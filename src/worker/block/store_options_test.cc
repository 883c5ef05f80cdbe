// SPDX-License-Identifier: Apache-2.0
#include "worker/block/store_options.h"

#include <unistd.h>

#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/conf/property_key.h"

namespace alluxio::worker {
namespace {

using ::testing::HasSubstr;
namespace keys = conf::keys;

conf::Configuration Conf(const std::vector<std::pair<std::string, std::string>>& values) {
  conf::Configuration c;
  for (const auto& [k, v] : values) {
    Status s = c.Set(k, v);
    EXPECT_TRUE(s.ok()) << k << "=" << v << ": " << s.ToString();
  }
  return c;
}

TEST(StoreOptionsTest, DefaultsMatchAlluxio) {
  conf::Configuration c;
  EXPECT_EQ(c.Get(keys::kWorkerTieredstoreLevels), "1");
  EXPECT_EQ(c.Get(keys::kWorkerTieredstoreLevel0Alias), "MEM");
  EXPECT_EQ(c.Get(keys::kWorkerTieredstoreLevel0DirsPath), "/mnt/ramdisk");
  EXPECT_EQ(c.Get(keys::kWorkerTieredstoreLevel0DirsMediumtype), "MEM");
  EXPECT_EQ(c.Get(keys::kWorkerTieredstoreLevel0DirsQuota), c.Get(keys::kWorkerRamdiskSize));
  EXPECT_FALSE(c.IsSet(keys::kWorkerTieredstoreLevel1Alias));
  EXPECT_FALSE(c.IsSet(keys::kWorkerTieredstoreLevel2DirsPath));
  EXPECT_EQ(c.Get(keys::kWorkerDataFolder), "/alluxioworker/");
  EXPECT_EQ(c.Get(keys::kWorkerDataFolderTmp), ".tmp_blocks");
  EXPECT_EQ(c.Get(keys::kWorkerAllocatorClass), "alluxio.worker.block.allocator.MaxFreeAllocator");
  EXPECT_EQ(c.Get(keys::kWorkerBlockAnnotatorClass), "alluxio.worker.block.annotator.LRUAnnotator");
  EXPECT_EQ(c.Get(keys::kWorkerBlockAnnotatorLrfuStepFactor), "0.25");
  EXPECT_EQ(c.Get(keys::kWorkerBlockAnnotatorLrfuAttenuationFactor), "2.0");
  EXPECT_EQ(*c.GetBytes(keys::kWorkerTieredstoreFreeAheadBytes), 0);
  // 2/3 of physical memory.
  int64_t phys = static_cast<int64_t>(::sysconf(_SC_PHYS_PAGES)) * ::sysconf(_SC_PAGESIZE);
  EXPECT_EQ(*c.GetBytes(keys::kWorkerRamdiskSize), phys * 2 / 3);

  Result<StoreOptions> o = StoreOptions::FromConfiguration(c);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  ASSERT_EQ(o->tiers.size(), 1u);
  EXPECT_EQ(o->tiers[0].alias, "MEM");
  ASSERT_EQ(o->tiers[0].dirs.size(), 1u);
  EXPECT_EQ(o->tiers[0].dirs[0].path, "/mnt/ramdisk");
  EXPECT_EQ(o->tiers[0].dirs[0].medium_type, "MEM");
  EXPECT_EQ(o->tiers[0].dirs[0].quota_bytes, phys * 2 / 3);
  EXPECT_EQ(o->data_folder, "alluxioworker");
  EXPECT_EQ(o->tmp_folder, ".tmp_blocks");
  EXPECT_EQ(o->tmp_subdir_max, 1024);
  EXPECT_EQ(o->allocator, AllocatorType::kMaxFree);
  EXPECT_EQ(o->annotator, AnnotatorType::kLru);
  EXPECT_DOUBLE_EQ(o->lrfu_step_factor, 0.25);
  EXPECT_DOUBLE_EQ(o->lrfu_attenuation_factor, 2.0);
  EXPECT_EQ(o->free_ahead_bytes, 0);
}

TEST(StoreOptionsTest, RamdiskSizeAndItsAliasSetTheLevel0Quota) {
  Result<StoreOptions> o =
      StoreOptions::FromConfiguration(Conf({{"alluxio.worker.ramdisk.size", "512MB"}}));
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->tiers[0].dirs[0].quota_bytes, int64_t{512} << 20);
  o = StoreOptions::FromConfiguration(Conf({{"alluxio.worker.memory.size", "1GB"}}));
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->tiers[0].dirs[0].quota_bytes, int64_t{1} << 30);
}

TEST(StoreOptionsTest, ThreeTiersWithListsMatchedByPosition) {
  Result<StoreOptions> o = StoreOptions::FromConfiguration(Conf({
      {"alluxio.worker.tieredstore.levels", "3"},
      {"alluxio.worker.tieredstore.level0.dirs.path", "/mnt/ramdisk0, /mnt/ramdisk1"},
      {"alluxio.worker.tieredstore.level0.dirs.quota", "1GB,2GB"},
      {"alluxio.worker.tieredstore.level1.alias", "SSD"},
      {"alluxio.worker.tieredstore.level1.dirs.path", "/ssd0,/ssd1,/ssd2"},
      {"alluxio.worker.tieredstore.level1.dirs.mediumtype", "SSD,HDD"},
      {"alluxio.worker.tieredstore.level1.dirs.quota", "10GB,20GB"},
      {"alluxio.worker.tieredstore.level2.alias", "HDD"},
      {"alluxio.worker.tieredstore.level2.dirs.path", "/hdd0"},
      {"alluxio.worker.tieredstore.level2.dirs.quota", "1TB"},
      {"alluxio.worker.allocator.class", "RoundRobinAllocator"},
      {"alluxio.worker.block.annotator.class", "alluxio.worker.block.annotator.LRFUAnnotator"},
      {"alluxio.worker.block.annotator.lrfu.step.factor", "0.5"},
      {"alluxio.worker.block.annotator.lrfu.attenuation.factor", "3"},
      {"alluxio.worker.tieredstore.free.ahead.bytes", "64MB"},
      {"alluxio.worker.data.folder", "/data/blocks/"},
      {"alluxio.worker.data.folder.tmp", "tmp"},
  }));
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  ASSERT_EQ(o->tiers.size(), 3u);
  EXPECT_EQ(o->tiers[0].alias, "MEM");
  ASSERT_EQ(o->tiers[0].dirs.size(), 2u);
  EXPECT_EQ(o->tiers[0].dirs[1].path, "/mnt/ramdisk1");
  EXPECT_EQ(o->tiers[0].dirs[1].medium_type, "MEM");
  EXPECT_EQ(o->tiers[0].dirs[1].quota_bytes, int64_t{2} << 30);
  const TierOptions& ssd = o->tiers[1];
  EXPECT_EQ(ssd.alias, "SSD");
  ASSERT_EQ(ssd.dirs.size(), 3u);
  EXPECT_EQ(ssd.dirs[0].medium_type, "SSD");
  EXPECT_EQ(ssd.dirs[1].medium_type, "HDD");
  EXPECT_EQ(ssd.dirs[2].medium_type, "HDD");  // the last medium type is reused
  EXPECT_EQ(ssd.dirs[0].quota_bytes, int64_t{10} << 30);
  EXPECT_EQ(ssd.dirs[2].quota_bytes, int64_t{20} << 30);  // the last quota is reused
  EXPECT_EQ(o->tiers[2].alias, "HDD");
  EXPECT_EQ(o->tiers[2].dirs[0].medium_type, "HDD");  // ${...level2.alias}
  EXPECT_EQ(o->tiers[2].dirs[0].quota_bytes, int64_t{1} << 40);
  EXPECT_EQ(o->allocator, AllocatorType::kRoundRobin);
  EXPECT_EQ(o->annotator, AnnotatorType::kLrfu);
  EXPECT_DOUBLE_EQ(o->lrfu_step_factor, 0.5);
  EXPECT_DOUBLE_EQ(o->lrfu_attenuation_factor, 3.0);
  EXPECT_EQ(o->free_ahead_bytes, int64_t{64} << 20);
  EXPECT_EQ(o->data_folder, "data/blocks");
  EXPECT_EQ(o->tmp_folder, "tmp");
}

TEST(StoreOptionsTest, ClassNamesShortOrQualified) {
  for (auto [name, type] : std::vector<std::pair<std::string, AllocatorType>>{
           {"MaxFreeAllocator", AllocatorType::kMaxFree},
           {"alluxio.worker.block.allocator.MaxFreeAllocator", AllocatorType::kMaxFree},
           {"RoundRobinAllocator", AllocatorType::kRoundRobin},
           {"alluxio.worker.block.allocator.GreedyAllocator", AllocatorType::kGreedy},
           {"GreedyAllocator", AllocatorType::kGreedy}}) {
    Result<AllocatorType> t = ParseAllocatorClass(name);
    ASSERT_TRUE(t.ok()) << name;
    EXPECT_EQ(*t, type) << name;
    EXPECT_TRUE(AllocatorClassName(type).ends_with(
        name.substr(name.rfind('.') == std::string::npos ? 0 : name.rfind('.') + 1)));
  }
  EXPECT_EQ(*ParseAnnotatorClass("LRUAnnotator"), AnnotatorType::kLru);
  EXPECT_EQ(*ParseAnnotatorClass("alluxio.worker.block.annotator.LRFUAnnotator"),
            AnnotatorType::kLrfu);
}

struct BadCase {
  std::string name;
  std::vector<std::pair<std::string, std::string>> values;
  std::string error;  // substring of the message
};

class StoreOptionsBadInputTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(StoreOptionsBadInputTest, IsRejectedWithAClearMessage) {
  const BadCase& c = GetParam();
  Result<StoreOptions> o = StoreOptions::FromConfiguration(Conf(c.values));
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(o.status().message()), HasSubstr(c.error));
}

const std::vector<std::pair<std::string, std::string>> kTwoLevels = {
    {"alluxio.worker.tieredstore.levels", "2"},
    {"alluxio.worker.tieredstore.level0.dirs.path", "/mem"},
    {"alluxio.worker.tieredstore.level0.dirs.quota", "1GB"},
};
std::vector<std::pair<std::string, std::string>> TwoLevels(
    std::vector<std::pair<std::string, std::string>> more) {
  std::vector<std::pair<std::string, std::string>> v = kTwoLevels;
  v.insert(v.end(), more.begin(), more.end());
  return v;
}

INSTANTIATE_TEST_SUITE_P(
    All, StoreOptionsBadInputTest,
    ::testing::Values(
        BadCase{"MissingLevel1Alias", TwoLevels({}),
                "alluxio.worker.tieredstore.level1.alias is not set"},
        BadCase{"UnknownAlias", TwoLevels({{"alluxio.worker.tieredstore.level1.alias", "NVME"}}),
                "Invalid value 'NVME' for alluxio.worker.tieredstore.level1.alias: unknown tier "
                "alias"},
        BadCase{"AliasesOutOfOrder",
                TwoLevels({{"alluxio.worker.tieredstore.level0.alias", "SSD"},
                           {"alluxio.worker.tieredstore.level1.alias", "MEM"},
                           {"alluxio.worker.tieredstore.level1.dirs.path", "/x"},
                           {"alluxio.worker.tieredstore.level1.dirs.quota", "1GB"}}),
                "global order MEM, SSD, HDD without repeats: level 0 is SSD but level 1 is MEM"},
        BadCase{"RepeatedAlias",
                TwoLevels({{"alluxio.worker.tieredstore.level1.alias", "MEM"},
                           {"alluxio.worker.tieredstore.level1.dirs.path", "/x"},
                           {"alluxio.worker.tieredstore.level1.dirs.quota", "1GB"}}),
                "level 0 is MEM but level 1 is MEM"},
        BadCase{"MissingLevel1Paths",
                TwoLevels({{"alluxio.worker.tieredstore.level1.alias", "SSD"},
                           {"alluxio.worker.tieredstore.level1.dirs.quota", "1GB"}}),
                "alluxio.worker.tieredstore.level1.dirs.path is not set"},
        BadCase{"MissingLevel1Quota",
                TwoLevels({{"alluxio.worker.tieredstore.level1.alias", "SSD"},
                           {"alluxio.worker.tieredstore.level1.dirs.path", "/ssd"}}),
                "alluxio.worker.tieredstore.level1.dirs.quota is not set"},
        BadCase{"QuotaNotASize",
                {{"alluxio.worker.tieredstore.level0.dirs.path", "/a,/b"},
                 {"alluxio.worker.tieredstore.level0.dirs.quota", "1GB,lots"}},
                "Invalid quota 'lots' for directory /b in "
                "alluxio.worker.tieredstore.level0.dirs.quota: expected a size such as 16GB"},
        BadCase{"DuplicateDir",
                {{"alluxio.worker.tieredstore.level0.dirs.path", "/a,/b,/a/"},
                 {"alluxio.worker.tieredstore.level0.dirs.quota", "1GB"}},
                "Directory /a is configured twice"},
        BadCase{"DuplicateDirAcrossTiers",
                TwoLevels({{"alluxio.worker.tieredstore.level1.alias", "HDD"},
                           {"alluxio.worker.tieredstore.level1.dirs.path", "/x,/mem/."},
                           {"alluxio.worker.tieredstore.level1.dirs.quota", "1GB"}}),
                "Directory /mem is configured twice"},
        BadCase{"RelativeDir",
                {{"alluxio.worker.tieredstore.level0.dirs.path", "ramdisk"},
                 {"alluxio.worker.tieredstore.level0.dirs.quota", "1GB"}},
                "Directory 'ramdisk' of tier 0 (MEM) must be an absolute path"},
        BadCase{"UnknownMedium",
                {{"alluxio.worker.tieredstore.level0.dirs.path", "/a"},
                 {"alluxio.worker.tieredstore.level0.dirs.quota", "1GB"},
                 {"alluxio.worker.tieredstore.level0.dirs.mediumtype", "TAPE"}},
                "Unknown medium type 'TAPE' for directory /a"},
        BadCase{"UnknownAllocator",
                {{"alluxio.worker.allocator.class", "alluxio.worker.block.allocator.FooAllocator"}},
                "Invalid value 'alluxio.worker.block.allocator.FooAllocator' for "
                "alluxio.worker.allocator.class: unknown allocator class"},
        BadCase{
            "OldEvictorClassAsAnnotator",
            {{"alluxio.worker.block.annotator.class", "alluxio.worker.block.evictor.LRUEvictor"}},
            "unknown annotator class; expected LRUAnnotator or LRFUAnnotator"},
        BadCase{"StepFactorNotANumber",
                {{"alluxio.worker.block.annotator.lrfu.step.factor", "fast"}},
                "Invalid value 'fast' for alluxio.worker.block.annotator.lrfu.step.factor: "
                "expected a number"},
        BadCase{"StepFactorOutOfRange",
                {{"alluxio.worker.block.annotator.lrfu.step.factor", "1.5"}},
                "must be in [0.0, 1.0]"},
        BadCase{"AttenuationTooSmall",
                {{"alluxio.worker.block.annotator.lrfu.attenuation.factor", "1.5"}},
                "alluxio.worker.block.annotator.lrfu.attenuation.factor: must be at least 2.0"},
        BadCase{"DataFolderEscapes",
                {{"alluxio.worker.data.folder", "../elsewhere"}},
                "must not contain '.' or '..' components"},
        BadCase{"EmptyTmpFolder",
                {{"alluxio.worker.data.folder.tmp", "/"}},
                "alluxio.worker.data.folder.tmp must not be empty"}),
    [](const ::testing::TestParamInfo<BadCase>& info) { return info.param.name; });

TEST(StoreOptionsTest, RegistryRejectsBadLevelCountAndSizes) {
  conf::Configuration c;
  EXPECT_EQ(c.Set("alluxio.worker.tieredstore.levels", "4").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(c.Set("alluxio.worker.tieredstore.levels", "0").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(c.Set("alluxio.worker.ramdisk.size", "big").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(c.Set("alluxio.worker.tieredstore.free.ahead.bytes", "x").code(),
            StatusCode::kInvalidArgument);
}

TEST(StoreOptionsTest, ValidateChecksHandBuiltOptions) {
  StoreOptions o;
  EXPECT_THAT(std::string(o.Validate().message()), HasSubstr("1 to 3 storage tiers, not 0"));
  o.tiers.push_back(TierOptions{"MEM", {DirOptions{"/a", "MEM", 10}}});
  EXPECT_TRUE(o.Validate().ok());
  o.free_ahead_bytes = -1;
  EXPECT_THAT(std::string(o.Validate().message()), HasSubstr("must not be negative"));
  o.free_ahead_bytes = 0;
  o.tiers[0].dirs[0].quota_bytes = -5;
  EXPECT_THAT(std::string(o.Validate().message()), HasSubstr("Negative quota -5"));
  o.tiers[0].dirs.clear();
  EXPECT_THAT(std::string(o.Validate().message()), HasSubstr("Tier 0 (MEM) has no directories"));
}

}  // namespace
}  // namespace alluxio::worker
