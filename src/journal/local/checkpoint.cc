// SPDX-License-Identifier: Apache-2.0
#include "journal/local/checkpoint.h"

#include <string>
#include <utility>

#include "journal/local/record_format.h"

namespace alluxio::journal {

namespace {
constexpr size_t kWriteBufferBytes = 1 << 20;
}  // namespace

Result<std::unique_ptr<CheckpointWriter>> CheckpointWriter::Create(env::Env* env, std::string path,
                                                                   SequenceNumber sequence_number) {
  ASSIGN_OR_RETURN(std::unique_ptr<env::WritableFile> file, env->NewWritableFile(path));
  return Create(std::move(file), sequence_number);
}

std::unique_ptr<CheckpointWriter> CheckpointWriter::Create(std::unique_ptr<env::WritableFile> file,
                                                           SequenceNumber sequence_number) {
  std::unique_ptr<CheckpointWriter> writer(new CheckpointWriter(std::move(file), sequence_number));
  FileHeader header;
  header.sequence_number = sequence_number;
  writer->buffer_ = EncodeFileHeader(kCheckpointMagic, header);
  return writer;
}

Status CheckpointWriter::FlushBuffer() {
  Status s = file_->Append(buffer_);
  buffer_.clear();
  return s;
}

Status CheckpointWriter::Write(const JournalEntry& entry) {
  if (!IsRecognizedEntry(entry)) {
    return InvalidArgumentError("a checkpoint entry has no payload: " + entry.ShortDebugString());
  }
  AppendEntryRecord(&buffer_, entry);
  count_++;
  if (buffer_.size() >= kWriteBufferBytes) return FlushBuffer();
  return Status::OK();
}

Status CheckpointWriter::WriteRecord(std::string_view header, std::string_view payload) {
  buffer_.append(header);
  buffer_.append(payload);
  count_++;
  if (buffer_.size() >= kWriteBufferBytes) return FlushBuffer();
  return Status::OK();
}

Status CheckpointWriter::Finish() {
  AppendTrailerRecord(&buffer_, static_cast<uint64_t>(count_), sequence_number_);
  RETURN_IF_ERROR(FlushBuffer());
  RETURN_IF_ERROR(file_->Sync());
  return file_->Close();
}

Status ReadCheckpoint(env::Env* env, const std::string& path,
                      const std::function<Status(const JournalEntry&)>& fn, CheckpointInfo* info,
                      bool* invalid) {
  if (invalid != nullptr) *invalid = false;
  ASSIGN_OR_RETURN(std::unique_ptr<env::SequentialFile> file, env->NewSequentialFile(path));
  return ReadCheckpoint(file.get(), path, fn, info, invalid);
}

Status ReadCheckpoint(env::SequentialFile* file, const std::string& path,
                      const std::function<Status(const JournalEntry&)>& fn, CheckpointInfo* info,
                      bool* invalid) {
  bool ignored_invalid = false;
  if (invalid == nullptr) invalid = &ignored_invalid;
  *invalid = false;
  auto bad = [&](const std::string& why) {
    *invalid = true;
    return DataLossError("Checkpoint " + path + " is invalid: " + why);
  };

  RecordReader reader(file, 0);
  ASSIGN_OR_RETURN(std::string_view header_bytes, reader.ReadRaw(kFileHeaderSize));
  Result<FileHeader> header = DecodeFileHeader(header_bytes, kCheckpointMagic, "Checkpoint", path);
  if (!header.ok()) {
    if (header.status().code() == StatusCode::kFailedPrecondition) return header.status();
    *invalid = true;
    return header.status();
  }

  int64_t count = 0;
  while (true) {
    ASSIGN_OR_RETURN(RecordReader::Outcome outcome, reader.Next());
    uint64_t offset = reader.record_offset();
    std::string at = " at offset " + std::to_string(offset);
    switch (outcome) {
      case RecordReader::Outcome::kRecord: {
        JournalEntry entry;
        EntryParse parsed = ParseEntry(reader.payload(), &entry);
        if (parsed == EntryParse::kUnrecognized) {
          return DataLossError("Unrecognized journal entry in checkpoint " + path + at);
        }
        if (parsed == EntryParse::kUnparsable) return bad("unparsable entry" + at);
        RETURN_IF_ERROR(fn(entry));
        count++;
        break;
      }
      case RecordReader::Outcome::kTrailer: {
        if (static_cast<int64_t>(reader.trailer_count()) != count) {
          return bad("the trailer counts " + std::to_string(reader.trailer_count()) +
                     " entries but " + std::to_string(count) + " were read");
        }
        if (reader.trailer_sequence_number() != header->sequence_number) {
          return bad("the trailer and the header disagree on the sequence number");
        }
        ASSIGN_OR_RETURN(RecordReader::Outcome after, reader.Next());
        if (after != RecordReader::Outcome::kEof) return bad("bytes after the trailer");
        if (info != nullptr) {
          info->sequence_number = header->sequence_number;
          info->entry_count = count;
        }
        return Status::OK();
      }
      case RecordReader::Outcome::kEof:
        return bad("no trailer (truncated)" + at);
      case RecordReader::Outcome::kTruncated:
        return bad("incomplete record" + at);
      case RecordReader::Outcome::kBadLength:
        return bad("bad record length" + at);
      case RecordReader::Outcome::kBadChecksum:
        return bad("record checksum mismatch" + at);
    }
  }
}

}  // namespace alluxio::journal
