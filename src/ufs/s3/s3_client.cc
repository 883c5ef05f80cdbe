// SPDX-License-Identifier: Apache-2.0
#include "ufs/s3/s3_client.h"

#include <curl/curl.h>
#include <time.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <thread>

#include <fmt/format.h>

#include "common/strings.h"

namespace alluxio::ufs {

namespace {

void GlobalInit() {
  static const bool done = [] {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return true;
  }();
  (void)done;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == '\r' || s.back() == '\n' || s.back() == ' ')) {
    s.remove_suffix(1);
  }
  return std::string(s);
}

std::string XmlDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    static const std::pair<std::string_view, char> kEntities[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    bool matched = false;
    for (const auto& [name, c] : kEntities) {
      if (s.substr(i, name.size()) == name) {
        out += c;
        i += name.size() - 1;
        matched = true;
        break;
      }
    }
    if (!matched && s.substr(i, 2) == "&#") {
      size_t semi = s.find(';', i);
      if (semi != std::string_view::npos) {
        std::string num(s.substr(i + 2, semi - i - 2));
        unsigned long code = num.size() > 1 && (num[0] == 'x' || num[0] == 'X')
                                 ? std::strtoul(num.c_str() + 1, nullptr, 16)
                                 : std::strtoul(num.c_str(), nullptr, 10);
        if (code < 0x80) {
          out += static_cast<char>(code);
        } else if (code < 0x800) {
          out += static_cast<char>(0xc0 | (code >> 6));
          out += static_cast<char>(0x80 | (code & 0x3f));
        } else {
          out += static_cast<char>(0xe0 | (code >> 12));
          out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
          out += static_cast<char>(0x80 | (code & 0x3f));
        }
        i = semi;
        matched = true;
      }
    }
    if (!matched) out += '&';
  }
  return out;
}

StatusCode CodeOfHttp(long status) {
  switch (status) {
    case 400:
      return StatusCode::kInvalidArgument;
    case 401:
    case 403:
      return StatusCode::kPermissionDenied;
    case 404:
      return StatusCode::kNotFound;
    case 409:
      return StatusCode::kAlreadyExists;
    case 412:
      return StatusCode::kFailedPrecondition;
    case 416:
      return StatusCode::kOutOfRange;
    case 429:
    case 500:
    case 502:
    case 503:
    case 504:
      return StatusCode::kUnavailable;
    default:
      return StatusCode::kUnknown;
  }
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(user);
  std::string_view line(data, size * n);
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    (*headers)[AsciiLower(line.substr(0, colon))] = Trim(line.substr(colon + 1));
  }
  return size * n;
}

struct Sink {
  std::string* body;
  char* buf;
  size_t capacity;
  size_t written = 0;
  bool to_buffer = false;
};

size_t OnData(char* data, size_t size, size_t n, void* user) {
  auto* s = static_cast<Sink*>(user);
  size_t len = size * n;
  if (s->to_buffer) {
    size_t take = std::min(len, s->capacity - s->written);
    std::memcpy(s->buf + s->written, data, take);
    s->written += take;
    return take == len ? len : 0;  // more than asked for: abort the transfer
  }
  s->body->append(data, len);
  return len;
}

struct Source {
  std::string_view mem;
  FILE* file = nullptr;
  int64_t remaining = 0;
};

size_t OnRead(char* out, size_t size, size_t n, void* user) {
  auto* s = static_cast<Source*>(user);
  size_t want = std::min<int64_t>(static_cast<int64_t>(size * n), s->remaining);
  size_t got = 0;
  if (s->file != nullptr) {
    got = std::fread(out, 1, want, s->file);
  } else {
    got = std::min(want, s->mem.size());
    std::memcpy(out, s->mem.data(), got);
    s->mem.remove_prefix(got);
  }
  s->remaining -= static_cast<int64_t>(got);
  return got;
}

}  // namespace

std::optional<std::string> XmlTag(std::string_view xml, std::string_view tag, size_t from,
                                  size_t* end) {
  std::string open = fmt::format("<{}>", tag), close = fmt::format("</{}>", tag);
  size_t a = xml.find(open, from);
  if (a == std::string_view::npos) {
    // An empty element: <Tag/>.
    size_t e = xml.find(fmt::format("<{}/>", tag), from);
    if (e == std::string_view::npos) return std::nullopt;
    if (end != nullptr) *end = e + tag.size() + 3;
    return std::string();
  }
  size_t b = xml.find(close, a + open.size());
  if (b == std::string_view::npos) return std::nullopt;
  if (end != nullptr) *end = b + close.size();
  return XmlDecode(xml.substr(a + open.size(), b - a - open.size()));
}

int64_t ParseS3Time(std::string_view text) {
  struct tm tm = {};
  std::string s(text);
  const char* rest = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  int64_t ms = 0;
  if (rest == nullptr) {
    rest = strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S", &tm);
    if (rest == nullptr) return 0;
  } else if (*rest == '.') {
    int digits = 0;
    for (++rest; *rest >= '0' && *rest <= '9'; ++rest) {
      if (digits++ < 3) ms = ms * 10 + (*rest - '0');
    }
    for (; digits < 3; ++digits) ms *= 10;
  }
  return static_cast<int64_t>(timegm(&tm)) * 1000 + ms;
}

S3Client::S3Client(S3ClientOptions options) : options_(std::move(options)) { GlobalInit(); }

Result<S3Client::Response> S3Client::ExecuteOnce(const Request& r, bool* retryable) {
  *retryable = false;
  // One handle per thread, reset per request: its connection cache keeps connections to the
  // endpoint alive across requests (no TCP handshake per ranged GET).
  thread_local std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return InternalError("curl_easy_init failed");
  curl_easy_reset(curl.get());
  std::string url = options_.endpoint;
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += "/" + UriEncode(r.bucket);
  if (!r.key.empty()) url += "/" + UriEncode(r.key, /*encode_slash=*/false);
  // SigV4 wants the query sorted by name.
  std::vector<std::pair<std::string, std::string>> query = r.query;
  std::sort(query.begin(), query.end());
  for (size_t i = 0; i < query.size(); ++i) {
    url += (i == 0 ? "?" : "&") + UriEncode(query[i].first) + "=" + UriEncode(query[i].second);
  }
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.request_timeout_ms));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
  std::string sigv4 = fmt::format("aws:amz:{}:s3", options_.region);
  std::string userpwd = options_.access_key + ":" + options_.secret_key;
  if (!options_.access_key.empty()) {
    curl_easy_setopt(c, CURLOPT_AWS_SIGV4, sigv4.c_str());
    curl_easy_setopt(c, CURLOPT_USERPWD, userpwd.c_str());
  }
  struct curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "x-amz-content-sha256: UNSIGNED-PAYLOAD");
  headers = curl_slist_append(headers, "Expect:");
  for (const std::string& h : r.headers) headers = curl_slist_append(headers, h.c_str());
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> header_guard(headers, curl_slist_free_all);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);

  Source source;
  std::unique_ptr<FILE, int (*)(FILE*)> file(nullptr, std::fclose);
  if (r.method == "PUT" || r.method == "POST") {
    if (!r.upload_file.empty()) {
      file.reset(std::fopen(r.upload_file.c_str(), "rb"));
      if (!file) return InternalError(fmt::format("Cannot read {}", r.upload_file));
      if (std::fseek(file.get(), static_cast<long>(r.upload_offset), SEEK_SET) != 0) {
        return InternalError(fmt::format("Cannot seek in {}", r.upload_file));
      }
      source.file = file.get();
      source.remaining = r.upload_size;
    } else {
      source.mem = r.body;
      source.remaining = static_cast<int64_t>(r.body.size());
    }
    if (r.method == "PUT") {
      curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(source.remaining));
    } else {
      curl_easy_setopt(c, CURLOPT_POST, 1L);
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(source.remaining));
    }
    curl_easy_setopt(c, CURLOPT_READFUNCTION, OnRead);
    curl_easy_setopt(c, CURLOPT_READDATA, &source);
  } else if (r.method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (r.method != "GET") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, r.method.c_str());
  }
  Response resp;
  Sink sink{&resp.body, r.sink, r.sink_capacity};
  sink.to_buffer = r.sink != nullptr;
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnData);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &resp.headers);
  CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    *retryable = rc != CURLE_WRITE_ERROR;
    return UnavailableError(fmt::format("S3 {} {}: {}", r.method, url, curl_easy_strerror(rc)));
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp.http_status);
  resp.sink_bytes = sink.written;
  StatusCode code = CodeOfHttp(resp.http_status);
  *retryable = code == StatusCode::kUnavailable;
  return resp;
}

Result<S3Client::Response> S3Client::Execute(const Request& r, std::vector<long> accept) {
  int64_t backoff = options_.base_backoff_ms;
  Status last;
  for (int attempt = 1;; ++attempt) {
    bool retryable = false;
    Result<Response> resp = ExecuteOnce(r, &retryable);
    if (resp.ok()) {
      long st = resp->http_status;
      bool accepted = std::find(accept.begin(), accept.end(), st) != accept.end();
      if ((st >= 200 && st < 300) || accepted) return resp;
      std::string s3_code = XmlTag(resp->body, "Code").value_or("");
      std::string message = XmlTag(resp->body, "Message").value_or("");
      std::string where = r.key.empty() ? r.bucket : r.bucket + "/" + r.key;
      last = Status(CodeOfHttp(st), fmt::format("S3 {} {}: HTTP {}{}{}", r.method, where, st,
                                                s3_code.empty() ? "" : " " + s3_code,
                                                message.empty() ? "" : " (" + message + ")"));
    } else {
      last = resp.status();
    }
    if (!retryable || attempt >= options_.max_attempts) return last;
    std::this_thread::sleep_for(std::chrono::milliseconds(backoff));
    backoff = std::min<int64_t>(backoff * 2, 2000);
  }
}

Result<S3Object> S3Client::HeadObject(const std::string& bucket, const std::string& key) {
  Request r;
  r.method = "HEAD";
  r.bucket = bucket;
  r.key = key;
  ASSIGN_OR_RETURN(Response resp, Execute(r));
  S3Object o;
  o.key = key;
  o.size = std::atoll(resp.headers["content-length"].c_str());
  o.etag = Unquote(resp.headers["etag"]);
  o.last_modified_ms = ParseS3Time(resp.headers["last-modified"]);
  return o;
}

Result<size_t> S3Client::GetRange(const std::string& bucket, const std::string& key, int64_t offset,
                                  char* buf, size_t n, const std::string& if_match) {
  if (n == 0) return size_t{0};
  Request r;
  r.bucket = bucket;
  r.key = key;
  r.headers.push_back(fmt::format("Range: bytes={}-{}", offset, offset + n - 1));
  if (!if_match.empty()) r.headers.push_back(fmt::format("If-Match: \"{}\"", if_match));
  r.sink = buf;
  r.sink_capacity = n;
  Result<Response> resp = Execute(r, {416});
  if (!resp.ok()) return resp.status();
  if (resp->http_status == 416) return size_t{0};  // at or past the end
  return resp->sink_bytes;
}

Status S3Client::PutObject(const std::string& bucket, const std::string& key,
                           std::string_view body) {
  Request r;
  r.method = "PUT";
  r.bucket = bucket;
  r.key = key;
  r.body = body;
  return Execute(r).status();
}

Status S3Client::PutObjectFromFile(const std::string& bucket, const std::string& key,
                                   const std::string& path) {
  Request r;
  r.method = "PUT";
  r.bucket = bucket;
  r.key = key;
  r.upload_file = path;
  std::error_code ec;
  r.upload_size = static_cast<int64_t>(std::filesystem::file_size(path, ec));
  if (ec) return InternalError(fmt::format("Cannot read {}: {}", path, ec.message()));
  return Execute(r).status();
}

Result<S3ListPage> S3Client::ListObjects(const std::string& bucket, const std::string& prefix,
                                         const std::string& delimiter, const std::string& token,
                                         int max_keys) {
  // ListObjects (version 1, with markers): every S3 implementation has it (s3rver's V2
  // continuation tokens fail on current Node.js).
  Request r;
  r.bucket = bucket;
  r.query = {{"max-keys", std::to_string(max_keys)}};
  if (!prefix.empty()) r.query.emplace_back("prefix", prefix);
  if (!delimiter.empty()) r.query.emplace_back("delimiter", delimiter);
  if (!token.empty()) r.query.emplace_back("marker", token);
  ASSIGN_OR_RETURN(Response resp, Execute(r));
  S3ListPage page;
  std::string_view xml = resp.body;
  size_t pos = 0, end = 0;
  while (auto contents = XmlTag(xml, "Contents", pos, &end)) {
    pos = end;
    S3Object o;
    o.key = XmlTag(*contents, "Key").value_or("");
    o.size = std::atoll(XmlTag(*contents, "Size").value_or("0").c_str());
    o.etag = Unquote(XmlTag(*contents, "ETag").value_or(""));
    o.last_modified_ms = ParseS3Time(XmlTag(*contents, "LastModified").value_or(""));
    page.objects.push_back(std::move(o));
  }
  pos = 0;
  while (auto common = XmlTag(xml, "CommonPrefixes", pos, &end)) {
    pos = end;
    page.common_prefixes.push_back(XmlTag(*common, "Prefix").value_or(""));
  }
  if (XmlTag(xml, "IsTruncated").value_or("false") == "true") {
    // NextMarker when the server gives one (with a delimiter), else the last key or prefix.
    page.next_token = XmlTag(xml, "NextMarker").value_or("");
    if (page.next_token.empty()) {
      if (!page.objects.empty()) page.next_token = page.objects.back().key;
      if (!page.common_prefixes.empty()) {
        page.next_token = std::max(page.next_token, page.common_prefixes.back());
      }
    }
    if (page.next_token.empty() || page.next_token == token) {
      return DataLossError(
          fmt::format("S3 listing of {}/{} is truncated but makes no progress", bucket, prefix));
    }
  }
  return page;
}

Status S3Client::DeleteObject(const std::string& bucket, const std::string& key) {
  Request r;
  r.method = "DELETE";
  r.bucket = bucket;
  r.key = key;
  return Execute(r, {404}).status();
}

Status S3Client::CopyObject(const std::string& bucket, const std::string& from,
                            const std::string& to) {
  Request r;
  r.method = "PUT";
  r.bucket = bucket;
  r.key = to;
  r.headers.push_back("x-amz-copy-source: /" + UriEncode(bucket) + "/" +
                      UriEncode(from, /*encode_slash=*/false));
  ASSIGN_OR_RETURN(Response resp, Execute(r));
  // A copy can fail after its 200 (S3 sends the error in the body).
  if (XmlTag(resp.body, "Error").has_value()) {
    return UnavailableError(fmt::format("S3 copy of {} to {} failed: {}", from, to,
                                        XmlTag(resp.body, "Code").value_or("?")));
  }
  return Status();
}

Status S3Client::CreateBucket(const std::string& bucket) {
  Request r;
  r.method = "PUT";
  r.bucket = bucket;
  return Execute(r, {409}).status();
}

Status S3Client::UploadFileMultipart(const std::string& bucket, const std::string& key,
                                     const std::string& path, int64_t size, int64_t part_size) {
  Request create;
  create.method = "POST";
  create.bucket = bucket;
  create.key = key;
  create.query = {{"uploads", ""}};
  ASSIGN_OR_RETURN(Response created, Execute(create));
  std::string upload_id = XmlTag(created.body, "UploadId").value_or("");
  if (upload_id.empty()) return DataLossError("S3 CreateMultipartUpload returned no UploadId");
  auto abort = [&](Status s) {
    Request a;
    a.method = "DELETE";
    a.bucket = bucket;
    a.key = key;
    a.query = {{"uploadId", upload_id}};
    Execute(a).status().IgnoreError();  // best effort (some servers do not implement it)
    return s;
  };
  std::string complete = "<CompleteMultipartUpload>";
  int part = 1;
  for (int64_t off = 0; off < size; off += part_size, ++part) {
    Request up;
    up.method = "PUT";
    up.bucket = bucket;
    up.key = key;
    up.query = {{"partNumber", std::to_string(part)}, {"uploadId", upload_id}};
    up.upload_file = path;
    up.upload_offset = off;
    up.upload_size = std::min(part_size, size - off);
    Result<Response> resp = Execute(up);
    if (!resp.ok()) return abort(resp.status());
    complete += fmt::format("<Part><PartNumber>{}</PartNumber><ETag>{}</ETag></Part>", part,
                            resp->headers["etag"]);
  }
  complete += "</CompleteMultipartUpload>";
  Request done;
  done.method = "POST";
  done.bucket = bucket;
  done.key = key;
  done.query = {{"uploadId", upload_id}};
  done.body = complete;
  Result<Response> resp = Execute(done);
  if (!resp.ok()) return abort(resp.status());
  if (XmlTag(resp->body, "Error").has_value()) {
    return abort(UnavailableError(fmt::format("S3 CompleteMultipartUpload of {} failed: {}", key,
                                              XmlTag(resp->body, "Code").value_or("?"))));
  }
  return Status();
}

}  // namespace alluxio::ufs
