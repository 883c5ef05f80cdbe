// SPDX-License-Identifier: Apache-2.0
// Journal backups (docs/formats/backup.md): the whole state of the master as the same framed
// JournalEntry records a checkpoint holds (journal/local/record_format.h), behind a versioned
// header and an info record (Alluxio version, cluster id, host, time), ended by the checkpoint
// trailer (entry count, sequence number) and a seal (XXH64 and length of everything before it),
// all compressed as one gzip stream. `gunzip` opens it; `alluxio-backup-*.gz` is its name.
//
// BackupWriter is an EntrySink: StateSnapshot::WriteTo feeds it, and it compresses and writes as
// it goes, so a backup needs memory for one buffer, not for the whole state. ReadBackup checks
// everything (gzip integrity and CRC, header, version, every record checksum, the trailer count,
// the seal, nothing after it) and reports the first problem as a clear error.
//
// This layer writes to and reads from env::WritableFile / env::SequentialFile; the master adapts
// UFS streams to them (master/backup/). It knows nothing of UFSs, names or .complete markers.
//
// Thread-safety: BackupWriter is externally synchronised (it runs a compression thread of its
// own, joined by Finish/Abandon or the destructor); ReadBackup is thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "env/env.h"
#include "journal/journal.h"

namespace alluxio::journal {

// Magic of the (decompressed) backup header. The version sits at offset 8, as in segments.
inline constexpr std::string_view kBackupMagic = "ALLUXBAK";
// The newest backup format version this build writes; it reads versions 1..kBackupFormatVersion.
inline constexpr uint32_t kBackupFormatVersion = 1;
// Bytes of the seal that ends the decompressed stream: u64 XXH64 | u64 length.
inline constexpr size_t kBackupSealSize = 16;

// What a backup says about itself. Filled by ReadBackup; given to BackupWriter::Create (which
// ignores entry_count and format_version).
struct BackupInfo {
  uint32_t format_version = kBackupFormatVersion;
  // The state is that after the journal entries with sequence numbers below this.
  SequenceNumber sequence_number = 0;
  std::string alluxio_version;  // of the master that wrote it
  std::string cluster_id;
  std::string host;        // the master that wrote it
  int64_t created_ms = 0;  // wall clock, epoch milliseconds
  int64_t entry_count = 0;
};

class BackupWriter final : public EntrySink {
 public:
  // Starts a backup into `file` (owned; closed by Finish). `compression_level` is zlib's (1 is
  // fastest; -1 is zlib's default, 6).
  static Result<std::unique_ptr<BackupWriter>> Create(std::unique_ptr<env::WritableFile> file,
                                                      const BackupInfo& info,
                                                      int compression_level = 1);
  // Abandons the backup (joins the compression thread) if Finish was not called. The file is
  // closed, not deleted: the caller removes it.
  ~BackupWriter() override;

  // Appends one entry (its sequence_number is written as is and ignored on reading).
  // InvalidArgument for an entry without a payload; an earlier write error is returned again.
  Status Write(const JournalEntry& entry) override;
  // Writes the trailer and the seal, ends the gzip stream, syncs and closes the file. The backup
  // is complete only after this returns OK.
  Status Finish();

  int64_t entry_count() const { return count_; }

 private:
  class Compressor;
  BackupWriter() = default;

  std::unique_ptr<Compressor> compressor_;
  std::string buffer_;  // framed, uncompressed records not handed over yet
  int64_t count_ = 0;
  SequenceNumber sequence_number_ = 0;
  bool finished_ = false;
};

// Reads the gzip-compressed backup in `file`, calling fn (if not null) for every entry in order,
// and fills `info` (if not null) once the whole backup proved valid. `name` names the backup in
// messages. Errors:
//   - FailedPrecondition: a format version this build does not read (the message names both);
//   - DataLoss "Backup <name> is corrupt: <why>" for anything else wrong: not gzip, truncated,
//     a bad gzip CRC, a bad header, a record or trailer with a bad checksum, a count or seal that
//     does not match, bytes after the end; DataLoss "Unrecognized journal entry" for an intact
//     entry with no known payload;
//   - an I/O error from `file`, or fn's error, as is.
// fn may move the entry away (it is parsed into afresh). fn sees entries before the end is
// verified: a caller must be able to undo what fn did when the result is not OK (the master applies
// into memory only, and journals after verification).
//
// `on_record`, if set, sees each entry's framed record (8-byte record header, payload) just
// before fn sees the entry: the bytes a checkpoint holds for it (a restore copies them instead of
// serializing the state again). The views are valid only during the call.
using RecordTap = std::function<Status(std::string_view header, std::string_view payload)>;
Status ReadBackup(env::SequentialFile* file, const std::string& name,
                  const std::function<Status(JournalEntry&)>& fn, BackupInfo* info,
                  const RecordTap& on_record = nullptr);

}  // namespace alluxio::journal
