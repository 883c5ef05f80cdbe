// SPDX-License-Identifier: Apache-2.0
#include "proxy/sigv4.h"

#include <openssl/crypto.h>

#include <time.h>

#include <algorithm>
#include <cstdlib>
#include <map>

#include <fmt/format.h>

#include "common/strings.h"
#include "proxy/digest.h"

namespace alluxio::proxy {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Trims and collapses runs of spaces (SigV4's canonical header value).
std::string CanonicalValue(std::string_view v) {
  v = Trim(v);
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

}  // namespace

Result<SigV4Authorization> ParseSigV4Authorization(std::string_view header) {
  constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
  header = Trim(header);
  if (header.substr(0, kAlgorithm.size()) != kAlgorithm) {
    return InvalidArgumentError("not an AWS4-HMAC-SHA256 Authorization header");
  }
  header.remove_prefix(kAlgorithm.size());
  SigV4Authorization a;
  bool have_credential = false, have_signed = false, have_signature = false;
  while (!header.empty()) {
    size_t comma = header.find(',');
    std::string_view part = Trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = part.substr(0, eq), value = part.substr(eq + 1);
    if (key == "Credential") {
      std::vector<std::string_view> f;
      for (size_t start = 0;;) {
        size_t slash = value.find('/', start);
        f.push_back(value.substr(start, slash - start));
        if (slash == std::string_view::npos) break;
        start = slash + 1;
      }
      if (f.size() != 5 || f[4] != "aws4_request") {
        return InvalidArgumentError(fmt::format("malformed Credential '{}'", value));
      }
      a.access_key = f[0];
      a.date = f[1];
      a.region = f[2];
      a.service = f[3];
      have_credential = true;
    } else if (key == "SignedHeaders") {
      for (size_t start = 0;;) {
        size_t semi = value.find(';', start);
        a.signed_headers.emplace_back(value.substr(start, semi - start));
        if (semi == std::string_view::npos) break;
        start = semi + 1;
      }
      have_signed = true;
    } else if (key == "Signature") {
      a.signature = value;
      have_signature = true;
    }
  }
  if (!have_credential || !have_signed || !have_signature) {
    return InvalidArgumentError(
        "Authorization header lacks Credential, SignedHeaders or Signature");
  }
  return a;
}

std::string AccessKeyOf(std::string_view authorization) {
  authorization = Trim(authorization);
  if (authorization.substr(0, 4) == "AWS ") {  // V2: "AWS key:signature"
    std::string_view rest = Trim(authorization.substr(4));
    return std::string(rest.substr(0, rest.find(':')));
  }
  size_t cred = authorization.find("Credential=");
  if (cred == std::string_view::npos) return {};
  std::string_view rest = authorization.substr(cred + 11);
  return std::string(rest.substr(0, rest.find('/')));
}

Result<std::string> CanonicalRequest(std::string_view method, std::string_view raw_path,
                                     std::string_view raw_query, const Headers& headers,
                                     const std::vector<std::string>& signed_headers,
                                     std::string_view payload_hash) {
  std::string out;
  out += method;
  out += '\n';
  ASSIGN_OR_RETURN(std::string path, UriDecode(raw_path));
  out += UriEncode(path.empty() ? "/" : path, /*encode_slash=*/false);
  out += '\n';
  // Query: decoded pairs re-encoded, sorted by name then value.
  std::vector<std::pair<std::string, std::string>> q;
  ASSIGN_OR_RETURN(auto pairs, ParseQuery(raw_query));
  for (auto& [k, v] : pairs) {
    if (k == "X-Amz-Signature") continue;  // (presigned URLs)
    q.emplace_back(UriEncode(k), UriEncode(v));
  }
  std::sort(q.begin(), q.end());
  for (size_t i = 0; i < q.size(); ++i) {
    if (i > 0) out += '&';
    out += q[i].first;
    out += '=';
    out += q[i].second;
  }
  out += '\n';
  for (const std::string& name : signed_headers) {
    out += name;
    out += ':';
    auto [begin, end] = headers.equal_range(name);
    bool first = true;
    for (auto it = begin; it != end; ++it) {
      if (!first) out += ',';
      first = false;
      out += CanonicalValue(it->second);
    }
    out += '\n';
  }
  out += '\n';
  for (size_t i = 0; i < signed_headers.size(); ++i) {
    if (i > 0) out += ';';
    out += signed_headers[i];
  }
  out += '\n';
  out += payload_hash;
  return out;
}

std::string SignV4(std::string_view secret_key, std::string_view amz_date,
                   const SigV4Authorization& auth, std::string_view canonical_request) {
  std::string string_to_sign = fmt::format("AWS4-HMAC-SHA256\n{}\n{}\n{}", amz_date, auth.scope(),
                                           HexEncode(Sha256(canonical_request)));
  std::string k = HmacSha256("AWS4" + std::string(secret_key), auth.date);
  k = HmacSha256(k, auth.region);
  k = HmacSha256(k, auth.service);
  k = HmacSha256(k, "aws4_request");
  return HexEncode(HmacSha256(k, string_to_sign));
}

namespace {

Status CheckSignature(const HttpRequest& req, const SigV4Authorization& auth,
                      std::string_view secret_key, const std::string& amz_date,
                      const std::string& payload) {
  ASSIGN_OR_RETURN(
      std::string canonical,
      CanonicalRequest(req.method, req.path, req.query, req.headers, auth.signed_headers, payload));
  std::string expected = SignV4(secret_key, amz_date, auth, canonical);
  if (expected.size() != auth.signature.size() ||
      CRYPTO_memcmp(expected.data(), auth.signature.data(), expected.size()) != 0) {
    return PermissionDeniedError("signature does not match");
  }
  return Status();
}

// Seconds since the epoch of "yyyymmddThhmmssZ", or -1.
int64_t ParseAmzDate(std::string_view d) {
  if (d.size() != 16 || d[8] != 'T' || d[15] != 'Z') return -1;
  auto num = [&](size_t pos, size_t len) {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (d[i] < '0' || d[i] > '9') return -1;
      v = v * 10 + (d[i] - '0');
    }
    return v;
  };
  struct tm tm = {};
  tm.tm_year = num(0, 4) - 1900;
  tm.tm_mon = num(4, 2) - 1;
  tm.tm_mday = num(6, 2);
  tm.tm_hour = num(9, 2);
  tm.tm_min = num(11, 2);
  tm.tm_sec = num(13, 2);
  if (tm.tm_year < 0 || tm.tm_mon < 0 || tm.tm_mday < 0 || tm.tm_hour < 0 || tm.tm_min < 0 ||
      tm.tm_sec < 0) {
    return -1;
  }
  return static_cast<int64_t>(timegm(&tm));
}

}  // namespace

Result<PresignedSigV4> ParsePresignedQuery(
    const std::vector<std::pair<std::string, std::string>>& query) {
  std::map<std::string, std::string> q(query.begin(), query.end());
  if (q["X-Amz-Algorithm"] != "AWS4-HMAC-SHA256") {
    return InvalidArgumentError("X-Amz-Algorithm must be AWS4-HMAC-SHA256");
  }
  for (const char* k : {"X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders",
                        "X-Amz-Signature"}) {
    if (q[k].empty()) return InvalidArgumentError(fmt::format("missing {}", k));
  }
  ASSIGN_OR_RETURN(SigV4Authorization auth,
                   ParseSigV4Authorization(fmt::format(
                       "AWS4-HMAC-SHA256 Credential={}, SignedHeaders={}, Signature={}",
                       q["X-Amz-Credential"], q["X-Amz-SignedHeaders"], q["X-Amz-Signature"])));
  PresignedSigV4 p;
  p.auth = std::move(auth);
  p.amz_date = q["X-Amz-Date"];
  try {
    p.expires_s = std::stoll(q["X-Amz-Expires"]);
  } catch (...) {
    return InvalidArgumentError("X-Amz-Expires must be a number of seconds");
  }
  if (p.expires_s < 1 || p.expires_s > 604800) {  // S3's limits: one second to seven days
    return InvalidArgumentError("X-Amz-Expires must be between 1 and 604800 seconds");
  }
  return p;
}

Status VerifyPresignedSigV4(const HttpRequest& req, const PresignedSigV4& p,
                            std::string_view secret_key, int64_t now_ms) {
  if (p.amz_date.substr(0, 8) != p.auth.date) {
    return PermissionDeniedError("X-Amz-Date does not match the credential scope");
  }
  int64_t signed_at = ParseAmzDate(p.amz_date);
  if (signed_at < 0) return InvalidArgumentError("malformed X-Amz-Date");
  if (now_ms / 1000 > signed_at + p.expires_s) return PermissionDeniedError("Request has expired");
  return CheckSignature(req, p.auth, secret_key, p.amz_date, "UNSIGNED-PAYLOAD");
}

Status VerifySigV4(const HttpRequest& req, const SigV4Authorization& auth,
                   std::string_view secret_key, int64_t now_ms) {
  std::string amz_date = req.Header("x-amz-date");
  if (amz_date.empty()) return InvalidArgumentError("missing x-amz-date");
  if (now_ms >= 0) {
    int64_t signed_at = ParseAmzDate(amz_date);
    if (signed_at < 0) return InvalidArgumentError("malformed x-amz-date");
    if (std::abs(now_ms / 1000 - signed_at) > 15 * 60) {
      return DeadlineExceededError(
          "The difference between the request time and the current time is too large.");
    }
  }
  if (amz_date.substr(0, 8) != auth.date) {
    return PermissionDeniedError("x-amz-date does not match the credential scope");
  }
  std::string payload = req.Header("x-amz-content-sha256");
  if (payload.empty()) payload = "UNSIGNED-PAYLOAD";
  return CheckSignature(req, auth, secret_key, amz_date, payload);
}

}  // namespace alluxio::proxy
