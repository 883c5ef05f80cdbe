// SPDX-License-Identifier: Apache-2.0
// AwsChunkedReader: decodes an `aws-chunked` request body (Content-Encoding: aws-chunked), as SDKs
// send it when they sign each chunk (x-amz-content-sha256: STREAMING-AWS4-HMAC-SHA256-PAYLOAD,
// the AWS Java SDK's default) or append trailing checksums (STREAMING-UNSIGNED-PAYLOAD-TRAILER,
// STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER):
//   <hex size>[;chunk-signature=<sig>]\r\n<data>\r\n ... 0[;chunk-signature=<sig>]\r\n
//   [<trailer>:<value>\r\n ...]\r\n
// With a ChunkSigner each chunk's signature is checked (AWS's chained chunk signatures) when the
// chunk ends; a mismatch or a malformed body fails the Read that reaches it.
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
// Thread-safety: not thread-safe (one request).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "proxy/digest.h"
#include "proxy/http.h"
#include "proxy/sigv4.h"

namespace alluxio::proxy {

// What verifying chained chunk signatures needs: the secret, the request's scope and date, and
// the seed (the Authorization header's signature).
struct ChunkSigner {
  std::string secret_key;
  SigV4Authorization auth;  // scope; auth.signature is the seed
  std::string amz_date;
};

class AwsChunkedReader : public BodyReader {
 public:
  // `raw` must outlive the reader. `decoded_length` is x-amz-decoded-content-length (-1 unknown).
  AwsChunkedReader(BodyReader* raw, int64_t decoded_length, std::optional<ChunkSigner> signer);

  Result<size_t> Read(char* buf, size_t n) override;
  int64_t content_length() const override { return decoded_length_; }

 private:
  // Reads one "\r\n"-terminated line (without it) from the raw body.
  Result<std::string> ReadLine();
  // Up to `n` raw bytes (buffered).
  Result<size_t> ReadRaw(char* buf, size_t n);
  Status StartChunk();  // parses a chunk header (and the trailers after the last)
  Status EndChunk();    // the "\r\n" after the data; checks the signature

  BodyReader* raw_;
  int64_t decoded_length_;
  std::optional<ChunkSigner> signer_;
  std::string signing_key_;
  std::string previous_signature_;
  std::string buffer_;  // raw bytes read ahead
  size_t buffer_pos_ = 0;
  int64_t chunk_left_ = 0;  // data bytes left in the current chunk
  bool in_chunk_ = false;
  bool done_ = false;
  std::string chunk_signature_;
  std::unique_ptr<Digest> chunk_sha_;
};

}  // namespace alluxio::proxy
