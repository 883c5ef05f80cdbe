// SPDX-License-Identifier: Apache-2.0
// BackupWriter / ReadBackup: round trips, and a corruption table (LevelDB log_test style) in which
// every kind of damage is refused with a clear error. Plus the golden v1 backup, which every later
// build must read (docs/formats/backup.md, "Golden file").
#include "journal/backup/backup_format.h"

#include <zlib.h>

#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "journal/local/record_format.h"
#include "journal/local/test_util.h"

namespace alluxio::journal {
namespace {

using testing::TempFolder;

const std::string kGolden =
    std::string(ALLUXIO_SOURCE_DIR) + "/src/journal/backup/testdata/alluxio-backup-v1.gz";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteAll(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
}

std::string Gzip(const std::string& data) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 1, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(out.size() - z.avail_out);
  deflateEnd(&z);
  return out;
}

std::string Gunzip(const std::string& data) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 31), Z_OK);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buf[65536];
  int r;
  do {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof(buf);
    r = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof(buf) - z.avail_out);
  } while (r == Z_OK);
  EXPECT_EQ(r, Z_STREAM_END);
  inflateEnd(&z);
  return out;
}

JournalEntry FileEntry(int64_t id) {
  JournalEntry e;
  auto* f = e.mutable_inode_file();
  f->set_id(id);
  f->set_parent_id(0);
  f->set_name("file-" + std::to_string(id));
  f->set_owner("alice");
  f->set_group("staff");
  f->set_mode(0644);
  f->set_creation_time_ms(1700000000000 + id);
  f->set_block_size_bytes(64 << 20);
  f->set_ttl(-1);
  return e;
}

BackupInfo TestInfo() {
  BackupInfo info;
  info.sequence_number = 1234;
  info.alluxio_version = "2.10.0";
  info.cluster_id = "c0ffee00-1111-2222-3333-444455556666";
  info.host = "master-1";
  info.created_ms = 1700000000000;
  return info;
}

Status WriteBackup(const std::string& path, const std::vector<JournalEntry>& entries,
                   const BackupInfo& info = TestInfo()) {
  ASSIGN_OR_RETURN(std::unique_ptr<env::WritableFile> file,
                   env::Env::Default()->NewWritableFile(path));
  ASSIGN_OR_RETURN(std::unique_ptr<BackupWriter> w, BackupWriter::Create(std::move(file), info));
  for (const JournalEntry& e : entries) RETURN_IF_ERROR(w->Write(e));
  return w->Finish();
}

Status Read(const std::string& path, std::vector<JournalEntry>* entries, BackupInfo* info) {
  ASSIGN_OR_RETURN(std::unique_ptr<env::SequentialFile> file,
                   env::Env::Default()->NewSequentialFile(path));
  return ReadBackup(
      file.get(), path,
      [&](const JournalEntry& e) {
        if (entries != nullptr) entries->push_back(e);
        return Status();
      },
      info);
}

std::vector<JournalEntry> ManyEntries(int n) {
  std::vector<JournalEntry> v;
  for (int i = 1; i <= n; i++) v.push_back(FileEntry(i));
  return v;
}

// Recomputes the record checksum of the record whose header starts at `offset` of `raw`.
void Reframe(std::string* raw, size_t offset) {
  uint32_t len = DecodeFixed32(raw->data() + offset);
  size_t plen = len == kTrailerLength ? kTrailerPayloadSize : len;
  uint32_t crc = RecordChecksum(len, std::string_view(raw->data() + offset + 8, plen));
  std::string enc;
  PutFixed32(&enc, crc);
  raw->replace(offset + 4, 4, enc);
}

// Recomputes the seal over everything before it.
void Reseal(std::string* raw) {
  size_t body = raw->size() - kBackupSealSize;
  std::string seal;
  PutFixed64(&seal, XXH64(raw->data(), body, 0));
  PutFixed64(&seal, body);
  raw->replace(body, kBackupSealSize, seal);
}

class BackupFormatTest : public ::testing::Test {
 protected:
  std::string Path(const std::string& name = "backup.gz") { return dir_.path() + "/" + name; }
  // Writes a valid backup of `n` entries and returns its decompressed bytes.
  std::string WriteValid(int n = 100) {
    EXPECT_TRUE(WriteBackup(Path(), ManyEntries(n)).ok());
    return Gunzip(ReadAll(Path()));
  }
  Status ReadStatus() { return Read(Path(), nullptr, nullptr); }

  TempFolder dir_;
};

TEST_F(BackupFormatTest, RoundTripKeepsEntriesAndInfo) {
  std::vector<JournalEntry> in = ManyEntries(1000);
  // A batch entry too.
  JournalEntry batch;
  *batch.add_journal_entries() = FileEntry(5000);
  *batch.add_journal_entries() = FileEntry(5001);
  in.push_back(batch);
  ASSERT_TRUE(WriteBackup(Path(), in).ok());
  std::vector<JournalEntry> out;
  BackupInfo info;
  Status s = Read(Path(), &out, &info);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(out.size(), in.size());
  for (size_t i = 0; i < in.size(); i++) {
    EXPECT_EQ(out[i].SerializeAsString(), in[i].SerializeAsString()) << i;
  }
  EXPECT_EQ(info.entry_count, static_cast<int64_t>(in.size()));
  EXPECT_EQ(info.format_version, kBackupFormatVersion);
  EXPECT_EQ(info.sequence_number, 1234);
  EXPECT_EQ(info.alluxio_version, "2.10.0");
  EXPECT_EQ(info.cluster_id, "c0ffee00-1111-2222-3333-444455556666");
  EXPECT_EQ(info.host, "master-1");
  EXPECT_EQ(info.created_ms, 1700000000000);
}

TEST_F(BackupFormatTest, IsAPlainGzipStream) {
  std::string raw = WriteValid(10);
  EXPECT_EQ(raw.substr(0, 8), "ALLUXBAK");
}

TEST_F(BackupFormatTest, EmptyStateRoundTrips) {
  ASSERT_TRUE(WriteBackup(Path(), {}).ok());
  BackupInfo info;
  ASSERT_TRUE(Read(Path(), nullptr, &info).ok());
  EXPECT_EQ(info.entry_count, 0);
}

TEST_F(BackupFormatTest, LargeBackupSpansManyChunks) {
  // More than one 4 MiB chunk of records.
  std::vector<JournalEntry> in = ManyEntries(200000);
  ASSERT_TRUE(WriteBackup(Path(), in).ok());
  int64_t n = 0;
  BackupInfo info;
  ASSERT_TRUE(ReadBackup(
                  env::Env::Default()->NewSequentialFile(Path())->get(), Path(),
                  [&](const JournalEntry& e) {
                    EXPECT_EQ(e.inode_file().id(), n + 1);
                    n++;
                    return Status();
                  },
                  &info)
                  .ok());
  EXPECT_EQ(n, 200000);
}

TEST_F(BackupFormatTest, EntryWithoutPayloadIsRefusedByTheWriter) {
  auto w = BackupWriter::Create(*env::Env::Default()->NewWritableFile(Path()), TestInfo());
  ASSERT_TRUE(w.ok());
  EXPECT_EQ((*w)->Write(JournalEntry()).code(), StatusCode::kInvalidArgument);
}

TEST_F(BackupFormatTest, ErrorFromTheCallbackIsReturned) {
  WriteValid(10);
  auto file = env::Env::Default()->NewSequentialFile(Path());
  Status s = ReadBackup(
      file->get(), Path(), [](const JournalEntry&) { return AbortedError("stop"); }, nullptr);
  EXPECT_EQ(s.code(), StatusCode::kAborted);
}

// --- corruption table ---

TEST_F(BackupFormatTest, TruncatedAnywhereIsRefused) {
  WriteValid(2000);
  std::string gz = ReadAll(Path());
  for (size_t len : {size_t{0}, size_t{5}, size_t{20}, gz.size() / 3, gz.size() / 2, gz.size() - 9,
                     gz.size() - 1}) {
    WriteAll(Path(), gz.substr(0, len));
    Status s = ReadStatus();
    EXPECT_EQ(s.code(), StatusCode::kDataLoss) << len << ": " << s.ToString();
    EXPECT_NE(s.message().find("is corrupt"), std::string::npos) << s.ToString();
  }
}

TEST_F(BackupFormatTest, TruncatedBeforeTheTrailerIsRefused) {
  // A well-formed gzip stream of a backup whose end is missing.
  std::string raw = WriteValid(100);
  std::string cut = raw.substr(0, raw.size() - 24 - kBackupSealSize);
  WriteAll(Path(), Gzip(cut));
  Status s = ReadStatus();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("no trailer (truncated)"), std::string::npos) << s.ToString();
}

TEST_F(BackupFormatTest, FlippedBitInTheCompressedStreamIsRefused) {
  WriteValid(2000);
  std::string gz = ReadAll(Path());
  for (size_t at : {gz.size() / 4, gz.size() / 2, gz.size() - 6}) {
    std::string bad = gz;
    bad[at] ^= 0x10;
    WriteAll(Path(), bad);
    Status s = ReadStatus();
    EXPECT_EQ(s.code(), StatusCode::kDataLoss) << at << ": " << s.ToString();
  }
}

TEST_F(BackupFormatTest, FlippedBitInARecordIsRefused) {
  std::string raw = WriteValid(100);
  // Inside the payload of some entry record, well after the header and the info record.
  raw[raw.size() / 2] ^= 0x01;
  WriteAll(Path(), Gzip(raw));
  Status s = ReadStatus();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("record checksum mismatch"), std::string::npos) << s.ToString();
}

TEST_F(BackupFormatTest, BadTrailerChecksumIsRefused) {
  std::string raw = WriteValid(100);
  size_t trailer = raw.size() - kBackupSealSize - 24;
  raw[trailer + 8] ^= 0x01;  // the count, without fixing the checksum
  WriteAll(Path(), Gzip(raw));
  Status s = ReadStatus();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("checksum mismatch"), std::string::npos) << s.ToString();
}

TEST_F(BackupFormatTest, TrailerCountMismatchIsRefused) {
  std::string raw = WriteValid(100);
  size_t trailer = raw.size() - kBackupSealSize - 24;
  std::string count;
  PutFixed64(&count, 99);
  raw.replace(trailer + 8, 8, count);
  Reframe(&raw, trailer);
  Reseal(&raw);
  WriteAll(Path(), Gzip(raw));
  Status s = ReadStatus();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("the trailer counts 99 entries but 100 were read"), std::string::npos)
      << s.ToString();
}

TEST_F(BackupFormatTest, DroppedRecordIsRefusedEvenWithAConsistentTrailer) {
  // Remove the last entry record and fix the trailer count: only the seal catches it.
  std::string raw = WriteValid(100);
  size_t trailer = raw.size() - kBackupSealSize - 24;
  std::string tail = raw.substr(trailer);
  std::string body = raw.substr(0, trailer);
  JournalEntry last = FileEntry(100);
  std::string rec;
  AppendEntryRecord(&rec, last);
  ASSERT_EQ(body.substr(body.size() - rec.size()), rec);
  body.resize(body.size() - rec.size());
  raw = body + tail;
  // Count 99 with a valid trailer checksum; the seal, as written, no longer matches.
  size_t t = raw.size() - kBackupSealSize - 24;
  std::string count;
  PutFixed64(&count, 99);
  raw.replace(t + 8, 8, count);
  Reframe(&raw, t);
  WriteAll(Path(), Gzip(raw));
  Status s = ReadStatus();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("seal"), std::string::npos) << s.ToString();
}

TEST_F(BackupFormatTest, BadSealIsRefused) {
  std::string raw = WriteValid(100);
  raw[raw.size() - 3] ^= 0x40;
  WriteAll(Path(), Gzip(raw));
  Status s = ReadStatus();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("seal"), std::string::npos) << s.ToString();
}

TEST_F(BackupFormatTest, BytesAfterTheEndAreRefused) {
  std::string raw = WriteValid(10);
  WriteAll(Path(), Gzip(raw + "x"));
  EXPECT_EQ(ReadStatus().code(), StatusCode::kDataLoss);
  WriteAll(Path(), Gzip(raw) + "garbage");
  Status s = ReadStatus();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("bytes after"), std::string::npos) << s.ToString();
}

TEST_F(BackupFormatTest, UnknownVersionIsRefusedNamingBoth) {
  std::string raw = WriteValid(10);
  std::string v;
  PutFixed32(&v, 7);
  raw.replace(8, 4, v);
  std::string crc;
  PutFixed32(&crc, XXH32(raw.data(), 24, 0));
  raw.replace(24, 4, crc);
  WriteAll(Path(), Gzip(raw));
  Status s = ReadStatus();
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("has format version 7, but this build reads backup versions 1 to 1"),
            std::string::npos)
      << s.ToString();
}

TEST_F(BackupFormatTest, NotABackupIsRefused) {
  WriteAll(Path(), Gzip("hello, this is not a backup at all, just some text......"));
  Status s = ReadStatus();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("not an Alluxio backup"), std::string::npos) << s.ToString();
  WriteAll(Path(), "plain text, not gzip at all");
  s = ReadStatus();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("not a valid gzip stream"), std::string::npos) << s.ToString();
}

TEST_F(BackupFormatTest, UnrecognizedEntryIsRefused) {
  std::string raw = WriteValid(1);
  // Replace the one entry record by one holding an entry with no known payload.
  size_t trailer = raw.size() - kBackupSealSize - 24;
  std::string rec;
  AppendEntryRecord(&rec, FileEntry(1));
  size_t at = trailer - rec.size();
  JournalEntry unknown;
  unknown.set_sequence_number(5);
  std::string payload = unknown.SerializeAsString();
  std::string newrec;
  PutFixed32(&newrec, static_cast<uint32_t>(payload.size()));
  PutFixed32(&newrec, RecordChecksum(static_cast<uint32_t>(payload.size()), payload));
  newrec += payload;
  raw.replace(at, rec.size(), newrec);
  WriteAll(Path(), Gzip(raw));
  Status s = ReadStatus();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("Unrecognized journal entry"), std::string::npos) << s.ToString();
}

// --- golden file ---

std::vector<JournalEntry> GoldenEntries() {
  std::vector<JournalEntry> v(4);
  v[0].mutable_cluster_info()->set_cluster_id("c0ffee00-1111-2222-3333-444455556666");
  auto* root = v[1].mutable_inode_directory();
  root->set_id(0);
  root->set_name("");
  root->set_owner("alluxio");
  root->set_group("staff");
  root->set_mode(0755);
  root->set_creation_time_ms(1700000000000);
  root->set_persistence_state(proto::journal::PERSISTED);
  root->set_mount_point(true);
  v[2] = FileEntry(0x1000000 | 0xffffff);
  v[3].mutable_update_inode()->set_id(0);
  v[3].mutable_update_inode()->set_pinned(true);
  return v;
}

BackupInfo GoldenInfo() {
  BackupInfo info = TestInfo();
  info.sequence_number = 4;
  return info;
}

TEST(BackupGoldenTest, V1ReadsBackExactly) {
  std::vector<JournalEntry> out;
  BackupInfo info;
  Status s = Read(kGolden, &out, &info);
  ASSERT_TRUE(s.ok()) << s.ToString();
  std::vector<JournalEntry> want = GoldenEntries();
  ASSERT_EQ(out.size(), want.size());
  for (size_t i = 0; i < want.size(); i++) {
    EXPECT_EQ(out[i].ShortDebugString(), want[i].ShortDebugString());
  }
  EXPECT_EQ(info.format_version, 1u);
  EXPECT_EQ(info.sequence_number, 4);
  EXPECT_EQ(info.cluster_id, "c0ffee00-1111-2222-3333-444455556666");
  EXPECT_EQ(info.created_ms, 1700000000000);
}

TEST(BackupGoldenTest, TodaysWriterProducesTheV1Bytes) {
  // Compared uncompressed: zlib versions may compress differently.
  TempFolder dir;
  std::string path = dir.path() + "/golden.gz";
  ASSERT_TRUE(WriteBackup(path, GoldenEntries(), GoldenInfo()).ok());
  EXPECT_EQ(Gunzip(ReadAll(path)), Gunzip(ReadAll(kGolden)))
      << "The backup format changed: bump kBackupFormatVersion and keep the v1 golden file";
}

TEST(BackupGoldenTest, DISABLED_RegenerateV1) {
  ASSERT_TRUE(WriteBackup(kGolden, GoldenEntries(), GoldenInfo()).ok());
}

}  // namespace
}  // namespace alluxio::journal
