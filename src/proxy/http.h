// SPDX-License-Identifier: Apache-2.0
// The HTTP exchange as the S3 handler sees it, free of any HTTP library: a parsed request whose
// body is read in chunks (BodyReader) and a response sent either whole or streamed
// (ResponseWriter). http_server.cc implements both over Boost.Beast; tests implement them in
// memory. Also the small text helpers of HTTP and S3: percent-encoding, query strings, Range
// headers and dates.
//
// Thread-safety: a request and its reader/writer belong to the one thread serving the connection.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace alluxio::proxy {

// Header names are lower case; values as received (trimmed).
using Headers = std::multimap<std::string, std::string>;

// Reads a request body in chunks. Read returns 0 at the end of the body.
class BodyReader {
 public:
  virtual ~BodyReader() = default;
  // Up to `n` bytes into `buf`; 0 at the end. An error means the connection is unusable.
  virtual Result<size_t> Read(char* buf, size_t n) = 0;
  // The Content-Length, or -1 when unknown (chunked).
  virtual int64_t content_length() const = 0;
};

struct HttpRequest {
  std::string method;  // "GET", "PUT", ...
  std::string target;  // as received: "/api/v1/s3/b/k?x=y"
  std::string path;    // the target's path, still percent-encoded
  std::string query;   // the raw query string (after '?'), still percent-encoded
  Headers headers;
  BodyReader* body = nullptr;  // never null while a handler runs

  // The first value of a header (lower-case name), or empty.
  std::string Header(std::string_view name) const;
  bool HasHeader(std::string_view name) const { return headers.contains(std::string(name)); }
};

// Sends the response. Exactly one of Send, or Begin followed by Write calls, per request.
class ResponseWriter {
 public:
  virtual ~ResponseWriter() = default;
  // A whole response; Content-Length is set from `body`. For HEAD the body is not sent.
  virtual Status Send(int status, const Headers& headers, std::string_view body) = 0;
  // Starts a response of `content_length` bytes that Write streams (HEAD: nothing to Write).
  virtual Status Begin(int status, const Headers& headers, int64_t content_length) = 0;
  virtual Status Write(std::string_view chunk) = 0;
  virtual bool started() const = 0;
};

// Percent-decoding ("%2F" -> "/"; '+' stays '+' unless `plus_is_space`, as in query strings).
// InvalidArgument on a malformed escape.
Result<std::string> UriDecode(std::string_view s, bool plus_is_space = false);

// Decoded query parameters in order of appearance ("a=1&b" -> {("a","1"),("b","")}).
Result<std::vector<std::pair<std::string, std::string>>> ParseQuery(std::string_view query);

// A byte range of an object of `size` bytes: [first, last], inclusive.
struct ByteRange {
  int64_t first = 0;
  int64_t last = 0;
  int64_t length() const { return last - first + 1; }
};
// Parses a Range header ("bytes=0-9", "bytes=5-", "bytes=-3") against an object of `size` bytes.
// nullopt result: ignore the header (absent, not "bytes=", several ranges: S3 serves the whole
// object then). OutOfRange: unsatisfiable (first >= size, or an empty object) -> 416 InvalidRange.
Result<std::optional<ByteRange>> ParseRange(std::string_view header, int64_t size);

// RFC 7231 date ("Sun, 06 Nov 1994 08:49:37 GMT") of a Unix time in ms, and back (-1 on error).
std::string HttpDate(int64_t ms);
int64_t ParseHttpDate(std::string_view s);
// ISO 8601 with milliseconds, as S3 XML uses ("2009-10-12T17:50:30.000Z").
std::string IsoDate(int64_t ms);

}  // namespace alluxio::proxy
