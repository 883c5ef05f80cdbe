// SPDX-License-Identifier: Apache-2.0
// Splitting of UFS URIs ("scheme://authority/path", "scheme:/path" or "/path") into their parts,
// shared by the UFS implementations. Private to src/ufs/. Thread-compatible value helpers.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace alluxio::ufs::internal {

struct UfsUri {
  std::string scheme;     // lower case; "" when the URI is a plain path
  std::string authority;  // "" when absent ("file:///x", "/x")
  std::string path;       // normalised absolute path ("/" for "s3://bucket")
};

// Length of the scheme of `uri` ("s3://b" -> 2), or 0 when `uri` has none. A scheme is
// [A-Za-z][A-Za-z0-9+.-]* followed by ':' (RFC 3986), appearing before any '/'.
size_t SchemeLength(std::string_view uri);

// Parses `uri`; the path part is normalised with alluxio::NormalizePath (repeated and trailing '/'
// dropped, "." and ".." resolved, components of at most 255 bytes). InvalidArgument, naming the
// URI, when the path is relative, contains NUL, or has an over-long component.
Result<UfsUri> ParseUfsUri(std::string_view uri);

}  // namespace alluxio::ufs::internal
