// SPDX-License-Identifier: Apache-2.0
#include "common/path.h"

#include <fmt/format.h>

namespace alluxio {

Result<std::string> NormalizePath(std::string_view path) {
  auto invalid = [&](std::string_view why) {
    return InvalidArgumentError(fmt::format("Path {} is invalid: {}.", path, why));
  };
  if (path.empty()) return InvalidArgumentError("Path  is invalid: it is empty.");
  if (path.front() != '/') return invalid("it must be absolute (start with '/')");
  if (path.find('\0') != std::string_view::npos) return invalid("it contains a NUL byte");
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    size_t j = i;
    while (j < path.size() && path[j] != '/') ++j;
    std::string_view comp = path.substr(i, j - i);
    i = j;
    if (comp.empty() || comp == ".") continue;
    if (comp == "..") {
      if (parts.empty()) return invalid("'..' goes above the root");
      parts.pop_back();
      continue;
    }
    if (comp.size() > kMaxPathComponentBytes) {
      return invalid(fmt::format("the name '{}...' is {} bytes, longer than the maximum of {}",
                                 comp.substr(0, 16), comp.size(), kMaxPathComponentBytes));
    }
    parts.push_back(comp);
  }
  if (parts.empty()) return std::string(1, '/');
  std::string out;
  for (auto p : parts) {
    out += '/';
    out += p;
  }
  return out;
}

std::vector<std::string_view> PathComponents(std::string_view normalized) {
  std::vector<std::string_view> out;
  size_t i = 1;
  while (i < normalized.size()) {
    size_t j = normalized.find('/', i);
    if (j == std::string_view::npos) j = normalized.size();
    out.push_back(normalized.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

std::string_view ParentPath(std::string_view normalized) {
  size_t pos = normalized.rfind('/');
  if (pos == 0 || pos == std::string_view::npos) return "/";
  return normalized.substr(0, pos);
}

std::string_view PathName(std::string_view normalized) {
  size_t pos = normalized.rfind('/');
  return pos == std::string_view::npos ? normalized : normalized.substr(pos + 1);
}

std::string JoinPath(std::string_view dir, std::string_view name) {
  std::string out(dir);
  if (out.empty() || out.back() != '/') out += '/';
  out += name;
  return out;
}

bool PathHasPrefix(std::string_view path, std::string_view prefix) {
  if (prefix == "/") return true;
  if (path.size() < prefix.size() || path.substr(0, prefix.size()) != prefix) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '/';
}

}  // namespace alluxio
