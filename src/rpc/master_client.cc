// SPDX-License-Identifier: Apache-2.0
#include "rpc/master_client.h"

#include <pwd.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <thread>

#include <fmt/format.h>
#include <grpcpp/grpcpp.h>

#include "alluxio/grpc/version.grpc.pb.h"
#include "rpc/channel.h"
#include "rpc/grpc_status.h"

namespace alluxio::rpc {

namespace {

constexpr int kConnectTimeoutMs = 3000;
constexpr int kCallTimeoutMs = 120000;

std::string OsUser() {
  passwd pw{};
  passwd* result = nullptr;
  std::vector<char> buf(16384);
  if (getpwuid_r(geteuid(), &pw, buf.data(), buf.size(), &result) == 0 && result) {
    return pw.pw_name;
  }
  return std::to_string(geteuid());
}

// Random jitter for retry sleeps; seeded once per thread (seeding costs a syscall).
uint64_t RetryJitter() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  return rng();
}

bool Retryable(StatusCode code) {
  return code == StatusCode::kUnavailable || code == StatusCode::kDeadlineExceeded;
}

}  // namespace

Result<std::vector<std::string>> MasterClient::MasterAddresses(const conf::Configuration& conf) {
  namespace k = conf::keys;
  std::vector<std::string> out;
  if (conf.IsSet(k::kMasterRpcAddresses)) {
    ASSIGN_OR_RETURN(out, conf.GetList(k::kMasterRpcAddresses));
    for (const std::string& a : out) {
      size_t colon = a.rfind(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 == a.size()) {
        return InvalidArgumentError(
            fmt::format("Invalid value '{}' for {}: expected a comma-separated list of host:port",
                        a, k::kMasterRpcAddresses.name));
      }
    }
    if (!out.empty()) return out;
  }
  std::string host = conf.IsSet(k::kMasterHostname) ? conf.Get(k::kMasterHostname) : "localhost";
  ASSIGN_OR_RETURN(int64_t port, conf.GetInt(k::kMasterRpcPort));
  out.push_back(fmt::format("{}:{}", host, port));
  return out;
}

Result<std::unique_ptr<MasterClient>> MasterClient::Create(const conf::Configuration& conf,
                                                           ServiceSpec service) {
  namespace k = conf::keys;
  ASSIGN_OR_RETURN(std::vector<std::string> addresses, MasterAddresses(conf));
  RetryPolicy retry;
  ASSIGN_OR_RETURN(retry.base_sleep_ms, conf.GetDurationMs(k::kUserRpcRetryBaseSleep));
  ASSIGN_OR_RETURN(retry.max_sleep_ms, conf.GetDurationMs(k::kUserRpcRetryMaxSleep));
  ASSIGN_OR_RETURN(retry.max_duration_ms, conf.GetDurationMs(k::kUserRpcRetryMaxDuration));
  std::string user =
      conf.IsSet(k::kSecurityLoginUsername) ? conf.Get(k::kSecurityLoginUsername) : OsUser();
  return std::unique_ptr<MasterClient>(
      new MasterClient(std::move(addresses), std::move(user), retry, std::move(service)));
}

MasterClient::MasterClient(std::vector<std::string> addresses, std::string user, RetryPolicy retry,
                           ServiceSpec service)
    : addresses_(std::move(addresses)),
      user_(std::move(user)),
      retry_(retry),
      service_(std::move(service)) {}

Status CheckServiceVersion(const ServiceSpec& client, int64_t server_version) {
  // Protocol changes are additive: a server of version N still serves clients of version N - 1.
  if (server_version == client.version || server_version == client.version + 1) {
    return Status::OK();
  }
  std::string remedy =
      server_version > client.version
          ? fmt::format("Upgrade this client: the servers accept {} clients of version {} or {}",
                        client.name, server_version - 1, server_version)
          : fmt::format("Upgrade the Alluxio servers: this client needs {} version {} or {}",
                        client.name, client.version, client.version + 1);
  return FailedPreconditionError(
      fmt::format("{} client version {} is not compatible with server version {}. {}", client.name,
                  client.version, server_version, remedy));
}

Status MasterClient::Connect() {
  Status last = UnavailableError("no master address configured");
  for (const std::string& address : addresses_) {
    std::shared_ptr<::grpc::Channel> channel = CreateChannel(address);
    auto stub = grpc::version::ServiceVersionClientService::NewStub(channel);
    ::grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::milliseconds(kConnectTimeoutMs));
    ctx.set_wait_for_ready(false);
    grpc::version::GetServiceVersionPRequest req;
    req.set_service_type(static_cast<grpc::version::ServiceType>(service_.service_type));
    grpc::version::GetServiceVersionPResponse resp;
    Status s = FromGrpcStatus(stub->getServiceVersion(&ctx, req, &resp));
    if (!s.ok()) {
      last = s.code() == StatusCode::kDeadlineExceeded
                 ? UnavailableError(
                       fmt::format("Failed to connect to master ({}): {}", address, s.message()))
                 : s.WithContext(fmt::format("Failed to connect to master ({})", address));
      if (s.code() == StatusCode::kNotFound) return last;  // a server, but not a master
      continue;
    }
    Status compatible = CheckServiceVersion(service_, resp.version());
    if (!compatible.ok()) return compatible;
    std::lock_guard<std::mutex> l(mu_);
    channel_ = std::move(channel);
    primary_ = address;
    return Status();
  }
  return last;
}

void MasterClient::Disconnect(const std::shared_ptr<::grpc::Channel>& failed) {
  std::lock_guard<std::mutex> l(mu_);
  if (channel_ == failed) {
    channel_.reset();
    primary_.clear();
  }
}

Result<std::string> MasterClient::PrimaryAddress() {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (channel_) return primary_;
  }
  RETURN_IF_ERROR(Call([](const std::shared_ptr<::grpc::Channel>&, ::grpc::ClientContext*) {
    return ::grpc::Status::OK;
  }));
  std::lock_guard<std::mutex> l(mu_);
  return primary_;
}

Status MasterClient::Call(
    const std::function<::grpc::Status(const std::shared_ptr<::grpc::Channel>&,
                                       ::grpc::ClientContext*)>& call,
    bool streaming) {
  using Clock = std::chrono::steady_clock;
  const auto give_up = Clock::now() + std::chrono::milliseconds(retry_.max_duration_ms);
  int64_t sleep_ms = retry_.base_sleep_ms;
  Status last;
  for (int attempt = 0;; ++attempt) {
    std::shared_ptr<::grpc::Channel> channel;
    {
      std::lock_guard<std::mutex> l(mu_);
      channel = channel_;
    }
    Status s;
    if (!channel) {
      s = Connect();
      if (s.ok()) {
        std::lock_guard<std::mutex> l(mu_);
        channel = channel_;
      }
    }
    if (channel) {
      ::grpc::ClientContext ctx;
      ctx.AddMetadata(kUserMetadataKey, user_);
      if (!streaming) {
        ctx.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::milliseconds(kCallTimeoutMs));
      }
      s = FromGrpcStatus(call(channel, &ctx));
      if (s.code() == StatusCode::kUnavailable) Disconnect(channel);
    }
    if (s.ok() || !Retryable(s.code())) return s;
    last = s;
    if (Clock::now() >= give_up) break;
    int64_t jitter =
        sleep_ms > 1 ? static_cast<int64_t>(RetryJitter() % static_cast<uint64_t>(sleep_ms / 2 + 1))
                     : 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms / 2 + jitter));
    sleep_ms = std::min(sleep_ms * 2, retry_.max_sleep_ms);
  }
  std::string addrs;
  for (const std::string& a : addresses_) addrs += (addrs.empty() ? "" : ",") + a;
  return UnavailableError(fmt::format("Failed to connect to master ({}) after {} ms of retries: {}",
                                      addrs, retry_.max_duration_ms, last.message()));
}

}  // namespace alluxio::rpc
