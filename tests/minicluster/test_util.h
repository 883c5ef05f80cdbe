// SPDX-License-Identifier: Apache-2.0
// Small helpers shared by the integration tests: deterministic data, local files, waiting for a
// condition with a deadline (never a bare sleep), and what the master says of a file.
// Thread-safety: plain functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <thread>

#include "client/api/file_system.h"

namespace alluxio::testing {

// `n` pseudo-random bytes, the same for the same seed.
inline std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

inline std::string ReadLocalFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void WriteLocalFile(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

// Polls `cond` until it holds or `timeout_ms` passes; the last evaluation decides.
inline bool WaitFor(const std::function<bool()>& cond, int64_t timeout_ms = 15000) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return cond();
}

// The file's in-Alluxio percentage as the master reports it, or -1 when getStatus fails.
inline int InAlluxioPercent(client::FileSystem* fs, const std::string& path) {
  auto st = fs->GetStatus(path);
  return st.ok() ? st->in_alluxio_percentage() : -1;
}

}  // namespace alluxio::testing
