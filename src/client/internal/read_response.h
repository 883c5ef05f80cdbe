// SPDX-License-Identifier: Apache-2.0
// Reading the chunk data of a ReadResponse (proto/alluxio/grpc/block_worker.proto) straight out of
// the slices gRPC received, so that a remote block read copies each byte once, into the caller's
// buffer, instead of parsing it into a protobuf string first. RemoteBlockReader uses it.
//
// Thread-safety: a pure function.
#pragma once

#include <string_view>
#include <vector>

#include <grpcpp/support/slice.h>

namespace alluxio::client::internal {

// Finds `chunk.data` of the serialised ReadResponse held in `slices` (in order): on success `data`
// gets its bytes as views into the slices (nothing when the field is absent), valid for as long as
// the vector's elements are neither destroyed nor moved (a short slice holds its bytes inline).
// Follows protobuf's rules: unknown fields are skipped and the last value of a field wins (embedded
// messages merge). Returns false when the message is malformed or holds something this reader does
// not parse (a group); the caller then parses it with protobuf, which has the last word.
bool FindChunkData(const std::vector<::grpc::Slice>& slices, std::vector<std::string_view>* data);

}  // namespace alluxio::client::internal
