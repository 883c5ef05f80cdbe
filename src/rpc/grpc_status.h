// SPDX-License-Identifier: Apache-2.0
// Conversion between alluxio::Status and ::grpc::Status. The codes share gRPC's numbering, so the
// mapping is one-to-one and the message is carried unchanged.
#pragma once

#include <grpcpp/support/status.h>

#include "common/status.h"

namespace alluxio::rpc {

::grpc::Status ToGrpcStatus(const Status& status);
Status FromGrpcStatus(const ::grpc::Status& status);

// Metadata key carrying the caller's user name (SIMPLE authentication).
inline constexpr char kUserMetadataKey[] = "alluxio-user";

}  // namespace alluxio::rpc
