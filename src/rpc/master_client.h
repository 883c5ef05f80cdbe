// SPDX-License-Identifier: Apache-2.0
// MasterClient: finds the primary master among the configured addresses, checks the service
// version once per connection, and runs calls with retries. Used by the client library (file
// system master) and by workers (block and file system master worker services).
// Thread-safety: thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/conf/configuration.h"
#include "common/result.h"

namespace grpc {
class Channel;
class ClientContext;
class Status;
}  // namespace grpc

namespace alluxio::rpc {

// Which service a MasterClient talks to, for the version check on connect.
struct ServiceSpec {
  int service_type = 1;                         // alluxio.grpc.version.ServiceType
  int64_t version = 2;                          // what this build speaks
  std::string name = "FileSystemMasterClient";  // as in Alluxio's message
};

// Whether a client speaking `client` may use a server reporting `server_version`: the same
// version, or the server one version ahead (protocol changes are additive). Otherwise
// FailedPrecondition "<Name> client version X is not compatible with server version Y. <what to
// upgrade>" (not retried).
Status CheckServiceVersion(const ServiceSpec& client, int64_t server_version);

struct RetryPolicy {
  int64_t base_sleep_ms = 50;
  int64_t max_sleep_ms = 3000;
  int64_t max_duration_ms = 120000;
};

class MasterClient {
 public:
  static Result<std::unique_ptr<MasterClient>> Create(const conf::Configuration& conf,
                                                      ServiceSpec service = {});

  // Runs `call` on a channel to the primary until it succeeds, fails with a non-retryable code,
  // or the retry budget runs out. `call` gets a fresh ClientContext per attempt (with the user
  // metadata and a deadline) and must be safe to repeat.
  Status Call(const std::function<::grpc::Status(const std::shared_ptr<::grpc::Channel>&,
                                                 ::grpc::ClientContext*)>& call,
              bool streaming = false);

  // The primary's address, connecting if needed.
  Result<std::string> PrimaryAddress();
  const std::vector<std::string>& addresses() const { return addresses_; }
  const std::string& user() const { return user_; }

  // Addresses from alluxio.master.rpc.addresses, else hostname:rpc.port (localhost when the
  // hostname is unset).
  static Result<std::vector<std::string>> MasterAddresses(const conf::Configuration& conf);

 private:
  MasterClient(std::vector<std::string> addresses, std::string user, RetryPolicy retry,
               ServiceSpec service);
  // Connects to the first address that answers the version check.
  Status Connect();
  void Disconnect(const std::shared_ptr<::grpc::Channel>& failed);

  const std::vector<std::string> addresses_;
  const std::string user_;
  const RetryPolicy retry_;
  const ServiceSpec service_;
  std::mutex mu_;
  std::shared_ptr<::grpc::Channel> channel_;  // GUARDED_BY(mu_)
  std::string primary_;                       // GUARDED_BY(mu_)
};

}  // namespace alluxio::rpc
