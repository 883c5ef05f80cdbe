// SPDX-License-Identifier: Apache-2.0
// Client channels with the project's message-size limits.
#pragma once

#include <memory>
#include <string>

namespace grpc {
class Channel;
}

namespace alluxio::rpc {

// A channel to "host:port" (insecure; loopback in tests).
std::shared_ptr<::grpc::Channel> CreateChannel(const std::string& address);

}  // namespace alluxio::rpc
