// SPDX-License-Identifier: Apache-2.0
// Golden files: a tiny v1 journal folder committed under testdata/v1/ must stay readable, with
// exactly these entries, by every later build. And today's writer must still produce the v1
// bytes; if it does not, the format changed: bump kFormatVersion, keep testdata/v1 as is, and add
// testdata/v<N> (see docs/formats/journal-segment.md, "Golden files").
#include <filesystem>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "journal/local/checkpoint.h"
#include "journal/local/local_journal.h"
#include "journal/local/segment.h"
#include "journal/local/test_util.h"
#include "journal/testing/map_journaled.h"

namespace alluxio::journal {
namespace {

using proto::journal::CompleteFileEntry;
using proto::journal::InodeDirectoryEntry;
using proto::journal::InodeFileEntry;
using proto::journal::RenameEntry;
using proto::journal::UpdateInodeEntry;
using testing::TempFolder;

const std::string kGoldenV1 = std::string(ALLUXIO_SOURCE_DIR) + "/src/journal/local/testdata/v1";
constexpr char kFormatMarker[] = "_format_1700000000000";

// The log entries of the golden journal, with their sequence numbers.
std::vector<JournalEntry> GoldenLogEntries() {
  std::vector<JournalEntry> entries(5);
  entries[0].mutable_cluster_info()->set_cluster_id("c0ffee00-1111-2222-3333-444455556666");

  InodeDirectoryEntry* root = entries[1].mutable_inode_directory();
  root->set_id(0);
  root->set_parent_id(-1);
  root->set_name("");
  root->set_owner("alluxio");
  root->set_group("staff");
  root->set_mode(0755);
  root->set_creation_time_ms(1700000000000);
  root->set_persistence_state(proto::journal::PERSISTED);
  root->set_mount_point(true);

  InodeFileEntry* file = entries[2].mutable_inode_file();
  file->set_id(0x1000000 | 0xffffff);
  file->set_parent_id(0);
  file->set_name("a.txt");
  file->set_owner("alice");
  file->set_mode(0644);
  file->set_creation_time_ms(1700000000100);
  file->set_block_size_bytes(64 << 20);
  file->set_ttl(-1);

  // A batch with an operation id.
  JournalEntry& batch = entries[3];
  batch.mutable_operation_id()->set_most_significant_bits(0x0123456789abcdef);
  batch.mutable_operation_id()->set_least_significant_bits(-2);
  CompleteFileEntry* complete = batch.add_journal_entries()->mutable_complete_file();
  complete->set_id(0x1000000 | 0xffffff);
  complete->set_length(42);
  complete->add_block_ids(0x1000000);
  complete->set_op_time_ms(1700000000200);
  UpdateInodeEntry* update = batch.add_journal_entries()->mutable_update_inode();
  update->set_id(0);
  update->set_last_modification_time_ms(1700000000200);

  RenameEntry* rename = entries[4].mutable_rename();
  rename->set_id(0x1000000 | 0xffffff);
  rename->set_new_parent_id(0);
  rename->set_new_name("b.txt");
  rename->set_op_time_ms(1700000000300);

  for (size_t i = 0; i < entries.size(); i++) {
    entries[i].set_sequence_number(static_cast<SequenceNumber>(i));
  }
  return entries;
}

// The checkpoint covering [0, 2): the state after entries 0 and 1, as a state dump.
std::vector<JournalEntry> GoldenCheckpointEntries() {
  std::vector<JournalEntry> log = GoldenLogEntries();
  std::vector<JournalEntry> entries = {log[1], log[0]};  // Any order a state chooses.
  for (JournalEntry& e : entries) e.clear_sequence_number();
  return entries;
}

// Writes the golden journal folder into `folder` (which must exist).
void WriteGoldenV1(const std::string& folder) {
  env::Env* env = env::Env::Default();
  ASSERT_TRUE(env->CreateDirs(folder + "/logs").ok());
  ASSERT_TRUE(env->CreateDirs(folder + "/checkpoints").ok());
  testing::WriteAll(folder + "/" + kFormatMarker, "");
  std::vector<JournalEntry> log = GoldenLogEntries();
  testing::WriteSegmentFile(folder + "/logs/0x0-0x3", 0, {log[0], log[1], log[2]});
  testing::WriteSegmentFile(folder + "/logs/0x3-0x7fffffffffffffff", 3, {log[3], log[4]});
  auto writer = CheckpointWriter::Create(env, folder + "/checkpoints/0x0-0x2", 2);
  ASSERT_TRUE(writer.ok());
  for (const JournalEntry& e : GoldenCheckpointEntries()) ASSERT_TRUE((*writer)->Write(e).ok());
  ASSERT_TRUE((*writer)->Finish().ok());
}

const std::vector<std::string> kGoldenFiles = {
    kFormatMarker, "logs/0x0-0x3", "logs/0x3-0x7fffffffffffffff", "checkpoints/0x0-0x2"};

TEST(GoldenTest, V1JournalReadsExactlyTheGoldenEntries) {
  std::vector<JournalEntry> expected = GoldenCheckpointEntries();
  std::vector<JournalEntry> log = GoldenLogEntries();
  expected.insert(expected.end(), log.begin() + 2, log.end());

  std::vector<JournalEntry> seen;
  Status s = ReadJournal(env::Env::Default(), kGoldenV1, [&](const JournalEntry& e) {
    seen.push_back(e);
    return Status::OK();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(seen.size(), expected.size());
  for (size_t i = 0; i < seen.size(); i++) {
    EXPECT_EQ(seen[i].DebugString(), expected[i].DebugString()) << "entry " << i;
  }
}

TEST(GoldenTest, V1JournalRecoversIntoARunningJournal) {
  TempFolder folder;
  std::error_code ec;
  std::filesystem::copy(kGoldenV1, folder.path(), std::filesystem::copy_options::recursive, ec);
  ASSERT_FALSE(ec) << ec.message();
  MapJournaled state;
  LocalJournal journal(testing::TestOptions(folder.path()));
  Status s = journal.Start(&state);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(journal.recovery().checkpoint_end, 2);
  EXPECT_EQ(journal.recovery().log_entries, 3);
  EXPECT_EQ(journal.NextSequenceNumber(), 5);
  EXPECT_EQ(state.contents().at("cluster_id"), "c0ffee00-1111-2222-3333-444455556666");
  ASSERT_TRUE(journal.Stop().ok());
}

TEST(GoldenTest, TodaysWriterStillProducesV1Bytes) {
  TempFolder folder;
  WriteGoldenV1(folder.path());
  for (const std::string& name : kGoldenFiles) {
    EXPECT_EQ(testing::ReadAll(folder.path() + "/" + name),
              testing::ReadAll(kGoldenV1 + "/" + name))
        << name << " differs from the committed v1 golden file: the format changed";
  }
}

// Writes the golden folder into the source tree. Run only when creating the files of a new
// version (after changing where it writes to testdata/v<N>):
//   journal_test --gtest_also_run_disabled_tests --gtest_filter=GoldenTest.DISABLED_Regenerate*
TEST(GoldenTest, DISABLED_RegenerateGoldenFiles) {
  ASSERT_TRUE(env::Env::Default()->RemoveDirRecursively(kGoldenV1).ok());
  ASSERT_TRUE(env::Env::Default()->CreateDirs(kGoldenV1).ok());
  WriteGoldenV1(kGoldenV1);
}

}  // namespace
}  // namespace alluxio::journal
