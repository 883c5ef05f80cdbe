// SPDX-License-Identifier: Apache-2.0
// Alluxio namespace paths ("/a/b/c"). Distinct from UFS paths (see ufs/under_file_system.h).
// Thread-compatible value helpers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace alluxio {

inline constexpr size_t kMaxPathComponentBytes = 255;

// Normalises an absolute Alluxio path: collapses repeated '/', drops a trailing '/', resolves "."
// and ".." lexically. InvalidArgument ("Path <p> is invalid.") for empty or relative paths, ".."
// above the root, NUL bytes, and a component longer than 255 bytes.
Result<std::string> NormalizePath(std::string_view path);

// Components of a normalised path: "/" -> {}, "/a/b" -> {"a","b"}.
std::vector<std::string_view> PathComponents(std::string_view normalized);

// "/a/b" -> "/a"; "/a" -> "/"; "/" -> "/".
std::string_view ParentPath(std::string_view normalized);
// "/a/b" -> "b"; "/" -> "".
std::string_view PathName(std::string_view normalized);
// Joins a normalised directory path and a child name.
std::string JoinPath(std::string_view dir, std::string_view name);
// True if `path` equals `prefix` or lies below it (both normalised).
bool PathHasPrefix(std::string_view path, std::string_view prefix);

}  // namespace alluxio
