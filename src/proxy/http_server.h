// SPDX-License-Identifier: Apache-2.0
// HttpServer: a small blocking HTTP/1.1 server (Boost.Beast parser, one thread per connection,
// keep-alive with a 60 s idle timeout, Expect: 100-continue) that streams request and response
// bodies through the BodyReader/ResponseWriter of proxy/http.h. Beast stays inside http_server.cc.
//
// Thread-safety: Start/Stop from one thread; the handler runs on connection threads
// concurrently and must be thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "common/result.h"
#include "proxy/http.h"

namespace alluxio::proxy {

class HttpServer {
 public:
  using Handler = std::function<Status(HttpRequest&, ResponseWriter&)>;
  struct Options {
    std::string bind_host = "0.0.0.0";
    int port = 0;  // 0: any free port (see port())
    int max_connections = 256;
  };

  // Binds and starts accepting. InvalidArgument for a bad address, Unavailable when the port is
  // taken.
  static Result<std::unique_ptr<HttpServer>> Start(const Options& options, Handler handler);
  // Stops (see Stop).
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const;
  // Stops accepting, closes every connection (requests in progress fail) and joins all threads.
  // Idempotent.
  void Stop();

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace alluxio::proxy
