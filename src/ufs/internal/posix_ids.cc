// SPDX-License-Identifier: Apache-2.0
#include "ufs/internal/posix_ids.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <absl/container/flat_hash_map.h>
#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <mutex>
#include <vector>

namespace alluxio::ufs::internal {
namespace {

constexpr size_t kInitialBufferSize = 1024;
constexpr size_t kMaxBufferSize = 1 << 20;

// Calls a getpw*_r / getgr*_r style function, growing the buffer on ERANGE. Returns true and
// fills `entry` when found.
template <typename Entry, typename Fn>
bool LookupEntry(Fn fn, Entry* entry, std::vector<char>* buf) {
  buf->resize(kInitialBufferSize);
  while (true) {
    Entry* found = nullptr;
    int rc = fn(entry, buf->data(), buf->size(), &found);
    if (rc == ERANGE && buf->size() < kMaxBufferSize) {
      buf->resize(buf->size() * 2);
      continue;
    }
    return rc == 0 && found != nullptr;
  }
}

// Parses a non-negative decimal id; false if `s` is not entirely digits.
template <typename Id>
bool ParseId(const std::string& s, Id* id) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *id);
  return ec == std::errc() && ptr == s.data() + s.size();
}

class NameCache {
 public:
  template <typename Compute>
  std::string Get(unsigned id, Compute compute) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = names_.find(id);
      if (it != names_.end()) return it->second;
    }
    // Computed outside the lock: a name-service lookup may block.
    std::string name = compute();
    std::lock_guard<std::mutex> lock(mu_);
    names_.emplace(id, name);
    return name;
  }

 private:
  std::mutex mu_;
  absl::flat_hash_map<unsigned, std::string> names_;  // guarded by mu_
};

// Name -> id, for names that exist (a lookup reads /etc/passwd or asks the name service; a
// persisted create would otherwise pay it on every file). Unknown names are not cached.
class IdCache {
 public:
  template <typename Compute>
  Result<unsigned> Get(const std::string& name, Compute compute) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = ids_.find(name);
      if (it != ids_.end()) return it->second;
    }
    Result<unsigned> id = compute();
    if (id.ok()) {
      std::lock_guard<std::mutex> lock(mu_);
      ids_.emplace(name, *id);
    }
    return id;
  }

 private:
  std::mutex mu_;
  absl::flat_hash_map<std::string, unsigned> ids_;  // guarded by mu_
};

IdCache& UserIdCache() {
  static IdCache* cache = new IdCache();  // never deleted: used until process exit
  return *cache;
}

IdCache& GroupIdCache() {
  static IdCache* cache = new IdCache();  // never deleted: used until process exit
  return *cache;
}

NameCache& UserCache() {
  static NameCache* cache = new NameCache();  // never deleted: used until process exit
  return *cache;
}

NameCache& GroupCache() {
  static NameCache* cache = new NameCache();  // never deleted: used until process exit
  return *cache;
}

Result<unsigned> LookupUserUncached(const std::string& name);
Result<unsigned> LookupGroupUncached(const std::string& name);

}  // namespace

std::string UserName(uid_t uid) {
  return UserCache().Get(uid, [uid] {
    struct passwd pw;
    std::vector<char> buf;
    bool found =
        LookupEntry<struct passwd>([uid](struct passwd* e, char* b, size_t n,
                                         struct passwd** r) { return getpwuid_r(uid, e, b, n, r); },
                                   &pw, &buf);
    return found ? std::string(pw.pw_name) : std::to_string(uid);
  });
}

std::string GroupName(gid_t gid) {
  return GroupCache().Get(gid, [gid] {
    struct group gr;
    std::vector<char> buf;
    bool found =
        LookupEntry<struct group>([gid](struct group* e, char* b, size_t n,
                                        struct group** r) { return getgrgid_r(gid, e, b, n, r); },
                                  &gr, &buf);
    return found ? std::string(gr.gr_name) : std::to_string(gid);
  });
}

Result<uid_t> LookupUser(const std::string& name) {
  ASSIGN_OR_RETURN(unsigned id, UserIdCache().Get(name, [&name]() -> Result<unsigned> {
    return LookupUserUncached(name);
  }));
  return static_cast<uid_t>(id);
}

Result<gid_t> LookupGroup(const std::string& name) {
  ASSIGN_OR_RETURN(unsigned id, GroupIdCache().Get(name, [&name]() -> Result<unsigned> {
    return LookupGroupUncached(name);
  }));
  return static_cast<gid_t>(id);
}

namespace {

Result<unsigned> LookupUserUncached(const std::string& name) {
  struct passwd pw;
  std::vector<char> buf;
  bool found = LookupEntry<struct passwd>(
      [&name](struct passwd* e, char* b, size_t n, struct passwd** r) {
        return getpwnam_r(name.c_str(), e, b, n, r);
      },
      &pw, &buf);
  if (found) return pw.pw_uid;
  uid_t uid;
  if (ParseId(name, &uid)) return uid;
  return InvalidArgumentError(fmt::format("Unknown user '{}'", name));
}

Result<unsigned> LookupGroupUncached(const std::string& name) {
  struct group gr;
  std::vector<char> buf;
  bool found = LookupEntry<struct group>(
      [&name](struct group* e, char* b, size_t n, struct group** r) {
        return getgrnam_r(name.c_str(), e, b, n, r);
      },
      &gr, &buf);
  if (found) return gr.gr_gid;
  gid_t gid;
  if (ParseId(name, &gid)) return gid;
  return InvalidArgumentError(fmt::format("Unknown group '{}'", name));
}

}  // namespace

}  // namespace alluxio::ufs::internal
