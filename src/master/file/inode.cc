// SPDX-License-Identifier: Apache-2.0
#include "master/file/inode.h"

#include <mutex>
#include <unordered_set>

namespace alluxio::master {

namespace {

struct Pool {
  std::mutex mu;
  std::unordered_set<std::string> strings;  // node-based: element addresses are stable
};

Pool& GlobalPool() {
  static Pool* pool = new Pool();  // never destroyed: interned strings outlive everything
  return *pool;
}

const std::string* Intern(std::string_view value) {
  Pool& pool = GlobalPool();
  std::lock_guard<std::mutex> l(pool.mu);
  return &*pool.strings.emplace(value).first;
}

}  // namespace

InternedString::InternedString() : s_(Intern("")) {}
InternedString::InternedString(std::string_view value) : s_(Intern(value)) {}
InternedString& InternedString::operator=(std::string_view value) {
  s_ = Intern(value);
  return *this;
}

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

const ChildSet& Inode::children() const {
  static const ChildSet* empty = new ChildSet();
  return child_set ? *child_set : *empty;
}

}  // namespace alluxio::master
