// SPDX-License-Identifier: Apache-2.0
// S3 as an under-store, end to end on an in-process cluster against s3rver on loopback: a bucket
// mounted with credentials as mount options (write through, read through after free, metadata of
// objects written behind Alluxio's back, rename, delete, a multipart-sized file), and S3 as the
// root UFS with the endpoint and credentials in the configuration, holding a backup that a fresh
// cluster restores.
#include <gtest/gtest.h>

#include <string>

#include "tests/minicluster/mini_cluster.h"
#include "tests/minicluster/test_util.h"
#include "ufs/s3/s3_ufs.h"
#include "ufs/testing/s3rver.h"

namespace alluxio {
namespace {

using ::alluxio::grpc::WritePType;
using testing::MiniCluster;
using testing::RandomBytes;

Status Write(client::FileSystem* fs, const std::string& path, const std::string& data,
             WritePType type) {
  client::fsopts::CreateFilePOptions o;
  o.set_write_type(type);
  o.set_block_size_bytes(4 << 20);
  o.set_recursive(true);
  ASSIGN_OR_RETURN(auto out, fs->Create(path, o));
  for (size_t pos = 0; pos < data.size(); pos += 1 << 20) {
    RETURN_IF_ERROR(out->Write(std::string_view(data).substr(pos, 1 << 20)));
  }
  return out->Close();
}

Result<std::string> Read(client::FileSystem* fs, const std::string& path) {
  ASSIGN_OR_RETURN(auto in, fs->Open(path));
  std::string out(static_cast<size_t>(in->length()), '\0');
  size_t pos = 0;
  while (pos < out.size()) {
    ASSIGN_OR_RETURN(size_t n, in->Read(out.data() + pos, out.size() - pos));
    if (n == 0) break;
    pos += n;
  }
  out.resize(pos);
  return out;
}

class S3UnderStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start().ok());
    ufs::UfsOptions o = Credentials();
    auto s3 = ufs::S3Ufs::FromUri("s3://admin/", o);
    ASSERT_TRUE(s3.ok());
    s3_ = *s3;
  }
  ufs::UfsOptions Credentials() const {
    return {{"alluxio.underfs.s3.endpoint", server_.endpoint()},
            {"s3a.accessKeyId", "S3RVER"},
            {"s3a.secretKey", "S3RVER"},
            {"alluxio.underfs.s3.streaming.upload.partition.size", "5MB"}};
  }
  ufs::testing::S3rver server_;
  std::shared_ptr<ufs::S3Ufs> s3_;  // direct access to the buckets, behind Alluxio's back
};

TEST_F(S3UnderStoreTest, MountedBucketWithCredentialsAsMountOptions) {
  ASSERT_TRUE(s3_->client()->CreateBucket("data-bucket").ok());
  ASSERT_TRUE(s3_->Mkdirs("s3://data-bucket/warehouse", true, {}).ok());
  testing::MiniClusterOptions mo;
  mo.num_workers = 1;
  auto c = MiniCluster::Start(mo);
  ASSERT_TRUE(c.ok()) << c.status();
  client::FileSystem* fs = (*c)->client();
  client::fsopts::MountPOptions mount;
  for (const auto& [k, v] : Credentials()) (*mount.mutable_properties())[k] = v;
  Status mounted = fs->Mount("/s3", "s3://data-bucket/warehouse", mount);
  ASSERT_TRUE(mounted.ok()) << mounted;

  // Written through: the object is in the bucket.
  std::string small = RandomBytes(100000, 1);
  ASSERT_TRUE(Write(fs, "/s3/t/small.bin", small, ::alluxio::grpc::CACHE_THROUGH).ok());
  auto head = s3_->client()->HeadObject("data-bucket", "warehouse/t/small.bin");
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(head->size, 100000);
  // A file above the part size goes up in parts, and reads back after it left the cache.
  std::string big = RandomBytes(11 << 20, 2);
  ASSERT_TRUE(Write(fs, "/s3/t/big.bin", big, ::alluxio::grpc::THROUGH).ok());
  ASSERT_TRUE(fs->Free("/s3/t/small.bin").ok());
  auto back = Read(fs, "/s3/t/big.bin");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(*back == big);
  back = Read(fs, "/s3/t/small.bin");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, small);

  // Objects written behind Alluxio's back are found (metadata loaded from the listing).
  ASSERT_TRUE(s3_->client()->PutObject("data-bucket", "warehouse/ext/part-0", "external").ok());
  client::fsopts::ListStatusPOptions ls;
  ls.set_load_metadata_type(::alluxio::grpc::ALWAYS);
  auto list = fs->ListStatus("/s3/ext", ls);
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].name(), "part-0");
  back = Read(fs, "/s3/ext/part-0");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, "external");

  // Rename and delete reach the bucket.
  ASSERT_TRUE(fs->Rename("/s3/t/small.bin", "/s3/t/renamed.bin").ok());
  EXPECT_EQ(s3_->client()->HeadObject("data-bucket", "warehouse/t/small.bin").status().code(),
            StatusCode::kNotFound);
  EXPECT_TRUE(s3_->client()->HeadObject("data-bucket", "warehouse/t/renamed.bin").ok());
  ASSERT_TRUE(fs->Delete("/s3/t/renamed.bin").ok());
  EXPECT_EQ(s3_->client()->HeadObject("data-bucket", "warehouse/t/renamed.bin").status().code(),
            StatusCode::kNotFound);

  // A mount with bad credentials or no endpoint is refused with the reason.
  client::fsopts::MountPOptions bad;
  (*bad.mutable_properties())["alluxio.underfs.s3.endpoint"] = "";
  Status refused = fs->Mount("/s3-bad", "s3://data-bucket/x", bad);
  EXPECT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("alluxio.underfs.s3.endpoint"), std::string::npos) << refused;
}

TEST_F(S3UnderStoreTest, RootUfsOnS3HoldsBackupsThatRestore) {
  ASSERT_TRUE(s3_->client()->CreateBucket("root-bucket").ok());
  ASSERT_TRUE(s3_->Mkdirs("s3://root-bucket/alluxio", true, {}).ok());
  testing::MiniClusterOptions mo;
  mo.properties = {{"alluxio.master.mount.table.root.ufs", "s3://root-bucket/alluxio"}};
  for (const auto& [k, v] : Credentials()) mo.properties[k] = v;
  std::string uri;
  {
    auto c = MiniCluster::Start(mo);
    ASSERT_TRUE(c.ok()) << c.status();
    client::FileSystem* fs = (*c)->client();
    for (int d = 0; d < 5; d++) ASSERT_TRUE(fs->CreateDirectory("/dir" + std::to_string(d)).ok());
    ::alluxio::grpc::meta::BackupPRequest req;
    req.mutable_options()->set_run_async(false);
    auto st = fs->Backup(req);
    ASSERT_TRUE(st.ok()) << st.status();
    uri = st->backup_uri();
    // In the root UFS's bucket, with its marker.
    EXPECT_EQ(uri.rfind("s3://root-bucket/alluxio_backups/alluxio-backup-", 0), 0u) << uri;
    std::string key = uri.substr(std::string("s3://root-bucket/").size());
    EXPECT_TRUE(s3_->client()->HeadObject("root-bucket", key).ok()) << key;
    EXPECT_TRUE(s3_->client()->HeadObject("root-bucket", key + ".complete").ok()) << key;
  }
  mo.properties["alluxio.master.journal.init.from.backup"] = uri;
  auto restored = MiniCluster::Start(mo);
  ASSERT_TRUE(restored.ok()) << restored.status();
  auto list = (*restored)->client()->ListStatus("/");
  ASSERT_TRUE(list.ok()) << list.status();
  int dirs = 0;
  for (const auto& f : *list) dirs += f.name().rfind("dir", 0) == 0 ? 1 : 0;
  EXPECT_EQ(dirs, 5);
}

}  // namespace
}  // namespace alluxio
