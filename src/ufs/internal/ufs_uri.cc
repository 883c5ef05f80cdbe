// SPDX-License-Identifier: Apache-2.0
#include "ufs/internal/ufs_uri.h"

#include <fmt/format.h>

#include <cctype>

#include "common/path.h"

namespace alluxio::ufs::internal {

size_t SchemeLength(std::string_view uri) {
  if (uri.empty() || !std::isalpha(static_cast<unsigned char>(uri[0]))) return 0;
  for (size_t i = 1; i < uri.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(uri[i]);
    if (c == ':') return i;
    if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') return 0;
  }
  return 0;
}

Result<UfsUri> ParseUfsUri(std::string_view uri) {
  UfsUri out;
  std::string_view rest = uri;
  size_t scheme_len = SchemeLength(uri);
  if (scheme_len > 0) {
    out.scheme.reserve(scheme_len);
    for (char c : uri.substr(0, scheme_len)) {
      out.scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    rest.remove_prefix(scheme_len + 1);
    if (rest.substr(0, 2) == "//") {
      rest.remove_prefix(2);
      size_t slash = rest.find('/');
      if (slash == std::string_view::npos) slash = rest.size();
      out.authority = std::string(rest.substr(0, slash));
      rest.remove_prefix(slash);
      if (rest.empty()) rest = "/";
    }
  }
  auto normalized = NormalizePath(rest);
  if (!normalized.ok()) {
    return normalized.error().WithContext(fmt::format("Invalid UFS path '{}'", uri));
  }
  out.path = std::move(normalized).value();
  return out;
}

}  // namespace alluxio::ufs::internal
