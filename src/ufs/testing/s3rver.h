// SPDX-License-Identifier: Apache-2.0
// S3rver: a local S3 server for tests (s3rver from npm, installed by scripts/install-deps.sh into
// ${ALLUXIO_TEST_TOOLS:-/opt/alluxio-test-tools}), on 127.0.0.1 and a free port, storing into a
// temporary directory; killed and cleaned up when destroyed. Credentials S3RVER / S3RVER.
// Thread-safety: not thread-safe.
#pragma once

#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "common/result.h"
#include "env/testing/free_port.h"

extern char** environ;

namespace alluxio::ufs::testing {

class S3rver {
 public:
  S3rver() = default;
  S3rver(const S3rver&) = delete;
  S3rver& operator=(const S3rver&) = delete;
  ~S3rver() { Stop(); }

  static std::string Binary() {
    const char* dir = getenv("ALLUXIO_TEST_TOOLS");
    return std::string(dir != nullptr ? dir : "/opt/alluxio-test-tools") +
           "/node_modules/.bin/s3rver";
  }

  // Starts it and waits (up to 20 s) until it accepts connections.
  Status Start() {
    if (access(Binary().c_str(), X_OK) != 0) {
      return FailedPreconditionError("s3rver is not installed at " + Binary() +
                                     " (scripts/install-deps.sh installs it)");
    }
    std::string tmpl = std::filesystem::temp_directory_path().string() + "/s3rver-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) return InternalError("mkdtemp failed");
    dir_ = tmpl;
    port_ = env::testing::PickFreePort();
    std::vector<std::string> args = {
        Binary(), "-d", dir_, "-a", "127.0.0.1", "-p", std::to_string(port_), "--silent"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ) != 0) {
      pid_ = -1;
      return InternalError("cannot start " + Binary());
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      if (Accepts()) return Status();
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return InternalError("s3rver exited at start");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return DeadlineExceededError("s3rver did not listen within 20 s");
  }

  void Stop() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
      dir_.clear();
    }
  }

  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }

 private:
  bool Accepts() const {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port_));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    close(fd);
    return ok;
  }

  pid_t pid_ = -1;
  int port_ = 0;
  std::string dir_;
};

}  // namespace alluxio::ufs::testing
