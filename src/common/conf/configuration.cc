// SPDX-License-Identifier: Apache-2.0
#include "common/conf/configuration.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <utility>

#include "fmt/format.h"

namespace alluxio::conf {
namespace {

constexpr std::string_view kSiteFileName = "alluxio-site.properties";

std::string_view CanonicalName(std::string_view name) {
  const PropertyKey* key = FindPropertyKey(name);
  return key != nullptr ? std::string_view(key->name) : name;
}

// Small string helpers. (Debian's abseil has its own string_view type, which makes its string
// utilities awkward with std::string_view.)
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
char ToLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
char ToUpper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](char x, char y) { return ToLower(x) == ToLower(y); });
}

std::string_view StripTrailing(std::string_view s) {
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view Strip(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  return StripTrailing(s);
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    size_t end = s.find(sep, start);
    parts.push_back(s.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// ---- Values ----

struct Unit {
  std::string_view name;
  int64_t multiplier;
};

constexpr Unit kByteUnits[] = {
    {"", 1},          {"b", 1},          {"k", 1LL << 10}, {"kb", 1LL << 10},
    {"m", 1LL << 20}, {"mb", 1LL << 20}, {"g", 1LL << 30}, {"gb", 1LL << 30},
    {"t", 1LL << 40}, {"tb", 1LL << 40}, {"p", 1LL << 50}, {"pb", 1LL << 50},
};

constexpr int64_t kSecond = 1000, kMinute = 60 * kSecond, kHour = 60 * kMinute, kDay = 24 * kHour;
constexpr Unit kDurationUnits[] = {
    {"", 1},          {"ms", 1},         {"millisecond", 1},  {"milliseconds", 1},  {"s", kSecond},
    {"sec", kSecond}, {"secs", kSecond}, {"second", kSecond}, {"seconds", kSecond}, {"m", kMinute},
    {"min", kMinute}, {"mins", kMinute}, {"minute", kMinute}, {"minutes", kMinute}, {"h", kHour},
    {"hr", kHour},    {"hrs", kHour},    {"hour", kHour},     {"hours", kHour},     {"d", kDay},
    {"day", kDay},    {"days", kDay},
};

// Parses "<number><unit>" where number is digits with an optional fraction (and a leading '-' if
// `allow_negative`), and unit one of `units` (case-insensitive). nullopt on any other form or on
// overflow. Fractions round down, as Alluxio's FormatUtils does (plus its 1e-4 tolerance).
template <size_t N>
std::optional<int64_t> ParseQuantity(std::string_view text, const Unit (&units)[N],
                                     bool allow_negative) {
  std::string_view s = Strip(text);
  bool negative = allow_negative && !s.empty() && s[0] == '-';
  if (negative) s.remove_prefix(1);
  size_t end = 0;
  while (end < s.size() && (IsDigit(s[end]) || s[end] == '.')) ++end;
  std::string_view number = s.substr(0, end), unit = s.substr(end);
  if (number.empty() || !IsDigit(number.front()) || !IsDigit(number.back())) {
    return std::nullopt;  // also rejects ".5" and "5."
  }
  const Unit* match = std::find_if(std::begin(units), std::end(units),
                                   [&](const Unit& u) { return EqualsIgnoreCase(u.name, unit); });
  if (match == std::end(units)) return std::nullopt;
  int64_t value;
  if (number.find('.') == std::string_view::npos) {
    auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (ec != std::errc() || ptr != number.data() + number.size()) return std::nullopt;
    if (value > INT64_MAX / match->multiplier) return std::nullopt;
    value *= match->multiplier;
  } else {
    double d;
    auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), d);
    if (ec != std::errc() || ptr != number.data() + number.size()) return std::nullopt;
    double scaled = d * static_cast<double>(match->multiplier) + 0.0001;
    if (!(scaled < 9.2e18)) return std::nullopt;
    value = static_cast<int64_t>(scaled);
  }
  return negative ? -value : value;
}

std::optional<int64_t> ParseInt(std::string_view s) {
  int64_t value;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) return std::nullopt;
  return value;
}

std::optional<bool> ParseBool(std::string_view s) {
  if (EqualsIgnoreCase(s, "true")) return true;
  if (EqualsIgnoreCase(s, "false")) return false;
  return std::nullopt;
}

// What a value of `type` must look like, for error messages ("expected ...").
std::string Expected(const PropertyKey& key, PropertyType type) {
  switch (type) {
    case PropertyType::kInt:
      if (key.min_value != INT64_MIN && key.max_value != INT64_MAX) {
        return fmt::format("expected an integer between {} and {}", key.min_value, key.max_value);
      }
      if (key.min_value != INT64_MIN) {
        return fmt::format("expected an integer >= {}", key.min_value);
      }
      if (key.max_value != INT64_MAX) {
        return fmt::format("expected an integer <= {}", key.max_value);
      }
      return "expected an integer";
    case PropertyType::kBool:
      return "expected true or false";
    case PropertyType::kBytes:
      return "expected a size such as 100, 4KB, 64MB or 0.5GB";
    case PropertyType::kDuration:
      return "expected a duration such as 100ms, 10sec, 5min, 1hour, 1day or -1";
    case PropertyType::kEnum:
      return fmt::format("expected one of {}", fmt::join(key.enum_values, ", "));
    case PropertyType::kString:
    case PropertyType::kList:
      break;
  }
  return "expected a string";
}

// nullopt if `value` is a valid value of `key`, else what was expected.
std::optional<std::string> TypeError(const PropertyKey& key, std::string_view value) {
  bool ok = true;
  switch (key.type) {
    case PropertyType::kString:
    case PropertyType::kList:
      break;
    case PropertyType::kInt: {
      std::optional<int64_t> v = ParseInt(value);
      ok = v && *v >= key.min_value && *v <= key.max_value;
      break;
    }
    case PropertyType::kBool:
      ok = ParseBool(value).has_value();
      break;
    case PropertyType::kBytes:
      ok = ParseBytes(value).ok();
      break;
    case PropertyType::kDuration:
      ok = ParseDurationMs(value).ok();
      break;
    case PropertyType::kEnum:
      ok = std::any_of(key.enum_values.begin(), key.enum_values.end(),
                       [&](const std::string& e) { return EqualsIgnoreCase(e, value); });
      break;
  }
  if (ok) return std::nullopt;
  return Expected(key, key.type);
}

// A typed getter's result: the parsed value, or InvalidArgument naming the key.
template <typename T>
Result<T> ParsedOrError(const PropertyKey& key, std::string_view value, std::optional<T> parsed,
                        PropertyType as) {
  if (parsed) return *std::move(parsed);
  return InvalidArgumentError(
      fmt::format("Invalid value '{}' for {}: {}", value, key.name, Expected(key, as)));
}

// ---- Java properties files ----

struct Property {
  std::string key;
  std::string value;
  int line;                // of the first physical line
  bool missing_separator;  // a key alone on its line
};

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\f'; }

std::string_view StripLeadingBlanks(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  return s;
}

bool EndsWithOddBackslashes(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && s[s.size() - 1 - n] == '\\') ++n;
  return n % 2 == 1;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xC0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out += static_cast<char>(0xE0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Java escapes: \t \n \r \f \uXXXX; any other escaped character stands for itself.
std::string Unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      out += s[i];
      continue;
    }
    if (++i == s.size()) break;
    uint32_t cp = 0;
    switch (s[i]) {
      case 't':
        out += '\t';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 'f':
        out += '\f';
        break;
      case 'u':
        if (i + 4 < s.size() &&
            std::from_chars(s.data() + i + 1, s.data() + i + 5, cp, 16).ptr == s.data() + i + 5) {
          AppendUtf8(cp, &out);
          i += 4;
        } else {
          out += 'u';
        }
        break;
      default:
        out += s[i];
    }
  }
  return out;
}

// Parses the text of a .properties file: `key=value`, `key: value` or `key value`; comment lines
// start with # or !; a line ending in an odd number of backslashes continues on the next line.
// Values are trimmed (as Alluxio does). Later duplicates are returned too; the caller keeps the
// last.
std::vector<Property> ParseProperties(std::string_view text) {
  std::vector<Property> out;
  std::vector<std::string_view> lines = Split(text, '\n');
  auto physical = [&](size_t i) {
    std::string_view l = lines[i];
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    return StripLeadingBlanks(l);
  };
  for (size_t i = 0; i < lines.size(); ++i) {
    int line_number = static_cast<int>(i) + 1;
    std::string_view first = physical(i);
    if (first.empty() || first[0] == '#' || first[0] == '!') continue;
    std::string logical(first);
    while (EndsWithOddBackslashes(logical)) {
      logical.pop_back();
      if (++i == lines.size()) break;
      logical += physical(i);
    }
    size_t k = 0;
    while (k < logical.size()) {
      char c = logical[k];
      if (c == '\\') {
        k += 2;
      } else if (c == '=' || c == ':' || IsBlank(c)) {
        break;
      } else {
        ++k;
      }
    }
    k = std::min(k, logical.size());
    size_t v = k;
    while (v < logical.size() && IsBlank(logical[v])) ++v;
    bool separator = v < logical.size() && (logical[v] == '=' || logical[v] == ':');
    if (separator) {
      ++v;
      while (v < logical.size() && IsBlank(logical[v])) ++v;
    }
    std::string_view value = StripTrailing(std::string_view(logical).substr(v));
    out.push_back(Property{Unescape(std::string_view(logical).substr(0, k)), Unescape(value),
                           line_number, !separator && value.empty()});
  }
  return out;
}

Result<std::string> ReadFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoToStatus(errno, "open", path);
  std::string data;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return ErrnoToStatus(err, "read", path);
    }
    if (n == 0) break;
    data.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return data;
}

bool PathExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

std::string JoinPath(std::string_view dir, std::string_view name) {
  std::string p(dir);
  if (!p.empty() && p.back() != '/') p += '/';
  p += name;
  return p;
}

// An environment variable from the test map or the process; empty counts as unset, as in
// Alluxio's scripts.
std::optional<std::string> LookupEnv(const LoadOptions& opts, const std::string& name) {
  if (name.empty()) return std::nullopt;
  std::string value;
  if (opts.environment != nullptr) {
    auto it = opts.environment->find(name);
    if (it != opts.environment->end()) value = it->second;
  } else if (const char* v = std::getenv(name.c_str())) {
    value = v;
  }
  if (value.empty()) return std::nullopt;
  return value;
}

}  // namespace

std::string_view SourceName(Source s) {
  switch (s) {
    case Source::kDefault:
      return "DEFAULT";
    case Source::kSiteProperty:
      return "SITE_PROPERTY";
    case Source::kSystemProperty:
      return "SYSTEM_PROPERTY";
    case Source::kRuntime:
      return "RUNTIME";
  }
  return "UNKNOWN";
}

Result<int64_t> ParseBytes(std::string_view text) {
  std::optional<int64_t> v = ParseQuantity(text, kByteUnits, /*allow_negative=*/false);
  if (v) return *v;
  return InvalidArgumentError(fmt::format(
      "Invalid size '{}': expected a number with an optional unit B, KB, MB, GB, TB or PB", text));
}

Result<int64_t> ParseDurationMs(std::string_view text) {
  std::optional<int64_t> v = ParseQuantity(text, kDurationUnits, /*allow_negative=*/true);
  if (v) return *v;
  return InvalidArgumentError(fmt::format(
      "Invalid duration '{}': expected a number with an optional unit ms, s, min, h or day", text));
}

// ---- Configuration ----

Configuration::Configuration() = default;

Result<Configuration> Configuration::Load(const LoadOptions& opts) {
  Configuration conf;
  // Environment variables, then -D: both are SYSTEM_PROPERTY, and -D wins by coming later.
  for (const PropertyKey* key : AllPropertyKeys()) {
    std::vector<std::string> vars = {key->env_var};
    vars.insert(vars.end(), key->deprecated_env_vars.begin(), key->deprecated_env_vars.end());
    for (const std::string& var : vars) {
      if (std::optional<std::string> value = LookupEnv(opts, var)) {
        conf.Merge(key->name, *value, Source::kSystemProperty, "environment variable " + var);
        break;
      }
    }
  }
  for (const auto& [name, value] : opts.system_properties) {
    if (name.empty()) {
      conf.warnings_.push_back(fmt::format("Ignoring -D option without a key: -D={}", value));
      continue;
    }
    if (FindPropertyKey(name) == nullptr && name.starts_with("alluxio.")) {
      conf.warnings_.push_back(fmt::format("Unknown property key {} in -D option", name));
    }
    conf.Merge(name, value, Source::kSystemProperty, "-D option");
  }

  // The site file: the first found. Its directory depends on alluxio.conf.dir, which only the
  // environment and -D (already applied) can change.
  std::vector<std::string> search_path;
  if (opts.site_search_path != nullptr) {
    search_path = *opts.site_search_path;
  } else {
    search_path.push_back(conf.Get(keys::kConfDir));
    if (std::optional<std::string> home = LookupEnv(opts, "HOME")) {
      search_path.push_back(JoinPath(*home, ".alluxio"));
    }
    search_path.push_back("/etc/alluxio");
  }
  for (const std::string& dir : search_path) {
    std::string path = JoinPath(dir, kSiteFileName);
    if (!PathExists(path)) continue;
    ASSIGN_OR_RETURN(std::string text, ReadFile(path));
    conf.site_file_ = path;
    for (Property& p : ParseProperties(text)) {
      std::string location = fmt::format("{}:{}", path, p.line);
      if (p.missing_separator) {
        conf.warnings_.push_back(
            fmt::format("Missing '=' in {}: {} is set to an empty value", location, p.key));
      }
      if (FindPropertyKey(p.key) == nullptr && p.key.starts_with("alluxio.")) {
        conf.warnings_.push_back(fmt::format("Unknown property key {} in {}", p.key, location));
      }
      conf.Merge(p.key, std::move(p.value), Source::kSiteProperty, std::move(location));
    }
    break;
  }

  RETURN_IF_ERROR(conf.Validate());
  return conf;
}

std::vector<std::pair<std::string, std::string>> Configuration::ExtractSystemProperties(
    std::vector<std::string>* args) {
  std::vector<std::pair<std::string, std::string>> props;
  std::vector<std::string> rest;
  for (size_t i = 0; i < args->size(); ++i) {
    const std::string& arg = (*args)[i];
    std::string_view definition;
    if (arg == "-D" && i + 1 < args->size()) {
      definition = (*args)[++i];
    } else if (arg.size() > 2 && arg.starts_with("-D")) {
      definition = std::string_view(arg).substr(2);
    } else {
      rest.push_back(arg);
      continue;
    }
    size_t eq = definition.find('=');
    props.emplace_back(std::string(definition.substr(0, eq)),
                       eq == std::string_view::npos ? "" : std::string(definition.substr(eq + 1)));
  }
  *args = std::move(rest);
  return props;
}

void Configuration::Merge(std::string_view name, std::string raw, Source source,
                          std::string location) {
  std::string canonical(CanonicalName(name));
  auto it = values_.find(canonical);
  if (it != values_.end() && it->second.source > source) return;
  values_.insert_or_assign(std::move(canonical),
                           Entry{std::move(raw), source, std::move(location)});
}

const std::string* Configuration::Raw(std::string_view name) const {
  std::string_view canonical = CanonicalName(name);
  if (auto it = values_.find(canonical); it != values_.end()) return &it->second.raw;
  const PropertyKey* key = FindPropertyKey(canonical);
  if (key != nullptr && key->default_value) return &*key->default_value;
  return nullptr;
}

Result<std::string> Configuration::Resolve(std::string_view raw,
                                           std::vector<std::string>* chain) const {
  std::string out;
  size_t pos = 0;
  for (;;) {
    size_t start = raw.find("${", pos);
    size_t end = start == std::string_view::npos ? start : raw.find('}', start + 2);
    if (end == std::string_view::npos) break;  // no (complete) reference left
    out.append(raw.substr(pos, start - pos));
    std::string ref(CanonicalName(raw.substr(start + 2, end - start - 2)));
    if (auto it = std::find(chain->begin(), chain->end(), ref); it != chain->end()) {
      std::vector<std::string> cycle(it, chain->end());
      cycle.push_back(ref);
      std::string message = fmt::format("reference cycle {}", fmt::join(cycle, " -> "));
      // A cycle among the keys this one refers to is reported on those keys.
      if (it != chain->begin()) return FailedPreconditionError(message);
      return InvalidArgumentError(message);
    }
    const std::string* ref_raw = Raw(ref);
    if (ref_raw == nullptr) return NotFoundError(fmt::format("${{{}}} is not set", ref));
    chain->push_back(ref);
    ASSIGN_OR_RETURN(std::string value, Resolve(*ref_raw, chain));
    chain->pop_back();
    out += value;
    pos = end + 1;
  }
  out.append(raw.substr(pos));
  return out;
}

Status Configuration::CheckValue(const std::string& name) const {
  const std::string* raw = Raw(name);
  auto it = values_.find(name);
  bool is_default = it == values_.end();
  std::string where = is_default || it->second.location.empty() ? "" : " in " + it->second.location;
  std::vector<std::string> chain = {name};
  Result<std::string> resolved = Resolve(*raw, &chain);
  if (!resolved.ok()) {
    // A default may refer to a key the user has not set; that only matters if the key is used.
    if (is_default && resolved.error().code() == StatusCode::kNotFound) return Status::OK();
    // A cycle that this key only leads to is reported on the keys in it.
    if (resolved.error().code() == StatusCode::kFailedPrecondition) return Status::OK();
    return InvalidArgumentError(fmt::format("Invalid value '{}' for {}{}: {}", *raw, name, where,
                                            resolved.error().message()));
  }
  const PropertyKey* key = FindPropertyKey(name);
  if (key == nullptr) return Status::OK();
  std::optional<std::string> expected = TypeError(*key, *resolved);
  if (!expected) return Status::OK();
  std::string shown = fmt::format("'{}'", *resolved);
  if (*resolved != *raw) shown += fmt::format(" (resolved from '{}')", *raw);
  return InvalidArgumentError(
      fmt::format("Invalid value {} for {}{}: {}", shown, name, where, *expected));
}

Status Configuration::Validate() const {
  std::vector<std::string> errors;
  auto check = [&](const std::string& name) {
    if (Status s = CheckValue(name); !s.ok()) errors.emplace_back(s.message());
  };
  for (const PropertyKey* key : AllPropertyKeys()) {
    if (IsSet(*key)) check(key->name);
  }
  for (const auto& [name, entry] : values_) {
    if (FindPropertyKey(name) == nullptr) check(name);
  }
  if (errors.empty()) return Status::OK();
  return InvalidArgumentError(fmt::format("{}", fmt::join(errors, "\n")));
}

bool Configuration::IsSet(const PropertyKey& key) const { return IsSet(key.name); }
bool Configuration::IsSet(std::string_view name) const { return Raw(name) != nullptr; }

std::string Configuration::Get(const PropertyKey& key) const { return Get(key.name); }

std::string Configuration::Get(std::string_view name) const {
  const std::string* raw = Raw(name);
  if (raw == nullptr) return "";
  std::vector<std::string> chain = {std::string(CanonicalName(name))};
  Result<std::string> resolved = Resolve(*raw, &chain);
  // Only a value that failed validation (or a default referring to an unset key) gets here.
  return resolved.ok() ? *std::move(resolved) : *raw;
}

Source Configuration::GetSource(const PropertyKey& key) const { return GetSource(key.name); }

Source Configuration::GetSource(std::string_view name) const {
  auto it = values_.find(CanonicalName(name));
  return it == values_.end() ? Source::kDefault : it->second.source;
}

Result<std::string> Configuration::GetResolved(const PropertyKey& key) const {
  const std::string* raw = Raw(key.name);
  if (raw == nullptr) return NotFoundError(fmt::format("{} is not set", key.name));
  std::vector<std::string> chain = {key.name};
  Result<std::string> resolved = Resolve(*raw, &chain);
  if (resolved.ok()) return resolved;
  return InvalidArgumentError(
      fmt::format("Invalid value '{}' for {}: {}", *raw, key.name, resolved.error().message()));
}

Result<int64_t> Configuration::GetInt(const PropertyKey& key) const {
  ASSIGN_OR_RETURN(std::string v, GetResolved(key));
  return ParsedOrError(key, v, ParseInt(v), PropertyType::kInt);
}

Result<bool> Configuration::GetBool(const PropertyKey& key) const {
  ASSIGN_OR_RETURN(std::string v, GetResolved(key));
  return ParsedOrError(key, v, ParseBool(v), PropertyType::kBool);
}

Result<int64_t> Configuration::GetBytes(const PropertyKey& key) const {
  ASSIGN_OR_RETURN(std::string v, GetResolved(key));
  return ParsedOrError(key, v, ParseQuantity(v, kByteUnits, false), PropertyType::kBytes);
}

Result<int64_t> Configuration::GetDurationMs(const PropertyKey& key) const {
  ASSIGN_OR_RETURN(std::string v, GetResolved(key));
  return ParsedOrError(key, v, ParseQuantity(v, kDurationUnits, true), PropertyType::kDuration);
}

Result<std::vector<std::string>> Configuration::GetList(const PropertyKey& key) const {
  ASSIGN_OR_RETURN(std::string v, GetResolved(key));
  std::vector<std::string> items;
  for (std::string_view item : Split(v, ',')) {
    if (!Strip(item).empty()) items.emplace_back(Strip(item));
  }
  return items;
}

Result<std::string> Configuration::GetEnum(const PropertyKey& key) const {
  ASSIGN_OR_RETURN(std::string v, GetResolved(key));
  if (key.type == PropertyType::kEnum && TypeError(key, v)) {
    return ParsedOrError<std::string>(key, v, std::nullopt, PropertyType::kEnum);
  }
  std::transform(v.begin(), v.end(), v.begin(), ToUpper);
  return v;
}

Status Configuration::Set(const PropertyKey& key, std::string_view value, Source source) {
  return Set(std::string_view(key.name), value, source);
}

Status Configuration::Set(std::string_view name, std::string_view value, Source source) {
  std::string canonical(CanonicalName(name));
  std::optional<Entry> previous;
  if (auto it = values_.find(canonical); it != values_.end()) previous = it->second;
  values_.insert_or_assign(canonical, Entry{std::string(value), source, ""});
  Status status = CheckValue(canonical);
  if (!status.ok()) {
    if (previous) {
      values_.insert_or_assign(canonical, *std::move(previous));
    } else {
      values_.erase(canonical);
    }
  }
  return status;
}

std::vector<std::string> Configuration::KeysWithValues() const {
  std::vector<std::string> names;
  for (const PropertyKey* key : AllPropertyKeys()) {
    if (IsSet(*key)) names.push_back(key->name);
  }
  for (const auto& [name, entry] : values_) {
    if (FindPropertyKey(name) == nullptr) names.push_back(name);
  }
  return names;
}

}  // namespace alluxio::conf
