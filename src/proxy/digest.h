// SPDX-License-Identifier: Apache-2.0
// Digests the S3 API needs, over OpenSSL's EVP interface: streaming MD5 (ETags, Content-MD5) and
// SHA-256 (x-amz-content-sha256), HMAC-SHA256 (SigV4), hex and base64, and S3's ETag of a
// multipart object. Thread-safety: a Digest is not thread-safe; the functions are.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace alluxio::proxy {

class Digest {
 public:
  enum class Kind { kMd5, kSha256 };
  explicit Digest(Kind kind);
  ~Digest();
  Digest(const Digest&) = delete;
  Digest& operator=(const Digest&) = delete;

  void Update(std::string_view data);
  // The raw digest; the object can then only be destroyed.
  std::string Finish();

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

std::string Md5(std::string_view data);                               // raw 16 bytes
std::string Sha256(std::string_view data);                            // raw 32 bytes
std::string HmacSha256(std::string_view key, std::string_view data);  // raw 32 bytes
std::string HexEncode(std::string_view raw);                          // lower case
// Hex back to raw bytes; empty on bad input.
std::string HexDecode(std::string_view hex);
std::string Base64Encode(std::string_view raw);
// Empty on bad input.
std::string Base64Decode(std::string_view b64);

// S3's ETag of an object completed from parts whose ETags (hex MD5s, without quotes) are given:
// hex(MD5(concatenated raw part MD5s)) + "-" + number of parts.
std::string MultipartETag(const std::vector<std::string>& part_etags);

}  // namespace alluxio::proxy
