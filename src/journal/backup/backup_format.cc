// SPDX-License-Identifier: Apache-2.0
#include "journal/backup/backup_format.h"

#define XXH_STATIC_LINKING_ONLY  // XXH64_state_t by value.
#include <xxhash.h>
#include <zlib.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "journal/local/record_format.h"

namespace alluxio::journal {

namespace {

// Uncompressed bytes handed to the compression thread at a time.
constexpr size_t kChunkBytes = 4 << 20;
constexpr size_t kOutBytes = 1 << 20;
constexpr size_t kInBytes = 1 << 20;

std::string EncodeBackupHeader(SequenceNumber sn) {
  FileHeader h;
  h.version = kBackupFormatVersion;
  h.sequence_number = sn;
  return EncodeFileHeader(kBackupMagic, h);
}

// The info record's payload: "key=value\n" lines, unknown keys ignored by readers.
std::string EncodeInfo(const BackupInfo& info) {
  return "alluxio_version=" + info.alluxio_version + "\ncluster_id=" + info.cluster_id +
         "\nhost=" + info.host + "\ncreated_ms=" + std::to_string(info.created_ms) + "\n";
}

void DecodeInfo(std::string_view payload, BackupInfo* info) {
  while (!payload.empty()) {
    size_t nl = payload.find('\n');
    std::string_view line = payload.substr(0, nl);
    payload = nl == std::string_view::npos ? std::string_view() : payload.substr(nl + 1);
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = line.substr(0, eq);
    std::string value(line.substr(eq + 1));
    if (key == "alluxio_version") info->alluxio_version = value;
    if (key == "cluster_id") info->cluster_id = value;
    if (key == "host") info->host = value;
    if (key == "created_ms") info->created_ms = std::strtoll(value.c_str(), nullptr, 10);
  }
}

void AppendRawRecord(std::string* dst, std::string_view payload) {
  uint32_t len = static_cast<uint32_t>(payload.size());
  PutFixed32(dst, len);
  PutFixed32(dst, RecordChecksum(len, payload));
  dst->append(payload);
}

std::string EncodeSeal(uint64_t digest, uint64_t length) {
  std::string s;
  PutFixed64(&s, digest);
  PutFixed64(&s, length);
  return s;
}

// Decompresses a gzip stream from `in`, strictly: a stream that ends early, fails its CRC or is
// followed by other bytes is DataLoss, never a short read.
class GunzipFile final : public env::SequentialFile {
 public:
  GunzipFile(env::SequentialFile* in, std::string name) : in_(in), name_(std::move(name)) {
    ok_ = inflateInit2(&z_, 15 + 16) == Z_OK;  // 16: gzip wrapper only
    in_buf_.resize(kInBytes);
  }
  ~GunzipFile() override { inflateEnd(&z_); }

  Result<std::string_view> Read(size_t n, char* scratch) override {
    if (!ok_) return InternalError("zlib inflateInit2 failed");
    if (ended_ || n == 0) return std::string_view(scratch, 0);
    z_.next_out = reinterpret_cast<Bytef*>(scratch);
    z_.avail_out = static_cast<uInt>(n);
    while (z_.avail_out > 0) {
      if (z_.avail_in == 0) {
        ASSIGN_OR_RETURN(std::string_view got, in_->Read(in_buf_.size(), in_buf_.data()));
        if (got.empty()) {
          return Corrupt(total_in_ == 0 ? "the file is empty"
                                        : "truncated (the gzip stream ends early)");
        }
        total_in_ += got.size();
        z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(got.data()));
        z_.avail_in = static_cast<uInt>(got.size());
      }
      int r = inflate(&z_, Z_NO_FLUSH);
      if (r == Z_STREAM_END) {
        ended_ = true;
        if (z_.avail_in > 0) return Corrupt("bytes after the end of the gzip stream");
        char probe;
        ASSIGN_OR_RETURN(std::string_view more, in_->Read(1, &probe));
        if (!more.empty()) return Corrupt("bytes after the end of the gzip stream");
        break;
      }
      if (r != Z_OK && r != Z_BUF_ERROR) {
        return Corrupt(std::string("not a valid gzip stream (") +
                       (z_.msg != nullptr ? z_.msg : "zlib error") + ")");
      }
    }
    return std::string_view(scratch, n - z_.avail_out);
  }

  Status Skip(uint64_t) override { return UnimplementedError("GunzipFile::Skip"); }

 private:
  Status Corrupt(const std::string& why) const {
    return DataLossError("Backup " + name_ + " is corrupt: " + why);
  }

  env::SequentialFile* const in_;
  const std::string name_;
  z_stream z_{};
  bool ok_ = false;
  bool ended_ = false;
  uint64_t total_in_ = 0;
  std::string in_buf_;
};

}  // namespace

// Hashes and compresses chunks on its own thread while the caller serializes the next one. At
// most one chunk waits, so memory stays at about two chunks.
class BackupWriter::Compressor {
 public:
  Compressor(std::unique_ptr<env::WritableFile> file, int level) : file_(std::move(file)) {
    if (deflateInit2(&z_, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      error_ = InternalError("zlib deflateInit2 failed");
      done_ = true;
      return;
    }
    XXH64_reset(&hash_, 0);
    out_.resize(kOutBytes);
    thread_ = std::thread([this] { Loop(); });
  }

  ~Compressor() {
    {
      std::lock_guard<std::mutex> l(mu_);
      abandon_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    deflateEnd(&z_);
    if (file_ != nullptr) {
      // Abandoned: the caller deletes the file.
      file_->Close().IgnoreError();
    }
  }

  // Takes *chunk (leaving it empty). With `last`, the seal is appended, the stream ended, the
  // file synced and closed, and Submit returns when all that is done.
  Status Submit(std::string* chunk, bool last) {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return !has_pending_ || done_; });
    if (done_) return error_.ok() ? FailedPreconditionError("backup already finished") : error_;
    pending_.swap(*chunk);
    chunk->clear();
    has_pending_ = true;
    last_ = last;
    cv_.notify_all();
    if (last) {
      cv_.wait(l, [&] { return done_; });
      return error_;
    }
    return Status();
  }

 private:
  void Loop() {
    std::string work;
    while (true) {
      bool last;
      {
        std::unique_lock<std::mutex> l(mu_);
        cv_.wait(l, [&] { return has_pending_ || abandon_; });
        if (abandon_) return;
        work.swap(pending_);
        has_pending_ = false;
        last = last_;
        cv_.notify_all();
      }
      XXH64_update(&hash_, work.data(), work.size());
      length_ += work.size();
      if (last) work += EncodeSeal(XXH64_digest(&hash_), length_);
      Status s = Deflate(work, last ? Z_FINISH : Z_NO_FLUSH);
      work.clear();
      if (s.ok() && last) {
        s = file_->Sync();
        Status c = file_->Close();
        if (s.ok()) s = c;
        file_.reset();
      }
      std::lock_guard<std::mutex> l(mu_);
      if (!s.ok() || last) {
        error_ = s;
        done_ = true;
        cv_.notify_all();
        return;
      }
    }
  }

  Status Deflate(const std::string& data, int flush) {
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z_.avail_in = static_cast<uInt>(data.size());
    do {
      z_.next_out = reinterpret_cast<Bytef*>(out_.data());
      z_.avail_out = static_cast<uInt>(out_.size());
      if (deflate(&z_, flush) == Z_STREAM_ERROR) return InternalError("zlib deflate failed");
      size_t have = out_.size() - z_.avail_out;
      if (have > 0) RETURN_IF_ERROR(file_->Append(std::string_view(out_.data(), have)));
    } while (z_.avail_out == 0);
    return Status();
  }

  std::unique_ptr<env::WritableFile> file_;  // compression thread only, after the constructor
  z_stream z_{};
  XXH64_state_t hash_;
  uint64_t length_ = 0;
  std::string out_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::string pending_;       // GUARDED_BY(mu_)
  bool has_pending_ = false;  // GUARDED_BY(mu_)
  bool last_ = false;         // GUARDED_BY(mu_)
  bool done_ = false;         // GUARDED_BY(mu_): the thread has finished (or failed)
  bool abandon_ = false;      // GUARDED_BY(mu_)
  Status error_;              // GUARDED_BY(mu_)
  std::thread thread_;
};

Result<std::unique_ptr<BackupWriter>> BackupWriter::Create(std::unique_ptr<env::WritableFile> file,
                                                           const BackupInfo& info,
                                                           int compression_level) {
  std::unique_ptr<BackupWriter> w(new BackupWriter());
  w->sequence_number_ = info.sequence_number;
  w->compressor_ = std::make_unique<Compressor>(std::move(file), compression_level);
  w->buffer_.reserve(kChunkBytes + (64 << 10));
  w->buffer_ = EncodeBackupHeader(info.sequence_number);
  AppendRawRecord(&w->buffer_, EncodeInfo(info));
  return w;
}

BackupWriter::~BackupWriter() = default;

Status BackupWriter::Write(const JournalEntry& entry) {
  if (finished_) return FailedPreconditionError("backup already finished");
  if (!IsRecognizedEntry(entry)) {
    return InvalidArgumentError("a backup entry has no payload: " + entry.ShortDebugString());
  }
  AppendEntryRecord(&buffer_, entry);
  count_++;
  if (buffer_.size() >= kChunkBytes) {
    Status s = compressor_->Submit(&buffer_, false);
    buffer_.reserve(kChunkBytes + (64 << 10));
    return s;
  }
  return Status();
}

Status BackupWriter::Finish() {
  if (finished_) return FailedPreconditionError("backup already finished");
  finished_ = true;
  AppendTrailerRecord(&buffer_, static_cast<uint64_t>(count_), sequence_number_);
  return compressor_->Submit(&buffer_, true);
}

Status ReadBackup(env::SequentialFile* file, const std::string& name,
                  const std::function<Status(JournalEntry&)>& fn, BackupInfo* info,
                  const RecordTap& on_record) {
  auto corrupt = [&](const std::string& why) {
    return DataLossError("Backup " + name + " is corrupt: " + why);
  };
  GunzipFile gz(file, name);
  RecordReader reader(&gz, 0);
  XXH64_state_t hash;
  XXH64_reset(&hash, 0);
  uint64_t length = 0;
  auto hashed = [&](std::string_view bytes) {
    XXH64_update(&hash, bytes.data(), bytes.size());
    length += bytes.size();
  };

  ASSIGN_OR_RETURN(std::string_view hdr, reader.ReadRaw(kFileHeaderSize));
  if (hdr.size() < kFileHeaderSize) return corrupt("shorter than its header (truncated)");
  if (hdr.substr(0, kBackupMagic.size()) != kBackupMagic) {
    return corrupt("it is not an Alluxio backup (no \"ALLUXBAK\" magic)");
  }
  BackupInfo got;
  got.format_version = DecodeFixed32(hdr.data() + 8);
  if (got.format_version < 1 || got.format_version > kBackupFormatVersion) {
    return FailedPreconditionError(
        "Backup " + name + " has format version " + std::to_string(got.format_version) +
        ", but this build reads backup versions 1 to " + std::to_string(kBackupFormatVersion) +
        ". Restore it with an Alluxio master that supports version " +
        std::to_string(got.format_version) + " (downgrades are not supported)");
  }
  if (DecodeFixed32(hdr.data() + 24) != XXH32(hdr.data(), 24, 0) ||
      DecodeFixed32(hdr.data() + 28) != 0) {
    return corrupt("bad header checksum");
  }
  got.sequence_number = static_cast<SequenceNumber>(DecodeFixed64(hdr.data() + 16));
  hashed(hdr);

  auto problem = [&](RecordReader::Outcome o) -> Status {
    std::string at = " at offset " + std::to_string(reader.record_offset()) +
                     " (uncompressed), after " + std::to_string(got.entry_count) + " entries";
    switch (o) {
      case RecordReader::Outcome::kEof:
        return corrupt("no trailer (truncated)" + at);
      case RecordReader::Outcome::kTruncated:
        return corrupt("incomplete record (truncated)" + at);
      case RecordReader::Outcome::kBadLength:
        return corrupt("bad record length" + at);
      case RecordReader::Outcome::kBadChecksum:
        return corrupt("record checksum mismatch" + at);
      default:
        return corrupt("unexpected record" + at);
    }
  };

  std::string frame;
  auto hash_record = [&](std::string_view payload) {
    frame.clear();
    uint32_t len = static_cast<uint32_t>(payload.size());
    PutFixed32(&frame, len);
    PutFixed32(&frame, RecordChecksum(len, payload));
    hashed(frame);
    hashed(payload);
  };

  ASSIGN_OR_RETURN(RecordReader::Outcome first, reader.Next());
  if (first != RecordReader::Outcome::kRecord) return problem(first);
  DecodeInfo(reader.payload(), &got);
  hash_record(reader.payload());

  JournalEntry entry;
  while (true) {
    ASSIGN_OR_RETURN(RecordReader::Outcome outcome, reader.Next());
    if (outcome == RecordReader::Outcome::kTrailer) break;
    if (outcome != RecordReader::Outcome::kRecord) return problem(outcome);
    EntryParse parsed = ParseEntry(reader.payload(), &entry);
    if (parsed == EntryParse::kUnrecognized) {
      return DataLossError("Unrecognized journal entry in backup " + name + " at offset " +
                           std::to_string(reader.record_offset()) +
                           " (uncompressed); it was written by a newer Alluxio");
    }
    if (parsed == EntryParse::kUnparsable) {
      return corrupt("unparsable entry at offset " + std::to_string(reader.record_offset()));
    }
    hash_record(reader.payload());
    if (on_record) RETURN_IF_ERROR(on_record(frame, reader.payload()));
    if (fn) RETURN_IF_ERROR(fn(entry));
    got.entry_count++;
  }
  if (static_cast<int64_t>(reader.trailer_count()) != got.entry_count) {
    return corrupt("the trailer counts " + std::to_string(reader.trailer_count()) +
                   " entries but " + std::to_string(got.entry_count) + " were read");
  }
  if (reader.trailer_sequence_number() != got.sequence_number) {
    return corrupt("the trailer and the header disagree on the sequence number");
  }
  std::string trailer;
  AppendTrailerRecord(&trailer, reader.trailer_count(), reader.trailer_sequence_number());
  hashed(trailer);
  ASSIGN_OR_RETURN(std::string_view seal, reader.ReadRaw(kBackupSealSize));
  if (seal.size() < kBackupSealSize) return corrupt("no seal after the trailer (truncated)");
  if (DecodeFixed64(seal.data()) != XXH64_digest(&hash) ||
      DecodeFixed64(seal.data() + 8) != length) {
    return corrupt("the seal (checksum of the whole backup) does not match");
  }
  ASSIGN_OR_RETURN(RecordReader::Outcome after, reader.Next());
  if (after != RecordReader::Outcome::kEof) return corrupt("bytes after the seal");
  if (info != nullptr) *info = std::move(got);
  return Status();
}

}  // namespace alluxio::journal
