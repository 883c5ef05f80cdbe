// SPDX-License-Identifier: Apache-2.0
#include "journal/local/journal_layout.h"

#include <string>

#include "gtest/gtest.h"
#include "journal/local/local_journal.h"
#include "journal/local/test_util.h"
#include "journal/testing/map_journaled.h"

namespace alluxio::journal {
namespace {

using testing::Children;
using testing::Contains;
using testing::TempFolder;

TEST(RangeNameTest, LowercaseHexWithoutPadding) {
  EXPECT_EQ(RangeName(0, kOpenSegmentEnd), "0x0-0x7fffffffffffffff");
  EXPECT_EQ(RangeName(255, 4096), "0xff-0x1000");
  auto range = ParseRangeName("0xff-0x1000");
  ASSERT_TRUE(range.has_value());
  EXPECT_EQ(range->first, 255);
  EXPECT_EQ(range->second, 4096);
}

TEST(RangeNameTest, RejectsNonCanonicalNames) {
  for (const char* name : {"0xFF-0x100", "0x01-0x2", "ff-100", "0x5-0x4", "0x1-", "0x1-0x2.tmp",
                           "0x1-0x8000000000000000", "LOCK", "_format_1"}) {
    EXPECT_FALSE(ParseRangeName(name).has_value()) << name;
  }
}

TEST(JournalLayoutTest, ListsSegmentsAndCheckpointsInOrderSkippingJunk) {
  TempFolder folder;
  JournalPaths paths(folder.path());
  env::Env* env = env::Env::Default();
  ASSERT_TRUE(env->CreateDirs(paths.logs()).ok());
  ASSERT_TRUE(env->CreateDirs(paths.checkpoints()).ok());
  for (const char* name : {"0x10-0x7fffffffffffffff", "0x0-0xa", "0xa-0x10", "junk"}) {
    testing::WriteAll(paths.logs() + "/" + name, "");
  }
  for (const char* name : {"0x0-0x20", "0x0-0x8", "0x5-0x9"}) {
    testing::WriteAll(paths.checkpoints() + "/" + name, "");
  }
  auto segments = ListSegments(env, paths);
  ASSERT_TRUE(segments.ok());
  ASSERT_EQ(segments->size(), 3u);
  EXPECT_EQ((*segments)[0].end, 0xa);
  EXPECT_EQ((*segments)[1].start, 0xa);
  EXPECT_TRUE((*segments)[2].open());
  auto checkpoints = ListCheckpoints(env, paths);
  ASSERT_TRUE(checkpoints.ok());
  ASSERT_EQ(checkpoints->size(), 2u);  // 0x5-0x9 does not start at 0.
  EXPECT_EQ((*checkpoints)[0].end, 8);
  EXPECT_EQ((*checkpoints)[1].end, 0x20);
}

TEST(FormatTest, MissingFolderIsNotFormatted) {
  TempFolder folder;
  auto formatted = IsLocalJournalFormatted(env::Env::Default(), folder.path() + "/nope");
  ASSERT_TRUE(formatted.ok());
  EXPECT_FALSE(*formatted);
}

TEST(FormatTest, FormatWipesTheFolderAndWritesTheMarker) {
  TempFolder folder;
  env::Env* env = env::Env::Default();
  std::string journal = folder.path() + "/journal";
  ASSERT_TRUE(env->CreateDirs(journal + "/logs").ok());
  testing::WriteAll(journal + "/logs/0x0-0x7fffffffffffffff", "old");
  testing::WriteAll(journal + "/stray", "x");
  EXPECT_FALSE(IsLocalJournalFormatted(env, journal).value());

  ASSERT_TRUE(FormatLocalJournal(env, journal).ok());
  EXPECT_TRUE(IsLocalJournalFormatted(env, journal).value());
  std::vector<std::string> children = Children(journal);
  children.erase(std::remove(children.begin(), children.end(), "LOCK"), children.end());
  ASSERT_EQ(children.size(), 1u);
  EXPECT_EQ(children[0].rfind("_format_", 0), 0u) << children[0];

  // A custom prefix.
  ASSERT_TRUE(FormatLocalJournal(env, journal, "_fmt_").ok());
  EXPECT_TRUE(IsLocalJournalFormatted(env, journal, "_fmt_").value());
  EXPECT_FALSE(IsLocalJournalFormatted(env, journal, "_format_").value());
}

TEST(FormatTest, FormatIsRefusedWhileAJournalRuns) {
  TempFolder folder;
  env::Env* env = env::Env::Default();
  ASSERT_TRUE(FormatLocalJournal(env, folder.path()).ok());
  MapJournaled state;
  LocalJournal journal(testing::TestOptions(folder.path()));
  ASSERT_TRUE(journal.Start(&state).ok());
  ASSERT_TRUE(state.Put(&journal, "k", "v").ok());

  Status s = FormatLocalJournal(env, folder.path());
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Contains(s.message(), "is in use by a running master")) << s.ToString();
  EXPECT_TRUE(Contains(s.message(), folder.path())) << s.ToString();
  ASSERT_TRUE(journal.Stop().ok());
  // The refused format touched nothing.
  EXPECT_FALSE(Children(folder.path() + "/logs").empty());
  EXPECT_TRUE(FormatLocalJournal(env, folder.path()).ok());
  EXPECT_TRUE(Children(folder.path() + "/logs").empty());
}

}  // namespace
}  // namespace alluxio::journal
