// SPDX-License-Identifier: Apache-2.0
// MasterClient's service version check against a real gRPC server on 127.0.0.1 that reports a
// chosen version: the same version and a server one version ahead are accepted (protocol changes
// are additive); anything else is refused at once, saying what to upgrade.
#include "rpc/master_client.h"

#include <atomic>
#include <memory>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "alluxio/grpc/version.grpc.pb.h"
#include "rpc/server.h"

namespace alluxio::rpc {
namespace {

class FixedVersionService final : public grpc::version::ServiceVersionClientService::Service {
 public:
  ::grpc::Status getServiceVersion(::grpc::ServerContext*,
                                   const grpc::version::GetServiceVersionPRequest*,
                                   grpc::version::GetServiceVersionPResponse* resp) override {
    resp->set_version(version.load());
    return ::grpc::Status::OK;
  }
  std::atomic<int64_t> version{2};
};

class MasterClientVersionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = RpcServer::Start("127.0.0.1", 0, {&service_});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    ASSERT_TRUE(
        conf_.Set(conf::keys::kMasterRpcAddresses, "127.0.0.1:" + std::to_string(server_->port()))
            .ok());
  }
  // Connects a fresh client that speaks version 2 of "FileSystemMasterClient".
  Status Connect() {
    auto client = MasterClient::Create(conf_, ServiceSpec{1, 2, "FileSystemMasterClient"});
    if (!client.ok()) return client.status();
    return (*client)->PrimaryAddress().status();
  }

  FixedVersionService service_;
  std::unique_ptr<RpcServer> server_;
  conf::Configuration conf_;
};

TEST_F(MasterClientVersionTest, SameVersionAndServerOneAheadAreAccepted) {
  service_.version = 2;
  EXPECT_TRUE(Connect().ok());
  service_.version = 3;  // a server upgraded first still serves this client
  EXPECT_TRUE(Connect().ok());
}

TEST_F(MasterClientVersionTest, OtherVersionsAreRefusedAtOnceSayingWhatToUpgrade) {
  service_.version = 4;
  Status s = Connect();
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(),
            "FileSystemMasterClient client version 2 is not compatible with server version 4. "
            "Upgrade this client: the servers accept FileSystemMasterClient clients of version 3 "
            "or 4");
  service_.version = 1;
  s = Connect();
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(),
            "FileSystemMasterClient client version 2 is not compatible with server version 1. "
            "Upgrade the Alluxio servers: this client needs FileSystemMasterClient version 2 or 3");
  // Calls are not retried: the refusal is not a transient error.
  auto client = MasterClient::Create(conf_, ServiceSpec{1, 2, "FileSystemMasterClient"});
  ASSERT_TRUE(client.ok());
  int calls = 0;
  s = (*client)->Call([&](const std::shared_ptr<::grpc::Channel>&, ::grpc::ClientContext*) {
    calls++;
    return ::grpc::Status::OK;
  });
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(calls, 0);
}

TEST(CheckServiceVersionTest, Rule) {
  ServiceSpec spec{1, 5, "X"};
  EXPECT_TRUE(CheckServiceVersion(spec, 5).ok());
  EXPECT_TRUE(CheckServiceVersion(spec, 6).ok());
  EXPECT_FALSE(CheckServiceVersion(spec, 4).ok());
  EXPECT_FALSE(CheckServiceVersion(spec, 7).ok());
}

}  // namespace
}  // namespace alluxio::rpc
