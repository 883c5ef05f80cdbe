// SPDX-License-Identifier: Apache-2.0
#include "rpc/grpc_status.h"

namespace alluxio::rpc {

::grpc::Status ToGrpcStatus(const Status& status) {
  if (status.ok()) return ::grpc::Status::OK;
  return ::grpc::Status(static_cast<::grpc::StatusCode>(status.code()),
                        std::string(status.message()));
}

Status FromGrpcStatus(const ::grpc::Status& status) {
  if (status.ok()) return Status();
  int code = static_cast<int>(status.error_code());
  if (code < 0 || code > 16) code = static_cast<int>(StatusCode::kUnknown);
  return Status(static_cast<StatusCode>(code), status.error_message());
}

}  // namespace alluxio::rpc
