// SPDX-License-Identifier: Apache-2.0
#include "journal/local/record_format.h"

#define XXH_STATIC_LINKING_ONLY  // XXH32_state_t on the stack.
#include <xxhash.h>

#include <algorithm>
#include <string>

namespace alluxio::journal {

std::string EncodeFileHeader(std::string_view magic, const FileHeader& header) {
  std::string out(magic);
  PutFixed32(&out, header.version);
  PutFixed32(&out, header.flags);
  PutFixed64(&out, static_cast<uint64_t>(header.sequence_number));
  PutFixed32(&out, XXH32(out.data(), out.size(), 0));
  PutFixed32(&out, 0);
  return out;
}

Result<FileHeader> DecodeFileHeader(std::string_view data, std::string_view magic,
                                    std::string_view what, const std::string& path) {
  if (data.size() < kFileHeaderSize) {
    return DataLossError(std::string(what) + " " + path + " is shorter than its header");
  }
  if (data.substr(0, magic.size()) != magic) {
    return DataLossError(std::string(what) + " " + path + " does not start with the magic \"" +
                         std::string(magic) + "\"");
  }
  FileHeader h;
  h.version = DecodeFixed32(data.data() + 8);
  if (h.version < 1 || h.version > kFormatVersion) {
    return FailedPreconditionError(
        std::string(what) + " " + path + " has format version " + std::to_string(h.version) +
        ", but this build reads versions 1 to " + std::to_string(kFormatVersion) +
        ". Move the namespace across with a backup, as Alluxio's upgrade page does: with the "
        "binaries that wrote this journal run `bin/alluxio fsadmin backup` and "
        "`bin/alluxio-stop.sh all`, then with these binaries run `bin/alluxio format` and "
        "`bin/alluxio-start.sh -i <backup URI> all`");
  }
  uint32_t expected = XXH32(data.data(), 24, 0);
  if (DecodeFixed32(data.data() + 24) != expected) {
    return DataLossError(std::string(what) + " " + path + " has a corrupt header (checksum)");
  }
  if (DecodeFixed32(data.data() + 28) != 0) {
    return DataLossError(std::string(what) + " " + path + " has a corrupt header (reserved)");
  }
  h.flags = DecodeFixed32(data.data() + 12);
  h.sequence_number = static_cast<SequenceNumber>(DecodeFixed64(data.data() + 16));
  return h;
}

uint32_t RecordChecksum(uint32_t length_field, std::string_view payload) {
  char len[4];
  len[0] = static_cast<char>(length_field);
  len[1] = static_cast<char>(length_field >> 8);
  len[2] = static_cast<char>(length_field >> 16);
  len[3] = static_cast<char>(length_field >> 24);
  XXH32_state_t state;
  XXH32_reset(&state, 0);
  XXH32_update(&state, len, 4);
  XXH32_update(&state, payload.data(), payload.size());
  return XXH32_digest(&state);
}

void AppendEntryRecord(std::string* dst, const JournalEntry& entry) {
  size_t start = dst->size();
  dst->append(kRecordHeaderSize, '\0');
  entry.AppendToString(dst);
  size_t len = dst->size() - start - kRecordHeaderSize;
  std::string_view payload(dst->data() + start + kRecordHeaderSize, len);
  uint32_t length_field = static_cast<uint32_t>(len);
  uint32_t crc = RecordChecksum(length_field, payload);
  char* h = dst->data() + start;
  for (int i = 0; i < 4; i++) {
    h[i] = static_cast<char>(length_field >> (8 * i));
    h[4 + i] = static_cast<char>(crc >> (8 * i));
  }
}

void AppendTrailerRecord(std::string* dst, uint64_t entry_count, SequenceNumber sequence_number) {
  std::string payload;
  PutFixed64(&payload, entry_count);
  PutFixed64(&payload, static_cast<uint64_t>(sequence_number));
  PutFixed32(dst, kTrailerLength);
  PutFixed32(dst, RecordChecksum(kTrailerLength, payload));
  dst->append(payload);
}

bool IsValidRecordAt(std::string_view data) {
  if (data.size() < kRecordHeaderSize) return false;
  uint32_t len = DecodeFixed32(data.data());
  if (len == 0 || len > kMaxRecordPayload || len > data.size() - kRecordHeaderSize) return false;
  return RecordChecksum(len, data.substr(kRecordHeaderSize, len)) == DecodeFixed32(data.data() + 4);
}

bool IsRecognizedEntry(const JournalEntry& e) {
  if (e.payload_case() != JournalEntry::PAYLOAD_NOT_SET) return true;
  if (e.journal_entries_size() == 0) return false;
  for (const JournalEntry& child : e.journal_entries()) {
    if (!IsRecognizedEntry(child)) return false;
  }
  return true;
}

EntryParse ParseEntry(std::string_view payload, JournalEntry* entry) {
  if (!entry->ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return EntryParse::kUnparsable;
  }
  return IsRecognizedEntry(*entry) ? EntryParse::kOk : EntryParse::kUnrecognized;
}

RecordReader::RecordReader(env::SequentialFile* file, uint64_t start_offset)
    : file_(file), offset_(start_offset), record_offset_(start_offset) {}

Result<size_t> RecordReader::Fill(size_t n) {
  while (buf_.size() - pos_ < n && !eof_) {
    if (pos_ > 0) {
      buf_.erase(0, pos_);
      pos_ = 0;
    }
    size_t want = std::max<size_t>(n - buf_.size(), 256 * 1024);
    size_t old = buf_.size();
    buf_.resize(old + want);
    Result<std::string_view> got = file_->Read(want, buf_.data() + old);
    if (!got.ok()) {
      buf_.resize(old);
      return got.status();
    }
    // Read may return a view into the scratch we passed (it does for every Env we have); copy
    // defensively if not.
    if (got->data() != buf_.data() + old) std::copy(got->begin(), got->end(), buf_.data() + old);
    buf_.resize(old + got->size());
    if (got->size() < want) eof_ = true;
  }
  return std::min(n, buf_.size() - pos_);
}

Result<std::string_view> RecordReader::ReadRaw(size_t n) {
  ASSIGN_OR_RETURN(size_t avail, Fill(n));
  std::string_view out(buf_.data() + pos_, avail);
  pos_ += avail;
  offset_ += avail;
  return out;
}

Result<RecordReader::Outcome> RecordReader::Next() {
  record_offset_ = offset_;
  payload_ = {};
  ASSIGN_OR_RETURN(size_t avail, Fill(kRecordHeaderSize));
  if (avail == 0) return Outcome::kEof;
  if (avail < kRecordHeaderSize) return Outcome::kTruncated;
  const char* h = buf_.data() + pos_;
  uint32_t len = DecodeFixed32(h);
  uint32_t crc = DecodeFixed32(h + 4);
  bool trailer = len == kTrailerLength;
  size_t payload_len = trailer ? kTrailerPayloadSize : len;
  if (!trailer && (len == 0 || len > kMaxRecordPayload)) return Outcome::kBadLength;
  ASSIGN_OR_RETURN(avail, Fill(kRecordHeaderSize + payload_len));
  if (avail < kRecordHeaderSize + payload_len) return Outcome::kTruncated;
  std::string_view payload(buf_.data() + pos_ + kRecordHeaderSize, payload_len);
  if (RecordChecksum(len, payload) != crc) return Outcome::kBadChecksum;
  pos_ += kRecordHeaderSize + payload_len;
  offset_ += kRecordHeaderSize + payload_len;
  if (trailer) {
    trailer_count_ = DecodeFixed64(payload.data());
    trailer_sn_ = static_cast<SequenceNumber>(DecodeFixed64(payload.data() + 8));
    return Outcome::kTrailer;
  }
  payload_ = payload;
  return Outcome::kRecord;
}

}  // namespace alluxio::journal
