// SPDX-License-Identifier: Apache-2.0
// S3Handler: multipart uploads (Create, UploadPart, UploadPartCopy, Complete, Abort, ListParts,
// ListMultipartUploads). Parts are files of a hidden folder per upload; see s3_handler.h.
#include <algorithm>
#include <chrono>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "common/strings.h"
#include "proxy/digest.h"
#include "proxy/s3_ops.h"
#include "proxy/s3_xml.h"

namespace alluxio::proxy {

namespace fsopts = ::alluxio::grpc::file;
using internal::kMaxXmlBody;
using internal::RandomHex;

namespace {
constexpr int kMaxParts = 10000;
}  // namespace

// --- Multipart uploads ---

S3Result<S3Handler::Ops::FileInfo> S3Handler::Ops::CheckUpload(const std::string& upload_id) {
  if (upload_id.empty() || upload_id.find('/') != std::string::npos || upload_id.front() == '.') {
    return S3Error::NoSuchUpload(upload_id);
  }
  Result<FileInfo> st = fs_->GetStatus(UploadPath(upload_id));
  if (!st.ok()) {
    if (st.status().code() == StatusCode::kNotFound) {
      if (auto e = CheckBucket()) return *e;
      return S3Error::NoSuchUpload(upload_id);
    }
    return ErrorFromStatus(st.status(), upload_id, false);
  }
  auto it = st->xattr().find(kXAttrUploadKey);
  if (it == st->xattr().end() || it->second != key_) return S3Error::NoSuchUpload(upload_id);
  return std::move(*st);
}

Status S3Handler::Ops::CreateMultipartUpload() {
  if (auto e = CheckBucket()) return SendError(*e);
  S3Result<XAttrMap> attrs = RequestAttributes();
  if (!attrs.ok()) return SendError(attrs.error());
  const std::string upload_id = RandomHex(16);
  fsopts::CreateDirectoryPOptions mk;
  mk.set_recursive(true);
  mk.set_persist(h_->options_.write_type != ::alluxio::grpc::MUST_CACHE);
  Status s = fs_->CreateDirectory(UploadPath(upload_id), mk);
  if (!s.ok()) return SendError(ErrorFromStatus(s, key_, false));
  (*attrs)[kXAttrUploadKey] = key_;
  fsopts::SetAttributePOptions set;
  for (const auto& [k, v] : *attrs) (*set.mutable_xattr())[k] = v;
  s = fs_->SetAttribute(UploadPath(upload_id), set);
  if (!s.ok()) return SendError(ErrorFromStatus(s, key_, false));
  XmlWriter w;
  w.Open("InitiateMultipartUploadResult", true)
      .Element("Bucket", bucket_)
      .Element("Key", key_)
      .Element("UploadId", upload_id)
      .Close();
  return SendXml(200, w.str());
}

Status S3Handler::Ops::UploadPart() {
  const std::string upload_id = Query("uploadId");
  int part = 0;
  try {
    part = std::stoi(Query("partNumber"));
  } catch (...) {
    part = 0;
  }
  if (part < 1 || part > kMaxParts) {
    return SendError(
        S3Error::InvalidArgument("Part number must be an integer between 1 and 10000, inclusive"));
  }
  auto upload = CheckUpload(upload_id);
  if (!upload.ok()) return SendError(upload.error());
  const std::string part_path = UploadPath(upload_id) + "/" + std::to_string(part);
  if (req_->HasHeader("x-amz-copy-source")) {  // UploadPartCopy
    auto src = CopySource();
    if (!src.ok()) return SendError(src.error());
    int64_t first = 0, length = src->second.length();
    if (req_->HasHeader("x-amz-copy-source-range")) {
      Result<std::optional<ByteRange>> r =
          ParseRange(req_->Header("x-amz-copy-source-range"), src->second.length());
      if (!r.ok() || !r->has_value()) {
        return SendError(S3Error::InvalidArgument(
            "The x-amz-copy-source-range value must be of the form bytes=first-last where first "
            "and last are the zero-based offsets of the first and last bytes to copy"));
      }
      first = (*r)->first;
      length = (*r)->length();
    }
    S3Result<std::string> etag = CopyData(src->first, first, length, part_path);
    if (!etag.ok()) return SendError(etag.error());
    fsopts::SetAttributePOptions set;
    (*set.mutable_xattr())[kXAttrETag] = *etag;
    Status s = fs_->SetAttribute(part_path, set);
    if (!s.ok()) return SendError(ErrorFromStatus(s, key_, false));
    XmlWriter w;
    w.Open("CopyPartResult", true)
        .Element("LastModified", IsoDate(std::chrono::duration_cast<std::chrono::milliseconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count()))
        .Element("ETag", "\"" + *etag + "\"")
        .Close();
    return SendXml(200, w.str());
  }
  bool written = false;
  S3Result<std::string> etag = WriteBody(part_path, /*overwrite=*/true, {}, &written);
  if (!etag.ok()) return SendError(etag.error());
  if (!written) {
    fsopts::SetAttributePOptions set;
    (*set.mutable_xattr())[kXAttrETag] = *etag;
    Status s = fs_->SetAttribute(part_path, set);
    if (!s.ok()) return SendError(ErrorFromStatus(s, key_, false));
  }
  return SendEmpty(200, {{"etag", "\"" + *etag + "\""}});
}

Status S3Handler::Ops::CompleteMultipartUpload() {
  const std::string upload_id = Query("uploadId");
  auto upload = CheckUpload(upload_id);
  if (!upload.ok()) return SendError(upload.error());
  Result<std::string> body = ReadSmallBody(kMaxXmlBody);
  if (!body.ok()) return SendError(S3Error::MalformedXml(body.status().message()));
  Result<XmlElement> doc = ParseXml(*body);
  if (!doc.ok() || doc->name != "CompleteMultipartUpload") {
    return SendError(S3Error::MalformedXml(doc.ok() ? "expected <CompleteMultipartUpload>"
                                                    : doc.status().message()));
  }
  struct Part {
    int number;
    std::string etag;
  };
  std::vector<Part> parts;
  for (const XmlElement& p : doc->children) {
    if (p.name != "Part") continue;
    int n = 0;
    try {
      n = std::stoi(p.ChildText("PartNumber"));
    } catch (...) {
      return SendError(S3Error::MalformedXml("bad PartNumber"));
    }
    if (!parts.empty() && n <= parts.back().number) return SendError(S3Error::InvalidPartOrder());
    parts.push_back(Part{n, Unquote(p.ChildText("ETag"))});
  }
  if (parts.empty()) {
    return SendError(S3Error::MalformedXml("The XML you provided did not specify any parts"));
  }
  // Check every part first (the client may retry a failed completion).
  std::vector<FileInfo> infos;
  for (size_t i = 0; i < parts.size(); ++i) {
    Result<FileInfo> st =
        fs_->GetStatus(UploadPath(upload_id) + "/" + std::to_string(parts[i].number));
    if (!st.ok() || ETagOf(*st) != parts[i].etag) {
      return SendError(S3Error::InvalidPart(fmt::format("part {}", parts[i].number)));
    }
    if (i + 1 < parts.size() && st->length() < h_->options_.min_part_size) {
      return SendError(S3Error::EntityTooSmall());
    }
    infos.push_back(std::move(*st));
  }
  // Concatenate into a temporary object.
  const std::string tmp = TempPath();
  fsopts::CreateFilePOptions o;
  o.set_recursive(true);
  o.set_write_type(h_->options_.write_type);
  Result<std::unique_ptr<client::FileOutStream>> out = fs_->Create(tmp, o);
  if (!out.ok()) return SendError(ErrorFromStatus(out.status(), key_, false));
  std::string buf(h_->options_.chunk_size, '\0');
  for (const FileInfo& info : infos) {
    Result<std::unique_ptr<client::FileInStream>> in = fs_->Open(info.path());
    if (!in.ok()) {
      (*out)->Cancel();
      return SendError(ErrorFromStatus(in.status(), key_, false));
    }
    for (;;) {
      Result<size_t> n = (*in)->Read(buf.data(), buf.size());
      if (!n.ok()) {
        (*out)->Cancel();
        return SendError(ErrorFromStatus(n.status(), key_, false));
      }
      if (*n == 0) break;
      Status s = (*out)->Write(std::string_view(buf.data(), *n));
      if (!s.ok()) {
        (*out)->Cancel();
        return SendError(ErrorFromStatus(s, key_, false));
      }
    }
  }
  Status s = (*out)->Close();
  if (!s.ok()) return SendError(ErrorFromStatus(s, key_, false));
  std::vector<std::string> etags;
  for (const Part& p : parts) etags.push_back(p.etag);
  const std::string etag = MultipartETag(etags);
  XAttrMap attrs;
  for (const auto& [k, v] : upload->xattr()) {
    if (k != kXAttrUploadKey) attrs[k] = v;
  }
  attrs[kXAttrETag] = etag;
  if (auto e = Publish(tmp, ObjectPath(), attrs)) return SendError(*e);
  fsopts::DeletePOptions d;
  d.set_recursive(true);
  fs_->Delete(UploadPath(upload_id), d).IgnoreError();  // the object is complete; parts are garbage
  XmlWriter w;
  w.Open("CompleteMultipartUploadResult", true)
      .Element("Location", req_->path)
      .Element("Bucket", bucket_)
      .Element("Key", key_)
      .Element("ETag", "\"" + etag + "\"")
      .Close();
  return SendXml(200, w.str());
}

Status S3Handler::Ops::AbortMultipartUpload() {
  const std::string upload_id = Query("uploadId");
  auto upload = CheckUpload(upload_id);
  if (!upload.ok()) return SendError(upload.error());
  fsopts::DeletePOptions d;
  d.set_recursive(true);
  Status s = fs_->Delete(UploadPath(upload_id), d);
  if (!s.ok()) return SendError(ErrorFromStatus(s, upload_id, false));
  return SendEmpty(204);
}

Status S3Handler::Ops::ListParts() {
  const std::string upload_id = Query("uploadId");
  auto upload = CheckUpload(upload_id);
  if (!upload.ok()) return SendError(upload.error());
  int max_parts = 1000, marker = 0;
  try {
    if (HasQuery("max-parts")) max_parts = std::clamp(std::stoi(Query("max-parts")), 0, 1000);
    if (HasQuery("part-number-marker")) marker = std::stoi(Query("part-number-marker"));
  } catch (...) {
    return SendError(S3Error::InvalidArgument("max-parts and part-number-marker must be integers"));
  }
  std::map<int, FileInfo> parts;  // at most max_parts + 1 (a part count is at most 10000)
  Status s =
      fs_->IterateStatus(UploadPath(upload_id), fsopts::ListStatusPOptions(), [&](FileInfo&& f) {
        int n = 0;
        try {
          n = std::stoi(f.name());
        } catch (...) {
          return;
        }
        if (f.folder() || !f.completed() || n <= marker || !f.xattr().contains(kXAttrETag)) return;
        parts.emplace(n, std::move(f));
        if (parts.size() > static_cast<size_t>(max_parts) + 1) parts.erase(std::prev(parts.end()));
      });
  if (!s.ok()) return SendError(ErrorFromStatus(s, upload_id, false));
  const bool truncated = parts.size() > static_cast<size_t>(max_parts);
  if (truncated) parts.erase(std::prev(parts.end()));
  XmlWriter w;
  w.Open("ListPartsResult", true)
      .Element("Bucket", bucket_)
      .Element("Key", key_)
      .Element("UploadId", upload_id)
      .Element("PartNumberMarker", std::to_string(marker))
      .Element("NextPartNumberMarker",
               std::to_string(parts.empty() ? marker : parts.rbegin()->first))
      .Element("MaxParts", std::to_string(max_parts))
      .Element("IsTruncated", truncated ? "true" : "false")
      .Element("StorageClass", "STANDARD");
  for (const auto& [n, f] : parts) {
    w.Open("Part")
        .Element("PartNumber", std::to_string(n))
        .Element("LastModified", IsoDate(f.last_modification_time_ms()))
        .Element("ETag", "\"" + ETagOf(f) + "\"")
        .Element("Size", std::to_string(f.length()))
        .Close();
  }
  w.Close();
  return SendXml(200, w.str());
}

Status S3Handler::Ops::ListMultipartUploads() {
  if (auto e = CheckBucket()) return SendError(*e);
  const std::string prefix = Query("prefix");
  struct Upload {
    std::string key, id;
    int64_t initiated;
  };
  std::vector<Upload> uploads;
  Status s = fs_->IterateStatus(
      InternalPath() + "/multipart", fsopts::ListStatusPOptions(), [&](FileInfo&& f) {
        auto it = f.xattr().find(kXAttrUploadKey);
        if (!f.folder() || it == f.xattr().end()) return;
        if (it->second.compare(0, prefix.size(), prefix) != 0) return;
        uploads.push_back(Upload{it->second, f.name(), f.creation_time_ms()});
      });
  if (!s.ok() && s.code() != StatusCode::kNotFound) {
    return SendError(ErrorFromStatus(s, bucket_, true));
  }
  std::sort(uploads.begin(), uploads.end(), [](const Upload& a, const Upload& b) {
    return std::tie(a.key, a.initiated, a.id) < std::tie(b.key, b.initiated, b.id);
  });
  XmlWriter w;
  w.Open("ListMultipartUploadsResult", true)
      .Element("Bucket", bucket_)
      .Element("KeyMarker", "")
      .Element("UploadIdMarker", "")
      .Element("Prefix", prefix)
      .Element("MaxUploads", "1000")
      .Element("IsTruncated", "false");
  for (const Upload& u : uploads) {
    w.Open("Upload")
        .Element("Key", u.key)
        .Element("UploadId", u.id)
        .Open("Initiator")
        .Element("ID", user_)
        .Element("DisplayName", user_)
        .Close()
        .Open("Owner")
        .Element("ID", user_)
        .Element("DisplayName", user_)
        .Close()
        .Element("StorageClass", "STANDARD")
        .Element("Initiated", IsoDate(u.initiated))
        .Close();
  }
  w.Close();
  return SendXml(200, w.str());
}

}  // namespace alluxio::proxy
