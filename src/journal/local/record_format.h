// SPDX-License-Identifier: Apache-2.0
// Record framing shared by local journal segments and checkpoints (docs/formats/journal-segment.md,
// docs/formats/checkpoint.md): a 32-byte file header, then records of
//     u32 length (little endian) | u32 XXH32(length bytes || payload) | payload
// where the payload is one serialized JournalEntry. A checkpoint ends with a trailer record whose
// length field is kTrailerLength. RecordReader reads records sequentially and classifies what it
// finds (good record, end of file, torn record, bad length, bad checksum) without deciding what a
// problem means: that is the caller's business (a torn tail is normal, corruption elsewhere not).
//
// Thread-safety: functions are thread-safe; a RecordReader is externally synchronised.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "env/env.h"
#include "journal/journal.h"

namespace alluxio::journal {

// File header: magic[8] | u32 version | u32 flags | u64 sequence number | u32 XXH32 of the
// previous 24 bytes | u32 reserved. The version sits at offset 8 in every version.
inline constexpr size_t kFileHeaderSize = 32;
inline constexpr std::string_view kSegmentMagic = "ALLUXJNL";
inline constexpr std::string_view kCheckpointMagic = "ALLUXCKP";
// The newest format version this build writes; it reads versions 1..kFormatVersion.
inline constexpr uint32_t kFormatVersion = 1;

inline constexpr size_t kRecordHeaderSize = 8;
// Larger length fields are corruption, never a real record.
inline constexpr uint32_t kMaxRecordPayload = 64u << 20;
// Length field of the checkpoint trailer record, whose 16-byte payload is
// u64 entry count | u64 covered sequence number.
inline constexpr uint32_t kTrailerLength = 0xFFFFFFFFu;
inline constexpr size_t kTrailerPayloadSize = 16;

struct FileHeader {
  uint32_t version = kFormatVersion;
  uint32_t flags = 0;
  // Segment: the first sequence number it holds. Checkpoint: the sequence number it covers up to
  // (exclusive).
  SequenceNumber sequence_number = 0;
};

std::string EncodeFileHeader(std::string_view magic, const FileHeader& header);
// Decodes a header read from `path` (`data` holds at least kFileHeaderSize bytes). `what` names
// the kind of file in messages ("journal segment", "checkpoint"). Returns FailedPrecondition for
// an unknown version (the message names both versions and the remedy), DataLoss for a wrong
// magic or checksum.
Result<FileHeader> DecodeFileHeader(std::string_view data, std::string_view magic,
                                    std::string_view what, const std::string& path);

// Checksum of one record: XXH32 over the 4 little-endian length bytes followed by the payload.
uint32_t RecordChecksum(uint32_t length_field, std::string_view payload);

// Appends one framed record holding `entry` to `dst`.
void AppendEntryRecord(std::string* dst, const JournalEntry& entry);
// Appends the checkpoint trailer record.
void AppendTrailerRecord(std::string* dst, uint64_t entry_count, SequenceNumber sequence_number);

// Whether a good record (plausible length, matching checksum) starts at data[0].
bool IsValidRecordAt(std::string_view data);

inline void PutFixed32(std::string* dst, uint32_t v) {
  char b[4] = {static_cast<char>(v), static_cast<char>(v >> 8), static_cast<char>(v >> 16),
               static_cast<char>(v >> 24)};
  dst->append(b, 4);
}
inline void PutFixed64(std::string* dst, uint64_t v) {
  PutFixed32(dst, static_cast<uint32_t>(v));
  PutFixed32(dst, static_cast<uint32_t>(v >> 32));
}
inline uint32_t DecodeFixed32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<uint32_t>(u[0]) | (static_cast<uint32_t>(u[1]) << 8) |
         (static_cast<uint32_t>(u[2]) << 16) | (static_cast<uint32_t>(u[3]) << 24);
}
inline uint64_t DecodeFixed64(const char* p) {
  return static_cast<uint64_t>(DecodeFixed32(p)) |
         (static_cast<uint64_t>(DecodeFixed32(p + 4)) << 32);
}

// What a JournalEntry payload turned out to be.
// Whether the entry carries a known payload, or is a batch whose children all do.
bool IsRecognizedEntry(const JournalEntry& entry);

enum class EntryParse {
  kOk,
  kUnparsable,    // not a JournalEntry (corruption)
  kUnrecognized,  // parsed, but neither a known payload nor a batch: written by a newer binary
};
EntryParse ParseEntry(std::string_view payload, JournalEntry* entry);

// Reads records sequentially from a file positioned at `start_offset`.
class RecordReader {
 public:
  enum class Outcome {
    kRecord,       // a good record; payload() holds it
    kTrailer,      // a good checkpoint trailer; trailer_count()/trailer_sequence_number()
    kEof,          // clean end of file at a record boundary
    kTruncated,    // end of file inside a record header or payload
    kBadLength,    // zero or implausible length field
    kBadChecksum,  // the checksum does not match
  };

  // `file` must outlive the reader.
  RecordReader(env::SequentialFile* file, uint64_t start_offset);

  // Reads up to `n` bytes (fewer only at end of file); used for the file header.
  Result<std::string_view> ReadRaw(size_t n);

  // Reads the next record. I/O errors are returned as a Status.
  Result<Outcome> Next();

  // The payload of the last kRecord; valid until the next call.
  std::string_view payload() const { return payload_; }
  uint64_t trailer_count() const { return trailer_count_; }
  SequenceNumber trailer_sequence_number() const { return trailer_sn_; }
  // File offset where the record last returned (or the problem) starts.
  uint64_t record_offset() const { return record_offset_; }
  // File offset just past the last consumed byte (after a good record: its end).
  uint64_t offset() const { return offset_; }

 private:
  // Makes at least `n` unread bytes available unless the file ends first; returns how many are.
  Result<size_t> Fill(size_t n);

  env::SequentialFile* const file_;
  std::string buf_;
  size_t pos_ = 0;  // Next unread byte in buf_.
  bool eof_ = false;
  uint64_t offset_;
  uint64_t record_offset_;
  std::string_view payload_;
  uint64_t trailer_count_ = 0;
  SequenceNumber trailer_sn_ = 0;
};

}  // namespace alluxio::journal
