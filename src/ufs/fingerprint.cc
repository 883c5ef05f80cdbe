// SPDX-License-Identifier: Apache-2.0
#include "ufs/fingerprint.h"

#include <fmt/format.h>

namespace alluxio::ufs {

uint64_t FingerprintHash(std::string_view fp) {
  if (fp.empty()) return 0;
  if (fp.size() == 18 && fp.substr(0, 2) == "h:") {
    uint64_t v = 0;
    bool ok = true;
    for (char c : fp.substr(2)) {
      int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
      if (d < 0) {
        ok = false;
        break;
      }
      v = v << 4 | static_cast<uint64_t>(d);
    }
    if (ok && v != 0) return v;
  }
  // FNV-1a: stable across processes and versions (the value is journaled in checkpoints).
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : fp) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h == 0 ? 1 : h;
}

std::string FingerprintString(uint64_t hash) {
  return hash == 0 ? std::string() : fmt::format("h:{:016x}", hash);
}

}  // namespace alluxio::ufs
