// SPDX-License-Identifier: Apache-2.0
// S3Handler: construction, per-user clients, routing, authentication, bucket operations and
// object listings. Object and multipart operations are in s3_objects.cc.
#include "proxy/s3_handler.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <iterator>
#include <random>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/conf/property_key.h"
#include "common/strings.h"
#include "proxy/digest.h"
#include "proxy/listing.h"
#include "proxy/s3_ops.h"
#include "proxy/s3_xml.h"
#include "proxy/sigv4.h"

namespace alluxio::proxy {

namespace k = conf::keys;
namespace fsopts = ::alluxio::grpc::file;

constexpr std::string_view kApiPrefix = "/api/v1/s3";
constexpr int kMaxKeysLimit = 1000;

S3Handler::S3Handler(S3HandlerOptions options, ClientFactory factory, std::string default_user)
    : options_(std::move(options)),
      factory_(std::move(factory)),
      default_user_(std::move(default_user)) {}

Result<std::unique_ptr<S3Handler>> S3Handler::Create(const conf::Configuration& conf) {
  S3HandlerOptions o;
  ASSIGN_OR_RETURN(std::string wt, conf.GetEnum(k::kProxyS3WriteType));
  ::alluxio::grpc::WritePType type;
  if (!::alluxio::grpc::WritePType_Parse(wt, &type)) {
    return InvalidArgumentError(fmt::format("Unknown write type {}", wt));
  }
  o.write_type = type;
  ASSIGN_OR_RETURN(o.verify_signatures, conf.GetBool(k::kProxyS3SignatureVerificationEnabled));
  ASSIGN_OR_RETURN(std::vector<std::string> creds, conf.GetList(k::kProxyS3Credentials));
  for (const std::string& c : creds) {
    size_t colon = c.find(':');
    if (colon == std::string::npos || colon == 0) {
      return InvalidArgumentError(
          fmt::format("{}: expected accessKey:secretKey pairs", k::kProxyS3Credentials.name));
    }
    o.credentials[c.substr(0, colon)] = c.substr(colon + 1);
  }
  if (o.verify_signatures && o.credentials.empty()) {
    return InvalidArgumentError(fmt::format("{} is enabled but {} is empty",
                                            k::kProxyS3SignatureVerificationEnabled.name,
                                            k::kProxyS3Credentials.name));
  }
  std::string default_user =
      conf.IsSet(k::kSecurityLoginUsername) ? conf.Get(k::kSecurityLoginUsername) : std::string();
  if (default_user.empty()) {
    char buf[256];
    default_user = getlogin_r(buf, sizeof(buf)) == 0 ? buf : "";
    if (default_user.empty()) {
      const char* u = getenv("USER");
      default_user = u ? u : "root";
    }
  }
  ClientFactory factory =
      [conf](const std::string& user) -> Result<std::unique_ptr<client::FileSystem>> {
    conf::Configuration c = conf;
    RETURN_IF_ERROR(c.Set(k::kSecurityLoginUsername, user));
    return client::FileSystem::Create(c);
  };
  return std::make_unique<S3Handler>(std::move(o), std::move(factory), std::move(default_user));
}

Result<std::shared_ptr<client::FileSystem>> S3Handler::ClientFor(const std::string& user) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = clients_.find(user);
  if (it != clients_.end()) return it->second;
  ASSIGN_OR_RETURN(std::unique_ptr<client::FileSystem> fs, factory_(user));
  if (clients_.size() >= kMaxClients) {
    // Evict one at random (a request in flight holds its own reference).
    thread_local std::mt19937 rng(std::random_device{}());
    auto victim = clients_.begin();
    std::advance(victim, std::uniform_int_distribution<size_t>(0, clients_.size() - 1)(rng));
    clients_.erase(victim);
  }
  std::shared_ptr<client::FileSystem> shared = std::move(fs);
  clients_.emplace(user, shared);
  return shared;
}

Status S3Handler::Handle(HttpRequest& req, ResponseWriter& resp) {
  static std::atomic<uint64_t> counter{0};
  static const uint64_t salt = std::random_device()();
  std::string request_id = fmt::format("{:016X}", salt ^ (counter++ * 0x9E3779B97F4A7C15ULL));
  Ops ops(this, &req, &resp, std::move(request_id));
  return ops.Serve();
}

// --- Helpers ---

std::string S3Handler::Ops::ETagOf(const FileInfo& info) {
  auto it = info.xattr().find(kXAttrETag);
  if (it != info.xattr().end() && !it->second.empty()) return it->second;
  // Not written through S3: an ETag that changes when the file does.
  return HexEncode(Md5(
      fmt::format("{}-{}-{}", info.file_id(), info.length(), info.last_modification_time_ms())));
}

bool S3Handler::Ops::HasQuery(std::string_view name) const {
  for (const auto& [k, v] : query_) {
    if (k == name) return true;
  }
  return false;
}

std::string S3Handler::Ops::Query(std::string_view name) const {
  for (const auto& [k, v] : query_) {
    if (k == name) return v;
  }
  return {};
}

std::string S3Handler::Ops::BucketPath() const {
  std::string b = bucket_;
  for (char& c : b) {
    if (c == ':') c = '/';
  }
  return "/" + b;
}

Status S3Handler::Ops::SendError(const S3Error& e) {
  if (resp_->started()) return InternalError("response already started: " + e.message);
  std::string resource = req_->path;
  Headers h{{"content-type", "application/xml"}, {"x-amz-request-id", request_id_}};
  if (e.http_status >= 500)
    spdlog::warn("S3 {} {}: {} {}", req_->method, req_->target, e.code, e.message);
  if (req_->method == "HEAD") return resp_->Send(e.http_status, h, "");
  return resp_->Send(e.http_status, h, ErrorXml(e, resource, request_id_));
}

Status S3Handler::Ops::SendXml(int status, const std::string& xml, Headers headers) {
  headers.emplace("content-type", "application/xml");
  headers.emplace("x-amz-request-id", request_id_);
  return resp_->Send(status, headers, xml);
}

Status S3Handler::Ops::SendEmpty(int status, Headers headers) {
  headers.emplace("x-amz-request-id", request_id_);
  return resp_->Send(status, headers, "");
}

std::optional<S3Error> S3Handler::Ops::CheckBucket() {
  Result<FileInfo> st = fs_->GetStatus(BucketPath());
  if (!st.ok()) return ErrorFromStatus(st.status(), bucket_, true);
  if (!st->folder()) return S3Error::NoSuchBucket(bucket_);
  return std::nullopt;
}

Result<std::string> S3Handler::Ops::ReadSmallBody(size_t limit) {
  std::string body;
  char buf[16384];
  for (;;) {
    ASSIGN_OR_RETURN(size_t n, req_->body->Read(buf, sizeof(buf)));
    if (n == 0) break;
    body.append(buf, n);
    if (body.size() > limit) return InvalidArgumentError("request body too large");
  }
  // A signed request's body must be the one it signed (x-amz-content-sha256), or a captured
  // request could be replayed with another body.
  std::string signed_hash = req_->Header("x-amz-content-sha256");
  if (chunk_signer_.has_value() && signed_hash.size() == 64 &&
      signed_hash != HexEncode(Sha256(body))) {
    return InvalidArgumentError(
        "XAmzContentSHA256Mismatch: the body does not match x-amz-content-sha256");
  }
  return body;
}

// --- Routing ---

Status S3Handler::Ops::Serve() {
  std::string_view path = req_->path;
  if (path.substr(0, kApiPrefix.size()) == kApiPrefix &&
      (path.size() == kApiPrefix.size() || path[kApiPrefix.size()] == '/')) {
    path.remove_prefix(kApiPrefix.size());
  } else if (path.substr(0, 5) == "/api/" || path == "/api") {
    return SendError(S3Error{404, "NoSuchResource", "Not an S3 API path (use /api/v1/s3/)"});
  }
  // Else the S3 API at the root of the port, for clients whose endpoint cannot carry a path
  // (s3cmd): an extension of Alluxio's API (a bucket named "api" is reachable only under
  // /api/v1/s3/).
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  size_t slash = path.find('/');
  Result<std::string> bucket = UriDecode(path.substr(0, slash));
  Result<std::string> key = slash == std::string_view::npos ? Result<std::string>(std::string())
                                                            : UriDecode(path.substr(slash + 1));
  auto query = ParseQuery(req_->query);
  if (!bucket.ok() || !key.ok() || !query.ok()) {
    return SendError(S3Error::InvalidArgument("Malformed percent-encoding in the request URI"));
  }
  bucket_ = std::move(*bucket);
  key_ = std::move(*key);
  query_ = std::move(*query);
  if (std::optional<S3Error> e = Authenticate()) return SendError(*e);
  return Dispatch();
}

std::optional<S3Error> S3Handler::Ops::Authenticate() {
  std::string auth = req_->Header("authorization");
  if (auth.empty() && HasQuery("X-Amz-Credential")) {  // a presigned URL
    Result<PresignedSigV4> p = ParsePresignedQuery(query_);
    if (!p.ok()) return S3Error::AccessDenied(p.status().message());
    if (h_->options_.verify_signatures) {
      auto it = h_->options_.credentials.find(p->auth.access_key);
      if (it == h_->options_.credentials.end()) return S3Error::InvalidAccessKeyId();
      const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
      Status s = VerifyPresignedSigV4(*req_, *p, it->second, now);
      if (s.message() == "Request has expired") return S3Error::AccessDenied(s.message());
      if (s.code() == StatusCode::kPermissionDenied) return S3Error::SignatureDoesNotMatch();
      if (!s.ok()) return S3Error::AccessDenied(s.message());
    }
    user_ = p->auth.access_key;
  } else if (h_->options_.verify_signatures) {
    if (auth.empty()) return S3Error::AccessDenied("the request is not signed");
    Result<SigV4Authorization> v4 = ParseSigV4Authorization(auth);
    if (!v4.ok()) return S3Error::AccessDenied("only AWS Signature Version 4 is accepted");
    auto it = h_->options_.credentials.find(v4->access_key);
    if (it == h_->options_.credentials.end()) return S3Error::InvalidAccessKeyId();
    const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    Status s = VerifySigV4(*req_, *v4, it->second, now);
    if (s.code() == StatusCode::kDeadlineExceeded) {
      return S3Error{403, "RequestTimeTooSkewed", std::string(s.message())};
    }
    if (s.code() == StatusCode::kPermissionDenied) return S3Error::SignatureDoesNotMatch();
    if (!s.ok()) return S3Error::AccessDenied(s.message());
    chunk_signer_ = ChunkSigner{it->second, *v4, req_->Header("x-amz-date")};
    user_ = v4->access_key;
  } else {
    user_ = AccessKeyOf(auth);
  }
  if (user_.empty()) user_ = h_->default_user_;
  Result<std::shared_ptr<client::FileSystem>> fs = h_->ClientFor(user_);
  if (!fs.ok()) return S3Error::InternalError(fs.status().message());
  fs_owner_ = *fs;
  fs_ = fs_owner_.get();
  return std::nullopt;
}

Status S3Handler::Ops::Dispatch() {
  const std::string& m = req_->method;
  if (bucket_.empty()) {
    if (m == "GET") return ListBuckets();
    return SendError(S3Error::MethodNotAllowed());
  }
  if (!internal::IsValidBucket(bucket_)) return SendError(S3Error::InvalidBucketName(bucket_));
  if (key_.empty()) {
    if (m == "PUT") {
      if (HasQuery("tagging") || HasQuery("acl") || HasQuery("versioning") || HasQuery("policy") ||
          HasQuery("cors") || HasQuery("lifecycle")) {
        return SendError(S3Error::NotImplemented("bucket sub-resources"));
      }
      return CreateBucket();
    }
    if (m == "DELETE") return DeleteBucket();
    if (m == "HEAD") return HeadBucket();
    if (m == "GET") {
      if (HasQuery("uploads")) return ListMultipartUploads();
      if (HasQuery("location")) {
        if (auto e = CheckBucket()) return SendError(*e);
        XmlWriter w;
        w.Open("LocationConstraint", true).Close();
        return SendXml(200, w.str());
      }
      if (HasQuery("versioning")) {
        if (auto e = CheckBucket()) return SendError(*e);
        XmlWriter w;
        w.Open("VersioningConfiguration", true).Close();
        return SendXml(200, w.str());
      }
      if (HasQuery("tagging") || HasQuery("acl") || HasQuery("policy") || HasQuery("cors") ||
          HasQuery("lifecycle") || HasQuery("website") || HasQuery("logging")) {
        return SendError(S3Error::NotImplemented("bucket sub-resources"));
      }
      return ListObjects(Query("list-type") == "2");
    }
    if (m == "POST" && HasQuery("delete")) return DeleteObjects();
    return SendError(S3Error::MethodNotAllowed());
  }
  // Keys map onto paths inside the bucket (internal::IsStorableKey).
  if (!internal::IsStorableKey(key_)) {
    return SendError(S3Error::InvalidArgument(
        fmt::format("Object key '{}' cannot be stored (empty, '.' or '..' path components, or "
                    "reserved)",
                    key_)));
  }
  if (m == "PUT") {
    if (HasQuery("uploadId") || HasQuery("partNumber")) return UploadPart();
    if (HasQuery("tagging")) return PutObjectTagging();
    if (HasQuery("acl") || HasQuery("retention") || HasQuery("legal-hold")) {
      return SendError(S3Error::NotImplemented("object sub-resources"));
    }
    if (req_->HasHeader("x-amz-copy-source")) return CopyObject();
    return PutObject();
  }
  if (m == "GET") {
    if (HasQuery("uploadId")) return ListParts();
    if (HasQuery("tagging")) return GetObjectTagging();
    if (HasQuery("acl")) return SendError(S3Error::NotImplemented("object ACLs"));
    return GetObject(false);
  }
  if (m == "HEAD") return GetObject(true);
  if (m == "DELETE") {
    if (HasQuery("uploadId")) return AbortMultipartUpload();
    if (HasQuery("tagging")) return DeleteObjectTagging();
    return DeleteObject();
  }
  if (m == "POST") {
    if (HasQuery("uploads")) return CreateMultipartUpload();
    if (HasQuery("uploadId")) return CompleteMultipartUpload();
  }
  return SendError(S3Error::MethodNotAllowed());
}

// --- Buckets ---

Status S3Handler::Ops::ListBuckets() {
  XmlWriter w;
  w.Open("ListAllMyBucketsResult", true);
  w.Open("Owner").Element("ID", user_).Element("DisplayName", user_).Close();
  w.Open("Buckets");
  fsopts::ListStatusPOptions o;
  Status s = fs_->IterateStatus("/", o, [&](FileInfo&& f) {
    if (!f.folder() || f.name().empty() || f.name().front() == '.') return;
    w.Open("Bucket")
        .Element("Name", f.name())
        .Element("CreationDate", IsoDate(f.creation_time_ms()))
        .Close();
  });
  if (!s.ok()) return SendError(ErrorFromStatus(s, "/", true));
  w.Close().Close();
  return SendXml(200, w.str());
}

Status S3Handler::Ops::CreateBucket() {
  // The body (CreateBucketConfiguration) carries only a region: read and ignore it, but refuse a
  // malformed one as S3 does.
  Result<std::string> body = ReadSmallBody(64 << 10);
  if (!body.ok()) return SendError(S3Error::InvalidArgument(body.status().message()));
  if (!body->empty() && !ParseXml(*body).ok()) {
    return SendError(S3Error::MalformedXml("CreateBucketConfiguration"));
  }
  fsopts::CreateDirectoryPOptions o;
  o.set_recursive(false);
  o.set_persist(h_->options_.write_type != ::alluxio::grpc::MUST_CACHE);
  Status s = fs_->CreateDirectory(BucketPath(), o);
  if (s.code() == StatusCode::kAlreadyExists) {
    Result<FileInfo> st = fs_->GetStatus(BucketPath());
    if (st.ok() && st->owner() != user_) {
      return SendError(
          S3Error{409, "BucketAlreadyExists", "The requested bucket name is not available."});
    }
    return SendError(S3Error::BucketAlreadyOwnedByYou(bucket_));
  }
  if (!s.ok()) return SendError(ErrorFromStatus(s, bucket_, true));
  return SendEmpty(200, {{"location", "/" + bucket_}});
}

Status S3Handler::Ops::DeleteBucket() {
  bool empty = true;
  fsopts::ListStatusPOptions o;
  Status s = fs_->IterateStatus(BucketPath(), o, [&](FileInfo&& f) {
    if (f.name() != kInternalDir) empty = false;
  });
  if (!s.ok()) return SendError(ErrorFromStatus(s, bucket_, true));
  if (!empty) return SendError(S3Error::BucketNotEmpty(bucket_));
  // The hidden folder first (aborting unfinished uploads, as S3 does), then the bucket without
  // recursion: an object published meanwhile makes it BucketNotEmpty instead of vanishing.
  fsopts::DeletePOptions hidden;
  hidden.set_recursive(true);
  s = fs_->Delete(InternalPath(), hidden);
  if (!s.ok() && s.code() != StatusCode::kNotFound) {
    return SendError(ErrorFromStatus(s, bucket_, true));
  }
  s = fs_->Delete(BucketPath(), fsopts::DeletePOptions());
  if (s.code() == StatusCode::kFailedPrecondition) {
    return SendError(S3Error::BucketNotEmpty(bucket_));
  }
  if (!s.ok()) return SendError(ErrorFromStatus(s, bucket_, true));
  return SendEmpty(204);
}

Status S3Handler::Ops::HeadBucket() {
  if (auto e = CheckBucket()) return SendError(*e);
  return SendEmpty(200);
}

// --- Listings ---

Status S3Handler::Ops::ListObjects(bool v2) {
  const std::string prefix = Query("prefix");
  const std::string delimiter = Query("delimiter");
  const bool url = Query("encoding-type") == "url";
  int max_keys = kMaxKeysLimit;
  if (HasQuery("max-keys")) {
    try {
      max_keys = std::stoi(Query("max-keys"));
    } catch (...) {
      max_keys = -1;
    }
    if (max_keys < 0)
      return SendError(S3Error::InvalidArgument("max-keys must be a non-negative integer"));
    max_keys = std::min(max_keys, kMaxKeysLimit);
  }
  std::string start_after;
  const std::string token = Query("continuation-token");
  if (v2) {
    if (HasQuery("continuation-token")) {
      start_after = Base64Decode(token);
      if (start_after.empty())
        return SendError(S3Error::InvalidArgument("The continuation token provided is incorrect"));
    } else {
      start_after = Query("start-after");
    }
  } else {
    start_after = Query("marker");
  }
  if (auto e = CheckBucket()) return SendError(*e);
  // The prefix's directories must stay inside the bucket ("../other/" would list another one).
  if (size_t slash = prefix.rfind('/');
      slash != std::string::npos && !internal::IsStorableKey(prefix.substr(0, slash + 1))) {
    return SendError(S3Error::InvalidArgument(
        fmt::format("Prefix '{}' has empty, '.' or '..' path components", prefix)));
  }

  ListingPage page(prefix, delimiter, start_after, max_keys);
  // Nothing under the hidden folder is listed, whatever the prefix.
  const std::string hidden = std::string(kInternalDir) + "/";
  const bool hidden_prefix = prefix.compare(0, hidden.size(), hidden) == 0;
  if (max_keys > 0 && !hidden_prefix) {
    auto list = [this](const std::string& dir, const std::string& start_from, int64_t limit,
                       std::vector<FileInfo>* out) {
      fsopts::ListStatusPOptions o;
      o.set_start_from(start_from);
      o.set_limit(limit);
      return fs_->IterateStatus(dir, o, [out](FileInfo&& f) { out->push_back(std::move(f)); });
    };
    ListingWalker walker(list, IsFolderObject, &page, prefix, delimiter, start_after, kInternalDir,
                         max_keys + 2);
    Status s = walker.Run(BucketPath());
    if (!s.ok()) return SendError(ErrorFromStatus(s, bucket_, true));
  }
  std::vector<ListingPage::Entry> entries = page.Take();
  auto enc = [&](const std::string& s) { return url ? UriEncode(s, false) : s; };
  XmlWriter w;
  w.Open("ListBucketResult", true);
  w.Element("Name", bucket_).Element("Prefix", enc(prefix));
  if (v2) {
    if (HasQuery("continuation-token")) w.Element("ContinuationToken", token);
    if (HasQuery("start-after")) w.Element("StartAfter", enc(Query("start-after")));
    int count = static_cast<int>(entries.size());
    w.Element("KeyCount", std::to_string(count));
  } else {
    w.Element("Marker", enc(start_after));
  }
  w.Element("MaxKeys", std::to_string(max_keys));
  if (!delimiter.empty()) w.Element("Delimiter", enc(delimiter));
  if (url) w.Element("EncodingType", "url");
  w.Element("IsTruncated", page.truncated() ? "true" : "false");
  if (page.truncated() && !entries.empty()) {
    if (v2) {
      w.Element("NextContinuationToken", Base64Encode(entries.back().key));
    } else {
      w.Element("NextMarker", enc(entries.back().key));
    }
  }
  for (const ListingPage::Entry& e : entries) {
    if (e.is_prefix) continue;
    w.Open("Contents")
        .Element("Key", enc(e.key))
        .Element("LastModified", IsoDate(e.info.last_modification_time_ms()))
        .Element("ETag", "\"" + ETagOf(e.info) + "\"")
        .Element("Size", std::to_string(e.info.folder() ? 0 : e.info.length()));
    if (!v2 || Query("fetch-owner") == "true") {
      w.Open("Owner").Element("ID", e.info.owner()).Element("DisplayName", e.info.owner()).Close();
    }
    w.Element("StorageClass", "STANDARD").Close();
  }
  for (const ListingPage::Entry& e : entries) {
    if (e.is_prefix) w.Open("CommonPrefixes").Element("Prefix", enc(e.key)).Close();
  }
  w.Close();
  return SendXml(200, w.str());
}

}  // namespace alluxio::proxy
