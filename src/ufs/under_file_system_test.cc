// SPDX-License-Identifier: Apache-2.0
// The scheme registry, URI helpers and UfsStatus::Fingerprint.
#include "ufs/under_file_system.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "ufs/memory/memory_ufs.h"
#include "ufs/testing/status_assertions.h"

namespace alluxio::ufs {
namespace {

TEST(CreateUnderFileSystemTest, LocalForPlainPathsAndFileUris) {
  for (const char* uri :
       {"/tmp", "file:///tmp", "FILE:///tmp", "file:/tmp", "file://localhost/tmp"}) {
    auto ufs = CreateUnderFileSystem(uri, {});
    ASSERT_TRUE(IsOk(ufs)) << uri;
    EXPECT_EQ((*ufs)->scheme(), "file") << uri;
    EXPECT_TRUE((*ufs)->capabilities().atomic_rename);
  }
}

TEST(CreateUnderFileSystemTest, MemoryForMemoryUris) {
  auto ufs = CreateUnderFileSystem("memory://registry-test/", {});
  ASSERT_TRUE(IsOk(ufs));
  EXPECT_EQ((*ufs)->scheme(), "memory");
  MemoryUfs::ResetAll();
}

TEST(CreateUnderFileSystemTest, MemoryInstancesAreSharedPerAuthority) {
  auto first = CreateUnderFileSystem("memory://shared/mnt", {});
  auto second = CreateUnderFileSystem("memory://shared/", {});
  auto other = CreateUnderFileSystem("memory://other/", {});
  ASSERT_TRUE(IsOk(first));
  ASSERT_TRUE(IsOk(second));
  ASSERT_TRUE(IsOk(other));
  ASSERT_TRUE(IsOk((*first)->Mkdirs("memory://shared/mnt/d", true, {})));
  EXPECT_TRUE(*(*second)->Exists("memory://shared/mnt/d"));
  EXPECT_TRUE(*(*second)->Exists("/mnt/d"));
  EXPECT_FALSE(*(*other)->Exists("memory://other/mnt/d"));
  MemoryUfs::ResetAll();
  auto fresh = CreateUnderFileSystem("memory://shared/", {});
  ASSERT_TRUE(IsOk(fresh));
  EXPECT_FALSE(*(*fresh)->Exists("memory://shared/mnt/d"));
}

TEST(CreateUnderFileSystemTest, UnknownSchemeIsInvalidArgument) {
  auto ufs = CreateUnderFileSystem("nosuch://bucket/x", {});
  ASSERT_TRUE(HasCode(ufs, StatusCode::kInvalidArgument));
  EXPECT_EQ(ufs.error().message(), "Unsupported UFS scheme 'nosuch' in 'nosuch://bucket/x'");
}

TEST(CreateUnderFileSystemTest, BadLocalUrisAreInvalidArgument) {
  EXPECT_TRUE(HasCode(CreateUnderFileSystem("relative/path", {}), StatusCode::kInvalidArgument));
  EXPECT_TRUE(HasCode(CreateUnderFileSystem("", {}), StatusCode::kInvalidArgument));
  EXPECT_TRUE(
      HasCode(CreateUnderFileSystem("file://otherhost/x", {}), StatusCode::kInvalidArgument));
  EXPECT_TRUE(HasCode(CreateUnderFileSystem("/a/../..", {}), StatusCode::kInvalidArgument));
}

TEST(CreateUnderFileSystemTest, RegisteredFactoryServesItsScheme) {
  std::string seen_uri;
  std::string seen_option;
  RegisterUfsFactory(
      "Fake",
      [&](const std::string& uri,
          const UfsOptions& options) -> Result<std::shared_ptr<UnderFileSystem>> {
        seen_uri = uri;
        seen_option = options.count("k") ? options.at("k") : "";
        return std::shared_ptr<UnderFileSystem>(std::make_shared<MemoryUfs>("fake-backing"));
      });
  auto ufs = CreateUnderFileSystem("fake://bucket/dir", {{"k", "v"}});
  ASSERT_TRUE(IsOk(ufs));
  EXPECT_EQ((*ufs)->scheme(), "memory");
  EXPECT_EQ(seen_uri, "fake://bucket/dir");
  EXPECT_EQ(seen_option, "v");
  // A factory's error is returned as is.
  RegisterUfsFactory(
      "broken",
      [](const std::string&, const UfsOptions&) -> Result<std::shared_ptr<UnderFileSystem>> {
        return UnavailableError("no credentials");
      });
  EXPECT_TRUE(HasCode(CreateUnderFileSystem("broken://x", {}), StatusCode::kUnavailable));
}

TEST(UfsSchemeTest, ExtractsLowerCaseScheme) {
  const std::pair<const char*, const char*> cases[] = {
      {"s3://b/x", "s3"},
      {"/x", ""},
      {"", ""},
      {"file:///x", "file"},
      {"HDFS://nn:9000/x", "hdfs"},
      {"memory:/x", "memory"},
      {"s3a+v2.x-y://b", "s3a+v2.x-y"},
      {"a/b:c", ""},
      {"1abc://x", ""},
      {"relative", ""},
      {"dir with space/x:y", ""},
  };
  for (const auto& [uri, scheme] : cases) EXPECT_EQ(UfsScheme(uri), scheme) << uri;
}

TEST(JoinUfsPathTest, JoinsWithOneSlash) {
  struct Case {
    const char* base;
    const char* suffix;
    const char* joined;
  };
  const Case cases[] = {
      {"/data", "a/b", "/data/a/b"},
      {"/data/", "a/b", "/data/a/b"},
      {"/data", "/a/b/", "/data/a/b"},
      {"/data//", "//a", "/data/a"},
      {"/", "a", "/a"},
      {"", "a", "/a"},
      {"/data", "", "/data"},
      {"/data", "/", "/data"},
      {"file:///data", "x", "file:///data/x"},
      {"file:///", "x", "file:///x"},
      {"s3://bucket", "x/y", "s3://bucket/x/y"},
      {"s3://bucket/", "x", "s3://bucket/x"},
      {"memory://", "x", "memory:///x"},
      {"hdfs://nn:9000/base", "f g", "hdfs://nn:9000/base/f g"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(JoinUfsPath(c.base, c.suffix), c.joined) << c.base << " + " << c.suffix;
  }
}

TEST(DirectoryModeTest, AddsSearchWhereReadIsGranted) {
  EXPECT_EQ(DirectoryMode(0644), 0755);
  EXPECT_EQ(DirectoryMode(0600), 0700);
  EXPECT_EQ(DirectoryMode(0640), 0750);
  EXPECT_EQ(DirectoryMode(0750), 0750);
  EXPECT_EQ(DirectoryMode(0777), 0777);
  EXPECT_EQ(DirectoryMode(0200), 0200);
  EXPECT_EQ(DirectoryMode(0), 0);
  EXPECT_EQ(DirectoryMode(01644), 01755);   // sticky bit kept
  EXPECT_EQ(DirectoryMode(0100644), 0755);  // file-type bits dropped
}

UfsStatus SampleFile() {
  UfsStatus s;
  s.name = "f";
  s.length = 123;
  s.last_modified_ms = 1700000000123;
  s.owner = "alice";
  s.group = "staff";
  s.mode = 0644;
  s.content_hash = "h1";
  return s;
}

TEST(FingerprintTest, FileFormat) {
  EXPECT_EQ(SampleFile().Fingerprint(),
            "TYPE:FILE|LEN:123|MTIME:1700000000123|MODE:0644|OWNER:alice|GROUP:staff|HASH:h1");
}

TEST(FingerprintTest, DirectoryFormat) {
  UfsStatus s;
  s.name = "d";
  s.is_directory = true;
  s.last_modified_ms = 5;
  s.owner = "bob";
  s.group = "bob";
  s.mode = 0755;
  EXPECT_EQ(s.Fingerprint(), "TYPE:DIR|MTIME:5|MODE:0755|OWNER:bob|GROUP:bob");
}

TEST(FingerprintTest, ChangesWithEveryAttributeButTheName) {
  const std::string base = SampleFile().Fingerprint();
  std::vector<UfsStatus> changed(7, SampleFile());
  changed[0].length = 124;
  changed[1].last_modified_ms += 1;
  changed[2].mode = 0600;
  changed[3].owner = "carol";
  changed[4].group = "wheel";
  changed[5].content_hash = "h2";
  changed[6].is_directory = true;
  for (size_t i = 0; i < changed.size(); ++i) {
    EXPECT_NE(changed[i].Fingerprint(), base) << i;
  }
  UfsStatus renamed = SampleFile();
  renamed.name = "other";
  EXPECT_EQ(renamed.Fingerprint(), base);
}

}  // namespace
}  // namespace alluxio::ufs
