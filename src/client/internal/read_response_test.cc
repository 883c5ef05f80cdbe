// SPDX-License-Identifier: Apache-2.0
#include "client/internal/read_response.h"

#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "alluxio/grpc/block_worker.pb.h"

namespace alluxio::client::internal {
namespace {

namespace pb = ::alluxio::grpc::block;

std::vector<::grpc::Slice> Split(const std::string& bytes, std::vector<size_t> cuts) {
  std::vector<::grpc::Slice> out;
  size_t from = 0;
  cuts.push_back(bytes.size());
  for (size_t cut : cuts) {
    out.emplace_back(bytes.data() + from, cut - from);
    from = cut;
  }
  return out;
}

std::string Join(const std::vector<std::string_view>& pieces) {
  std::string out;
  for (std::string_view p : pieces) out.append(p);
  return out;
}

std::string Response(const std::string& data) {
  pb::ReadResponse r;
  r.mutable_chunk()->set_data(data);
  return r.SerializeAsString();
}

std::string Data(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>(i * 131 + 7);
  return s;
}

// What protobuf makes of `bytes`: the chunk data, or nullopt if it rejects them.
std::optional<std::string> ProtobufData(const std::string& bytes) {
  pb::ReadResponse r;
  if (!r.ParseFromString(bytes)) return std::nullopt;
  return r.chunk().data();
}

TEST(FindChunkDataTest, FindsTheDataWhereverTheSlicesAreCut) {
  const std::string data = Data(300);  // two-byte lengths
  const std::string bytes = Response(data);
  for (size_t cut = 0; cut <= bytes.size(); ++cut) {
    std::vector<::grpc::Slice> slices = Split(bytes, {cut});
    std::vector<std::string_view> pieces;
    ASSERT_TRUE(FindChunkData(slices, &pieces)) << "cut at " << cut;
    EXPECT_EQ(Join(pieces), data) << "cut at " << cut;
  }
  std::vector<size_t> every_byte;
  for (size_t i = 1; i < bytes.size(); ++i) every_byte.push_back(i);
  const std::vector<::grpc::Slice> one_byte_slices = Split(bytes, every_byte);
  std::vector<std::string_view> pieces;
  ASSERT_TRUE(FindChunkData(one_byte_slices, &pieces));
  EXPECT_EQ(Join(pieces), data);
}

TEST(FindChunkDataTest, PointsIntoTheSlicesWithoutCopying) {
  const std::vector<::grpc::Slice> slices = Split(Response(Data(1000)), {500});
  std::vector<std::string_view> pieces;
  ASSERT_TRUE(FindChunkData(slices, &pieces));
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_EQ(reinterpret_cast<const uint8_t*>(pieces[1].data()), slices[1].begin());
}

TEST(FindChunkDataTest, EmptyAndAbsentChunksHaveNoData) {
  std::vector<std::string_view> pieces;
  ASSERT_TRUE(FindChunkData({}, &pieces));
  EXPECT_TRUE(pieces.empty());
  pb::ReadResponse no_data;
  no_data.mutable_chunk();
  const std::vector<::grpc::Slice> slices = Split(no_data.SerializeAsString(), {});
  ASSERT_TRUE(FindChunkData(slices, &pieces));
  EXPECT_TRUE(pieces.empty());
}

TEST(FindChunkDataTest, FollowsProtobufOnUnknownAndRepeatedFields) {
  const std::string a = Data(20), b = Data(30).substr(5);
  const std::string unknown_top = std::string("\x28\x96\x01", 3)                  // field 5 varint
                                  + std::string("\x35\x01\x02\x03\x04", 5)        // field 6 fixed32
                                  + std::string("\x39", 1) + std::string(8, 'x')  // 7 fixed64
                                  + std::string("\x42\x03zzz", 5);                // field 8 bytes
  const std::string unknown_in_chunk = std::string("\x10\x01", 2);  // Chunk field 2 varint
  pb::Chunk with_unknown;
  with_unknown.set_data(a);
  const std::string chunk_a = with_unknown.SerializeAsString() + unknown_in_chunk;
  auto chunk_field = [](const std::string& body) {
    return std::string("\x0a", 1) + static_cast<char>(body.size()) + body;
  };
  const std::vector<std::string> cases = {
      unknown_top + chunk_field(chunk_a) + unknown_top,
      chunk_field(chunk_a) + Response(b),                 // the last data wins
      Response(b) + chunk_field(unknown_in_chunk),        // merged: a chunk without data keeps b
      chunk_field(chunk_a + std::string("\x0a\x00", 2)),  // an empty last value wins
  };
  for (const std::string& bytes : cases) {
    std::optional<std::string> expected = ProtobufData(bytes);
    ASSERT_TRUE(expected.has_value());
    const std::vector<::grpc::Slice> slices = Split(bytes, {bytes.size() / 2});
    std::vector<std::string_view> pieces;
    ASSERT_TRUE(FindChunkData(slices, &pieces));
    EXPECT_EQ(Join(pieces), *expected);
  }
}

TEST(FindChunkDataTest, LeavesGroupsToProtobuf) {
  const std::string bytes = std::string("\x1b\x08\x01\x1c", 4) + Response("abc");  // group 3
  std::vector<std::string_view> pieces;
  EXPECT_FALSE(FindChunkData(Split(bytes, {}), &pieces));
  EXPECT_EQ(ProtobufData(bytes), std::optional<std::string>("abc"));
}

// Corruption table: truncated anywhere, and every byte replaced by values that break lengths,
// tags and varints. Whatever the reader accepts, protobuf accepts with the same data.
TEST(FindChunkDataTest, AcceptsNothingProtobufRejects) {
  const std::string good = Response(Data(200)) + std::string("\x28\x01", 2);
  std::vector<std::string> bad;
  for (size_t n = 0; n < good.size(); ++n) bad.push_back(good.substr(0, n));  // truncated tail
  for (size_t i = 0; i < good.size(); ++i) {
    for (char c : {'\x00', '\x01', '\x07', '\x0a', '\x0b', '\x0c', '\x7f', '\x80', '\xff'}) {
      std::string b = good;
      b[i] = c;
      bad.push_back(b);
    }
  }
  bad.push_back(std::string(11, '\xff'));  // a varint longer than 10 bytes
  for (const std::string& bytes : bad) {
    const std::vector<::grpc::Slice> slices = Split(bytes, {bytes.size() / 3});
    std::vector<std::string_view> pieces;
    if (!FindChunkData(slices, &pieces)) continue;
    std::optional<std::string> expected = ProtobufData(bytes);
    ASSERT_TRUE(expected.has_value()) << "accepted what protobuf rejects: " << bytes.size();
    EXPECT_EQ(Join(pieces), *expected);
  }
}

}  // namespace
}  // namespace alluxio::client::internal
