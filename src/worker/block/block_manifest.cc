// SPDX-License-Identifier: Apache-2.0
#include "worker/block/block_manifest.h"

#include <fcntl.h>
#include <unistd.h>
#include <xxhash.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace alluxio::worker {
namespace {

void PutFixed32(char* p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
void PutFixed64(char* p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
uint32_t GetFixed32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) v |= static_cast<uint32_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return v;
}
uint64_t GetFixed64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return v;
}

constexpr size_t kHeaderChecksumOffset = 24;
constexpr size_t kReadChunk = 1 << 20;

std::string Join(const std::string& dir, std::string_view name) {
  return dir + "/" + std::string(name);
}

}  // namespace

std::string EncodeManifestHeader() {
  std::string out(kManifestHeaderSize, '\0');
  std::memcpy(out.data(), kManifestMagic.data(), kManifestMagic.size());
  PutFixed32(out.data() + 8, kManifestVersion);
  PutFixed32(out.data() + 12, 0);  // flags
  PutFixed64(out.data() + 16, 0);  // reserved
  PutFixed32(out.data() + kHeaderChecksumOffset,
             XXH32(out.data(), kHeaderChecksumOffset, /*seed=*/0));
  PutFixed32(out.data() + 28, 0);  // reserved
  return out;
}

std::string EncodeManifestRecord(const ManifestRecord& record) {
  std::string out(kManifestRecordSize, '\0');
  out[4] = static_cast<char>(record.type);
  PutFixed64(out.data() + 8, static_cast<uint64_t>(record.block_id));
  PutFixed64(out.data() + 16, static_cast<uint64_t>(record.length));
  PutFixed64(out.data() + 24, record.checksum);
  PutFixed64(out.data() + 32, static_cast<uint64_t>(record.offset));
  PutFixed32(out.data(), XXH32(out.data() + 4, kManifestRecordSize - 4, /*seed=*/0));
  return out;
}

ParsedManifest ParseManifest(std::string_view data, std::vector<ManifestRecord>* records) {
  ParsedManifest out;
  if (data.size() < kManifestHeaderSize) {
    out.header_error = fmt::format("manifest is {} bytes, shorter than its {}-byte header",
                                   data.size(), kManifestHeaderSize);
    return out;
  }
  if (data.substr(0, kManifestMagic.size()) != kManifestMagic) {
    out.header_error = "bad magic";
    return out;
  }
  if (GetFixed32(data.data() + kHeaderChecksumOffset) !=
      XXH32(data.data(), kHeaderChecksumOffset, 0)) {
    out.header_error = "header checksum mismatch";
    return out;
  }
  uint32_t version = GetFixed32(data.data() + 8);
  if (version != kManifestVersion && version != 1) {
    out.header_error = fmt::format("unknown format version {} (this build reads versions 1 to {})",
                                   version, kManifestVersion);
    return out;
  }
  out.version = version;
  const size_t record_size = version == 1 ? kManifestRecordSizeV1 : kManifestRecordSize;
  data.remove_prefix(kManifestHeaderSize);
  while (data.size() >= record_size) {
    const char* p = data.data();
    data.remove_prefix(record_size);
    bool reserved_zero = p[5] == 0 && p[6] == 0 && p[7] == 0;
    if (GetFixed32(p) != XXH32(p + 4, record_size - 4, 0) || !reserved_zero) {
      out.bad_records++;
      continue;
    }
    ManifestRecord r;
    r.type = static_cast<ManifestRecordType>(static_cast<uint8_t>(p[4]));
    r.block_id = static_cast<BlockId>(GetFixed64(p + 8));
    r.length = static_cast<int64_t>(GetFixed64(p + 16));
    r.checksum = GetFixed64(p + 24);
    if (version > 1) r.offset = static_cast<int64_t>(GetFixed64(p + 32));
    if (r.type == ManifestRecordType::kCommit && r.length >= 0 && r.offset >= kOwnFile) {
      out.entries.insert_or_assign(r.block_id, ManifestEntry{r.length, r.checksum, r.offset});
    } else if (r.type == ManifestRecordType::kRemove && r.length == 0 && r.checksum == 0 &&
               r.offset == kOwnFile) {
      out.entries.erase(r.block_id);
    } else {
      out.bad_records++;
      continue;
    }
    out.records++;
    if (records != nullptr) records->push_back(r);
  }
  out.torn_bytes = static_cast<int64_t>(data.size());
  return out;
}

BlockHasher::BlockHasher() : state_(XXH64_createState()) {
  if (state_ == nullptr) std::abort();  // Out of memory terminates (STYLE 3).
  XXH64_reset(state_, 0);
}
BlockHasher::~BlockHasher() { XXH64_freeState(state_); }
void BlockHasher::Update(std::string_view data) { XXH64_update(state_, data.data(), data.size()); }
uint64_t BlockHasher::Digest() const { return XXH64_digest(state_); }

uint64_t BlockChecksum(std::string_view data) { return XXH64(data.data(), data.size(), 0); }

Result<ManifestEntry> ChecksumFile(env::Env* env, const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<env::SequentialFile> file, env->NewSequentialFile(path));
  std::string scratch(kReadChunk, '\0');
  BlockHasher hasher;
  int64_t length = 0;
  for (;;) {
    ASSIGN_OR_RETURN(std::string_view chunk, file->Read(scratch.size(), scratch.data()));
    if (chunk.empty()) break;
    hasher.Update(chunk);
    length += static_cast<int64_t>(chunk.size());
  }
  return ManifestEntry{length, hasher.Digest()};
}

Result<ManifestEntry> ChecksumRange(const std::string& path, int64_t offset, int64_t length) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoToStatus(errno, "open", path);
  std::string scratch(kReadChunk, '\0');
  BlockHasher hasher;
  int64_t done = 0;
  while (done < length) {
    const size_t want = static_cast<size_t>(std::min<int64_t>(length - done, kReadChunk));
    ssize_t n = ::pread(fd, scratch.data(), want, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status s = ErrnoToStatus(errno, "pread", path);
      ::close(fd);
      return s;
    }
    if (n == 0) break;  // the file ends inside the range
    hasher.Update(std::string_view(scratch.data(), static_cast<size_t>(n)));
    done += n;
  }
  ::close(fd);
  return ManifestEntry{done, hasher.Digest(), offset};
}

ManifestWriter::ManifestWriter(env::Env* env, std::string data_dir)
    : env_(env), data_dir_(std::move(data_dir)), path_(Join(data_dir_, kManifestFileName)) {}

ManifestWriter::~ManifestWriter() {
  // Flushes buffered kRemove records; a failure only costs a stale record (see AppendRemove).
  if (file_) file_->Close().IgnoreError();
}

Result<std::unique_ptr<ManifestWriter>> ManifestWriter::Create(
    env::Env* env, const std::string& data_dir,
    const std::vector<std::pair<BlockId, ManifestEntry>>& entries) {
  std::unique_ptr<ManifestWriter> w(new ManifestWriter(env, data_dir));
  RETURN_IF_ERROR(w->Rewrite(entries));
  return w;
}

Result<std::unique_ptr<ManifestWriter>> ManifestWriter::OpenExisting(env::Env* env,
                                                                     const std::string& data_dir,
                                                                     int64_t records) {
  std::unique_ptr<ManifestWriter> w(new ManifestWriter(env, data_dir));
  ASSIGN_OR_RETURN(w->file_, env->NewAppendableFile(w->path_));
  w->records_ = records;
  return w;
}

Status ManifestWriter::Rewrite(const std::vector<std::pair<BlockId, ManifestEntry>>& entries) {
  if (file_) {
    file_->Close().IgnoreError();  // Its content is superseded by the rewrite.
    file_.reset();
  }
  std::string tmp = Join(data_dir_, kManifestTempFileName);
  {
    ASSIGN_OR_RETURN(std::unique_ptr<env::WritableFile> out, env_->NewWritableFile(tmp));
    RETURN_IF_ERROR(out->Append(EncodeManifestHeader()));
    std::string batch;
    batch.reserve(64 * kManifestRecordSize);
    for (const auto& [id, entry] : entries) {
      batch += EncodeManifestRecord(
          {ManifestRecordType::kCommit, id, entry.length, entry.checksum, entry.offset});
      if (batch.size() >= 1024 * kManifestRecordSize) {
        RETURN_IF_ERROR(out->Append(batch));
        batch.clear();
      }
    }
    RETURN_IF_ERROR(out->Append(batch));
    RETURN_IF_ERROR(out->Sync());
    RETURN_IF_ERROR(out->Close());
  }
  RETURN_IF_ERROR(env_->RenameFile(tmp, path_));
  RETURN_IF_ERROR(env_->SyncDir(data_dir_));
  ASSIGN_OR_RETURN(file_, env_->NewAppendableFile(path_));
  records_ = static_cast<int64_t>(entries.size());
  return Status::OK();
}

Status ManifestWriter::Append(const ManifestRecord& record, bool sync) {
  if (!file_) {
    return FailedPreconditionError(
        fmt::format("manifest {} is unusable after an earlier error until rewritten", path_));
  }
  Status s = file_->Append(EncodeManifestRecord(record));
  records_++;
  if (s.ok() && sync) s = file_->Sync();
  if (!s.ok()) {
    // A partly written record would misalign every later one: stop appending until Rewrite.
    file_->Close().IgnoreError();  // Already failing; the rewrite replaces the file.
    file_.reset();
  }
  return s;
}

Status ManifestWriter::AppendCommit(BlockId block_id, const ManifestEntry& entry) {
  return Append({ManifestRecordType::kCommit, block_id, entry.length, entry.checksum, entry.offset},
                true);
}

Status ManifestWriter::AppendRemove(BlockId block_id, bool sync) {
  return Append({ManifestRecordType::kRemove, block_id, 0, 0, kOwnFile}, sync);
}

}  // namespace alluxio::worker
