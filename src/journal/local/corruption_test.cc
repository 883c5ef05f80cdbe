// SPDX-License-Identifier: Apache-2.0
// The corruption table for journal segments and checkpoints (in the style of LevelDB's
// log_test.cc): every kind of damage, and what recovery must make of it.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "journal/local/checkpoint.h"
#include "journal/local/local_journal.h"
#include "journal/local/record_format.h"
#include "journal/local/test_util.h"
#include "journal/testing/map_journaled.h"

namespace alluxio::journal {
namespace {

using testing::Children;
using testing::Contains;
using testing::JournalHarness;
using testing::PatchFile;
using testing::RecordOffsets;
using testing::TempFolder;

constexpr int kEntries = 10;

JournalEntry Numbered(SequenceNumber sn) {
  JournalEntry e = PutEntry("k" + std::to_string(sn), "v" + std::to_string(sn));
  e.set_sequence_number(sn);
  return e;
}

std::vector<JournalEntry> NumberedRange(SequenceNumber from, SequenceNumber to) {
  std::vector<JournalEntry> out;
  for (SequenceNumber sn = from; sn < to; sn++) out.push_back(Numbered(sn));
  return out;
}

std::map<std::string, std::string> Without(std::map<std::string, std::string> m,
                                           const std::string& key) {
  m.erase(key);
  return m;
}

// ----- Torn tails: truncated, and later appends work. -----

struct TruncationCase {
  const char* name;
  // The cut point given the record offsets and the file size.
  std::function<uint64_t(const std::vector<uint64_t>&, uint64_t)> cut;
  int survivors;
};

TEST(SegmentCorruptionTest, TruncatedTailIsDroppedAtEveryKindOfCutPoint) {
  const std::vector<TruncationCase> cases = {
      {"inside the last payload", [](auto&, uint64_t size) { return size - 1; }, kEntries - 1},
      {"one payload byte of the last record",
       [](auto& offs, uint64_t) { return offs[kEntries - 1] + kRecordHeaderSize + 1; },
       kEntries - 1},
      {"inside the last record header", [](auto& offs, uint64_t) { return offs.back() + 4; },
       kEntries - 1},
      {"at a record boundary", [](auto& offs, uint64_t) { return offs.back(); }, kEntries - 1},
      {"inside the sixth record", [](auto& offs, uint64_t) { return offs[5] + 10; }, 5},
      {"inside the first record", [](auto& offs, uint64_t) { return offs[0] + 3; }, 0},
      {"inside the header", [](auto&, uint64_t) { return uint64_t{20}; }, 0},
      {"empty file", [](auto&, uint64_t) { return uint64_t{0}; }, 0},
  };
  for (const TruncationCase& c : cases) {
    SCOPED_TRACE(c.name);
    JournalHarness h;
    h.Populate(kEntries);
    std::vector<uint64_t> offsets = RecordOffsets(h.open_segment());
    ASSERT_EQ(offsets.size(), static_cast<size_t>(kEntries));
    uint64_t size = env::Env::Default()->GetFileSize(h.open_segment()).value();
    ASSERT_TRUE(env::Env::Default()->TruncateFile(h.open_segment(), c.cut(offsets, size)).ok());

    Status s = h.Restart();
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(h.state()->contents(), JournalHarness::Expected(c.survivors));
    EXPECT_EQ(h.journal()->NextSequenceNumber(), c.survivors);
    ASSERT_TRUE(h.PutAndWait("new", "x").ok());
    ASSERT_TRUE(h.Restart().ok());
    EXPECT_EQ(h.state()->contents().size(), static_cast<size_t>(c.survivors + 1));
    EXPECT_EQ(h.state()->contents().at("new"), "x");
  }
}

TEST(SegmentCorruptionTest, ZeroedTailIsDropped) {
  JournalHarness h;
  h.Populate(kEntries);
  std::string data = testing::ReadAll(h.open_segment());
  testing::WriteAll(h.open_segment(), data + std::string(8192, '\0'));  // Preallocated.
  ASSERT_TRUE(h.Restart().ok());
  EXPECT_EQ(h.state()->contents(), JournalHarness::Expected(kEntries));
  EXPECT_EQ(testing::ReadAll(h.logs() + "/0x0-0xa"), data);  // Truncated, then completed.
}

TEST(SegmentCorruptionTest, BadChecksumAtTheVeryEndIsATornTail) {
  JournalHarness h;
  h.Populate(kEntries);
  uint64_t last = RecordOffsets(h.open_segment()).back();
  PatchFile(h.open_segment(), last + kRecordHeaderSize + 2, "\x7e");
  ASSERT_TRUE(h.Restart().ok());
  EXPECT_EQ(h.state()->contents(), JournalHarness::Expected(kEntries - 1));
}

// ----- Damage before the tail: DataLoss naming file, offset and sequence number. -----

struct DamageCase {
  const char* name;
  // Damages the segment given its record offsets.
  std::function<void(const std::string& path, const std::vector<uint64_t>& offsets)> damage;
  const char* reason;
};

TEST(SegmentCorruptionTest, DamageBeforeTheTailIsDataLoss) {
  const std::vector<DamageCase> cases = {
      {"bad checksum", [](const std::string& p, auto& offs) { PatchFile(p, offs[4] + 12, "\x01"); },
       "record checksum mismatch"},
      {"huge length",
       [](const std::string& p, auto& offs) {
         PatchFile(p, offs[4], std::string("\xff\xff\xff\x7f", 4));
       },
       "bad record length"},
      {"zero length",
       [](const std::string& p, auto& offs) { PatchFile(p, offs[4], std::string(4, '\0')); },
       "bad record length"},
      {"plausible but wrong length",
       [](const std::string& p, auto& offs) {
         std::string data = testing::ReadAll(p);
         uint32_t len = DecodeFixed32(data.data() + offs[4]);
         std::string patched;
         PutFixed32(&patched, len - 1);
         PatchFile(p, offs[4], patched);
       },
       "record checksum mismatch"},
      {"zeroed region",
       [](const std::string& p, auto& offs) {
         PatchFile(p, offs[4], std::string(offs[5] - offs[4], '\0'));
       },
       "bad record length"},
  };
  for (const DamageCase& c : cases) {
    SCOPED_TRACE(c.name);
    JournalHarness h;
    h.Populate(kEntries);
    std::vector<uint64_t> offsets = RecordOffsets(h.open_segment());
    c.damage(h.open_segment(), offsets);
    Status s = h.Restart();
    EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s.ToString();
    EXPECT_TRUE(Contains(s.message(), h.open_segment())) << s.ToString();
    EXPECT_TRUE(Contains(s.message(), "at offset " + std::to_string(offsets[4]))) << s.ToString();
    EXPECT_TRUE(Contains(s.message(), "expected sequence number 4")) << s.ToString();
    EXPECT_TRUE(Contains(s.message(), c.reason)) << s.ToString();

    // An operator may choose to lose the damaged record and go on.
    h.options().tolerate_corruption = true;
    s = h.Restart();
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(h.state()->contents(), Without(JournalHarness::Expected(kEntries), "k4"));
    EXPECT_EQ(h.journal()->NextSequenceNumber(), kEntries);
  }
}

TEST(SegmentCorruptionTest, DamageInACompletedSegmentIsDataLossEvenAtItsEnd) {
  JournalHarness h;
  h.Populate(kEntries);
  ASSERT_TRUE(h.Restart().ok());  // Completes 0x0-0xa.
  ASSERT_TRUE(h.Stop().ok());
  std::string completed = h.logs() + "/0x0-0xa";
  uint64_t size = env::Env::Default()->GetFileSize(completed).value();
  ASSERT_TRUE(env::Env::Default()->TruncateFile(completed, size - 1).ok());
  Status s = h.Restart();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s.ToString();
  EXPECT_TRUE(Contains(s.message(), completed)) << s.ToString();
  EXPECT_TRUE(Contains(s.message(), "incomplete record")) << s.ToString();
}

TEST(SegmentCorruptionTest, CompletedSegmentShorterThanItsNameIsDataLoss) {
  JournalHarness h;
  ASSERT_TRUE(env::Env::Default()->CreateDirs(h.logs()).ok());
  testing::WriteSegmentFile(h.logs() + "/0x0-0x6", 0, NumberedRange(0, 5));
  Status s = h.Restart();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s.ToString();
  EXPECT_TRUE(Contains(s.message(), "should hold sequence numbers up to 6")) << s.ToString();
}

TEST(SegmentCorruptionTest, UnknownPayloadIsDataLoss) {
  JournalHarness h;
  ASSERT_TRUE(env::Env::Default()->CreateDirs(h.logs()).ok());
  std::vector<JournalEntry> entries = NumberedRange(0, 6);
  entries[3].clear_inode_directory();  // Only a sequence number: a newer writer's payload.
  std::string path = h.open_segment();
  testing::WriteSegmentFile(path, 0, entries);
  Status s = h.Restart();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s.ToString();
  EXPECT_TRUE(Contains(s.message(), "Unrecognized journal entry")) << s.ToString();
  EXPECT_TRUE(Contains(s.message(), path)) << s.ToString();
  EXPECT_TRUE(Contains(s.message(), "offset " + std::to_string(RecordOffsets(path)[3])))
      << s.ToString();
  // Not a corruption an operator can wave through.
  h.options().tolerate_corruption = true;
  EXPECT_EQ(h.Restart().code(), StatusCode::kDataLoss);
}

TEST(SegmentCorruptionTest, UnknownSegmentVersionIsRefusedClearly) {
  JournalHarness h;
  h.Populate(3);
  PatchFile(h.open_segment(), 8, std::string("\x02\0\0\0", 4));
  Status s = h.Restart();
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
  EXPECT_TRUE(Contains(s.message(), h.open_segment())) << s.ToString();
  EXPECT_TRUE(Contains(s.message(), "format version 2")) << s.ToString();
  EXPECT_TRUE(Contains(s.message(), "versions 1 to 1")) << s.ToString();
  EXPECT_TRUE(Contains(s.message(), "bin/alluxio-start.sh -i <backup URI> all")) << s.ToString();
}

TEST(SegmentCorruptionTest, GapBetweenSegmentsIsDataLoss) {
  JournalHarness h;
  ASSERT_TRUE(env::Env::Default()->CreateDirs(h.logs()).ok());
  testing::WriteSegmentFile(h.logs() + "/0x0-0x5", 0, NumberedRange(0, 5));
  testing::WriteSegmentFile(h.open_segment(7), 7, NumberedRange(7, 10));
  Status s = h.Restart();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_EQ(s.message(),
            "Journal entries are missing between sequence number 5 (inclusive) and 7 "
            "(exclusive).");
}

TEST(SegmentCorruptionTest, MissingFirstSegmentIsDataLoss) {
  JournalHarness h;
  ASSERT_TRUE(env::Env::Default()->CreateDirs(h.logs()).ok());
  testing::WriteSegmentFile(h.open_segment(3), 3, NumberedRange(3, 6));
  Status s = h.Restart();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_TRUE(Contains(s.message(), "between sequence number 0 (inclusive) and 3")) << s.message();
}

TEST(SegmentCorruptionTest, OutOfOrderSequenceNumberInsideASegmentIsDataLoss) {
  JournalHarness h;
  ASSERT_TRUE(env::Env::Default()->CreateDirs(h.logs()).ok());
  std::vector<JournalEntry> entries = NumberedRange(0, 4);
  entries[2].set_sequence_number(3);
  testing::WriteSegmentFile(h.open_segment(), 0, entries);
  Status s = h.Restart();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_TRUE(Contains(s.message(), "expected sequence number 2 but found 3")) << s.message();
}

TEST(SegmentCorruptionTest, HeaderDisagreeingWithTheNameIsDataLoss) {
  JournalHarness h;
  ASSERT_TRUE(env::Env::Default()->CreateDirs(h.logs()).ok());
  testing::WriteSegmentFile(h.open_segment(0), 5, NumberedRange(5, 7));
  Status s = h.Restart();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_TRUE(Contains(s.message(), "by its header")) << s.message();
}

TEST(SegmentCorruptionTest, OpenSegmentFollowedByAnotherIsRecovered) {
  // A crash after the new segment was created but before the old one's rename was durable.
  JournalHarness h;
  ASSERT_TRUE(env::Env::Default()->CreateDirs(h.logs()).ok());
  testing::WriteSegmentFile(h.open_segment(0), 0, NumberedRange(0, 5));
  testing::WriteSegmentFile(h.open_segment(5), 5, NumberedRange(5, 8));
  ASSERT_TRUE(h.Restart().ok());
  EXPECT_EQ(h.state()->contents(), JournalHarness::Expected(8));
  EXPECT_EQ(Children(h.logs()),
            (std::vector<std::string>{"0x0-0x5", "0x5-0x8", "0x8-0x7fffffffffffffff"}));
}

// ----- Checkpoints: valid only if complete. -----

class CheckpointCorruptionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = folder_.path() + "/ckpt";
    auto writer = CheckpointWriter::Create(env::Env::Default(), path_, 42);
    ASSERT_TRUE(writer.ok());
    for (int i = 0; i < 3; i++)
      ASSERT_TRUE((*writer)->Write(PutEntry(std::to_string(i), "v")).ok());
    ASSERT_TRUE((*writer)->Finish().ok());
    good_ = testing::ReadAll(path_);
  }

  // Reads `data` as a checkpoint; returns the status and sets *invalid.
  Status Read(const std::string& data, bool* invalid, int* entries = nullptr) {
    testing::WriteAll(path_, data);
    int n = 0;
    Status s = ReadCheckpoint(
        env::Env::Default(), path_,
        [&](const JournalEntry&) {
          n++;
          return Status::OK();
        },
        nullptr, invalid);
    if (entries) *entries = n;
    return s;
  }

  TempFolder folder_;
  std::string path_;
  std::string good_;
};

TEST_F(CheckpointCorruptionTest, CompleteCheckpointIsValid) {
  bool invalid = true;
  int entries = 0;
  CheckpointInfo info;
  testing::WriteAll(path_, good_);
  ASSERT_TRUE(ReadCheckpoint(
                  env::Env::Default(), path_,
                  [&](const JournalEntry&) {
                    entries++;
                    return Status::OK();
                  },
                  &info, &invalid)
                  .ok());
  EXPECT_FALSE(invalid);
  EXPECT_EQ(entries, 3);
  EXPECT_EQ(info.sequence_number, 42);
  EXPECT_EQ(info.entry_count, 3);
}

TEST_F(CheckpointCorruptionTest, EveryTruncationIsInvalid) {
  for (size_t cut = 0; cut < good_.size(); cut++) {
    bool invalid = false;
    Status s = Read(good_.substr(0, cut), &invalid);
    EXPECT_EQ(s.code(), StatusCode::kDataLoss) << "cut " << cut;
    EXPECT_TRUE(invalid) << "cut " << cut;
  }
}

TEST_F(CheckpointCorruptionTest, EveryFlippedByteIsDetected) {
  for (size_t i = 0; i < good_.size(); i++) {
    std::string bad = good_;
    bad[i] ^= 0x10;
    bool invalid = false;
    Status s = Read(bad, &invalid);
    if (i >= 8 && i < 12) {  // The version field.
      EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << "byte " << i;
      EXPECT_FALSE(invalid);
    } else {
      EXPECT_EQ(s.code(), StatusCode::kDataLoss) << "byte " << i << ": " << s.ToString();
    }
  }
}

TEST_F(CheckpointCorruptionTest, BytesAfterTheTrailerAreInvalid) {
  bool invalid = false;
  EXPECT_EQ(Read(good_ + "x", &invalid).code(), StatusCode::kDataLoss);
  EXPECT_TRUE(invalid);
}

TEST_F(CheckpointCorruptionTest, WrongTrailerCountIsInvalid) {
  // Drop the last entry record but keep the trailer (which counts 3).
  std::string header = good_.substr(0, kFileHeaderSize);
  std::string trailer = good_.substr(good_.size() - kRecordHeaderSize - kTrailerPayloadSize);
  std::string records;
  for (int i = 0; i < 2; i++) AppendEntryRecord(&records, PutEntry(std::to_string(i), "v"));
  bool invalid = false;
  int entries = 0;
  Status s = Read(header + records + trailer, &invalid, &entries);
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_TRUE(invalid);
  EXPECT_TRUE(Contains(s.message(), "counts 3 entries but 2 were read")) << s.message();
}

TEST_F(CheckpointCorruptionTest, UnknownPayloadIsNotMerelyInvalid) {
  std::string header = good_.substr(0, kFileHeaderSize);
  JournalEntry bare;
  bare.set_sequence_number(0);
  std::string records;
  AppendEntryRecord(&records, bare);
  AppendTrailerRecord(&records, 1, 42);
  bool invalid = true;
  Status s = Read(header + records, &invalid);
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_FALSE(invalid);
  EXPECT_TRUE(Contains(s.message(), "Unrecognized journal entry")) << s.message();
}

}  // namespace
}  // namespace alluxio::journal
