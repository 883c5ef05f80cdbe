// SPDX-License-Identifier: Apache-2.0
#include "journal/local/segment.h"

#include <algorithm>
#include <string>
#include <utility>

#include "journal/local/record_format.h"
#include "spdlog/spdlog.h"

namespace alluxio::journal {
namespace {

const char* Describe(RecordReader::Outcome outcome) {
  switch (outcome) {
    case RecordReader::Outcome::kTruncated:
      return "incomplete record";
    case RecordReader::Outcome::kBadLength:
      return "bad record length";
    case RecordReader::Outcome::kBadChecksum:
      return "record checksum mismatch";
    case RecordReader::Outcome::kTrailer:
      return "unexpected trailer record";
    default:
      return "unexpected record";
  }
}

bool AllZero(std::string_view data) {
  return std::all_of(data.begin(), data.end(), [](char c) { return c == 0; });
}

// A reader positioned at `offset` of `path`.
struct OpenReader {
  std::unique_ptr<env::SequentialFile> file;
  std::unique_ptr<RecordReader> reader;
};

Result<OpenReader> OpenAt(env::Env* env, const std::string& path, uint64_t offset) {
  OpenReader r;
  ASSIGN_OR_RETURN(r.file, env->NewSequentialFile(path));
  if (offset > 0) RETURN_IF_ERROR(r.file->Skip(offset));
  r.reader = std::make_unique<RecordReader>(r.file.get(), offset);
  return r;
}

}  // namespace

Result<std::unique_ptr<SegmentWriter>> SegmentWriter::Create(env::Env* env, std::string path,
                                                             SequenceNumber first_sn) {
  ASSIGN_OR_RETURN(std::unique_ptr<env::WritableFile> file, env->NewWritableFile(path));
  FileHeader header;
  header.sequence_number = first_sn;
  RETURN_IF_ERROR(file->Append(EncodeFileHeader(kSegmentMagic, header)));
  return std::unique_ptr<SegmentWriter>(
      new SegmentWriter(std::move(path), first_sn, std::move(file)));
}

Result<std::optional<uint64_t>> FindNextValidRecord(env::Env* env, const std::string& path,
                                                    uint64_t from) {
  ASSIGN_OR_RETURN(std::string data, env::ReadFileToString(env, path));
  for (uint64_t p = from; p + kRecordHeaderSize <= data.size(); p++) {
    std::string_view rest(data.data() + p, data.size() - p);
    if (!IsValidRecordAt(rest)) continue;
    JournalEntry entry;
    uint32_t len = DecodeFixed32(rest.data());
    if (ParseEntry(rest.substr(kRecordHeaderSize, len), &entry) == EntryParse::kUnparsable) {
      continue;
    }
    return std::optional<uint64_t>(p);
  }
  return std::optional<uint64_t>();
}

Result<SegmentReadResult> ReadSegment(
    env::Env* env, const RangeFile& segment, const SegmentReadOptions& options,
    const std::function<Status(const JournalEntry& entry, uint64_t offset)>& fn) {
  const std::string& path = segment.path;
  SegmentReadResult result;
  result.next_sn = segment.start;
  SequenceNumber expected = segment.start;

  ASSIGN_OR_RETURN(OpenReader r, OpenAt(env, path, 0));
  ASSIGN_OR_RETURN(std::string_view header_bytes, r.reader->ReadRaw(kFileHeaderSize));
  Status header_problem;
  if (header_bytes.size() < kFileHeaderSize || AllZero(header_bytes)) {
    header_problem = DataLossError("Journal segment " + path + " has a torn header (" +
                                   std::to_string(header_bytes.size()) + " bytes)");
  } else {
    Result<FileHeader> header =
        DecodeFileHeader(header_bytes, kSegmentMagic, "Journal segment", path);
    if (!header.ok()) {
      if (header.status().code() == StatusCode::kFailedPrecondition) return header.status();
      header_problem = header.status();
    } else if (header->sequence_number != segment.start) {
      return DataLossError("Journal segment " + path + " starts at sequence number " +
                           std::to_string(header->sequence_number) +
                           " by its header, but its name says " + std::to_string(segment.start));
    }
  }
  if (!header_problem.ok()) {
    ASSIGN_OR_RETURN(std::optional<uint64_t> next, FindNextValidRecord(env, path, 0));
    if (options.tail && !next) {
      result.torn_tail = true;
      result.valid_length = 0;
      return result;
    }
    if (!options.tolerate_corruption || !next) return header_problem;
    spdlog::error("{}; tolerating corruption: resuming at offset {}", header_problem.ToString(),
                  *next);
    ASSIGN_OR_RETURN(r, OpenAt(env, path, *next));
  }

  result.valid_length = kFileHeaderSize;
  while (true) {
    ASSIGN_OR_RETURN(RecordReader::Outcome outcome, r.reader->Next());
    if (outcome == RecordReader::Outcome::kEof) break;
    uint64_t offset = r.reader->record_offset();
    const char* problem = nullptr;
    JournalEntry entry;
    if (outcome == RecordReader::Outcome::kRecord) {
      EntryParse parsed = ParseEntry(r.reader->payload(), &entry);
      if (parsed == EntryParse::kUnrecognized) {
        return DataLossError("Unrecognized journal entry in " + path + " at offset " +
                             std::to_string(offset) + " (sequence number " +
                             std::to_string(entry.sequence_number()) + ")");
      }
      if (parsed == EntryParse::kUnparsable) problem = "the payload is not a journal entry";
    } else {
      problem = Describe(outcome);
    }

    if (problem == nullptr) {
      SequenceNumber sn = entry.has_sequence_number() ? entry.sequence_number() : -1;
      if (sn != expected) {
        if (!(options.tolerate_corruption && sn > expected)) {
          return DataLossError("Journal segment " + path + " at offset " + std::to_string(offset) +
                               ": expected sequence number " + std::to_string(expected) +
                               " but found " + std::to_string(sn));
        }
        spdlog::error(
            "Journal segment {} at offset {}: entries {} to {} are missing; tolerating "
            "corruption",
            path, offset, expected, sn - 1);
        expected = sn;
      }
      RETURN_IF_ERROR(fn(entry, offset));
      expected++;
      result.entries++;
      result.next_sn = expected;
      result.valid_length = r.reader->offset();
      continue;
    }

    // Damage at `offset`. At the tail of the tail segment it is a torn write.
    std::optional<uint64_t> next;
    if (outcome != RecordReader::Outcome::kTruncated) {
      ASSIGN_OR_RETURN(next, FindNextValidRecord(env, path, offset + 1));
    }
    if (options.tail && !next) {
      result.torn_tail = true;
      result.valid_length = offset;
      spdlog::warn("Journal segment {} has a torn tail at offset {} ({})", path, offset, problem);
      return result;
    }
    std::string message = "Corrupt journal record in " + path + " at offset " +
                          std::to_string(offset) + " (expected sequence number " +
                          std::to_string(expected) + "): " + problem;
    if (!options.tolerate_corruption) return DataLossError(message);
    if (!next) {
      spdlog::error("{}; tolerating corruption: ignoring the rest of the segment", message);
      break;
    }
    spdlog::error("{}; tolerating corruption: resuming at offset {}", message, *next);
    ASSIGN_OR_RETURN(r, OpenAt(env, path, *next));
  }
  return result;
}

}  // namespace alluxio::journal
