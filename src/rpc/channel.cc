// SPDX-License-Identifier: Apache-2.0
#include "rpc/channel.h"

#include <grpcpp/grpcpp.h>

#include "rpc/server.h"

namespace alluxio::rpc {

std::shared_ptr<::grpc::Channel> CreateChannel(const std::string& address) {
  ::grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  args.SetMaxSendMessageSize(kMaxMessageBytes);
  // Each client gets its own connection rather than sharing a global subchannel pool, so a
  // restarted server is reconnected promptly.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  args.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, kStreamWindowBytes);
  return ::grpc::CreateCustomChannel(address, ::grpc::InsecureChannelCredentials(), args);
}

}  // namespace alluxio::rpc
