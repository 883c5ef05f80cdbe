// SPDX-License-Identifier: Apache-2.0
#include "journal/local/record_format.h"

#include <string>

#include "gtest/gtest.h"
#include "journal/local/test_util.h"
#include "journal/testing/map_journaled.h"

namespace alluxio::journal {
namespace {

using testing::Contains;
using testing::TempFolder;

TEST(FileHeaderTest, RoundTrip) {
  FileHeader h;
  h.sequence_number = 0x123456789;
  std::string bytes = EncodeFileHeader(kSegmentMagic, h);
  ASSERT_EQ(bytes.size(), kFileHeaderSize);
  EXPECT_EQ(bytes.substr(0, 8), "ALLUXJNL");
  auto decoded = DecodeFileHeader(bytes, kSegmentMagic, "Journal segment", "/x");
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->version, 1u);
  EXPECT_EQ(decoded->sequence_number, 0x123456789);
}

TEST(FileHeaderTest, UnknownVersionNamesBothVersionsAndTheRemedy) {
  std::string bytes = EncodeFileHeader(kSegmentMagic, FileHeader{});
  bytes[8] = 7;  // Version 7.
  auto decoded = DecodeFileHeader(bytes, kSegmentMagic, "Journal segment", "/j/logs/0x0-0x5");
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), StatusCode::kFailedPrecondition);
  const Status status = decoded.status();  // status() returns a copy: keep it alive.
  std::string_view m = status.message();
  EXPECT_TRUE(Contains(m, "/j/logs/0x0-0x5")) << m;
  EXPECT_TRUE(Contains(m, "format version 7")) << m;
  EXPECT_TRUE(Contains(m, "versions 1 to 1")) << m;
  // The upgrade page's commands, in order.
  EXPECT_TRUE(Contains(m, "`bin/alluxio fsadmin backup`")) << m;
  EXPECT_TRUE(Contains(m, "`bin/alluxio-stop.sh all`")) << m;
  EXPECT_TRUE(Contains(m, "`bin/alluxio format`")) << m;
  EXPECT_TRUE(Contains(m, "`bin/alluxio-start.sh -i <backup URI> all`")) << m;
}

TEST(FileHeaderTest, WrongMagicAndBadChecksumAreDataLoss) {
  std::string bytes = EncodeFileHeader(kSegmentMagic, FileHeader{});
  EXPECT_EQ(DecodeFileHeader(bytes, kCheckpointMagic, "Checkpoint", "/c").status().code(),
            StatusCode::kDataLoss);
  bytes[17] ^= 1;  // Sequence number changed, checksum not.
  EXPECT_EQ(DecodeFileHeader(bytes, kSegmentMagic, "Journal segment", "/s").status().code(),
            StatusCode::kDataLoss);
}

TEST(EntryParseTest, RecognizesPayloadsBatchesAndUnknownEntries) {
  JournalEntry entry = PutEntry("k", "v");
  entry.set_sequence_number(3);
  JournalEntry parsed;
  EXPECT_EQ(ParseEntry(entry.SerializeAsString(), &parsed), EntryParse::kOk);
  EXPECT_EQ(parsed.sequence_number(), 3);

  JournalEntry batch;
  *batch.add_journal_entries() = PutEntry("a", "b");
  EXPECT_EQ(ParseEntry(batch.SerializeAsString(), &parsed), EntryParse::kOk);

  JournalEntry bare;  // Only a sequence number: e.g. a payload from a newer binary.
  bare.set_sequence_number(1);
  EXPECT_EQ(ParseEntry(bare.SerializeAsString(), &parsed), EntryParse::kUnrecognized);
  *batch.add_journal_entries() = bare;
  EXPECT_EQ(ParseEntry(batch.SerializeAsString(), &parsed), EntryParse::kUnrecognized);

  EXPECT_EQ(ParseEntry(std::string("\xff\xff\xff", 3), &parsed), EntryParse::kUnparsable);
}

class RecordReaderTest : public ::testing::Test {
 protected:
  // Writes `data` and reads it back with a RecordReader, collecting outcomes until a non-record.
  std::vector<RecordReader::Outcome> ReadBack(const std::string& data,
                                              std::vector<std::string>* payloads = nullptr) {
    std::string path = folder_.path() + "/f";
    testing::WriteAll(path, data);
    auto file = env::Env::Default()->NewSequentialFile(path);
    EXPECT_TRUE(file.ok());
    RecordReader reader(file->get(), 0);
    std::vector<RecordReader::Outcome> outcomes;
    while (true) {
      auto outcome = reader.Next();
      EXPECT_TRUE(outcome.ok());
      outcomes.push_back(*outcome);
      if (*outcome != RecordReader::Outcome::kRecord) break;
      if (payloads) payloads->emplace_back(reader.payload());
    }
    return outcomes;
  }

  static std::string Records(int n) {
    std::string out;
    for (int i = 0; i < n; i++) {
      JournalEntry e = PutEntry("key" + std::to_string(i), std::string(100 * i, 'v'));
      e.set_sequence_number(i);
      AppendEntryRecord(&out, e);
    }
    return out;
  }

  TempFolder folder_;
};

using Outcome = RecordReader::Outcome;

TEST_F(RecordReaderTest, ReadsRecordsThenEof) {
  std::vector<std::string> payloads;
  auto outcomes = ReadBack(Records(3), &payloads);
  EXPECT_EQ(outcomes, (std::vector<Outcome>{Outcome::kRecord, Outcome::kRecord, Outcome::kRecord,
                                            Outcome::kEof}));
  ASSERT_EQ(payloads.size(), 3u);
  JournalEntry e;
  ASSERT_EQ(ParseEntry(payloads[2], &e), EntryParse::kOk);
  EXPECT_EQ(e.inode_directory().name(), "key2");
}

TEST_F(RecordReaderTest, LargeRecordsSpanReadChunks) {
  std::string data;
  JournalEntry e = PutEntry("big", std::string(3 << 20, 'x'));
  for (int i = 0; i < 3; i++) AppendEntryRecord(&data, e);
  EXPECT_EQ(ReadBack(data), (std::vector<Outcome>{Outcome::kRecord, Outcome::kRecord,
                                                  Outcome::kRecord, Outcome::kEof}));
}

TEST_F(RecordReaderTest, ClassifiesDamage) {
  std::string good = Records(2);
  // Torn inside the second record's header and inside its payload.
  size_t second = kRecordHeaderSize + DecodeFixed32(good.data());
  EXPECT_EQ(ReadBack(good.substr(0, second + 3)).back(), Outcome::kTruncated);
  EXPECT_EQ(ReadBack(good.substr(0, good.size() - 1)).back(), Outcome::kTruncated);
  // Zero length.
  std::string zero = good + std::string(16, '\0');
  EXPECT_EQ(ReadBack(zero).back(), Outcome::kBadLength);
  // Huge length.
  std::string huge = good;
  huge[second + 3] = '\x7f';
  EXPECT_EQ(ReadBack(huge).back(), Outcome::kBadLength);
  // Flipped payload byte.
  std::string flipped = good;
  flipped[second + 10] ^= 0x20;
  EXPECT_EQ(ReadBack(flipped).back(), Outcome::kBadChecksum);
}

TEST_F(RecordReaderTest, TrailerIsRecognizedAndChecked) {
  std::string data = Records(1);
  AppendTrailerRecord(&data, 1, 42);
  std::string path = folder_.path() + "/t";
  testing::WriteAll(path, data);
  auto file = env::Env::Default()->NewSequentialFile(path);
  ASSERT_TRUE(file.ok());
  RecordReader reader(file->get(), 0);
  EXPECT_EQ(reader.Next().value(), Outcome::kRecord);
  EXPECT_EQ(reader.Next().value(), Outcome::kTrailer);
  EXPECT_EQ(reader.trailer_count(), 1u);
  EXPECT_EQ(reader.trailer_sequence_number(), 42);
  EXPECT_EQ(reader.Next().value(), Outcome::kEof);

  data[data.size() - 1] ^= 1;
  EXPECT_EQ(ReadBack(data).back(), Outcome::kBadChecksum);
}

TEST(IsValidRecordAtTest, AcceptsOnlyIntactRecords) {
  std::string data;
  AppendEntryRecord(&data, PutEntry("k", "v"));
  EXPECT_TRUE(IsValidRecordAt(data));
  EXPECT_FALSE(IsValidRecordAt(data.substr(0, data.size() - 1)));
  EXPECT_FALSE(IsValidRecordAt(std::string(64, '\0')));
  data[9] ^= 1;
  EXPECT_FALSE(IsValidRecordAt(data));
}

}  // namespace
}  // namespace alluxio::journal
