// SPDX-License-Identifier: Apache-2.0
// Golden files of the RPC wire format (docs/formats/rpc.md): messages serialised by the first
// released version must keep parsing to the same values. Regenerate (only when adding a new
// version directory, never to "fix" a failure) with:
//   build/bin/proto_test --gtest_also_run_disabled_tests --gtest_filter=*Regenerate*
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "alluxio/grpc/file_system_master.pb.h"
#include "alluxio/grpc/meta_master.pb.h"
#include "alluxio/grpc/version.pb.h"

namespace alluxio {
namespace {

const std::string kDir = std::string(ALLUXIO_SOURCE_DIR) + "/proto/testdata/v1/";

grpc::file::CreateFilePRequest CreateFileV1() {
  grpc::file::CreateFilePRequest r;
  r.set_path("/data/ünïcødé file");
  auto* o = r.mutable_options();
  o->set_block_size_bytes(64 << 20);
  o->set_recursive(true);
  o->set_mode(0644);
  o->set_persist(true);
  auto* c = o->mutable_common_options();
  c->set_sync_interval_ms(-1);
  c->set_ttl(86400000);
  c->set_ttl_action(grpc::FREE);
  c->mutable_operation_id()->set_most_significant_bits(0x1234567890abcdefLL);
  c->mutable_operation_id()->set_least_significant_bits(-42);
  return r;
}

grpc::FileInfo FileInfoV1() {
  grpc::FileInfo f;
  f.set_file_id(67108863);
  f.set_name("f");
  f.set_path("/a/f");
  f.set_ufs_path("/opt/alluxio/underFSStorage/a/f");
  f.set_length(1234);
  f.set_block_size_bytes(64 << 20);
  f.set_creation_time_ms(1700000000000);
  f.set_completed(true);
  f.set_folder(false);
  f.set_persisted(true);
  f.add_block_ids(50331648);
  f.set_owner("alice");
  f.set_group("staff");
  f.set_mode(0640);
  f.set_persistence_state("PERSISTED");
  f.set_mount_id(1);
  f.set_in_alluxio_percentage(100);
  return f;
}

grpc::version::GetServiceVersionPRequest VersionV1() {
  grpc::version::GetServiceVersionPRequest r;
  r.set_service_type(grpc::version::FILE_SYSTEM_MASTER_CLIENT_SERVICE);
  r.set_allowed_on_standby_masters(true);
  return r;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

template <typename M>
void ExpectGolden(const std::string& name, const M& expected) {
  std::string bytes = ReadFile(kDir + name);
  ASSERT_FALSE(bytes.empty()) << "missing golden file " << kDir + name;
  M parsed;
  ASSERT_TRUE(parsed.ParseFromString(bytes)) << name;
  EXPECT_EQ(parsed.SerializeAsString(), expected.SerializeAsString()) << name;
  EXPECT_EQ(parsed.DebugString(), expected.DebugString());
}

TEST(WireGoldenTest, V1MessagesStillParse) {
  ExpectGolden("create_file_request.bin", CreateFileV1());
  ExpectGolden("file_info.bin", FileInfoV1());
  ExpectGolden("get_service_version_request.bin", VersionV1());
}

TEST(WireGoldenTest, DISABLED_RegenerateGoldenFiles) {
  auto write = [](const std::string& name, const std::string& bytes) {
    std::ofstream(kDir + name, std::ios::binary) << bytes;
  };
  write("create_file_request.bin", CreateFileV1().SerializeAsString());
  write("file_info.bin", FileInfoV1().SerializeAsString());
  write("get_service_version_request.bin", VersionV1().SerializeAsString());
  SUCCEED();
}

}  // namespace
}  // namespace alluxio
