// SPDX-License-Identifier: Apache-2.0
#include "cli/fs/data_commands.h"

#include <sstream>

#include <gtest/gtest.h>

namespace alluxio::cli::fs {
namespace {

struct ShellRun {
  int rc;
  std::string out;
};

ShellRun RunShell(const std::vector<std::string>& args) {
  conf::Configuration conf;
  std::ostringstream out, err;
  CommandContext ctx{&conf, &out, &err};
  int rc = RunFsShell(ctx, args);
  return {rc, out.str()};
}

::alluxio::grpc::BlockInfo Block(int64_t id, int64_t length,
                                 const std::vector<std::string>& hosts) {
  ::alluxio::grpc::BlockInfo b;
  b.set_block_id(id);
  b.set_length(length);
  int64_t worker = 1;
  for (const std::string& h : hosts) {
    ::alluxio::grpc::BlockLocation* l = b.add_locations();
    l->set_worker_id(worker++);
    l->mutable_worker_address()->set_host(h);
    l->mutable_worker_address()->set_rpc_port(29999);
    l->mutable_worker_address()->set_data_port(29999);
    l->mutable_worker_address()->set_web_port(30000);
    l->set_tier_alias("MEM");
    l->set_medium_type("MEM");
  }
  return b;
}

TEST(DataCommandsTest, Md5MatchesKnownDigests) {
  Md5 empty;
  EXPECT_EQ(empty.HexDigest(), "d41d8cd98f00b204e9800998ecf8427e");
  Md5 chunks;
  chunks.Update("The quick brown fox ", 20);
  chunks.Update("jumps over the lazy dog", 23);
  EXPECT_EQ(chunks.HexDigest(), "9e107d9d372bb6826bd81d3542a419d6");
}

TEST(DataCommandsTest, ByteCountsFollowParseSpaceSize) {
  EXPECT_EQ(*ParseByteCount("1024"), 1024);
  EXPECT_EQ(*ParseByteCount("4KB"), 4096);
  EXPECT_EQ(ParseByteCount("0").status().message(), "specified bytes must be > 0");
  EXPECT_EQ(ParseByteCount("abc").status().message(), "Fail to parse abc to bytes");
}

TEST(DataCommandsTest, HeadRejectsBadByteCountBeforeContactingTheMaster) {
  ShellRun r = RunShell({"head", "-c", "0", "/a"});
  EXPECT_EQ(r.rc, 255);
  EXPECT_EQ(r.out, "specified bytes must be > 0\n");
  r = RunShell({"tail", "/a", "/b"});
  EXPECT_EQ(r.rc, 255);
  EXPECT_EQ(
      r.out.rfind("Command tail takes 1 arguments, not 2\nUsage: tail [-c <bytes>] <path>\n", 0),
      0u);
}

TEST(DataCommandsTest, PersistOptions) {
  ParsedArgs p;
  PersistOptions o = *ParsePersistOptions(p);
  EXPECT_EQ(o.parallelism, 4);
  EXPECT_EQ(o.timeout_ms, 1200000);
  EXPECT_EQ(o.wait_ms, 0);
  p.options["p"] = {"2"};
  p.options["t"] = {"5s"};
  p.options["w"] = {"100"};
  o = *ParsePersistOptions(p);
  EXPECT_EQ(o.parallelism, 2);
  EXPECT_EQ(o.timeout_ms, 5000);
  EXPECT_EQ(o.wait_ms, 100);
  p.options["p"] = {"x"};
  EXPECT_EQ(ParsePersistOptions(p).status().message(), "For input string: \"x\"");
}

TEST(DataCommandsTest, PersistWaitLongerThanTimeoutIsRejected) {
  ShellRun r = RunShell({"persist", "-t", "10", "-w", "20", "/a"});
  EXPECT_EQ(r.rc, 255);
  EXPECT_EQ(r.out,
            "Persistence initial wait time should be smaller than persist timeout and bigger than "
            "zero\n");
}

TEST(DataCommandsTest, CopyOptionsFollowCpValidateArgs) {
  ParsedArgs p;
  int64_t buffer = -1;
  int threads = 3;
  ASSERT_TRUE(ParseCopyOptions(p, &buffer, &threads).ok());
  EXPECT_EQ(buffer, -1);
  EXPECT_EQ(threads, 3);
  p.options["buffersize"] = {"4096"};
  p.options["thread"] = {"8"};
  ASSERT_TRUE(ParseCopyOptions(p, &buffer, &threads).ok());
  EXPECT_EQ(buffer, 4096);
  EXPECT_EQ(threads, 8);
  p.options["thread"] = {"0"};
  EXPECT_EQ(ParseCopyOptions(p, &buffer, &threads).message(), "thread must be > 0");
  p.options["thread"] = {"two"};
  EXPECT_EQ(ParseCopyOptions(p, &buffer, &threads).message(),
            "Failed to parse option thread into an integer");
  p.options.erase("thread");
  p.options["buffersize"] = {"-1"};
  EXPECT_EQ(ParseCopyOptions(p, &buffer, &threads).message(), "buffersize must be > 0");
}

TEST(DataCommandsTest, CopyValidationPrintsUsage) {
  ShellRun r = RunShell({"copyFromLocal", "--thread", "0", "/a", "/b"});
  EXPECT_EQ(r.rc, 255);
  EXPECT_EQ(r.out.rfind("thread must be > 0\nUsage: copyFromLocal [--thread <num>] "
                        "[--buffersize <bytes>] <src> <remoteDst>\n",
                        0),
            0u);
  r = RunShell({"cp", "file:///a", "file:///b"});
  EXPECT_EQ(r.rc, 255);
  EXPECT_EQ(r.out,
            "Schemes must be either file or alluxio, and at most one file scheme is allowed.\n");
}

TEST(DataCommandsTest, LocationListsEveryCopyHost) {
  std::vector<::alluxio::grpc::BlockInfo> blocks = {Block(1, 10, {"w1", "w2"}), Block(2, 5, {}),
                                                    Block(3, 5, {"w2"})};
  EXPECT_EQ(LocationOutput("/f", 33554431, blocks),
            "/f with file id 33554431 is on nodes: \nw1\nw2\nw2\n");
}

TEST(DataCommandsTest, BlockInfoIsPrintedLikeJavaToString) {
  EXPECT_EQ(BlockInfoString(Block(16777216, 100, {})),
            "BlockInfo{id=16777216, length=100, locations=[]}");
  EXPECT_EQ(BlockInfoString(Block(7, 3, {"h"})),
            "BlockInfo{id=7, length=3, locations=[BlockLocation{workerId=1, "
            "address=WorkerNetAddress{host=h, containerHost=, rpcPort=29999, dataPort=29999, "
            "webPort=30000, domainSocketPath=, tieredIdentity=TieredIdentity(node=h, rack=null)}, "
            "tierAlias=MEM, mediumType=MEM}]}");
  ::alluxio::grpc::FileBlockInfo fb;
  *fb.mutable_block_info() = Block(7, 3, {});
  fb.set_offset(0);
  EXPECT_EQ(FileBlockInfoString(fb),
            "FileBlockInfo{blockInfo=BlockInfo{id=7, length=3, locations=[]}, offset=0, "
            "ufsLocations=[]}");
}

TEST(DataCommandsTest, StatBlocksSection) {
  EXPECT_EQ(StatBlocksOutput({}), "This file does not contain any blocks.\n");
  EXPECT_EQ(StatBlocksOutput({Block(1, 2, {}), Block(2, 1, {})}),
            "Containing the following blocks: \n"
            "BlockInfo{id=1, length=2, locations=[]}\n"
            "BlockInfo{id=2, length=1, locations=[]}\n");
  client::FileInfo f;
  f.set_path("/f");
  *f.add_file_block_infos()->mutable_block_info() = Block(1, 2, {});
  EXPECT_NE(FileInfoString(f).find("fileBlockInfos=[FileBlockInfo{blockInfo=BlockInfo{id=1, "
                                   "length=2, locations=[]}, offset=0, ufsLocations=[]}]"),
            std::string::npos);
}

TEST(DataCommandsTest, DuLinesHaveAlluxioColumns) {
  EXPECT_EQ(DuLine("File Size", "In Alluxio", "Path", std::nullopt, std::nullopt),
            "File Size     In Alluxio       Path\n");
  EXPECT_EQ(DuLine("10", "10 (100%)", "/f", std::string("0 (0%)"), std::string("total")),
            "10            10 (100%)        0 (0%)           total                     /f\n");
  EXPECT_EQ(DuLine("", "10", "", std::nullopt, std::string("w1")),
            "              10               w1                        \n");
}

}  // namespace
}  // namespace alluxio::cli::fs
