// SPDX-License-Identifier: Apache-2.0
// LocalUfs behaviour beyond the shared contract (ufs_contract_test.cc): temporary files, URI
// forms, umask, user and group names, symbolic links.
#include "ufs/local/local_ufs.h"

#include <dirent.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "ufs/testing/status_assertions.h"

namespace alluxio::ufs {
namespace {

class LocalUfsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "local_ufs.XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr) << pattern;
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    std::filesystem::remove_all(dir_ + "-outside", ec);
  }

  std::string P(const std::string& relative) const { return dir_ + "/" + relative; }

  // Every name in `dir`, temporary files included.
  static std::vector<std::string> RawNames(const std::string& dir) {
    std::vector<std::string> names;
    DIR* d = ::opendir(dir.c_str());
    EXPECT_NE(d, nullptr) << dir;
    if (d == nullptr) return names;
    while (struct dirent* ent = ::readdir(d)) {
      std::string name = ent->d_name;
      if (name != "." && name != "..") names.push_back(name);
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());
    return names;
  }

  Status Write(const std::string& path, std::string_view content, CreateOptions opts = {}) {
    ASSIGN_OR_RETURN(std::unique_ptr<UfsOutputStream> out, ufs_.Create(path, opts));
    RETURN_IF_ERROR(out->Write(content));
    return out->Close();
  }

  LocalUfs ufs_;
  std::string dir_;
};

TEST_F(LocalUfsTest, WritesGoToAHiddenTemporaryFileUntilClose) {
  auto out = ufs_.Create(P("data.bin"), {});
  ASSERT_TRUE(IsOk(out));
  ASSERT_TRUE(IsOk((*out)->Write("abc")));
  std::vector<std::string> raw = RawNames(dir_);
  ASSERT_EQ(raw.size(), 1u);
  EXPECT_EQ(raw[0].rfind(".data.bin.alluxio.", 0), 0u) << raw[0];
  EXPECT_TRUE(LocalUfs::IsTemporaryFileName(raw[0])) << raw[0];
  auto list = ufs_.ListStatus(dir_);
  ASSERT_TRUE(IsOk(list));
  EXPECT_TRUE(list->empty());
  ASSERT_TRUE(IsOk((*out)->Close()));
  EXPECT_EQ(RawNames(dir_), std::vector<std::string>{"data.bin"});
}

TEST_F(LocalUfsTest, CancelAndDestructionRemoveTheTemporaryFile) {
  auto out = ufs_.Create(P("a"), {});
  ASSERT_TRUE(IsOk(out));
  ASSERT_TRUE(IsOk((*out)->Write("abc")));
  (*out)->Cancel();
  EXPECT_TRUE(RawNames(dir_).empty());
  {
    auto dropped = ufs_.Create(P("b"), {});
    ASSERT_TRUE(IsOk(dropped));
    EXPECT_EQ(RawNames(dir_).size(), 1u);
  }
  EXPECT_TRUE(RawNames(dir_).empty());
}

TEST_F(LocalUfsTest, TemporaryNamesOfLongNamesStayWithinNameMax) {
  const std::string name(255, 'x');
  auto out = ufs_.Create(P(name), {});
  ASSERT_TRUE(IsOk(out));
  std::vector<std::string> raw = RawNames(dir_);
  ASSERT_EQ(raw.size(), 1u);
  EXPECT_LE(raw[0].size(), 255u);
  EXPECT_TRUE(LocalUfs::IsTemporaryFileName(raw[0]));
  ASSERT_TRUE(IsOk((*out)->Close()));
  EXPECT_EQ(RawNames(dir_), std::vector<std::string>{name});
}

TEST_F(LocalUfsTest, ConcurrentCreatesOfOnePathUseDistinctTemporaryFiles) {
  auto a = ufs_.Create(P("same"), {});
  auto b = ufs_.Create(P("same"), {});
  ASSERT_TRUE(IsOk(a));
  ASSERT_TRUE(IsOk(b));
  EXPECT_EQ(RawNames(dir_).size(), 2u);
  ASSERT_TRUE(IsOk((*a)->Write("from a")));
  ASSERT_TRUE(IsOk((*b)->Write("from b")));
  ASSERT_TRUE(IsOk((*a)->Close()));
  ASSERT_TRUE(IsOk((*b)->Close()));  // the last Close wins, as with rename(2)
  EXPECT_EQ(RawNames(dir_), std::vector<std::string>{"same"});
  EXPECT_EQ(ufs_.GetStatus(P("same"))->length, 6);
}

TEST_F(LocalUfsTest, IsTemporaryFileName) {
  EXPECT_TRUE(LocalUfs::IsTemporaryFileName(".f.alluxio.0123456789abcdef.tmp"));
  EXPECT_TRUE(LocalUfs::IsTemporaryFileName(".a b.c.alluxio.ffffffffffffffff.tmp"));
  EXPECT_FALSE(LocalUfs::IsTemporaryFileName("f.alluxio.0123456789abcdef.tmp"));
  EXPECT_FALSE(LocalUfs::IsTemporaryFileName(".f.alluxio.0123456789abcdeg.tmp"));
  EXPECT_FALSE(LocalUfs::IsTemporaryFileName(".f.alluxio.0123456789abcde.tmp"));
  EXPECT_FALSE(LocalUfs::IsTemporaryFileName(".f.alluxio.0123456789abcdef.tmpx"));
  EXPECT_FALSE(LocalUfs::IsTemporaryFileName(".f.other.0123456789abcdef.tmp"));
  EXPECT_FALSE(LocalUfs::IsTemporaryFileName(".tmp"));
  EXPECT_FALSE(LocalUfs::IsTemporaryFileName(""));
}

TEST_F(LocalUfsTest, AcceptsPlainPathsAndFileUris) {
  ASSERT_TRUE(IsOk(Write(P("f"), "x")));
  for (const std::string& uri :
       {P("f"), "file://" + P("f"), "file:" + P("f"), "file://localhost" + P("f")}) {
    auto st = ufs_.GetStatus(uri);
    ASSERT_TRUE(IsOk(st)) << uri;
    EXPECT_EQ(st->length, 1) << uri;
  }
  EXPECT_TRUE(HasCode(ufs_.GetStatus("file://elsewhere" + P("f")), StatusCode::kInvalidArgument));
  EXPECT_TRUE(HasCode(ufs_.GetStatus("s3://bucket" + P("f")), StatusCode::kInvalidArgument));
  EXPECT_TRUE(HasCode(ufs_.GetStatus("relative/f"), StatusCode::kInvalidArgument));
}

TEST_F(LocalUfsTest, ModesIgnoreTheUmask) {
  mode_t old = ::umask(077);
  CreateOptions opts;
  opts.mode = 0666;
  Status write = Write(P("f"), "x", opts);
  opts.mode = 0777;
  Status mkdir = ufs_.Mkdirs(P("d/e"), true, opts);
  ::umask(old);
  ASSERT_TRUE(IsOk(write));
  ASSERT_TRUE(IsOk(mkdir));
  EXPECT_EQ(ufs_.GetStatus(P("f"))->mode, 0666);
  EXPECT_EQ(ufs_.GetStatus(P("d"))->mode, 0777);
  EXPECT_EQ(ufs_.GetStatus(P("d/e"))->mode, 0777);
}

TEST_F(LocalUfsTest, OwnerAndGroupAreNamesOfTheFileIds) {
  ASSERT_TRUE(IsOk(Write(P("f"), "x")));
  struct stat st;
  ASSERT_EQ(::stat(P("f").c_str(), &st), 0);
  struct passwd* pw = ::getpwuid(st.st_uid);
  struct group* gr = ::getgrgid(st.st_gid);
  auto status = ufs_.GetStatus(P("f"));
  ASSERT_TRUE(IsOk(status));
  EXPECT_EQ(status->owner, pw ? std::string(pw->pw_name) : std::to_string(st.st_uid));
  EXPECT_EQ(status->group, gr ? std::string(gr->gr_name) : std::to_string(st.st_gid));
}

TEST_F(LocalUfsTest, SetOwnerOfUnknownUserOrGroupIsInvalidArgument) {
  ASSERT_TRUE(IsOk(Write(P("f"), "x")));
  EXPECT_TRUE(HasCode(ufs_.SetOwner(P("f"), "no-such-user-alluxio-test", ""),
                      StatusCode::kInvalidArgument));
  EXPECT_TRUE(HasCode(ufs_.SetOwner(P("f"), "", "no-such-group-alluxio-test"),
                      StatusCode::kInvalidArgument));
}

TEST_F(LocalUfsTest, SetOwnerToNumericIdsNeedsRoot) {
  ASSERT_TRUE(IsOk(Write(P("f"), "x")));
  // Ids that no user database is likely to name.
  Status s = ufs_.SetOwner(P("f"), "4000000001", "4000000002");
  if (::geteuid() != 0) {
    EXPECT_TRUE(HasCode(s, StatusCode::kPermissionDenied));
    return;
  }
  ASSERT_TRUE(IsOk(s));
  auto status = ufs_.GetStatus(P("f"));
  ASSERT_TRUE(IsOk(status));
  EXPECT_EQ(status->owner, "4000000001");
  EXPECT_EQ(status->group, "4000000002");
}

TEST_F(LocalUfsTest, CreateAppliesOwnerOnlyWhenRoot) {
  CreateOptions opts;
  opts.owner = "no-such-user-alluxio-test";  // unknown names are ignored, never an error
  ASSERT_TRUE(IsOk(Write(P("unknown"), "x", opts)));
  EXPECT_EQ(ufs_.GetStatus(P("unknown"))->owner, ufs_.GetStatus(dir_)->owner);
  struct passwd* nobody = ::getpwnam("nobody");
  if (::geteuid() != 0 || nobody == nullptr) {
    struct passwd* root = ::getpwuid(0);
    opts.owner = root != nullptr ? root->pw_name : "0";  // not the process's user
    ASSERT_TRUE(IsOk(Write(P("ignored"), "x", opts)));
    EXPECT_EQ(ufs_.GetStatus(P("ignored"))->owner, ufs_.GetStatus(dir_)->owner);
    return;
  }
  opts.owner = "nobody";
  ASSERT_TRUE(IsOk(Write(P("owned"), "x", opts)));
  ASSERT_TRUE(IsOk(ufs_.Mkdirs(P("owned-dir"), false, opts)));
  EXPECT_EQ(ufs_.GetStatus(P("owned"))->owner, "nobody");
  EXPECT_EQ(ufs_.GetStatus(P("owned-dir"))->owner, "nobody");
}

TEST_F(LocalUfsTest, RecursiveDeleteDoesNotFollowSymbolicLinks) {
  std::string outside = dir_ + "-outside";
  ASSERT_TRUE(IsOk(Write(outside + "/precious", "keep me")));
  ASSERT_TRUE(IsOk(ufs_.Mkdirs(P("tree/sub"), true, {})));
  ASSERT_EQ(::symlink(outside.c_str(), P("tree/sub/link").c_str()), 0);
  ASSERT_TRUE(IsOk(ufs_.DeleteDirectory(P("tree"), /*recursive=*/true)));
  EXPECT_FALSE(*ufs_.Exists(P("tree")));
  EXPECT_TRUE(*ufs_.Exists(outside + "/precious"));
  ASSERT_TRUE(IsOk(ufs_.DeleteDirectory(outside, true)));
}

TEST_F(LocalUfsTest, ListStatusSkipsDanglingSymbolicLinks) {
  ASSERT_TRUE(IsOk(Write(P("f"), "x")));
  ASSERT_EQ(::symlink(P("missing").c_str(), P("dangling").c_str()), 0);
  auto list = ufs_.ListStatus(dir_);
  ASSERT_TRUE(IsOk(list));
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].name, "f");
}

TEST_F(LocalUfsTest, RootCannotBeDeletedOrRenamed) {
  EXPECT_TRUE(HasCode(ufs_.DeleteDirectory("/", true), StatusCode::kInvalidArgument));
  EXPECT_TRUE(HasCode(ufs_.Rename("/", P("x")), StatusCode::kInvalidArgument));
  EXPECT_TRUE(HasCode(ufs_.Create("/", {}), StatusCode::kFailedPrecondition));
}

}  // namespace
}  // namespace alluxio::ufs
