// SPDX-License-Identifier: Apache-2.0
// The version of this build, as `alluxio version` prints it. The Alluxio release whose behaviour
// and formats we implement. Thread-safety: constants only.
#pragma once

#include <string_view>

namespace alluxio {

inline constexpr std::string_view kVersion = "2.10.0";

// Git revision of the build, if the build defines ALLUXIO_GIT_REVISION ("version -r").
#ifdef ALLUXIO_GIT_REVISION
inline constexpr std::string_view kRevision = ALLUXIO_GIT_REVISION;
#else
inline constexpr std::string_view kRevision = "unknown";
#endif

}  // namespace alluxio
