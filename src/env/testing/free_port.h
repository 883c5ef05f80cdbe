// SPDX-License-Identifier: Apache-2.0
// A TCP port that was free on 127.0.0.1 a moment ago (bind to port 0, read it, close), for tests
// that must name ports before the server binds them (Raft quorums, several masters). Another
// process may take it meanwhile: callers that can, retry with a new port on a bind failure.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace alluxio::env::testing {

inline int PickFreePort() {
  for (int attempt = 0; attempt < 100; ++attempt) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = 0;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    int port = -1;
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port = ntohs(addr.sin_port);
    }
    close(fd);
    if (port > 0) return port;
  }
  return -1;
}

}  // namespace alluxio::env::testing
