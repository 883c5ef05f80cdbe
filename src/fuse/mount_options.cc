// SPDX-License-Identifier: Apache-2.0
#include "fuse/mount_options.h"

#include <cstdlib>

#include <fmt/format.h>

namespace alluxio::fuse {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view NameOf(std::string_view option) {
  size_t eq = option.find('=');
  return eq == std::string_view::npos ? option : option.substr(0, eq);
}

// Options of libfuse 2 that libfuse 3 refuses, with the reason they can go.
struct Dropped {
  std::string_view name;
  std::string_view why;
};
constexpr Dropped kDropped[] = {
    {"big_writes", "writes up to alluxio.fuse.maxwrite.bytes are always on in libfuse 3"},
    {"nonempty", "libfuse 3 mounts over non-empty directories"},
    {"atomic_o_trunc", "libfuse 3 enables it by itself"},
    {"direct_io_ro", "not a libfuse 3 option"},
    {"large_read", "not a libfuse 3 option"},
};

// Options whose value must be a non-negative number (seconds or bytes).
constexpr std::string_view kNumeric[] = {
    "attr_timeout", "entry_timeout", "negative_timeout", "ac_attr_timeout",
    "max_read",     "remember",      "max_idle_threads", "max_threads",
};

bool IsNonNegativeNumber(std::string_view v) {
  if (v.empty()) return false;
  std::string s(v);
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && d >= 0;
}

}  // namespace

Result<FuseCommandLine> ParseFuseCommandLine(const std::vector<std::string>& args) {
  FuseCommandLine out;
  std::vector<std::string> positional;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-o") {
      if (i + 1 == args.size()) return InvalidArgumentError("Option -o needs a value");
      out.options.push_back(args[++i]);
    } else if (a.size() > 2 && a.rfind("-o", 0) == 0) {
      out.options.push_back(a.substr(2));
    } else if (!a.empty() && a[0] == '-' && a != "-") {
      return InvalidArgumentError(fmt::format("Unknown option: {}", a));
    } else {
      positional.push_back(a);
    }
  }
  if (positional.size() > 2) {
    return InvalidArgumentError(fmt::format(
        "Unexpected argument: {} (expected [mount_point [alluxio_path]])", positional[2]));
  }
  if (!positional.empty()) out.mount_point = positional[0];
  if (positional.size() > 1) out.alluxio_path = positional[1];
  return out;
}

Result<MountOptions> MergeMountOptions(const std::vector<std::string>& layers) {
  MountOptions out;
  for (const std::string& layer : layers) {
    std::string_view rest = layer;
    while (!rest.empty()) {
      size_t comma = rest.find(',');
      std::string_view item = Trim(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      if (item.empty()) continue;
      std::string_view name = NameOf(item);
      bool dropped = false;
      for (const Dropped& d : kDropped) {
        if (name == d.name) {
          out.notes.push_back(fmt::format("Ignoring FUSE option {}: {}", item, d.why));
          dropped = true;
        }
      }
      if (dropped) continue;
      for (std::string_view n : kNumeric) {
        if (name != n) continue;
        std::string_view value = item.size() > name.size() ? item.substr(name.size() + 1) : "";
        if (!IsNonNegativeNumber(value)) {
          return InvalidArgumentError(
              fmt::format("Invalid FUSE option {}: {} takes a non-negative number", item, name));
        }
      }
      if (name == "max_threads" || name == "max_idle_threads") {
        std::string value(item.substr(name.size() + 1));
        char* end = nullptr;
        long n = std::strtol(value.c_str(), &end, 10);
        if (*end != '\0' || n < 1 || n > 100000) {
          return InvalidArgumentError(
              fmt::format("Invalid FUSE option {}: {} takes a positive whole number", item, name));
        }
        (name == "max_threads" ? out.max_threads : out.max_idle_threads) = static_cast<int>(n);
        continue;
      }
      bool replaced = false;
      for (std::string& existing : out.options) {
        if (NameOf(existing) == name) {
          existing = std::string(item);
          replaced = true;
        }
      }
      if (!replaced) out.options.emplace_back(item);
    }
  }
  return out;
}

std::string JoinOptions(const std::vector<std::string>& options) {
  std::string out;
  for (const std::string& o : options) {
    if (!out.empty()) out += ',';
    out += o;
  }
  return out;
}

std::string FindOption(const std::vector<std::string>& options, std::string_view name,
                       bool* found) {
  if (found != nullptr) *found = false;
  for (const std::string& o : options) {
    if (NameOf(o) != name) continue;
    if (found != nullptr) *found = true;
    return o.size() > name.size() ? o.substr(name.size() + 1) : std::string();
  }
  return std::string();
}

}  // namespace alluxio::fuse
