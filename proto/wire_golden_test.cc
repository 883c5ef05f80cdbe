// SPDX-License-Identifier: Apache-2.0
// Golden files of the RPC wire format (docs/formats/rpc.md): messages serialised by the first
// released version must keep parsing to the same values. Regenerate (only when adding a new
// version directory, never to "fix" a failure) with:
//   build/bin/proto_test --gtest_also_run_disabled_tests --gtest_filter=*Regenerate*
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "alluxio/grpc/block_master.pb.h"
#include "alluxio/grpc/block_worker.pb.h"
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

// The data path's first version (BlockWorker 1, BlockMasterWorker 2).
grpc::block::ReadRequest ReadRequestV1() {
  grpc::block::ReadRequest r;
  r.set_block_id(50331648);
  r.set_offset(4096);
  r.set_length(1 << 20);
  r.set_promote(true);
  r.set_chunk_size(1 << 20);
  auto* u = r.mutable_open_ufs_block_options();
  u->set_ufs_path("/opt/alluxio/underFSStorage/a/f");
  u->set_offset_in_file(0);
  u->set_block_size(64 << 20);
  u->set_mount_id(1);
  u->set_no_cache(false);
  u->set_user("alice");
  return r;
}

grpc::block::WriteRequest WriteCommandV1() {
  grpc::block::WriteRequest r;
  auto* c = r.mutable_command();
  c->set_type(grpc::block::UFS_FILE);
  c->set_id(67108863);
  c->set_space_to_reserve(8 << 20);
  c->set_commit(true);
  auto* o = c->mutable_create_ufs_file_options();
  o->set_ufs_path("/opt/alluxio/underFSStorage/a/f");
  o->set_owner("alice");
  o->set_group("staff");
  o->set_mode(0640);
  o->set_mount_id(1);
  return r;
}

grpc::block::RegisterWorkerPRequest RegisterWorkerV1() {
  grpc::block::RegisterWorkerPRequest r;
  r.set_worker_id(7);
  r.add_storage_tiers("MEM");
  r.add_storage_tiers("SSD");
  (*r.mutable_total_bytes_on_tiers())["MEM"] = 1 << 30;
  (*r.mutable_used_bytes_on_tiers())["MEM"] = 64 << 20;
  auto* e = r.add_current_blocks();
  e->mutable_key()->set_tier_alias("MEM");
  e->mutable_key()->set_medium_type("MEM");
  e->add_value(50331648);
  e->add_value(50331649);
  (*r.mutable_lost_storage())["SSD"].add_storage("/mnt/ssd1");
  r.set_build_version("2.10.0");
  r.mutable_address()->set_host("worker-1");
  r.mutable_address()->set_rpc_port(29999);
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
  ExpectGolden("read_request.bin", ReadRequestV1());
  ExpectGolden("write_command.bin", WriteCommandV1());
  ExpectGolden("register_worker_request.bin", RegisterWorkerV1());
}

TEST(WireGoldenTest, DISABLED_RegenerateGoldenFiles) {
  auto write = [](const std::string& name, const std::string& bytes) {
    std::ofstream(kDir + name, std::ios::binary) << bytes;
  };
  write("create_file_request.bin", CreateFileV1().SerializeAsString());
  write("file_info.bin", FileInfoV1().SerializeAsString());
  write("get_service_version_request.bin", VersionV1().SerializeAsString());
  write("read_request.bin", ReadRequestV1().SerializeAsString());
  write("write_command.bin", WriteCommandV1().SerializeAsString());
  write("register_worker_request.bin", RegisterWorkerV1().SerializeAsString());
  SUCCEED();
}

}  // namespace
}  // namespace alluxio
