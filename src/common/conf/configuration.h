// SPDX-License-Identifier: Apache-2.0
// Configuration: the effective value of every key, with the source it came from.
//
// Sources, lowest to highest precedence (Alluxio's names, used by `getConf --source`):
//   DEFAULT < SITE_PROPERTY (alluxio-site.properties) < SYSTEM_PROPERTY (environment variables and
//   -Dkey=value; -D wins over the environment) < RUNTIME (Set() from code).
// The site file is the first `alluxio-site.properties` found in ${alluxio.conf.dir} (which is
// $ALLUXIO_CONF_DIR, else ${alluxio.home}/conf), ~/.alluxio/, /etc/alluxio/.
// Values may reference other keys as ${key}; references are resolved at Get time.
// Keys not in the registry are kept (Alluxio allows custom keys); unknown alluxio.* keys from the
// site file or -D are reported as warnings().
//
// Thread-safety: const methods are thread-safe; Set() needs external synchronisation.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/conf/property_key.h"
#include "common/result.h"

namespace alluxio::conf {

enum class Source { kDefault, kSiteProperty, kSystemProperty, kRuntime };
// "DEFAULT", "SITE_PROPERTY", "SYSTEM_PROPERTY", "RUNTIME".
std::string_view SourceName(Source s);

struct LoadOptions {
  // -Dkey=value pairs given on the command line, in order (later wins).
  std::vector<std::pair<std::string, std::string>> system_properties;
  // If set, replaces reading the process environment (tests), including HOME for ~/.alluxio.
  // Keys are variable names; an empty value counts as unset.
  const std::map<std::string, std::string>* environment = nullptr;
  // If set, only these directories are searched for alluxio-site.properties (tests).
  const std::vector<std::string>* site_search_path = nullptr;
};

class Configuration {
 public:
  // Only defaults (no files, no environment). Useful in tests.
  Configuration();

  // Loads defaults, the site file, the environment and `opts.system_properties`; validates every
  // value of a registered key. Errors (InvalidArgument) name the key, the bad value and the
  // expected form, and the file and line when it came from a file. Unknown keys become warnings().
  static Result<Configuration> Load(const LoadOptions& opts);

  // Removes `-Dkey=value` arguments (anywhere) from argv-style `args`, returning them in order.
  // "-D" alone followed by "key=value" is also accepted.
  static std::vector<std::pair<std::string, std::string>> ExtractSystemProperties(
      std::vector<std::string>* args);

  // True if the key has a value (set or defaulted).
  bool IsSet(const PropertyKey& key) const;
  bool IsSet(std::string_view name) const;

  // The value with ${...} resolved. Empty string when unset.
  std::string Get(const PropertyKey& key) const;
  // By name; works for custom (unregistered) keys too.
  std::string Get(std::string_view name) const;
  Source GetSource(const PropertyKey& key) const;
  Source GetSource(std::string_view name) const;

  // Checks every value again: each ${...} reference resolves without a cycle, and each registered
  // key's value has the form its type requires (and lies within its bounds). Returns OK, or
  // InvalidArgument listing every bad value, one per line, in the format Load uses.
  Status Validate() const;

  // Typed getters. NotFound when the key has no value; InvalidArgument when the value does not
  // parse (only possible for a value whose ${...} reference changed after it was validated).
  Result<int64_t> GetInt(const PropertyKey& key) const;
  Result<bool> GetBool(const PropertyKey& key) const;
  Result<int64_t> GetBytes(const PropertyKey& key) const;
  Result<int64_t> GetDurationMs(const PropertyKey& key) const;  // -1 stays -1
  Result<std::vector<std::string>> GetList(const PropertyKey& key) const;
  // Upper-cased enum value (e.g. "ONCE").
  Result<std::string> GetEnum(const PropertyKey& key) const;

  // Sets a value with source RUNTIME (or the given one). Validates registered keys (and, for any
  // key, that its ${...} references resolve); on InvalidArgument the configuration is unchanged.
  // An alias is stored under its key's name.
  Status Set(const PropertyKey& key, std::string_view value, Source source = Source::kRuntime);
  Status Set(std::string_view name, std::string_view value, Source source = Source::kRuntime);

  // Every key with a value: registered keys in registry order, then custom keys sorted.
  std::vector<std::string> KeysWithValues() const;

  // Non-fatal findings from Load (unknown keys, with file and line).
  const std::vector<std::string>& warnings() const { return warnings_; }
  // Path of the site file that was read, or empty.
  const std::string& site_file() const { return site_file_; }

 private:
  struct Entry {
    std::string raw;  // unresolved
    Source source;
    std::string location;  // where it was set, for errors: "<file>:<line>", "-D option", ...
  };

  // Stores `raw` under `name` (or its alias's key) unless a higher source already set it.
  void Merge(std::string_view name, std::string raw, Source source, std::string location);
  // The unresolved value: the entry, else the registered default. nullptr when unset.
  const std::string* Raw(std::string_view name) const;
  // Expands ${...} in `raw`. `chain` holds the keys being resolved, outermost first (for cycle
  // detection). InvalidArgument on a cycle through chain->front(), FailedPrecondition on a cycle
  // further on, NotFound when a referenced key is unset.
  Result<std::string> Resolve(std::string_view raw, std::vector<std::string>* chain) const;
  // The resolved value of a set key, or NotFound.
  Result<std::string> GetResolved(const PropertyKey& key) const;
  // Checks the value of `name` (which has a value): resolution, then its type if registered.
  Status CheckValue(const std::string& name) const;

  std::map<std::string, Entry, std::less<>> values_;
  std::vector<std::string> warnings_;
  std::string site_file_;
};

// Parsing helpers shared with the CLI (getConf --unit).
// "64MB" -> 67108864. Units B, KB, MB, GB, TB, PB (case-insensitive, optional B), 1024-based.
Result<int64_t> ParseBytes(std::string_view text);
// "5min" -> 300000. Units ms, s/sec, m/min, h/hr/hour, d/day (and plurals); bare number = ms.
Result<int64_t> ParseDurationMs(std::string_view text);

}  // namespace alluxio::conf
