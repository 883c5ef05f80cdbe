// SPDX-License-Identifier: Apache-2.0
#include "master/file/inode_tree.h"

#include <algorithm>
#include <random>

#include <fmt/format.h>
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

// --- Copy-on-write copies (InodeTreeCopy) ---

namespace alluxio::master {
namespace {

// Every inode with its path and every attribute (the entry that rebuilds it), sorted.
std::string DumpTree(const InodeTree& tree) {
  std::vector<std::string> lines;
  tree.ForEachTopDown([&](const Inode& inode) {
    lines.push_back(tree.PathOf(&inode) + " " +
                    InodeTree::ToEntry(inode, tree.TtlOf(inode.id), tree.XAttrsOf(inode.id))
                        .ShortDebugString());
  });
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

// Rebuilds a tree from a finished copy, in the order a checkpoint writes it.
Status Rebuild(const InodeTreeCopy& copy, InodeTree* out) {
  for (const auto* group : {&copy.directories(), &copy.files()}) {
    for (const InodeAttributes& inode : *group) {
      RETURN_IF_ERROR(
          out->Apply(InodeTree::ToEntry(inode, copy.TtlOf(inode.id), copy.XAttrsOf(inode.id))));
    }
  }
  return Status();
}

// Applies random valid entries to a tree and keeps the history, so that the tree at any earlier
// point can be rebuilt.
class RandomWriter {
 public:
  RandomWriter(InodeTree* tree, uint64_t seed) : tree_(tree), rng_(seed) {}

  void Apply(journal::JournalEntry e) {
    Status s = tree_->Apply(e);
    ASSERT_TRUE(s.ok()) << s.ToString() << " " << e.ShortDebugString();
    history_.push_back(std::move(e));
  }
  // One random create, rename, delete, update (mode, pin, TTL, xattr) or complete.
  void Step() {
    std::vector<const Inode*> all, dirs;
    tree_->ForEachTopDown([&](const Inode& i) {
      all.push_back(&i);
      if (i.is_directory) dirs.push_back(&i);
    });
    auto pick = [&](const std::vector<const Inode*>& v) { return v[rng_() % v.size()]; };
    const std::string name = fmt::format("n{}", names_++);
    journal::JournalEntry e;
    switch (rng_() % 6) {
      case 0:
      case 1: {  // create (a freed slot is reused first)
        const Inode* parent = pick(dirs);
        if (rng_() % 3 == 0) {
          e = Dir(tree_->NextInodeId(), parent->id, name);
        } else {
          e = File(tree_->NextInodeId(), parent->id, name);
          if (rng_() % 4 == 0) e.mutable_inode_file()->set_ttl(static_cast<int64_t>(rng_() % 99));
        }
        break;
      }
      case 2: {  // rename into a directory outside its own subtree
        const Inode* x = pick(all);
        const Inode* to = pick(dirs);
        if (x == tree_->root()) return;
        for (const Inode* p = to; p != nullptr; p = tree_->Get(p->parent_id)) {
          if (p == x) return;
        }
        auto* r = e.mutable_rename();
        r->set_id(x->id);
        r->set_new_parent_id(to->id);
        r->set_new_name(name);
        r->set_op_time_ms(static_cast<int64_t>(names_));
        break;
      }
      case 3: {  // delete a file or a whole subtree
        const Inode* x = pick(all);
        if (x == tree_->root() || (x->is_directory && rng_() % 2 == 0)) return;
        e.mutable_delete_file()->set_id(x->id);
        e.mutable_delete_file()->set_op_time_ms(static_cast<int64_t>(names_));
        break;
      }
      case 4: {  // setAttribute
        auto* u = e.mutable_update_inode();
        u->set_id(pick(all)->id);
        u->set_mode(static_cast<int32_t>(rng_() % 0777));
        u->set_pinned(rng_() % 2 == 0);
        u->set_ttl(rng_() % 2 == 0 ? -1 : static_cast<int64_t>(rng_() % 99));
        if (rng_() % 2 == 0) (*u->mutable_xattr())[fmt::format("k{}", rng_() % 3)] = name;
        break;
      }
      default: {  // complete
        const Inode* x = pick(all);
        if (x->is_directory || x->completed) return;
        auto* c = e.mutable_complete_file();
        c->set_id(x->id);
        c->set_length(static_cast<int64_t>(rng_() % 1000));
        c->add_block_ids(BlockIdOf(x->id, 0));
        c->set_op_time_ms(static_cast<int64_t>(names_));
        break;
      }
    }
    Apply(std::move(e));
  }
  // The tree after the first `n` entries of the history.
  std::unique_ptr<InodeTree> Replay(size_t n) const {
    auto t = std::make_unique<InodeTree>();
    for (size_t i = 0; i < n; ++i) EXPECT_TRUE(t->Apply(history_[i]).ok());
    return t;
  }
  size_t history_size() const { return history_.size(); }

 private:
  InodeTree* tree_;
  std::mt19937_64 rng_;
  uint64_t names_ = 0;
  std::vector<journal::JournalEntry> history_;
};

TEST(InodeTreeCopyTest, CopyIsTheTreeAtItsEpochWhateverChangesMeanwhile) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    SCOPED_TRACE(seed);
    InodeTree tree;
    RandomWriter w(&tree, seed);
    w.Apply(Dir(InodeIdForContainer(0), kInvalidInodeId, ""));
    // Enough history to have freed slots, renamed directories and TTLs at the epoch.
    for (int i = 0; i < 300; ++i) w.Step();
    const size_t epoch = w.history_size();
    const std::string at_epoch = DumpTree(tree);

    InodeTreeCopy copy;
    tree.BeginCopy(&copy);
    // A few slots per step, with writes in between (and after the copy is complete).
    while (!tree.ContinueCopy(&copy, 1 + w.history_size() % 5)) {
      for (int i = 0; i < 3; ++i) w.Step();
    }
    for (int i = 0; i < 20; ++i) w.Step();
    tree.EndCopy(&copy);
    copy.OrderForReplay();
    ASSERT_NE(DumpTree(tree), at_epoch) << "the writes changed nothing: the test tests nothing";

    InodeTree rebuilt;
    Status s = Rebuild(copy, &rebuilt);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(DumpTree(rebuilt), at_epoch);
    EXPECT_EQ(DumpTree(*w.Replay(epoch)), at_epoch);
    EXPECT_EQ(copy.size(), rebuilt.size());
  }
}

TEST(InodeTreeCopyTest, ParentsComeBeforeChildrenWhateverTheirSlots) {
  InodeTree tree;
  auto id = [](int c) { return InodeIdForContainer(c); };
  ASSERT_TRUE(tree.Apply(Dir(id(0), kInvalidInodeId, "")).ok());
  ASSERT_TRUE(tree.Apply(Dir(id(1), id(0), "a")).ok());
  ASSERT_TRUE(tree.Apply(File(id(2), id(1), "f")).ok());
  ASSERT_TRUE(tree.Apply(Dir(id(3), id(0), "b")).ok());
  ASSERT_TRUE(tree.Apply(Dir(id(4), id(3), "c")).ok());
  // /a (an early slot) moves below /b/c (later slots): slot order is no longer parent-first.
  journal::JournalEntry r;
  r.mutable_rename()->set_id(id(1));
  r.mutable_rename()->set_new_parent_id(id(4));
  r.mutable_rename()->set_new_name("a");
  ASSERT_TRUE(tree.Apply(r).ok());
  InodeTreeCopy copy;
  tree.BeginCopy(&copy);
  while (!tree.ContinueCopy(&copy, 1)) {
  }
  tree.EndCopy(&copy);
  copy.OrderForReplay();
  ASSERT_EQ(copy.directories().size(), 4u);
  EXPECT_EQ(copy.directories()[0].id, id(0));
  EXPECT_EQ(copy.directories()[1].id, id(3));
  EXPECT_EQ(copy.directories()[2].id, id(4));
  EXPECT_EQ(copy.directories()[3].id, id(1));
  InodeTree rebuilt;
  ASSERT_TRUE(Rebuild(copy, &rebuilt).ok());
  EXPECT_EQ(DumpTree(rebuilt), DumpTree(tree));
}

TEST(InodeTreeCopyTest, ResetCompletesARunningCopyFirst) {
  InodeTree tree;
  RandomWriter w(&tree, 7);
  w.Apply(Dir(InodeIdForContainer(0), kInvalidInodeId, ""));
  for (int i = 0; i < 100; ++i) w.Step();
  const std::string at_epoch = DumpTree(tree);
  InodeTreeCopy copy;
  tree.BeginCopy(&copy);
  ASSERT_FALSE(tree.ContinueCopy(&copy, 2));
  tree.Reset();
  EXPECT_TRUE(copy.done());
  // A new tree in the same arena slots is not part of the copy.
  ASSERT_TRUE(tree.Apply(Dir(InodeIdForContainer(5000), kInvalidInodeId, "")).ok());
  tree.EndCopy(&copy);
  copy.OrderForReplay();
  InodeTree rebuilt;
  ASSERT_TRUE(Rebuild(copy, &rebuilt).ok());
  EXPECT_EQ(DumpTree(rebuilt), at_epoch);
}

}  // namespace
}  // namespace alluxio::master
