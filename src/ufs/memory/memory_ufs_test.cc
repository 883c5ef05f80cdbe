// SPDX-License-Identifier: Apache-2.0
// MemoryUfs behaviour beyond the shared contract (ufs_contract_test.cc): sharing per authority,
// ResetAll, URI checks, stream lifetimes.
#include "ufs/memory/memory_ufs.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "ufs/testing/status_assertions.h"

namespace alluxio::ufs {
namespace {

class MemoryUfsTest : public ::testing::Test {
 protected:
  void TearDown() override { MemoryUfs::ResetAll(); }
};

Status Write(UnderFileSystem* ufs, const std::string& path, std::string_view content) {
  ASSIGN_OR_RETURN(std::unique_ptr<UfsOutputStream> out, ufs->Create(path, {}));
  RETURN_IF_ERROR(out->Write(content));
  return out->Close();
}

TEST_F(MemoryUfsTest, SharedReturnsOneInstancePerAuthority) {
  std::shared_ptr<MemoryUfs> a1 = MemoryUfs::Shared("a");
  std::shared_ptr<MemoryUfs> a2 = MemoryUfs::Shared("a");
  std::shared_ptr<MemoryUfs> b = MemoryUfs::Shared("b");
  EXPECT_EQ(a1, a2);
  EXPECT_NE(a1, b);
  EXPECT_EQ(a1->authority(), "a");
  ASSERT_TRUE(IsOk(Write(a1.get(), "memory://a/f", "x")));
  EXPECT_TRUE(*a2->Exists("memory://a/f"));
  EXPECT_FALSE(*b->Exists("memory://b/f"));
}

TEST_F(MemoryUfsTest, SharedInstanceOutlivesItsHandles) {
  ASSERT_TRUE(IsOk(Write(MemoryUfs::Shared("keep").get(), "/f", "x")));
  EXPECT_TRUE(*MemoryUfs::Shared("keep")->Exists("/f"));
}

TEST_F(MemoryUfsTest, ResetAllEmptiesAndForgetsSharedInstances) {
  std::shared_ptr<MemoryUfs> old = MemoryUfs::Shared("r");
  ASSERT_TRUE(IsOk(Write(old.get(), "/f", "x")));
  MemoryUfs::ResetAll();
  EXPECT_FALSE(*old->Exists("/f"));
  std::shared_ptr<MemoryUfs> fresh = MemoryUfs::Shared("r");
  EXPECT_NE(fresh, old);
  EXPECT_FALSE(*fresh->Exists("/f"));
  auto root = fresh->ListStatus("/");
  ASSERT_TRUE(IsOk(root));
  EXPECT_TRUE(root->empty());
}

TEST_F(MemoryUfsTest, PrivateInstancesAreNotShared) {
  MemoryUfs mine("p");
  ASSERT_TRUE(IsOk(Write(&mine, "memory://p/f", "x")));
  EXPECT_FALSE(*MemoryUfs::Shared("p")->Exists("memory://p/f"));
}

TEST_F(MemoryUfsTest, RejectsOtherSchemesAndAuthorities) {
  MemoryUfs ufs("a");
  ASSERT_TRUE(IsOk(Write(&ufs, "/f", "x")));
  EXPECT_TRUE(*ufs.Exists("memory://a/f"));
  EXPECT_TRUE(HasCode(ufs.GetStatus("memory://b/f"), StatusCode::kInvalidArgument));
  EXPECT_TRUE(HasCode(ufs.GetStatus("memory:///f"), StatusCode::kInvalidArgument));
  EXPECT_TRUE(HasCode(ufs.GetStatus("file:///f"), StatusCode::kInvalidArgument));
  EXPECT_TRUE(HasCode(ufs.GetStatus("f"), StatusCode::kInvalidArgument));
}

TEST_F(MemoryUfsTest, OutputStreamMayOutliveTheUfs) {
  auto ufs = std::make_unique<MemoryUfs>("gone");
  auto out = ufs->Create("/f", {});
  ASSERT_TRUE(IsOk(out));
  ufs.reset();
  ASSERT_TRUE(IsOk((*out)->Write("x")));
  EXPECT_TRUE(IsOk((*out)->Close()));
}

TEST_F(MemoryUfsTest, CloseFailsWhenTheParentWasDeletedMeanwhile) {
  MemoryUfs ufs;
  auto out = ufs.Create("/d/f", {});
  ASSERT_TRUE(IsOk(out));
  ASSERT_TRUE(IsOk(ufs.DeleteDirectory("/d", true)));
  EXPECT_TRUE(HasCode((*out)->Close(), StatusCode::kNotFound));
  EXPECT_FALSE(*ufs.Exists("/d"));
}

TEST_F(MemoryUfsTest, OwnerAndGroupAreFreeFormNames) {
  MemoryUfs ufs;
  CreateOptions opts;
  opts.owner = "alice";
  opts.group = "analysts";
  ASSERT_TRUE(IsOk(ufs.Mkdirs("/d", false, opts)));
  EXPECT_EQ(ufs.GetStatus("/d")->owner, "alice");
  EXPECT_EQ(ufs.GetStatus("/d")->group, "analysts");
  ASSERT_TRUE(IsOk(ufs.SetOwner("/d", "bob", "")));
  EXPECT_EQ(ufs.GetStatus("/d")->owner, "bob");
  EXPECT_EQ(ufs.GetStatus("/d")->group, "analysts");
}

}  // namespace
}  // namespace alluxio::ufs
