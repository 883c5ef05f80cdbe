// SPDX-License-Identifier: Apache-2.0
// S3Handler: object operations (PUT, GET/HEAD, DELETE, batch delete, copy, tagging). Multipart
// uploads are in s3_multipart.cc. See s3_handler.h for how objects map onto files.
#include <algorithm>
#include <chrono>
#include <random>
#include <thread>
#include <tuple>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/strings.h"
#include "proxy/aws_chunked.h"
#include "proxy/digest.h"
#include "proxy/s3_ops.h"
#include "proxy/s3_xml.h"

namespace alluxio::proxy {

namespace fsopts = ::alluxio::grpc::file;
using internal::kMaxXmlBody;
using internal::RandomHex;

namespace {

constexpr int kMaxTags = 10;

// "k1=v1&k2=v2" (x-amz-tagging and the stored form) <-> pairs.
Result<std::vector<std::pair<std::string, std::string>>> ParseTags(std::string_view s) {
  return ParseQuery(s);
}
std::string EncodeTags(const std::vector<std::pair<std::string, std::string>>& tags) {
  std::string out;
  for (const auto& [k, v] : tags) {
    if (!out.empty()) out += '&';
    out += UriEncode(k) + "=" + UriEncode(v);
  }
  return out;
}

// Whether an If-Match / If-None-Match list names `etag` ("*" matches anything).
bool ETagListMatches(std::string_view list, const std::string& etag) {
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.substr(0, 2) == "W/") item.remove_prefix(2);
    if (item == "*" || Unquote(std::string(item)) == etag) return true;
  }
  return false;
}

}  // namespace

S3Result<S3Handler::Ops::XAttrMap> S3Handler::Ops::RequestAttributes() {
  XAttrMap attrs;
  std::string ct = req_->Header("content-type");
  if (!ct.empty()) attrs[kXAttrContentType] = ct;
  size_t meta_bytes = 0;
  for (const auto& [name, value] : req_->headers) {
    if (name.compare(0, 11, "x-amz-meta-") == 0) {
      attrs[kXAttrMetaPrefix + name.substr(11)] = value;
      meta_bytes += name.size() - 11 + value.size();
    }
  }
  if (meta_bytes > 2048) {
    return S3Error{400, "MetadataTooLarge",
                   "Your metadata headers exceed the maximum allowed metadata size (2 KB)."};
  }
  if (req_->HasHeader("x-amz-tagging")) {
    auto tags = ParseTags(req_->Header("x-amz-tagging"));
    if (!tags.ok()) return S3Error::InvalidArgument("malformed x-amz-tagging");
    if (tags->size() > kMaxTags)
      return S3Error{400, "BadRequest", "Object tags cannot be greater than 10"};
    attrs[kXAttrTags] = EncodeTags(*tags);
  }
  return attrs;
}

std::string S3Handler::Ops::TempPath() { return InternalPath() + "/tmp/" + RandomHex(16); }

S3Result<std::string> S3Handler::Ops::WriteBody(const std::string& path, bool overwrite,
                                                const XAttrMap& attrs, bool* attrs_written) {
  std::string encoding = req_->Header("content-encoding");
  std::string sha_header = req_->Header("x-amz-content-sha256");
  BodyReader* body_reader = req_->body;
  std::unique_ptr<AwsChunkedReader> chunked;
  if (encoding.find("aws-chunked") != std::string::npos ||
      sha_header.compare(0, 10, "STREAMING-") == 0) {
    std::optional<ChunkSigner> signer;
    if (sha_header == "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" ||
        sha_header == "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER") {
      signer = chunk_signer_;  // set when the request's signature was verified
    } else if (sha_header != "STREAMING-UNSIGNED-PAYLOAD-TRAILER") {
      return S3Error::NotImplemented(fmt::format("x-amz-content-sha256: {}", sha_header));
    }
    int64_t decoded = -1;
    try {
      if (req_->HasHeader("x-amz-decoded-content-length")) {
        decoded = std::stoll(req_->Header("x-amz-decoded-content-length"));
      }
    } catch (...) {
      return S3Error::InvalidArgument("bad x-amz-decoded-content-length");
    }
    chunked = std::make_unique<AwsChunkedReader>(req_->body, decoded, std::move(signer));
    body_reader = chunked.get();
  }
  // A body that could not be read: a bad chunk signature, or a short or malformed body.
  auto body_error = [](const Status& s) {
    return s.code() == StatusCode::kPermissionDenied
               ? S3Error::SignatureDoesNotMatch()
               : S3Error{400, "IncompleteBody", std::string(s.message())};
  };
  std::string expected_md5;
  if (req_->HasHeader("content-md5")) {
    expected_md5 = Base64Decode(req_->Header("content-md5"));
    if (expected_md5.size() != 16)
      return S3Error{400, "InvalidDigest", "The Content-MD5 you specified is not valid."};
  }
  const bool check_sha = h_->options_.verify_signatures && sha_header.size() == 64;
  fsopts::CreateFilePOptions o;
  o.set_recursive(true);
  o.set_overwrite(overwrite);
  o.set_write_type(h_->options_.write_type);
  *attrs_written = false;
  // A body of at most one chunk is read first: its ETag is then known when the file is created,
  // and the attributes go with the create (one journaled operation fewer per small object).
  const int64_t length = body_reader->content_length();
  if (length >= 0 && length <= static_cast<int64_t>(h_->options_.chunk_size)) {
    std::string body(static_cast<size_t>(length), '\0');
    for (size_t got = 0; got < body.size();) {
      Result<size_t> n = body_reader->Read(body.data() + got, body.size() - got);
      if (!n.ok()) return body_error(n.status());
      if (*n == 0) {
        return S3Error{400, "IncompleteBody",
                       "You did not provide the number of bytes specified by the Content-Length"};
      }
      got += *n;
    }
    std::string digest = Md5(body);
    if (!expected_md5.empty() && digest != expected_md5) return S3Error::BadDigest();
    if (check_sha && HexEncode(Sha256(body)) != sha_header) {
      return S3Error{
          400, "XAmzContentSHA256Mismatch",
          "The provided 'x-amz-content-sha256' header does not match what was computed."};
    }
    for (const auto& [k, v] : attrs) (*o.mutable_xattr())[k] = v;
    (*o.mutable_xattr())[kXAttrETag] = HexEncode(digest);
    Result<std::unique_ptr<client::FileOutStream>> out = fs_->Create(path, o);
    if (!out.ok()) return ErrorFromStatus(out.status(), key_, false);
    Status s = (*out)->Write(body);
    if (s.ok()) s = (*out)->Close();
    if (!s.ok()) {
      (*out)->Cancel();
      return ErrorFromStatus(s, key_, false);
    }
    *attrs_written = true;
    return HexEncode(digest);
  }
  Result<std::unique_ptr<client::FileOutStream>> out = fs_->Create(path, o);
  if (!out.ok()) return ErrorFromStatus(out.status(), key_, false);
  Digest md5(Digest::Kind::kMd5);
  Digest sha(Digest::Kind::kSha256);
  std::string buf(h_->options_.chunk_size, '\0');
  for (;;) {
    Result<size_t> n = body_reader->Read(buf.data(), buf.size());
    if (!n.ok()) {
      (*out)->Cancel();
      return body_error(n.status());
    }
    if (*n == 0) break;
    std::string_view chunk(buf.data(), *n);
    md5.Update(chunk);
    if (check_sha) sha.Update(chunk);
    Status s = (*out)->Write(chunk);
    if (!s.ok()) {
      (*out)->Cancel();
      return ErrorFromStatus(s, key_, false);
    }
  }
  std::string digest = md5.Finish();
  if (!expected_md5.empty() && digest != expected_md5) {
    (*out)->Cancel();
    return S3Error::BadDigest();
  }
  if (check_sha && HexEncode(sha.Finish()) != sha_header) {
    (*out)->Cancel();
    return S3Error{400, "XAmzContentSHA256Mismatch",
                   "The provided 'x-amz-content-sha256' header does not match what was computed."};
  }
  Status s = (*out)->Close();
  if (!s.ok()) return ErrorFromStatus(s, key_, false);
  return HexEncode(digest);
}

S3Result<std::string> S3Handler::Ops::CopyData(const std::string& src, int64_t offset,
                                               int64_t length, const std::string& dst) {
  Result<std::unique_ptr<client::FileInStream>> in = fs_->Open(src);
  if (!in.ok()) return ErrorFromStatus(in.status(), src, false);
  if (offset > 0) {
    Status s = (*in)->Seek(offset);
    if (!s.ok()) return ErrorFromStatus(s, src, false);
  }
  fsopts::CreateFilePOptions o;
  o.set_recursive(true);
  o.set_overwrite(true);
  o.set_write_type(h_->options_.write_type);
  Result<std::unique_ptr<client::FileOutStream>> out = fs_->Create(dst, o);
  if (!out.ok()) return ErrorFromStatus(out.status(), key_, false);
  Digest md5(Digest::Kind::kMd5);
  std::string buf(h_->options_.chunk_size, '\0');
  int64_t left = length;
  while (left > 0) {
    size_t want = static_cast<size_t>(std::min<int64_t>(left, static_cast<int64_t>(buf.size())));
    Result<size_t> n = (*in)->Read(buf.data(), want);
    if (!n.ok() || *n == 0) {
      (*out)->Cancel();
      return n.ok() ? S3Error::InternalError("source ended early")
                    : ErrorFromStatus(n.status(), src, false);
    }
    std::string_view chunk(buf.data(), *n);
    md5.Update(chunk);
    Status s = (*out)->Write(chunk);
    if (!s.ok()) {
      (*out)->Cancel();
      return ErrorFromStatus(s, key_, false);
    }
    left -= static_cast<int64_t>(*n);
  }
  Status s = (*out)->Close();
  if (!s.ok()) return ErrorFromStatus(s, key_, false);
  return HexEncode(md5.Finish());
}

std::optional<S3Error> S3Handler::Ops::Publish(const std::string& tmp, const std::string& dst,
                                               const XAttrMap& attrs, bool attrs_written) {
  auto drop_tmp = [&] {
    fs_->Delete(tmp, fsopts::DeletePOptions()).IgnoreError();  // best effort: it is hidden
  };
  Status s;
  if (!attrs_written) {
    fsopts::SetAttributePOptions set;
    for (const auto& [k, v] : attrs) (*set.mutable_xattr())[k] = v;
    s = fs_->SetAttribute(tmp, set);
    if (!s.ok()) {
      drop_tmp();
      return ErrorFromStatus(s, key_, false);
    }
  }
  for (int attempt = 0; attempt < 4; ++attempt) {
    s = fs_->Rename(tmp, dst);
    if (s.ok()) return std::nullopt;
    if (s.code() == StatusCode::kAlreadyExists) {
      Result<FileInfo> st = fs_->GetStatus(dst);
      if (st.ok() && st->folder()) {
        drop_tmp();
        return S3Error{409, "OperationAborted",
                       fmt::format("Key {} is a prefix of other keys and cannot also be an object "
                                   "in Alluxio",
                                   key_)};
      }
      // Replace: the old object moves aside (hidden) before the new one moves in, and is
      // deleted only then; if the new one cannot move in, the old one goes back. At no point is
      // the only copy of either deleted.
      const std::string aside = TempPath();
      Status moved = fs_->Rename(dst, aside);
      if (!moved.ok() && moved.code() != StatusCode::kNotFound) {
        drop_tmp();
        return ErrorFromStatus(moved, key_, false);
      }
      s = fs_->Rename(tmp, dst);
      if (s.ok()) {
        if (moved.ok()) fs_->Delete(aside, fsopts::DeletePOptions()).IgnoreError();
        return std::nullopt;
      }
      if (moved.ok()) {
        Status back = fs_->Rename(aside, dst);
        if (!back.ok()) {
          // Another writer's object took the key meanwhile: it wins, the old one goes.
          if (back.code() == StatusCode::kAlreadyExists) {
            fs_->Delete(aside, fsopts::DeletePOptions()).IgnoreError();
          } else {
            spdlog::error("S3 PUT of {}: the previous object is kept at {} ({})", key_, aside,
                          back.ToString());
          }
        }
      }
      if (s.code() == StatusCode::kAlreadyExists) continue;  // a concurrent writer: try again
      drop_tmp();
      return ErrorFromStatus(s, key_, false);
    } else if (s.code() == StatusCode::kNotFound) {
      fsopts::CreateDirectoryPOptions mk;
      mk.set_recursive(true);
      mk.set_allow_exists(true);
      mk.set_persist(h_->options_.write_type != ::alluxio::grpc::MUST_CACHE);
      Status m = fs_->CreateDirectory(dst.substr(0, dst.rfind('/')), mk);
      if (!m.ok()) {
        drop_tmp();
        return m.code() == StatusCode::kAlreadyExists || m.code() == StatusCode::kInvalidArgument
                   ? S3Error{409, "OperationAborted",
                             fmt::format("A parent of key {} is an object", key_)}
                   : ErrorFromStatus(m, key_, false);
      }
    } else {
      drop_tmp();
      return ErrorFromStatus(s, key_, false);
    }
  }
  drop_tmp();
  return S3Error::InternalError("could not publish the object (concurrent writers)");
}

void S3Handler::Ops::RemoveEmptyParents(const std::string& key) {
  std::string k = key;
  if (!k.empty() && k.back() == '/') k.pop_back();
  for (size_t slash = k.rfind('/'); slash != std::string::npos && slash > 0; slash = k.rfind('/')) {
    k.resize(slash);
    std::string path = BucketPath() + "/" + k;
    Result<FileInfo> st = fs_->GetStatus(path);
    if (!st.ok() || !st->folder() || st->child_count() > 0 || IsFolderObject(*st)) {
      return;
    }
    if (!fs_->Delete(path, fsopts::DeletePOptions()).ok()) return;
  }
}

// --- PUT / GET / HEAD / DELETE ---

Status S3Handler::Ops::PutObject() {
  if (auto e = CheckBucket()) return SendError(*e);
  S3Result<XAttrMap> attrs = RequestAttributes();
  if (!attrs.ok()) return SendError(attrs.error());
  const std::string dst = ObjectPath();
  if (key_.back() == '/') {
    // A folder object: must be empty. An SDK's streaming-signed (aws-chunked) empty body still
    // has a few bytes of framing: its decoded length says whether it is empty.
    const std::string decoded = req_->Header("x-amz-decoded-content-length");
    bool empty = true;
    if (!decoded.empty()) {
      empty = decoded == "0";
      Result<std::string> framing = ReadSmallBody(64 << 10);
      if (!framing.ok()) empty = false;
    } else {
      char c;
      Result<size_t> n = req_->body->Read(&c, 1);
      empty = n.ok() && *n == 0;
    }
    if (!empty) {
      return SendError(S3Error::InvalidArgument("An object whose key ends in '/' must be empty"));
    }
    fsopts::CreateDirectoryPOptions mk;
    mk.set_recursive(true);
    mk.set_allow_exists(true);
    mk.set_persist(h_->options_.write_type != ::alluxio::grpc::MUST_CACHE);
    std::string dir = dst.substr(0, dst.size() - 1);
    Status s = fs_->CreateDirectory(dir, mk);
    if (!s.ok()) return SendError(ErrorFromStatus(s, key_, false));
    std::string etag = HexEncode(Md5(""));
    (*attrs)[kXAttrFolder] = "1";
    (*attrs)[kXAttrETag] = etag;
    fsopts::SetAttributePOptions set;
    for (const auto& [k, v] : *attrs) (*set.mutable_xattr())[k] = v;
    s = fs_->SetAttribute(dir, set);
    if (!s.ok()) return SendError(ErrorFromStatus(s, key_, false));
    return SendEmpty(200, {{"etag", "\"" + etag + "\""}});
  }
  const std::string tmp = TempPath();
  bool written = false;
  S3Result<std::string> etag = WriteBody(tmp, false, *attrs, &written);
  if (!etag.ok()) return SendError(etag.error());
  (*attrs)[kXAttrETag] = *etag;
  if (auto e = Publish(tmp, dst, *attrs, written)) return SendError(*e);
  return SendEmpty(200, {{"etag", "\"" + *etag + "\""}});
}

Status S3Handler::Ops::GetObject(bool head) {
  const std::string path = ObjectPath();
  const bool folder_key = key_.back() == '/';
  // A GET of a file opens it at once: the open's status serves for the headers too (one metadata
  // call per GET). HEAD, folders and failed opens ask for the status.
  std::unique_ptr<client::FileInStream> in;
  Result<FileInfo> st = InternalError("unset");
  if (!head && !folder_key) {
    Result<std::unique_ptr<client::FileInStream>> opened = fs_->Open(path);
    if (opened.ok()) {
      in = std::move(*opened);
      st = in->info();
    }
  }
  if (!in) st = fs_->GetStatus(folder_key ? path.substr(0, path.size() - 1) : path);
  if (!st.ok()) {
    if (st.status().code() == StatusCode::kNotFound) {
      if (auto e = CheckBucket()) return SendError(*e);
    }
    return SendError(ErrorFromStatus(st.status(), key_, false));
  }
  if (st->folder() != folder_key || (folder_key && !IsFolderObject(*st))) {
    return SendError(S3Error::NoSuchKey(key_));
  }
  if (!st->completed()) return SendError(S3Error::NoSuchKey(key_));
  const std::string etag = ETagOf(*st);
  const int64_t mtime = st->last_modification_time_ms();
  const int64_t size = st->folder() ? 0 : st->length();
  Headers h;
  h.emplace("etag", "\"" + etag + "\"");
  h.emplace("last-modified", HttpDate(mtime));
  h.emplace("accept-ranges", "bytes");
  h.emplace("x-amz-request-id", request_id_);
  auto ct = st->xattr().find(kXAttrContentType);
  h.emplace("content-type", ct != st->xattr().end() ? ct->second : "application/octet-stream");
  size_t tag_count = 0;
  for (const auto& [k, v] : st->xattr()) {
    if (k.compare(0, sizeof(kXAttrMetaPrefix) - 1, kXAttrMetaPrefix) == 0) {
      h.emplace("x-amz-meta-" + k.substr(sizeof(kXAttrMetaPrefix) - 1), v);
    } else if (k == kXAttrTags && !v.empty()) {
      auto tags = ParseTags(v);
      if (tags.ok()) tag_count = tags->size();
    }
  }
  if (tag_count > 0 && !head) h.emplace("x-amz-tagging-count", std::to_string(tag_count));
  // Conditions (RFC 7232 order, as S3 applies them).
  if (req_->HasHeader("if-match") && !ETagListMatches(req_->Header("if-match"), etag)) {
    return SendError(S3Error::PreconditionFailed());
  }
  if (!req_->HasHeader("if-match") && req_->HasHeader("if-unmodified-since")) {
    int64_t t = ParseHttpDate(req_->Header("if-unmodified-since"));
    if (t >= 0 && mtime / 1000 > t / 1000) return SendError(S3Error::PreconditionFailed());
  }
  if (req_->HasHeader("if-none-match")) {
    if (ETagListMatches(req_->Header("if-none-match"), etag)) {
      Headers nm{{"etag", "\"" + etag + "\""}, {"last-modified", HttpDate(mtime)}};
      return SendEmpty(304, nm);
    }
  } else if (req_->HasHeader("if-modified-since")) {
    int64_t t = ParseHttpDate(req_->Header("if-modified-since"));
    if (t >= 0 && mtime / 1000 <= t / 1000) {
      Headers nm{{"etag", "\"" + etag + "\""}, {"last-modified", HttpDate(mtime)}};
      return SendEmpty(304, nm);
    }
  }
  int status = 200;
  int64_t first = 0, length = size;
  if (req_->HasHeader("range")) {
    Result<std::optional<ByteRange>> r = ParseRange(req_->Header("range"), size);
    if (!r.ok()) {
      if (head) return SendError(S3Error::InvalidRange());
      S3Error e = S3Error::InvalidRange();
      Headers eh{{"content-type", "application/xml"},
                 {"x-amz-request-id", request_id_},
                 {"content-range", fmt::format("bytes */{}", size)}};
      return resp_->Send(e.http_status, eh, ErrorXml(e, req_->path, request_id_));
    }
    if (r->has_value()) {
      status = 206;
      first = (*r)->first;
      length = (*r)->length();
      h.emplace("content-range", fmt::format("bytes {}-{}/{}", first, (*r)->last, size));
    }
  }
  if (head || length == 0 || st->folder()) {
    RETURN_IF_ERROR(resp_->Begin(status, h, length));
    return Status();
  }
  if (!in) {
    Result<std::unique_ptr<client::FileInStream>> opened = fs_->Open(path);
    if (!opened.ok()) return SendError(ErrorFromStatus(opened.status(), key_, false));
    in = std::move(*opened);
  }
  if (first > 0) {
    Status s = in->Seek(first);
    if (!s.ok()) return SendError(ErrorFromStatus(s, key_, false));
  }
  // Read the first chunk before answering, so that an unreadable object gets an error response.
  std::string buf(h_->options_.chunk_size, '\0');
  int64_t left = length;
  bool started = false;
  while (left > 0) {
    size_t want = static_cast<size_t>(std::min<int64_t>(left, static_cast<int64_t>(buf.size())));
    Result<size_t> n = in->Read(buf.data(), want);
    if (!n.ok() || *n == 0) {
      Status s = n.ok() ? DataLossError(fmt::format("{} ended early", path)) : n.status();
      if (!started) return SendError(ErrorFromStatus(s, key_, false));
      return s;  // mid-body: the connection is closed, the client sees a short body
    }
    if (!started) {
      RETURN_IF_ERROR(resp_->Begin(status, h, length));
      started = true;
    }
    RETURN_IF_ERROR(resp_->Write(std::string_view(buf.data(), *n)));
    left -= static_cast<int64_t>(*n);
  }
  return Status();
}

Status S3Handler::Ops::DeleteObject() {
  std::string path = ObjectPath();
  if (key_.back() == '/') path.pop_back();
  Result<FileInfo> st = fs_->GetStatus(path);
  if (!st.ok()) {
    if (st.status().code() == StatusCode::kNotFound) {
      if (auto e = CheckBucket()) return SendError(*e);
      return SendEmpty(204);  // S3: deleting a missing key succeeds
    }
    return SendError(ErrorFromStatus(st.status(), key_, false));
  }
  if (st->folder() != (key_.back() == '/')) return SendEmpty(204);
  if (st->folder() && st->child_count() > 0) {
    // A folder object with keys below: drop only its folder mark.
    fsopts::SetAttributePOptions set;
    (*set.mutable_xattr())[kXAttrFolder] = "";  // attributes are never removed: "" is unset
    Status s = fs_->SetAttribute(path, set);
    if (!s.ok()) return SendError(ErrorFromStatus(s, key_, false));
    return SendEmpty(204);
  }
  Status s = fs_->Delete(path, fsopts::DeletePOptions());
  if (!s.ok() && s.code() != StatusCode::kNotFound) {
    return SendError(ErrorFromStatus(s, key_, false));
  }
  RemoveEmptyParents(key_);
  return SendEmpty(204);
}

Status S3Handler::Ops::DeleteObjects() {
  if (auto e = CheckBucket()) return SendError(*e);
  Result<std::string> body = ReadSmallBody(kMaxXmlBody);
  if (!body.ok()) return SendError(S3Error::MalformedXml(body.status().message()));
  Result<XmlElement> doc = ParseXml(*body);
  if (!doc.ok() || doc->name != "Delete") {
    return SendError(
        S3Error::MalformedXml(doc.ok() ? "expected <Delete>" : doc.status().message()));
  }
  const bool quiet = doc->ChildText("Quiet") == "true";
  std::vector<std::string> keys;
  for (const XmlElement& c : doc->children) {
    if (c.name != "Object") continue;
    const XmlElement* k = c.Child("Key");
    if (k == nullptr) return SendError(S3Error::MalformedXml("<Object> without <Key>"));
    keys.push_back(k->text);
  }
  if (keys.empty() || keys.size() > 1000) {
    return SendError(S3Error::MalformedXml("between 1 and 1000 objects per request"));
  }
  XmlWriter w;
  w.Open("DeleteResult", true);
  for (const std::string& key : keys) {
    std::string path = BucketPath() + "/" + key;
    Status s;
    if (!internal::IsStorableKey(key)) {
      s = InvalidArgumentError("invalid key");
    } else {
      if (path.back() == '/') path.pop_back();
      fsopts::DeletePOptions d;
      s = fs_->Delete(path, d);
      if (s.code() == StatusCode::kNotFound) s = Status();
      if (s.ok()) {
        std::string saved = key_;
        key_ = key;
        RemoveEmptyParents(key);
        key_ = saved;
      }
    }
    if (s.ok()) {
      if (!quiet) w.Open("Deleted").Element("Key", key).Close();
    } else {
      S3Error e = ErrorFromStatus(s, key, false);
      w.Open("Error")
          .Element("Key", key)
          .Element("Code", e.code)
          .Element("Message", e.message)
          .Close();
    }
  }
  w.Close();
  return SendXml(200, w.str());
}

S3Result<std::pair<std::string, S3Handler::Ops::FileInfo>> S3Handler::Ops::CopySource() {
  std::string raw = req_->Header("x-amz-copy-source");
  size_t q = raw.find('?');
  if (q != std::string::npos) raw.resize(q);  // ?versionId=: there are no versions
  Result<std::string> src = UriDecode(raw);
  if (!src.ok() || src->empty()) return S3Error::InvalidArgument("Invalid copy source");
  std::string s = *src;
  if (s.front() == '/') s.erase(0, 1);
  size_t slash = s.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == s.size()) {
    return S3Error::InvalidArgument("Copy Source must mention the source bucket and key");
  }
  std::string bucket = s.substr(0, slash);
  if (!internal::IsValidBucket(bucket) || !internal::IsStorableKey(s.substr(slash + 1))) {
    return S3Error::InvalidArgument("Invalid copy source: " + s);
  }
  for (char& c : bucket) {
    if (c == ':') c = '/';
  }
  std::string path = "/" + bucket + "/" + s.substr(slash + 1);
  Result<FileInfo> st = fs_->GetStatus(path);
  if (!st.ok()) {
    if (st.status().code() == StatusCode::kNotFound) {
      if (!fs_->GetStatus("/" + bucket).ok()) return S3Error::NoSuchBucket(s.substr(0, slash));
    }
    return ErrorFromStatus(st.status(), s.substr(slash + 1), false);
  }
  if (st->folder() || !st->completed()) return S3Error::NoSuchKey(s.substr(slash + 1));
  return std::make_pair(path, std::move(*st));
}

Status S3Handler::Ops::CopyObject() {
  if (auto e = CheckBucket()) return SendError(*e);
  auto src = CopySource();
  if (!src.ok()) return SendError(src.error());
  const FileInfo& info = src->second;
  XAttrMap attrs;
  const std::string directive = req_->Header("x-amz-metadata-directive");
  if (directive == "REPLACE") {
    S3Result<XAttrMap> a = RequestAttributes();
    if (!a.ok()) return SendError(a.error());
    attrs = std::move(*a);
  } else {
    if (src->first == ObjectPath()) {
      return SendError(S3Error{400, "InvalidRequest",
                               "This copy request is illegal because it is trying to copy an "
                               "object to itself without changing the object's metadata."});
    }
    for (const auto& [k, v] : info.xattr()) {
      if (k != kXAttrETag) attrs[k] = v;
    }
  }
  if (req_->Header("x-amz-tagging-directive") == "REPLACE") {
    attrs.erase(kXAttrTags);
    if (req_->HasHeader("x-amz-tagging")) {
      auto tags = ParseTags(req_->Header("x-amz-tagging"));
      if (!tags.ok()) return SendError(S3Error::InvalidArgument("malformed x-amz-tagging"));
      attrs[kXAttrTags] = EncodeTags(*tags);
    }
  }
  const std::string tmp = TempPath();
  S3Result<std::string> etag = CopyData(src->first, 0, info.length(), tmp);
  if (!etag.ok()) return SendError(etag.error());
  attrs[kXAttrETag] = *etag;
  if (auto e = Publish(tmp, ObjectPath(), attrs)) return SendError(*e);
  XmlWriter w;
  w.Open("CopyObjectResult", true)
      .Element("LastModified", IsoDate(std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count()))
      .Element("ETag", "\"" + *etag + "\"")
      .Close();
  return SendXml(200, w.str());
}

// --- Tagging ---

Status S3Handler::Ops::PutObjectTagging() {
  Result<std::string> body = ReadSmallBody(kMaxXmlBody);
  if (!body.ok()) return SendError(S3Error::MalformedXml(body.status().message()));
  Result<XmlElement> doc = ParseXml(*body);
  if (!doc.ok() || doc->name != "Tagging" || doc->Child("TagSet") == nullptr) {
    return SendError(
        S3Error::MalformedXml(doc.ok() ? "expected <Tagging><TagSet>" : doc.status().message()));
  }
  std::vector<std::pair<std::string, std::string>> tags;
  for (const XmlElement& t : doc->Child("TagSet")->children) {
    if (t.name != "Tag") continue;
    if (t.Child("Key") == nullptr) return SendError(S3Error::MalformedXml("<Tag> without <Key>"));
    tags.emplace_back(t.ChildText("Key"), t.ChildText("Value"));
  }
  if (tags.size() > kMaxTags) {
    return SendError(S3Error{400, "BadRequest", "Object tags cannot be greater than 10"});
  }
  std::string path = ObjectPath();
  fsopts::SetAttributePOptions set;
  (*set.mutable_xattr())[kXAttrTags] = EncodeTags(tags);
  Status s = fs_->SetAttribute(path, set);
  if (!s.ok()) {
    if (s.code() == StatusCode::kNotFound) {
      if (auto e = CheckBucket()) return SendError(*e);
    }
    return SendError(ErrorFromStatus(s, key_, false));
  }
  return SendEmpty(200);
}

Status S3Handler::Ops::GetObjectTagging() {
  Result<FileInfo> st = fs_->GetStatus(ObjectPath());
  if (!st.ok()) {
    if (st.status().code() == StatusCode::kNotFound) {
      if (auto e = CheckBucket()) return SendError(*e);
    }
    return SendError(ErrorFromStatus(st.status(), key_, false));
  }
  XmlWriter w;
  w.Open("Tagging", true).Open("TagSet");
  auto it = st->xattr().find(kXAttrTags);
  if (it != st->xattr().end()) {
    auto tags = ParseTags(it->second);
    if (tags.ok()) {
      for (const auto& [k, v] : *tags) w.Open("Tag").Element("Key", k).Element("Value", v).Close();
    }
  }
  w.Close().Close();
  return SendXml(200, w.str());
}

Status S3Handler::Ops::DeleteObjectTagging() {
  fsopts::SetAttributePOptions set;
  (*set.mutable_xattr())[kXAttrTags] = "";
  Status s = fs_->SetAttribute(ObjectPath(), set);
  if (!s.ok()) {
    if (s.code() == StatusCode::kNotFound) {
      if (auto e = CheckBucket()) return SendError(*e);
    }
    return SendError(ErrorFromStatus(s, key_, false));
  }
  return SendEmpty(204);
}

}  // namespace alluxio::proxy
