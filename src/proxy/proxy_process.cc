// SPDX-License-Identifier: Apache-2.0
#include "proxy/proxy_process.h"

#include <spdlog/spdlog.h>

#include "common/conf/property_key.h"
#include "common/version.h"

namespace alluxio::proxy {

namespace k = conf::keys;

ProxyProcess::ProxyProcess(conf::Configuration conf, std::unique_ptr<S3Handler> handler)
    : conf_(std::move(conf)), handler_(std::move(handler)) {}

ProxyProcess::~ProxyProcess() { Stop(); }

Result<std::unique_ptr<ProxyProcess>> ProxyProcess::Create(const conf::Configuration& conf) {
  ASSIGN_OR_RETURN(std::unique_ptr<S3Handler> handler, S3Handler::Create(conf));
  return std::unique_ptr<ProxyProcess>(new ProxyProcess(conf, std::move(handler)));
}

Status ProxyProcess::Start() {
  HttpServer::Options o;
  o.bind_host = conf_.Get(k::kProxyWebBindHost);
  ASSIGN_OR_RETURN(int64_t port, conf_.GetInt(k::kProxyWebPort));
  o.port = static_cast<int>(port);
  ASSIGN_OR_RETURN(int64_t max_conn, conf_.GetInt(k::kProxyS3MaxConnections));
  o.max_connections = static_cast<int>(max_conn);
  S3Handler* handler = handler_.get();
  auto serve = [handler](HttpRequest& req, ResponseWriter& resp) -> Status {
    if (req.path == "/api/v1/proxy/info") {
      return resp.Send(200, {{"content-type", "application/json"}},
                       "{\"version\":\"" + std::string(kVersion) + "\",\"status\":\"OK\"}");
    }
    return handler->Handle(req, resp);
  };
  ASSIGN_OR_RETURN(server_, HttpServer::Start(o, serve));
  spdlog::info("Alluxio proxy (S3 API at http://{}:{}/api/v1/s3/) started", o.bind_host,
               server_->port());
  return Status();
}

void ProxyProcess::Stop() {
  if (server_) {
    server_->Stop();
    server_.reset();
    spdlog::info("Alluxio proxy stopped");
  }
}

}  // namespace alluxio::proxy
