// SPDX-License-Identifier: Apache-2.0
// Env helpers shared by every implementation: whole-file read and atomic durable write.
#include <unistd.h>

#include <atomic>
#include <string>

#include "env/env.h"

namespace alluxio::env {

namespace {

std::string ParentDir(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

Result<std::string> ReadFileToString(Env* env, const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<SequentialFile> file, env->NewSequentialFile(path));
  std::string data;
  constexpr size_t kChunk = 64 * 1024;
  std::string scratch(kChunk, '\0');
  while (true) {
    ASSIGN_OR_RETURN(std::string_view chunk, file->Read(kChunk, scratch.data()));
    if (chunk.empty()) break;
    data.append(chunk);
  }
  return data;
}

Status WriteStringToFileSync(Env* env, const std::string& path, std::string_view data) {
  // The temp name is unique per writer so that concurrent writers of the same path do not
  // interleave their temp files; the rename decides the winner.
  static std::atomic<uint64_t> counter{0};
  std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
  Status s = [&]() -> Status {
    ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, env->NewWritableFile(tmp));
    RETURN_IF_ERROR(file->Append(data));
    RETURN_IF_ERROR(file->Sync());
    RETURN_IF_ERROR(file->Close());
    RETURN_IF_ERROR(env->RenameFile(tmp, path));
    return env->SyncDir(ParentDir(path));
  }();
  if (!s.ok() && env->FileExists(tmp)) {
    // Best effort: the write already failed; a leftover temp file is harmless.
    env->RemoveFile(tmp).IgnoreError();
  }
  return s;
}

}  // namespace alluxio::env
