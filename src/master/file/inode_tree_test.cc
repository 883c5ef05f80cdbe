// SPDX-License-Identifier: Apache-2.0
#include "master/file/inode_tree.h"

#include <gtest/gtest.h>

namespace alluxio::master {
namespace {

namespace pj = ::alluxio::proto::journal;

journal::JournalEntry Dir(InodeId id, InodeId parent, const std::string& name) {
  journal::JournalEntry e;
  auto* d = e.mutable_inode_directory();
  d->set_id(id);
  if (parent != kInvalidInodeId) d->set_parent_id(parent);
  d->set_name(name);
  d->set_mode(0755);
  return e;
}

journal::JournalEntry File(InodeId id, InodeId parent, const std::string& name) {
  journal::JournalEntry e;
  auto* f = e.mutable_inode_file();
  f->set_id(id);
  f->set_parent_id(parent);
  f->set_name(name);
  f->set_mode(0644);
  return e;
}

class InodeTreeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(tree_.Apply(Dir(InodeIdForContainer(0), kInvalidInodeId, "")).ok());
  }
  InodeId Id(int c) { return InodeIdForContainer(c); }
  InodeTree tree_;
};

TEST_F(InodeTreeTest, ResolvesPathsAndTracksIds) {
  ASSERT_TRUE(tree_.Apply(Dir(Id(1), Id(0), "a")).ok());
  ASSERT_TRUE(tree_.Apply(File(Id(2), Id(1), "f")).ok());
  ResolvedPath r = tree_.Resolve("/a/f");
  ASSERT_TRUE(r.found());
  EXPECT_EQ(r.target()->id, Id(2));
  EXPECT_EQ(tree_.PathOf(r.target()), "/a/f");
  EXPECT_EQ(tree_.NextInodeId(), Id(3));
  ResolvedPath missing = tree_.Resolve("/a/x/y");
  EXPECT_FALSE(missing.found());
  EXPECT_EQ(missing.last()->id, Id(1));
  // Resolution stops at a file.
  EXPECT_FALSE(tree_.Resolve("/a/f/g").found());
}

TEST_F(InodeTreeTest, RejectsEntriesThatDoNotFit) {
  ASSERT_TRUE(tree_.Apply(Dir(Id(1), Id(0), "a")).ok());
  EXPECT_EQ(tree_.Apply(Dir(Id(2), Id(0), "a")).code(), StatusCode::kInternal);  // duplicate name
  EXPECT_EQ(tree_.Apply(Dir(Id(1), Id(0), "b")).code(), StatusCode::kInternal);  // duplicate id
  EXPECT_EQ(tree_.Apply(Dir(Id(3), Id(9), "c")).code(), StatusCode::kInternal);  // no parent
  journal::JournalEntry del;
  del.mutable_delete_file()->set_id(Id(0));
  EXPECT_EQ(tree_.Apply(del).code(), StatusCode::kInternal);  // the root
}

TEST_F(InodeTreeTest, RenameIntoOwnSubtreeFails) {
  ASSERT_TRUE(tree_.Apply(Dir(Id(1), Id(0), "a")).ok());
  ASSERT_TRUE(tree_.Apply(Dir(Id(2), Id(1), "b")).ok());
  journal::JournalEntry e;
  e.mutable_rename()->set_id(Id(1));
  e.mutable_rename()->set_new_parent_id(Id(2));
  e.mutable_rename()->set_new_name("a2");
  EXPECT_EQ(tree_.Apply(e).code(), StatusCode::kInternal);
  EXPECT_TRUE(tree_.Resolve("/a/b").found());
}

TEST_F(InodeTreeTest, RenameMovesSubtreeAndDeleteRemovesIt) {
  ASSERT_TRUE(tree_.Apply(Dir(Id(1), Id(0), "a")).ok());
  ASSERT_TRUE(tree_.Apply(Dir(Id(2), Id(1), "b")).ok());
  ASSERT_TRUE(tree_.Apply(File(Id(3), Id(2), "f")).ok());
  ASSERT_TRUE(tree_.Apply(Dir(Id(4), Id(0), "z")).ok());
  journal::JournalEntry e;
  e.mutable_rename()->set_id(Id(2));
  e.mutable_rename()->set_new_parent_id(Id(4));
  e.mutable_rename()->set_new_name("b 2 ✓");
  ASSERT_TRUE(tree_.Apply(e).ok());
  EXPECT_TRUE(tree_.Resolve("/z/b 2 ✓/f").found());
  EXPECT_FALSE(tree_.Resolve("/a/b").found());
  journal::JournalEntry del;
  del.mutable_delete_file()->set_id(Id(4));
  ASSERT_TRUE(tree_.Apply(del).ok());
  EXPECT_EQ(tree_.size(), 2u);  // root and /a
  EXPECT_EQ(tree_.Get(Id(3)), nullptr);
}

TEST_F(InodeTreeTest, TracksTtlInodes) {
  journal::JournalEntry f = File(Id(1), Id(0), "f");
  f.mutable_inode_file()->set_ttl(1000);
  ASSERT_TRUE(tree_.Apply(f).ok());
  EXPECT_EQ(tree_.ttls().size(), 1u);
  journal::JournalEntry u;
  u.mutable_update_inode()->set_id(Id(1));
  u.mutable_update_inode()->set_ttl(-1);
  ASSERT_TRUE(tree_.Apply(u).ok());
  EXPECT_TRUE(tree_.ttls().empty());
}

TEST_F(InodeTreeTest, EntriesRoundTrip) {
  journal::JournalEntry f = File(Id(1), Id(0), "f");
  f.mutable_inode_file()->add_block_ids(Id(1) - kMaxBlockIndex);
  f.mutable_inode_file()->set_persistence_state(pj::PERSISTED);
  ASSERT_TRUE(tree_.Apply(f).ok());
  journal::JournalEntry back = InodeTree::ToEntry(*tree_.Get(Id(1)), -1);
  InodeTree other;
  ASSERT_TRUE(other.Apply(InodeTree::ToEntry(*tree_.root(), -1)).ok());
  ASSERT_TRUE(other.Apply(back).ok());
  EXPECT_EQ(other.Get(Id(1))->block_count, 1u);
  EXPECT_EQ(InodeTree::ToEntry(*other.Get(Id(1)), -1).inode_file().block_ids(0),
            BlockIdOf(Id(1), 0));
  EXPECT_TRUE(other.Get(Id(1))->persisted());
}

}  // namespace
}  // namespace alluxio::master

namespace alluxio::master {
namespace {

TEST(InodeNameTest, InlineAndHeapNamesBehaveLikeStrings) {
  static_assert(sizeof(InodeName) == 16);
  InodeName empty;
  EXPECT_TRUE(empty.empty());
  InodeName small("fifteen-chars-x");  // 15 bytes: inline
  InodeName large(std::string(255, 'n'));
  EXPECT_EQ(small.view(), "fifteen-chars-x");
  EXPECT_EQ(large.view().size(), 255u);
  InodeName copy = large;
  EXPECT_EQ(copy.view(), large.view());
  EXPECT_NE(copy.view().data(), large.view().data()) << "copies are deep";
  InodeName moved = std::move(copy);
  EXPECT_EQ(moved.view(), large.view());
  EXPECT_TRUE(copy.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty
  moved = small;
  EXPECT_EQ(moved.view(), "fifteen-chars-x");
  moved = std::string("ünïcødé name with spaces");
  EXPECT_EQ(moved.view(), "ünïcødé name with spaces");
  moved.clear();
  EXPECT_TRUE(moved.empty());
  EXPECT_EQ(fmt::format("{}", small), "fifteen-chars-x");
}

}  // namespace
}  // namespace alluxio::master
