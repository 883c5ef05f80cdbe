// SPDX-License-Identifier: Apache-2.0
// RpcServer: starts a gRPC server on host:port (port 0 picks a free one) with the given services.
// Thread-safety: Start/Shutdown from one thread; services run on gRPC's threads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"

namespace grpc {
class Server;
class Service;
}  // namespace grpc

namespace alluxio::rpc {

class RpcServer {
 public:
  // Services must outlive the server.
  static Result<std::unique_ptr<RpcServer>> Start(const std::string& bind_host, int port,
                                                  const std::vector<::grpc::Service*>& services);
  ~RpcServer();

  int port() const { return port_; }
  // Stops accepting calls and waits (up to `grace_ms`) for running ones.
  void Shutdown(int grace_ms = 2000);

 private:
  RpcServer(std::unique_ptr<::grpc::Server> server, int port);
  std::unique_ptr<::grpc::Server> server_;
  int port_;
};

// Largest message either side accepts (data chunks of several MiB later).
inline constexpr int kMaxMessageBytes = 64 * 1024 * 1024;

// HTTP/2 flow-control window of every stream, fixed (BDP probing off) on servers and channels
// alike. gRPC's BDP probing grows the window of a fast stream to tens of MiB on loopback: a block
// read then has that much in flight, in buffers that have left the CPU caches and that malloc
// returns to the kernel and faults in again; a fixed 4 MiB window made remote reads 1.5-2x faster
// (bench/RESULTS.md, "Data path"). Alluxio fixes its windows too (2 MiB by default).
inline constexpr int kStreamWindowBytes = 4 * 1024 * 1024;

}  // namespace alluxio::rpc
