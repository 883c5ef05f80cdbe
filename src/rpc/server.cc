// SPDX-License-Identifier: Apache-2.0
#include "rpc/server.h"

#include <chrono>

#include <fmt/format.h>
#include <grpcpp/grpcpp.h>

namespace alluxio::rpc {

RpcServer::RpcServer(std::unique_ptr<::grpc::Server> server, int port)
    : server_(std::move(server)), port_(port) {}

RpcServer::~RpcServer() { Shutdown(0); }

Result<std::unique_ptr<RpcServer>> RpcServer::Start(const std::string& bind_host, int port,
                                                    const std::vector<::grpc::Service*>& services) {
  ::grpc::ServerBuilder builder;
  int bound_port = 0;
  std::string host = bind_host.find(':') != std::string::npos ? "[" + bind_host + "]" : bind_host;
  builder.AddListeningPort(fmt::format("{}:{}", host, port), ::grpc::InsecureServerCredentials(),
                           &bound_port);
  builder.SetMaxReceiveMessageSize(kMaxMessageBytes);
  builder.SetMaxSendMessageSize(kMaxMessageBytes);
  // Handlers block (on the journal's group commit): keep enough polling threads that gRPC does
  // not create and destroy a thread for each blocked call.
  builder.SetSyncServerOption(::grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 16);
  builder.SetSyncServerOption(::grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, 256);
  // One port, one process: refuse to share a port with another server (SO_REUSEPORT off).
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, kStreamWindowBytes);
  for (::grpc::Service* s : services) builder.RegisterService(s);
  std::unique_ptr<::grpc::Server> server = builder.BuildAndStart();
  if (!server || bound_port == 0) {
    return UnavailableError(fmt::format(
        "Failed to bind the RPC server to {}:{} (is the port in use?)", bind_host, port));
  }
  return std::unique_ptr<RpcServer>(new RpcServer(std::move(server), bound_port));
}

void RpcServer::Shutdown(int grace_ms) {
  if (!server_) return;
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(grace_ms));
  server_->Wait();
  server_.reset();
}

}  // namespace alluxio::rpc
