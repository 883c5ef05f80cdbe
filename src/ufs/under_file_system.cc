// SPDX-License-Identifier: Apache-2.0
#include "ufs/under_file_system.h"

#include <cctype>
#include <mutex>
#include <utility>

#include <fmt/format.h>

#include "common/strings.h"
#include "ufs/internal/ufs_uri.h"
#include "ufs/local/local_ufs.h"
#include "ufs/memory/memory_ufs.h"
#include "ufs/s3/s3_ufs.h"

namespace alluxio::ufs {
namespace {

Result<std::shared_ptr<UnderFileSystem>> CreateLocalUfs(const std::string& uri,
                                                        const UfsOptions& /*options*/) {
  ASSIGN_OR_RETURN(internal::UfsUri parsed, internal::ParseUfsUri(uri));
  if (!parsed.authority.empty() && parsed.authority != "localhost") {
    return InvalidArgumentError(
        fmt::format("Local UFS URI '{}' names host '{}'; only local paths are supported", uri,
                    parsed.authority));
  }
  return std::shared_ptr<UnderFileSystem>(std::make_shared<LocalUfs>());
}

Result<std::shared_ptr<UnderFileSystem>> CreateMemoryUfs(const std::string& uri,
                                                         const UfsOptions& /*options*/) {
  ASSIGN_OR_RETURN(internal::UfsUri parsed, internal::ParseUfsUri(uri));
  return std::shared_ptr<UnderFileSystem>(MemoryUfs::Shared(parsed.authority));
}

// Scheme -> factory. Built-in schemes are present from first use; RegisterUfsFactory adds or
// replaces entries.
class Registry {
 public:
  Registry() {
    factories_[""] = CreateLocalUfs;
    factories_["file"] = CreateLocalUfs;
    factories_["memory"] = CreateMemoryUfs;
    factories_["s3"] = [](const std::string& uri,
                          const UfsOptions& options) -> Result<std::shared_ptr<UnderFileSystem>> {
      ASSIGN_OR_RETURN(std::shared_ptr<S3Ufs> s3, S3Ufs::FromUri(uri, options));
      return std::shared_ptr<UnderFileSystem>(std::move(s3));
    };
    factories_["s3a"] = factories_["s3"];
  }

  void Register(const std::string& scheme, UfsFactory factory) {
    std::lock_guard<std::mutex> lock(mu_);
    factories_[scheme] = std::move(factory);
  }

  // Null when unknown. Returns a copy so the factory runs outside the lock.
  UfsFactory Find(const std::string& scheme) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = factories_.find(scheme);
    return it == factories_.end() ? UfsFactory() : it->second;
  }

 private:
  std::mutex mu_;
  std::map<std::string, UfsFactory> factories_;  // guarded by mu_
};

Registry& GlobalRegistry() {
  static Registry* registry = new Registry();  // never deleted: used until process exit
  return *registry;
}

}  // namespace

std::string UfsStatus::Fingerprint() const {
  if (is_directory) {
    return fmt::format("TYPE:DIR|MTIME:{}|MODE:{:04o}|OWNER:{}|GROUP:{}", last_modified_ms, mode,
                       owner, group);
  }
  return fmt::format("TYPE:FILE|LEN:{}|MTIME:{}|MODE:{:04o}|OWNER:{}|GROUP:{}|HASH:{}", length,
                     last_modified_ms, mode, owner, group, content_hash);
}

int32_t DirectoryMode(int32_t mode) {
  mode &= 07777;
  if (mode & 0400) mode |= 0100;
  if (mode & 0040) mode |= 0010;
  if (mode & 0004) mode |= 0001;
  return mode;
}

Result<std::shared_ptr<UnderFileSystem>> CreateUnderFileSystem(const std::string& uri,
                                                               const UfsOptions& options) {
  std::string scheme = UfsScheme(uri);
  UfsFactory factory = GlobalRegistry().Find(scheme);
  if (!factory) {
    return InvalidArgumentError(fmt::format("Unsupported UFS scheme '{}' in '{}'", scheme, uri));
  }
  UfsOptions merged = DefaultUfsOptions();
  for (const auto& [k, v] : options) merged[k] = v;
  return factory(uri, merged);
}

namespace {
std::mutex& DefaultsMu() {
  static std::mutex mu;
  return mu;
}
UfsOptions& Defaults() {
  static UfsOptions* defaults = new UfsOptions();  // never deleted: used until process exit
  return *defaults;
}
}  // namespace

void SetDefaultUfsOptions(UfsOptions options) {
  std::lock_guard<std::mutex> l(DefaultsMu());
  Defaults() = std::move(options);
}

UfsOptions DefaultUfsOptions() {
  std::lock_guard<std::mutex> l(DefaultsMu());
  return Defaults();
}

UfsOptions UfsOptionsFromConfiguration(const conf::Configuration& conf) {
  UfsOptions out;
  for (const std::string& name : conf.KeysWithValues()) {
    if (name.rfind("alluxio.underfs.", 0) == 0 || name.rfind("s3a.", 0) == 0 ||
        name.rfind("aws.", 0) == 0 || name == "alluxio.tmp.dirs") {
      out[name] = conf.Get(std::string_view(name));
    }
  }
  // Defaults that matter to a UFS even when unset.
  if (!out.count("alluxio.tmp.dirs")) out["alluxio.tmp.dirs"] = conf.Get("alluxio.tmp.dirs");
  return out;
}

void RegisterUfsFactory(const std::string& scheme, UfsFactory factory) {
  GlobalRegistry().Register(AsciiLower(scheme), std::move(factory));
}

std::string JoinUfsPath(std::string_view base, std::string_view suffix) {
  while (!suffix.empty() && suffix.front() == '/') suffix.remove_prefix(1);
  while (!suffix.empty() && suffix.back() == '/') suffix.remove_suffix(1);
  if (suffix.empty()) return std::string(base);
  // Keep "scheme://authority" intact; trim only trailing slashes of the path after it.
  size_t path_start = 0;
  size_t scheme_len = internal::SchemeLength(base);
  if (scheme_len > 0) {
    path_start = scheme_len + 1;
    if (base.substr(path_start, 2) == "//") {
      size_t slash = base.find('/', path_start + 2);
      path_start = slash == std::string_view::npos ? base.size() : slash;
    }
  }
  while (base.size() > path_start && base.back() == '/') base.remove_suffix(1);
  std::string out(base);
  out += '/';
  out += suffix;
  return out;
}

std::string UfsScheme(std::string_view uri) {
  return AsciiLower(uri.substr(0, internal::SchemeLength(uri)));
}

}  // namespace alluxio::ufs
