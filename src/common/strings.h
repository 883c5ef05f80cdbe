// SPDX-License-Identifier: Apache-2.0
// Small text helpers shared by the S3 gateway (src/proxy) and the under-stores (src/ufs): the
// gateway and the S3 under-store speak the same protocol, from opposite ends.
#pragma once

#include <string>
#include <string_view>

namespace alluxio {

// Percent-encodes every byte but RFC 3986's unreserved characters (A-Z a-z 0-9 - _ . ~), as
// SigV4 and S3 URLs want; '/' is kept as is when `encode_slash` is false (object keys in paths).
// Hex digits are upper case.
std::string UriEncode(std::string_view s, bool encode_slash = true);

// `s` with ASCII upper-case letters made lower case (header names, URI schemes).
std::string AsciiLower(std::string_view s);

// `s` without one pair of surrounding double quotes (an ETag as S3 sends it), else `s`.
std::string Unquote(std::string_view s);

}  // namespace alluxio
