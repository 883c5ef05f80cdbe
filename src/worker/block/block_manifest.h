// SPDX-License-Identifier: Apache-2.0
// The block manifest: one small append-only file per tier directory, `<data dir>/.manifest`,
// that remembers the length and XXH64 checksum of every block committed there, so that a
// restarted worker can check a block file cheaply (size) or fully (checksum) without having
// written anything next to the block itself. Format: docs/formats/worker-block-store.md.
//
// The manifest is an advisory cache, not a source of truth: block files are. A record that is
// lost (crash before it reached the disk), damaged or stale only costs the ability to verify that
// block; ParseManifest therefore never fails, it reports the damage and the store rewrites the
// file.
//
// Thread-safety: the codec functions are thread-safe; ManifestWriter and BlockHasher are
// externally synchronized.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "common/result.h"
#include "env/env.h"
#include "worker/block/block_types.h"

struct XXH64_state_s;

namespace alluxio::worker {

inline constexpr std::string_view kManifestFileName = ".manifest";
inline constexpr std::string_view kManifestTempFileName = ".manifest.tmp";
inline constexpr std::string_view kManifestMagic = "ALXBLKMF";  // 8 bytes
inline constexpr uint32_t kManifestVersion = 2;
inline constexpr size_t kManifestHeaderSize = 32;
inline constexpr size_t kManifestRecordSize = 40;    // version 2
inline constexpr size_t kManifestRecordSizeV1 = 32;  // version 1 (read, never written)
// ManifestEntry::offset of a block kept in its own file, <data dir>/<block id>.
inline constexpr int64_t kOwnFile = -1;

enum class ManifestRecordType : uint8_t {
  kCommit = 1,  // the block was committed (or its checksum recorded) with this length and XXH64
  kRemove = 2,  // the block left this dir
};

struct ManifestRecord {
  ManifestRecordType type = ManifestRecordType::kCommit;
  BlockId block_id = 0;
  int64_t length = 0;         // kCommit only; 0 for kRemove
  uint64_t checksum = 0;      // kCommit only: XXH64 (seed 0) of the block's bytes; 0 for kRemove
  int64_t offset = kOwnFile;  // kCommit only (see ManifestEntry); kOwnFile for kRemove
  friend bool operator==(const ManifestRecord&, const ManifestRecord&) = default;
};

// What the manifest says about one block.
struct ManifestEntry {
  int64_t length = 0;
  uint64_t checksum = 0;
  // Where the block's bytes are: kOwnFile, or this offset in its file's packed container
  // <data dir>/.packed/<file id> (docs/formats/worker-block-store.md, "Packed files").
  int64_t offset = kOwnFile;
  friend bool operator==(const ManifestEntry&, const ManifestEntry&) = default;
};

std::string EncodeManifestHeader();
std::string EncodeManifestRecord(const ManifestRecord& record);

struct ParsedManifest {
  // The last kCommit of each block that no later kRemove cancels.
  absl::flat_hash_map<BlockId, ManifestEntry> entries;
  int64_t records = 0;      // valid records read
  int64_t bad_records = 0;  // whole records skipped: bad checksum, unknown type, bad fields
  int64_t torn_bytes = 0;   // trailing bytes that do not make a whole record
  // Non-empty when the header is missing, damaged or of an unknown version; nothing else is read.
  std::string header_error;
  uint32_t version = 0;  // of a readable header; records of version 1 have offset kOwnFile

  bool damaged() const { return !header_error.empty() || bad_records > 0 || torn_bytes > 0; }
};

// Parses a whole manifest file. Never fails: damage is reported in the result. When `records` is
// given, every valid record is appended to it in file order.
ParsedManifest ParseManifest(std::string_view data, std::vector<ManifestRecord>* records = nullptr);

// Streaming XXH64 (seed 0) of a block file.
class BlockHasher {
 public:
  BlockHasher();
  ~BlockHasher();
  BlockHasher(const BlockHasher&) = delete;
  BlockHasher& operator=(const BlockHasher&) = delete;

  void Update(std::string_view data);
  uint64_t Digest() const;

 private:
  XXH64_state_s* state_;
};

// XXH64 of a whole buffer (what BlockHasher computes).
uint64_t BlockChecksum(std::string_view data);

// Reads `path` with `env`, returning its length and XXH64.
Result<ManifestEntry> ChecksumFile(env::Env* env, const std::string& path);
// Reads up to `length` bytes of the local file `path` from `offset`, returning how many there
// were (fewer at the end of the file) and their XXH64; the entry's offset is `offset`.
Result<ManifestEntry> ChecksumRange(const std::string& path, int64_t offset, int64_t length);

// A manifest open for appending.
class ManifestWriter {
 public:
  // Writes a fresh manifest holding `entries` to `<data_dir>/.manifest` atomically (temp file,
  // fsync, rename, fsync of the dir) and opens it for appending.
  static Result<std::unique_ptr<ManifestWriter>> Create(
      env::Env* env, const std::string& data_dir,
      const std::vector<std::pair<BlockId, ManifestEntry>>& entries);
  // Opens an existing, undamaged manifest that holds `records` records for appending.
  static Result<std::unique_ptr<ManifestWriter>> OpenExisting(env::Env* env,
                                                              const std::string& data_dir,
                                                              int64_t records);
  ~ManifestWriter();

  // Appends a kCommit record and makes it durable (fdatasync) before returning OK.
  Status AppendCommit(BlockId block_id, const ManifestEntry& entry);
  // Appends a kRemove record, without syncing unless `sync`: it reaches the file with the next
  // sync, rewrite or close. Losing it in a crash is harmless for a block of its own file (a
  // record for a missing file is ignored); a packed block's range may be written again, so its
  // removal is synced.
  Status AppendRemove(BlockId block_id, bool sync = false);
  // Replaces the file by a fresh one holding `entries` (as Create) and appends to that.
  Status Rewrite(const std::vector<std::pair<BlockId, ManifestEntry>>& entries);

  // False after a failed append: every later append fails until Rewrite succeeds.
  bool usable() const { return file_ != nullptr; }
  // Records in the file (valid ones at open, plus appended ones).
  int64_t records() const { return records_; }
  const std::string& path() const { return path_; }

 private:
  ManifestWriter(env::Env* env, std::string data_dir);
  Status Append(const ManifestRecord& record, bool sync);

  env::Env* const env_;
  const std::string data_dir_;
  const std::string path_;
  std::unique_ptr<env::WritableFile> file_;
  int64_t records_ = 0;
};

}  // namespace alluxio::worker
