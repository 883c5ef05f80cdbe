// SPDX-License-Identifier: Apache-2.0
// Pure helpers of the data commands (data_commands.cc, copy_commands.cc), exposed for unit tests:
// option parsing and output formatting with Alluxio's messages.
// Thread-safety: free functions are thread-safe; an Md5 is confined to one thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "alluxio/grpc/common.pb.h"
#include "cli/fs/shell.h"
#include "common/result.h"

struct evp_md_ctx_st;

namespace alluxio::cli::fs {

// MD5 over a stream of chunks (OpenSSL EVP); HexDigest() once, at the end.
class Md5 {
 public:
  Md5();
  ~Md5();
  Md5(const Md5&) = delete;
  Md5& operator=(const Md5&) = delete;
  void Update(const char* data, size_t n);
  // Lower-case hex, as commons-codec DigestUtils.md5Hex.
  std::string HexDigest();

 private:
  evp_md_ctx_st* ctx_;
};

// head/tail -c: FormatUtils.parseSpaceSize ("1024", "4KB"), positive and at most INT32_MAX.
// InvalidArgument "Fail to parse <v> to bytes" or "specified bytes must be > 0".
Result<int64_t> ParseByteCount(const std::string& value);

// persist -p/-t/-w (defaults: 4 threads, 20 minutes, no initial wait).
struct PersistOptions {
  int parallelism = 4;
  int64_t timeout_ms = 20 * 60 * 1000;
  int64_t wait_ms = 0;
};
// -p must be an integer (Java's message: For input string: "x"); -t and -w are time sizes.
Result<PersistOptions> ParsePersistOptions(const ParsedArgs& p);

// `location`: "<path> with file id <id> is on nodes: " then one host per block copy.
std::string LocationOutput(const std::string& path, int64_t file_id,
                           const std::vector<::alluxio::grpc::BlockInfo>& blocks);

// cp/copyFromLocal/copyToLocal --buffersize and --thread (CpCommand.validateArgs): "Failed to
// parse option buffersize into an integer", "buffersize must be > 0", "thread must be > 0".
// Unset options keep the values passed in.
Status ParseCopyOptions(const ParsedArgs& p, int64_t* buffer_size, int* threads);

}  // namespace alluxio::cli::fs
