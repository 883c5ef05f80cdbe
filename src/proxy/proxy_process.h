// SPDX-License-Identifier: Apache-2.0
// ProxyProcess: the alluxio-proxy daemon — the S3 API (S3Handler) on an HTTP server
// (HttpServer) at alluxio.proxy.web.bind.host:alluxio.proxy.web.port. Also answers
// GET /api/v1/proxy/info (the scripts' health check).
// Thread-safety: Start and Stop from one thread.
#pragma once

#include <memory>

#include "common/conf/configuration.h"
#include "common/result.h"
#include "proxy/http_server.h"
#include "proxy/s3_handler.h"

namespace alluxio::proxy {

class ProxyProcess {
 public:
  // Reads the configuration (InvalidArgument for bad alluxio.proxy.* values). Does not listen yet.
  static Result<std::unique_ptr<ProxyProcess>> Create(const conf::Configuration& conf);
  ~ProxyProcess();

  // Starts serving. Unavailable when the port is taken.
  Status Start();
  // Stops serving and joins every thread. Idempotent.
  void Stop();
  // The bound port (after Start).
  int port() const { return server_ ? server_->port() : 0; }

 private:
  ProxyProcess(conf::Configuration conf, std::unique_ptr<S3Handler> handler);

  conf::Configuration conf_;
  std::unique_ptr<S3Handler> handler_;
  std::unique_ptr<HttpServer> server_;
};

}  // namespace alluxio::proxy
