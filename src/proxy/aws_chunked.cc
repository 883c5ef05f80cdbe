// SPDX-License-Identifier: Apache-2.0
#include "proxy/aws_chunked.h"

#include <openssl/crypto.h>

#include <algorithm>

#include <fmt/format.h>

namespace alluxio::proxy {

namespace {
constexpr size_t kMaxLine = 4096;
constexpr char kEmptySha256[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
}  // namespace

AwsChunkedReader::AwsChunkedReader(BodyReader* raw, int64_t decoded_length,
                                   std::optional<ChunkSigner> signer)
    : raw_(raw), decoded_length_(decoded_length), signer_(std::move(signer)) {
  if (signer_) {
    std::string k = HmacSha256("AWS4" + signer_->secret_key, signer_->auth.date);
    k = HmacSha256(k, signer_->auth.region);
    k = HmacSha256(k, signer_->auth.service);
    signing_key_ = HmacSha256(k, "aws4_request");
    previous_signature_ = signer_->auth.signature;
  }
}

Result<size_t> AwsChunkedReader::ReadRaw(char* buf, size_t n) {
  if (buffer_pos_ == buffer_.size()) {
    buffer_.resize(64 << 10);
    buffer_pos_ = 0;
    ASSIGN_OR_RETURN(size_t got, raw_->Read(buffer_.data(), buffer_.size()));
    buffer_.resize(got);
    if (got == 0) return size_t{0};
  }
  size_t take = std::min(n, buffer_.size() - buffer_pos_);
  std::copy_n(buffer_.data() + buffer_pos_, take, buf);
  buffer_pos_ += take;
  return take;
}

Result<std::string> AwsChunkedReader::ReadLine() {
  std::string line;
  for (;;) {
    char c;
    ASSIGN_OR_RETURN(size_t got, ReadRaw(&c, 1));
    if (got == 0) return InvalidArgumentError("aws-chunked body ends inside a chunk header");
    if (c == '\n') {
      if (line.empty() || line.back() != '\r') {
        return InvalidArgumentError("aws-chunked line not ended by CRLF");
      }
      line.pop_back();
      return line;
    }
    line += c;
    if (line.size() > kMaxLine) return InvalidArgumentError("aws-chunked header line too long");
  }
}

Status AwsChunkedReader::StartChunk() {
  ASSIGN_OR_RETURN(std::string header, ReadLine());
  size_t semi = header.find(';');
  std::string size_hex = header.substr(0, semi);
  chunk_signature_.clear();
  if (semi != std::string::npos) {
    constexpr std::string_view kSig = "chunk-signature=";
    std::string_view ext = std::string_view(header).substr(semi + 1);
    if (ext.substr(0, kSig.size()) == kSig) chunk_signature_ = ext.substr(kSig.size());
  }
  if (size_hex.empty() || size_hex.size() > 15) {
    return InvalidArgumentError(fmt::format("bad aws-chunked size '{}'", size_hex));
  }
  int64_t size = 0;
  for (char c : size_hex) {
    int v = (c >= '0' && c <= '9')   ? c - '0'
            : (c >= 'a' && c <= 'f') ? c - 'a' + 10
            : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                     : -1;
    if (v < 0) return InvalidArgumentError(fmt::format("bad aws-chunked size '{}'", size_hex));
    size = size * 16 + v;
  }
  if (signer_ && chunk_signature_.empty()) {
    return PermissionDeniedError("aws-chunked chunk without a signature");
  }
  chunk_left_ = size;
  in_chunk_ = true;
  if (signer_) chunk_sha_ = std::make_unique<Digest>(Digest::Kind::kSha256);
  if (size == 0) {
    RETURN_IF_ERROR(EndChunk());
    // Trailers (e.g. x-amz-checksum-crc32), then an empty line. (Trailer checksums and the
    // trailer signature are not checked.)
    for (;;) {
      ASSIGN_OR_RETURN(std::string line, ReadLine());
      if (line.empty()) break;
    }
    done_ = true;
  }
  return Status();
}

Status AwsChunkedReader::EndChunk() {
  in_chunk_ = false;
  if (chunk_left_ == 0 && chunk_sha_ && signer_) {
    std::string sts = fmt::format("AWS4-HMAC-SHA256-PAYLOAD\n{}\n{}\n{}\n{}\n{}", signer_->amz_date,
                                  signer_->auth.scope(), previous_signature_, kEmptySha256,
                                  HexEncode(chunk_sha_->Finish()));
    std::string expected = HexEncode(HmacSha256(signing_key_, sts));
    chunk_sha_.reset();
    if (expected.size() != chunk_signature_.size() ||
        CRYPTO_memcmp(expected.data(), chunk_signature_.data(), expected.size()) != 0) {
      return PermissionDeniedError("aws-chunked chunk signature does not match");
    }
    previous_signature_ = expected;
  }
  return Status();
}

Result<size_t> AwsChunkedReader::Read(char* buf, size_t n) {
  while (!done_) {
    if (!in_chunk_) {
      RETURN_IF_ERROR(StartChunk());
      continue;
    }
    if (chunk_left_ > 0) {
      size_t want = static_cast<size_t>(std::min<int64_t>(chunk_left_, static_cast<int64_t>(n)));
      ASSIGN_OR_RETURN(size_t got, ReadRaw(buf, want));
      if (got == 0) return InvalidArgumentError("aws-chunked body ends inside a chunk");
      chunk_left_ -= static_cast<int64_t>(got);
      if (chunk_sha_) chunk_sha_->Update(std::string_view(buf, got));
      if (chunk_left_ == 0) {
        ASSIGN_OR_RETURN(std::string crlf, ReadLine());
        if (!crlf.empty()) return InvalidArgumentError("aws-chunked data longer than its size");
        RETURN_IF_ERROR(EndChunk());
      }
      return got;
    }
    // An empty chunk that is not the last: nothing to return, go on.
    ASSIGN_OR_RETURN(std::string crlf, ReadLine());
    if (!crlf.empty()) return InvalidArgumentError("aws-chunked data longer than its size");
    RETURN_IF_ERROR(EndChunk());
  }
  return size_t{0};
}

}  // namespace alluxio::proxy
