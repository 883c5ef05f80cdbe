// SPDX-License-Identifier: Apache-2.0
#include "journal/local/journal_layout.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "spdlog/spdlog.h"

namespace alluxio::journal {
namespace {

std::optional<SequenceNumber> ParseHex(const std::string& s) {
  if (s.size() < 3 || s.size() > 18 || s[0] != '0' || s[1] != 'x') return std::nullopt;
  uint64_t v = 0;
  for (size_t i = 2; i < s.size(); i++) {
    char c = s[i];
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else {
      return std::nullopt;
    }
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  if (v > static_cast<uint64_t>(kOpenSegmentEnd)) return std::nullopt;
  return static_cast<SequenceNumber>(v);
}

// Children of `dir`, or an empty list when it does not exist.
Result<std::vector<std::string>> ChildrenOrEmpty(env::Env* env, const std::string& dir) {
  Result<std::vector<std::string>> children = env->GetChildren(dir);
  if (!children.ok() && children.status().code() == StatusCode::kNotFound) {
    return std::vector<std::string>();
  }
  return children;
}

Result<std::vector<RangeFile>> ListRanges(env::Env* env, const std::string& dir) {
  ASSIGN_OR_RETURN(std::vector<std::string> names, ChildrenOrEmpty(env, dir));
  std::vector<RangeFile> files;
  for (const std::string& name : names) {
    auto range = ParseRangeName(name);
    if (!range) {
      spdlog::warn("Ignoring unexpected file {}/{} in the journal", dir, name);
      continue;
    }
    files.push_back(RangeFile{dir + "/" + name, range->first, range->second});
  }
  return files;
}

}  // namespace

std::string RangeName(SequenceNumber start, SequenceNumber end) {
  char buf[48];
  std::snprintf(buf, sizeof(buf), "0x%" PRIx64 "-0x%" PRIx64, static_cast<uint64_t>(start),
                static_cast<uint64_t>(end));
  return buf;
}

std::optional<std::pair<SequenceNumber, SequenceNumber>> ParseRangeName(const std::string& name) {
  size_t dash = name.find('-');
  if (dash == std::string::npos) return std::nullopt;
  auto start = ParseHex(name.substr(0, dash));
  auto end = ParseHex(name.substr(dash + 1));
  if (!start || !end || *start > *end) return std::nullopt;
  // Only canonical names: "0x01-..." would alias "0x1-...".
  if (RangeName(*start, *end) != name) return std::nullopt;
  return std::make_pair(*start, *end);
}

Result<std::vector<RangeFile>> ListSegments(env::Env* env, const JournalPaths& paths) {
  ASSIGN_OR_RETURN(std::vector<RangeFile> files, ListRanges(env, paths.logs()));
  std::sort(files.begin(), files.end(), [](const RangeFile& a, const RangeFile& b) {
    return a.start != b.start ? a.start < b.start : a.end < b.end;
  });
  return files;
}

Result<std::vector<RangeFile>> ListCheckpoints(env::Env* env, const JournalPaths& paths) {
  ASSIGN_OR_RETURN(std::vector<RangeFile> files, ListRanges(env, paths.checkpoints()));
  std::vector<RangeFile> out;
  for (RangeFile& f : files) {
    if (f.start != 0 || f.open()) {
      spdlog::warn("Ignoring unexpected checkpoint name {}", f.path);
      continue;
    }
    out.push_back(std::move(f));
  }
  std::sort(out.begin(), out.end(),
            [](const RangeFile& a, const RangeFile& b) { return a.end < b.end; });
  return out;
}

Result<bool> IsLocalJournalFormatted(env::Env* env, const std::string& folder,
                                     const std::string& prefix) {
  ASSIGN_OR_RETURN(std::vector<std::string> names, ChildrenOrEmpty(env, folder));
  for (const std::string& name : names) {
    if (name.compare(0, prefix.size(), prefix) == 0) return true;
  }
  return false;
}

Status FormatLocalJournal(env::Env* env, const std::string& folder, const std::string& prefix) {
  if (prefix.empty()) return InvalidArgumentError("the journal format file prefix is empty");
  RETURN_IF_ERROR(env->CreateDirs(folder));
  JournalPaths paths(folder);
  Result<std::unique_ptr<env::FileLock>> lock = env->LockFile(paths.lock());
  if (!lock.ok()) {
    if (lock.status().code() == StatusCode::kFailedPrecondition) {
      return FailedPreconditionError("Journal " + folder + " is in use by a running master (" +
                                     std::string(lock.status().message()) + ")");
    }
    return lock.status();
  }
  ASSIGN_OR_RETURN(std::vector<std::string> names, env->GetChildren(folder));
  for (const std::string& name : names) {
    if (name == "LOCK") continue;
    std::string path = folder + "/" + name;
    // Directories list; files do not.
    if (env->GetChildren(path).ok()) {
      RETURN_IF_ERROR(env->RemoveDirRecursively(path));
    } else {
      RETURN_IF_ERROR(env->RemoveFile(path));
    }
  }
  std::string marker = folder + "/" + prefix + std::to_string(env->NowMillis());
  ASSIGN_OR_RETURN(std::unique_ptr<env::WritableFile> file, env->NewWritableFile(marker));
  RETURN_IF_ERROR(file->Sync());
  RETURN_IF_ERROR(file->Close());
  RETURN_IF_ERROR(env->SyncDir(folder));
  spdlog::info("Formatted journal {}", folder);
  return Status::OK();
}

}  // namespace alluxio::journal
