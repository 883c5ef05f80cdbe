// SPDX-License-Identifier: Apache-2.0
// The compact form of a UFS fingerprint (UfsStatus::Fingerprint()): a 64-bit hash the master keeps
// in each inode and journals, shown as "h:<16 hex digits>". Master and workers compare
// fingerprints through these functions only, so they always agree.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace alluxio::ufs {

// FNV-1a 64 of the fingerprint (0 maps to 1); 0 for an empty one (unknown). A fingerprint already
// in the "h:<hex>" form maps back to its hash. Stable across processes and versions.
uint64_t FingerprintHash(std::string_view fingerprint);
// "h:<16 hex digits>", or "" for 0.
std::string FingerprintString(uint64_t hash);

}  // namespace alluxio::ufs
