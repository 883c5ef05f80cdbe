// SPDX-License-Identifier: Apache-2.0
// The manifest codec: round trips, a corruption table (LevelDB log_test style) and the golden
// files: testdata/manifest_v1, which every later build must read with exactly its records, and
// testdata/manifest_v2, which today's encoder must also produce byte for byte. If the encoder
// changes, the format changed: bump kManifestVersion, keep the older files, add
// manifest_v<N> and update docs/formats/worker-block-store.md. Regenerate only a new version's
// file, with ALLUXIO_UPDATE_GOLDEN=1.
#include "worker/block/block_manifest.h"

#include <xxhash.h>

#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "env/testing/fault_injecting_env.h"
#include "worker/block/test_util.h"

namespace alluxio::worker {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::ReadFile;
using testing::TempFolder;
using testing::WriteFile;

const std::string kGoldenV1 =
    std::string(ALLUXIO_SOURCE_DIR) + "/src/worker/block/testdata/manifest_v1";
const std::string kGoldenV2 =
    std::string(ALLUXIO_SOURCE_DIR) + "/src/worker/block/testdata/manifest_v2";

ManifestRecord Commit(BlockId id, std::string_view data) {
  return {ManifestRecordType::kCommit, id, static_cast<int64_t>(data.size()), BlockChecksum(data)};
}
ManifestRecord Remove(BlockId id) { return {ManifestRecordType::kRemove, id, 0, 0, kOwnFile}; }
// A block at `offset` in its file's packed container.
ManifestRecord Packed(BlockId id, std::string_view data, int64_t offset) {
  ManifestRecord r = Commit(id, data);
  r.offset = offset;
  return r;
}

std::string Encode(const std::vector<ManifestRecord>& records) {
  std::string out = EncodeManifestHeader();
  for (const ManifestRecord& r : records) out += EncodeManifestRecord(r);
  return out;
}

// The version-2 golden manifest's records, in file order: own files and packed blocks.
std::vector<ManifestRecord> GoldenV2Records() {
  return {Commit(0x1000000, "hello"), Packed(0x3000000, "abcd", 0), Packed(0x3000002, "xy", 8),
          Remove(0x1000000), Packed(0x3000001, "efgh", 4)};
}

// The version-1 golden manifest's records, in file order.
std::vector<ManifestRecord> GoldenRecords() {
  return {Commit(0x1000000, "hello"), Commit(0x1000001, std::string(1000, 'a')),
          Commit(0x2000000, ""), Remove(0x2000000), Commit(-5, "abc")};
}

TEST(BlockManifestTest, ChecksumIsXxh64WithSeedZero) {
  EXPECT_EQ(BlockChecksum(""), 0xef46db3751d8e999ULL);  // XXH64 test vector
  BlockHasher h;
  h.Update("hel");
  h.Update("lo");
  EXPECT_EQ(h.Digest(), BlockChecksum("hello"));
}

TEST(BlockManifestTest, LayoutIsFixedSize) {
  std::string header = EncodeManifestHeader();
  ASSERT_EQ(header.size(), kManifestHeaderSize);
  EXPECT_EQ(header.substr(0, 8), "ALXBLKMF");
  EXPECT_EQ(header[8], 2);  // version, little endian
  std::string r = EncodeManifestRecord(Commit(0x0102, "x"));
  ASSERT_EQ(r.size(), kManifestRecordSize);
  EXPECT_EQ(r[4], 1);  // kCommit
  EXPECT_EQ(r[8], 0x02);
  EXPECT_EQ(r[9], 0x01);
  EXPECT_EQ(r[16], 1);                              // length 1
  EXPECT_EQ(r.substr(32), std::string(8, '\xff'));  // offset -1: its own file
  EXPECT_EQ(EncodeManifestRecord(Packed(0x0102, "x", 0x0304)).substr(32, 2), "\x04\x03");
}

TEST(BlockManifestTest, RoundTripKeepsTheLastWordPerBlock) {
  std::vector<ManifestRecord> records = {Commit(1, "a"), Commit(2, "bb"), Remove(1),
                                         Commit(3, "ccc"), Commit(2, "BBBB")};
  std::vector<ManifestRecord> read;
  ParsedManifest p = ParseManifest(Encode(records), &read);
  EXPECT_FALSE(p.damaged());
  EXPECT_EQ(p.records, 5);
  EXPECT_EQ(read, records);
  ASSERT_EQ(p.entries.size(), 2u);
  EXPECT_EQ(p.entries.at(2), (ManifestEntry{4, BlockChecksum("BBBB")}));
  EXPECT_EQ(p.entries.at(3), (ManifestEntry{3, BlockChecksum("ccc")}));
}

// Corruption table: each case damages a good three-record manifest.
struct Corruption {
  std::string name;
  std::function<void(std::string*)> damage;
  int64_t records;      // valid records still read
  int64_t bad_records;  // skipped
  int64_t torn_bytes;
  std::string header_error;  // substring; empty: header fine
  std::vector<BlockId> entries;
};

class BlockManifestCorruptionTest : public ::testing::TestWithParam<Corruption> {};

TEST_P(BlockManifestCorruptionTest, IsReportedAndSkipped) {
  const Corruption& c = GetParam();
  std::string data = Encode({Commit(1, "a"), Commit(2, "b"), Commit(3, "c")});
  c.damage(&data);
  ParsedManifest p = ParseManifest(data);
  EXPECT_EQ(p.records, c.records);
  EXPECT_EQ(p.bad_records, c.bad_records);
  EXPECT_EQ(p.torn_bytes, c.torn_bytes);
  if (c.header_error.empty()) {
    EXPECT_EQ(p.header_error, "");
  } else {
    EXPECT_THAT(p.header_error, HasSubstr(c.header_error));
  }
  std::vector<BlockId> ids;
  for (const auto& [id, e] : p.entries) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, c.entries);
  EXPECT_TRUE(p.damaged());
}

constexpr size_t kRecord2 = kManifestHeaderSize + kManifestRecordSize;  // offset of the 2nd

INSTANTIATE_TEST_SUITE_P(
    All, BlockManifestCorruptionTest,
    ::testing::Values(
        Corruption{"TruncatedTail",
                   [](std::string* d) { d->resize(d->size() - 5); },
                   2,
                   0,
                   35,
                   "",
                   {1, 2}},
        Corruption{"BadChecksumInTheMiddle",
                   [](std::string* d) { (*d)[kRecord2 + 20] ^= 1; },
                   2,
                   1,
                   0,
                   "",
                   {1, 3}},
        Corruption{"BadLength",  // a negative length with a valid record checksum
                   [](std::string* d) {
                     d->replace(kRecord2, kManifestRecordSize,
                                EncodeManifestRecord({ManifestRecordType::kCommit, 2, -1, 0}));
                   },
                   2,
                   1,
                   0,
                   "",
                   {1, 3}},
        Corruption{"UnknownType",  // type changed after the checksum was computed
                   [](std::string* d) { (*d)[kRecord2 + 4] = 9; },
                   2,
                   1,
                   0,
                   "",
                   {1, 3}},
        Corruption{"ZeroedRecord",
                   [](std::string* d) {
                     std::fill(d->begin() + kRecord2, d->begin() + kRecord2 + kManifestRecordSize,
                               '\0');
                   },
                   2,
                   1,
                   0,
                   "",
                   {1, 3}},
        Corruption{"ZeroedTail",  // preallocated space after the last record
                   [](std::string* d) { d->append(2 * kManifestRecordSize, '\0'); },
                   3,
                   2,
                   0,
                   "",
                   {1, 2, 3}},
        Corruption{"BadMagic", [](std::string* d) { (*d)[0] = 'X'; }, 0, 0, 0, "bad magic", {}},
        Corruption{"BadHeaderChecksum",
                   [](std::string* d) { (*d)[12] = 1; },
                   0,
                   0,
                   0,
                   "header checksum mismatch",
                   {}},
        Corruption{"NewerVersion",
                   [](std::string* d) {
                     (*d)[8] = 3;  // version 3, with a header checksum that matches it
                     uint32_t sum = XXH32(d->data(), 24, 0);
                     for (int i = 0; i < 4; i++) (*d)[24 + i] = static_cast<char>(sum >> (8 * i));
                   },
                   0,
                   0,
                   0,
                   "unknown format version 3 (this build reads versions 1 to 2)",
                   {}},
        Corruption{"Empty",
                   [](std::string* d) { d->clear(); },
                   0,
                   0,
                   0,
                   "shorter than its 32-byte header",
                   {}}),
    [](const ::testing::TestParamInfo<Corruption>& info) { return info.param.name; });

TEST(BlockManifestTest, GoldenV1IsRead) {
  std::string golden = ReadFile(kGoldenV1);
  ASSERT_EQ(golden.size(), kManifestHeaderSize + 5 * kManifestRecordSizeV1) << kGoldenV1;
  std::vector<ManifestRecord> read;
  ParsedManifest p = ParseManifest(golden, &read);
  EXPECT_FALSE(p.damaged());
  EXPECT_EQ(p.version, 1u);
  EXPECT_EQ(read, GoldenRecords());  // every block in its own file
  ASSERT_EQ(p.entries.size(), 3u);
  EXPECT_EQ(p.entries.at(0x1000000), (ManifestEntry{5, BlockChecksum("hello")}));
  EXPECT_EQ(p.entries.at(-5), (ManifestEntry{3, BlockChecksum("abc")}));
}

TEST(BlockManifestTest, GoldenV2IsReadAndReproduced) {
  std::string encoded = Encode(GoldenV2Records());
  if (std::getenv("ALLUXIO_UPDATE_GOLDEN") != nullptr) WriteFile(kGoldenV2, encoded);
  std::string golden = ReadFile(kGoldenV2);
  ASSERT_EQ(golden.size(), kManifestHeaderSize + 5 * kManifestRecordSize) << kGoldenV2;
  std::vector<ManifestRecord> read;
  ParsedManifest p = ParseManifest(golden, &read);
  EXPECT_FALSE(p.damaged());
  EXPECT_EQ(p.version, 2u);
  EXPECT_EQ(read, GoldenV2Records());
  ASSERT_EQ(p.entries.size(), 3u);
  EXPECT_EQ(p.entries.at(0x3000000), (ManifestEntry{4, BlockChecksum("abcd"), 0}));
  EXPECT_EQ(p.entries.at(0x3000001), (ManifestEntry{4, BlockChecksum("efgh"), 4}));
  EXPECT_EQ(p.entries.at(0x3000002), (ManifestEntry{2, BlockChecksum("xy"), 8}));
  EXPECT_EQ(encoded, golden) << "the v2 encoding changed; see the comment at the top";
}

TEST(BlockManifestTest, BadOffsetsAreBadRecords) {
  ManifestRecord below = Packed(1, "a", -2);
  ManifestRecord remove_with_offset = Remove(2);
  remove_with_offset.offset = 0;
  ParsedManifest p = ParseManifest(Encode({below, remove_with_offset, Packed(3, "c", 0)}));
  EXPECT_EQ(p.bad_records, 2);
  EXPECT_EQ(p.records, 1);
  EXPECT_TRUE(p.entries.contains(3));
}

TEST(ManifestWriterTest, CreateAppendAndReread) {
  TempFolder dir;
  env::Env* env = env::Env::Default();
  Result<std::unique_ptr<ManifestWriter>> w =
      ManifestWriter::Create(env, dir.path(), {{7, ManifestEntry{1, BlockChecksum("x")}}});
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ((*w)->records(), 1);
  ASSERT_TRUE((*w)->AppendCommit(8, {2, BlockChecksum("yy")}).ok());
  ASSERT_TRUE((*w)->AppendRemove(7).ok());
  EXPECT_EQ((*w)->records(), 3);
  w->reset();  // close: flushes the unsynced removal
  ParsedManifest p = ParseManifest(ReadFile(dir.Sub(".manifest")));
  EXPECT_FALSE(p.damaged());
  EXPECT_EQ(p.records, 3);
  ASSERT_EQ(p.entries.size(), 1u);
  EXPECT_EQ(p.entries.at(8).length, 2);
  EXPECT_THAT(testing::ListDir(dir.path()), ElementsAre(".manifest"));

  // Reopen for appending, then rewrite.
  w = ManifestWriter::OpenExisting(env, dir.path(), p.records);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->AppendCommit(9, {0, BlockChecksum("")}).ok());
  ASSERT_TRUE((*w)->Rewrite({{9, ManifestEntry{0, BlockChecksum("")}}}).ok());
  EXPECT_EQ((*w)->records(), 1);
  ASSERT_TRUE((*w)->AppendCommit(10, {1, 1}).ok());
  p = ParseManifest(ReadFile(dir.Sub(".manifest")));
  EXPECT_EQ(p.records, 2);
  EXPECT_TRUE(p.entries.contains(9) && p.entries.contains(10));
}

TEST(ManifestWriterTest, FailedAppendStopsAppendingUntilRewrite) {
  TempFolder dir;
  env::FaultInjectingEnv env(env::Env::Default());
  Result<std::unique_ptr<ManifestWriter>> w = ManifestWriter::Create(&env, dir.path(), {});
  ASSERT_TRUE(w.ok());
  env.FailNthCall(env::FaultOp::kSync, 1);
  EXPECT_FALSE((*w)->AppendCommit(1, {1, 1}).ok());
  EXPECT_FALSE((*w)->usable());
  EXPECT_THAT(std::string((*w)->AppendCommit(2, {1, 1}).message()), HasSubstr("unusable"));
  ASSERT_TRUE((*w)->Rewrite({{2, ManifestEntry{1, 1}}}).ok());
  EXPECT_TRUE((*w)->usable());
  ASSERT_TRUE((*w)->AppendCommit(3, {1, 1}).ok());
  ParsedManifest p = ParseManifest(ReadFile(dir.Sub(".manifest")));
  EXPECT_FALSE(p.damaged());
  EXPECT_EQ(p.entries.size(), 2u);
}

}  // namespace
}  // namespace alluxio::worker
