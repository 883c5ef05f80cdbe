// SPDX-License-Identifier: Apache-2.0
#include "ufs/s3/s3_ufs.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <mutex>

#include <fmt/format.h>

#include "ufs/internal/ufs_uri.h"

namespace alluxio::ufs {

namespace {

constexpr size_t kMaxNameBytes = 255;

std::string Get(const UfsOptions& o, std::initializer_list<const char*> names,
                const std::string& fallback = "") {
  for (const char* n : names) {
    auto it = o.find(n);
    if (it != o.end() && !it->second.empty()) return it->second;
  }
  return fallback;
}

std::string Parent(const std::string& key) {
  size_t slash = key.rfind('/');
  return slash == std::string::npos ? "" : key.substr(0, slash);
}

std::string BaseName(const std::string& key) {
  size_t slash = key.rfind('/');
  return slash == std::string::npos ? key : key.substr(slash + 1);
}

std::string DirPrefix(const std::string& key) { return key.empty() ? "" : key + "/"; }

}  // namespace

// Stages the file locally; Close uploads it.
class S3OutputStream final : public UfsOutputStream {
 public:
  S3OutputStream(S3Ufs* ufs, std::string bucket, std::string key, std::string tmp, int fd)
      : ufs_(ufs),
        bucket_(std::move(bucket)),
        key_(std::move(key)),
        tmp_(std::move(tmp)),
        fd_(fd) {}
  ~S3OutputStream() override { Cancel(); }

  Status Write(std::string_view data) override {
    if (fd_ < 0) return FailedPreconditionError("The stream is closed");
    while (!data.empty()) {
      ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        Status s = ResourceExhaustedError(
            fmt::format("Cannot stage {} in {}: {}", key_, tmp_, std::strerror(errno)));
        Cancel();
        return s;
      }
      data.remove_prefix(static_cast<size_t>(n));
      size_ += n;
    }
    return Status();
  }

  Status Close() override {
    if (fd_ < 0) return FailedPreconditionError("The stream is closed");
    ::close(fd_);
    fd_ = -1;
    Status s = size_ > ufs_->part_size_
                   ? ufs_->client_.UploadFileMultipart(bucket_, key_, tmp_, size_, ufs_->part_size_)
                   : ufs_->client_.PutObjectFromFile(bucket_, key_, tmp_);
    ::unlink(tmp_.c_str());
    return s;
  }

  void Cancel() override {
    if (fd_ < 0) return;
    ::close(fd_);
    fd_ = -1;
    ::unlink(tmp_.c_str());
  }

 private:
  S3Ufs* ufs_;
  std::string bucket_, key_, tmp_;
  int fd_;
  int64_t size_ = 0;
};

class S3InputStream final : public UfsInputStream {
 public:
  S3InputStream(S3Client* client, std::string bucket, std::string key, S3Object object)
      : client_(client),
        bucket_(std::move(bucket)),
        key_(std::move(key)),
        object_(std::move(object)) {}
  Result<size_t> PRead(int64_t offset, char* buf, size_t n) override {
    if (offset < 0) return InvalidArgumentError("Negative offset");
    if (offset >= object_.size) return size_t{0};
    n = static_cast<size_t>(std::min<int64_t>(static_cast<int64_t>(n), object_.size - offset));
    std::lock_guard<std::mutex> l(mu_);
    // Served from the read-ahead buffer when it holds the range.
    if (offset >= buffer_offset_ &&
        offset + static_cast<int64_t>(n) <= buffer_offset_ + static_cast<int64_t>(buffer_.size())) {
      std::memcpy(buf, buffer_.data() + (offset - buffer_offset_), n);
      next_ = offset + static_cast<int64_t>(n);
      return n;
    }
    // A sequential reader asking for less than kReadAhead gets kReadAhead fetched in one GET.
    if (offset == next_ && n < kReadAhead) {
      size_t want = static_cast<size_t>(
          std::min<int64_t>(static_cast<int64_t>(kReadAhead), object_.size - offset));
      buffer_.resize(want);
      ASSIGN_OR_RETURN(size_t got, ReadFully(offset, buffer_.data(), want));
      buffer_.resize(got);
      buffer_offset_ = offset;
      size_t take = std::min(n, got);
      std::memcpy(buf, buffer_.data(), take);
      next_ = offset + static_cast<int64_t>(take);
      return take;
    }
    ASSIGN_OR_RETURN(size_t done, ReadFully(offset, buf, n));
    next_ = offset + static_cast<int64_t>(done);
    return done;
  }

 private:
  static constexpr size_t kReadAhead = 8 << 20;

  Result<size_t> ReadFully(int64_t offset, char* buf, size_t n) {
    size_t done = 0;
    while (done < n) {
      ASSIGN_OR_RETURN(size_t got, client_->GetRange(bucket_, key_, offset + done, buf + done,
                                                     n - done, object_.etag));
      if (got == 0) break;
      done += got;
    }
    return done;
  }

  S3Client* client_;
  std::string bucket_, key_;
  S3Object object_;
  std::mutex mu_;
  std::string buffer_;  // GUARDED_BY(mu_): bytes at buffer_offset_, fetched ahead
  int64_t buffer_offset_ = 0;
  int64_t next_ = 0;  // GUARDED_BY(mu_): where a sequential reader continues
};

Result<std::shared_ptr<S3Ufs>> S3Ufs::FromUri(const std::string& uri, const UfsOptions& options) {
  ASSIGN_OR_RETURN(internal::UfsUri parsed, internal::ParseUfsUri(uri));
  if (parsed.authority.empty()) {
    return InvalidArgumentError(fmt::format("S3 URI '{}' names no bucket (s3://bucket/path)", uri));
  }
  S3ClientOptions c;
  c.endpoint = Get(options, {"alluxio.underfs.s3.endpoint", "aws.endpoint"});
  if (c.endpoint.empty()) {
    return InvalidArgumentError(fmt::format(
        "No S3 endpoint for '{}': set alluxio.underfs.s3.endpoint (e.g. http://host:9000) in "
        "the configuration or as a mount option",
        uri));
  }
  if (c.endpoint.find("://") == std::string::npos) c.endpoint = "http://" + c.endpoint;
  if (Get(options, {"alluxio.underfs.s3.disable.dns.buckets"}, "true") != "true") {
    return InvalidArgumentError(
        "alluxio.underfs.s3.disable.dns.buckets=false (virtual-host style) is not supported; "
        "this S3 under-store uses path-style requests to alluxio.underfs.s3.endpoint");
  }
  c.region = Get(options, {"alluxio.underfs.s3.region", "aws.region"}, "us-east-1");
  c.access_key = Get(options, {"s3a.accessKeyId", "aws.accessKeyId"});
  c.secret_key = Get(options, {"s3a.secretKey", "aws.secretKey"});
  if (c.access_key.empty() != c.secret_key.empty()) {
    return InvalidArgumentError("S3 credentials need both s3a.accessKeyId and s3a.secretKey");
  }
  ASSIGN_OR_RETURN(int64_t part,
                   conf::ParseBytes(Get(
                       options, {"alluxio.underfs.s3.streaming.upload.partition.size"}, "64MB")));
  if (part < (5 << 20)) {
    return InvalidArgumentError(
        fmt::format("alluxio.underfs.s3.streaming.upload.partition.size must be at least 5MB (S3's "
                    "smallest part), not {}",
                    part));
  }
  std::string mode_text = Get(options, {"alluxio.underfs.s3.default.mode"}, "0700");
  char* end = nullptr;
  long mode = std::strtol(mode_text.c_str(), &end, 8);
  if (end == mode_text.c_str() || *end != '\0' || mode < 0 || mode > 07777) {
    return InvalidArgumentError(
        fmt::format("Invalid alluxio.underfs.s3.default.mode '{}': expected octal", mode_text));
  }
  std::string tmp = Get(options, {"alluxio.tmp.dirs"}, "/tmp");
  tmp = tmp.substr(0, tmp.find(','));
  return std::shared_ptr<S3Ufs>(
      new S3Ufs(std::move(c), part, static_cast<int32_t>(mode), std::move(tmp)));
}

S3Ufs::S3Ufs(S3ClientOptions client, int64_t part_size, int32_t mode, std::string tmp_dir)
    : client_(std::move(client)),
      part_size_(part_size),
      mode_(mode),
      tmp_dir_(std::move(tmp_dir)) {}

UfsCapabilities S3Ufs::capabilities() const {
  UfsCapabilities c;
  c.atomic_rename = false;
  c.consistent_listing = true;
  c.supports_permissions = false;
  c.snapshot_reads = false;
  c.sequential_reads_fastest = false;
  return c;
}

Result<S3Ufs::Location> S3Ufs::Locate(const std::string& path) const {
  ASSIGN_OR_RETURN(internal::UfsUri parsed, internal::ParseUfsUri(path));
  if (parsed.scheme != "s3" && parsed.scheme != "s3a") {
    return InvalidArgumentError(fmt::format("Not an S3 URI: '{}'", path));
  }
  if (parsed.authority.empty()) return InvalidArgumentError(fmt::format("No bucket in '{}'", path));
  Location loc;
  loc.bucket = parsed.authority;
  loc.key = parsed.path;
  while (!loc.key.empty() && loc.key.front() == '/') loc.key.erase(0, 1);
  while (!loc.key.empty() && loc.key.back() == '/') loc.key.pop_back();
  for (size_t start = 0; start <= loc.key.size();) {
    size_t slash = loc.key.find('/', start);
    size_t len = (slash == std::string::npos ? loc.key.size() : slash) - start;
    if (len > kMaxNameBytes) {
      return InvalidArgumentError(
          fmt::format("Path component longer than {} bytes in '{}'", kMaxNameBytes, path));
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return loc;
}

UfsStatus S3Ufs::FileStatus(const std::string& name, const S3Object& o) const {
  UfsStatus s;
  s.name = name;
  s.length = o.size;
  s.last_modified_ms = o.last_modified_ms;
  s.mode = mode_ & 0666;
  s.content_hash = o.etag;
  return s;
}

UfsStatus S3Ufs::DirStatus(const std::string& name) const {
  UfsStatus s;
  s.name = name;
  s.is_directory = true;
  s.mode = mode_;
  return s;
}

Result<bool> S3Ufs::IsFile(const Location& loc) {
  if (loc.key.empty()) return false;
  Result<S3Object> head = client_.HeadObject(loc.bucket, loc.key);
  if (head.ok()) return true;
  if (head.status().code() == StatusCode::kNotFound) return false;
  return head.status();
}

Result<bool> S3Ufs::IsDirectory(const Location& loc) {
  if (loc.key.empty()) return true;  // the bucket's root
  ASSIGN_OR_RETURN(S3ListPage page, client_.ListObjects(loc.bucket, DirPrefix(loc.key), "", "", 1));
  return !page.objects.empty() || !page.common_prefixes.empty();
}

Result<UfsStatus> S3Ufs::GetStatus(const std::string& path) {
  ASSIGN_OR_RETURN(Location loc, Locate(path));
  if (!loc.key.empty()) {
    Result<S3Object> head = client_.HeadObject(loc.bucket, loc.key);
    if (head.ok()) return FileStatus(BaseName(loc.key), *head);
    if (head.status().code() != StatusCode::kNotFound) return head.status();
  }
  ASSIGN_OR_RETURN(bool dir, IsDirectory(loc));
  if (!dir) return NotFoundError(fmt::format("{} does not exist", path));
  return DirStatus(BaseName(loc.key));
}

Result<bool> S3Ufs::Exists(const std::string& path) {
  Result<UfsStatus> s = GetStatus(path);
  if (s.ok()) return true;
  if (s.status().code() == StatusCode::kNotFound) return false;
  return s.status();
}

Result<std::vector<UfsStatus>> S3Ufs::ListStatus(const std::string& path) {
  ASSIGN_OR_RETURN(Location loc, Locate(path));
  ASSIGN_OR_RETURN(bool file, IsFile(loc));
  if (file) return FailedPreconditionError(fmt::format("{} is a file", path));
  std::vector<UfsStatus> out;
  const std::string prefix = DirPrefix(loc.key);
  bool found = loc.key.empty();
  std::string token;
  do {
    ASSIGN_OR_RETURN(S3ListPage page, client_.ListObjects(loc.bucket, prefix, "/", token));
    for (const S3Object& o : page.objects) {
      found = true;
      if (o.key == prefix) continue;  // the directory's own marker
      out.push_back(FileStatus(o.key.substr(prefix.size()), o));
    }
    for (const std::string& p : page.common_prefixes) {
      found = true;
      std::string name = p.substr(prefix.size());
      while (!name.empty() && name.back() == '/') name.pop_back();
      if (!name.empty()) out.push_back(DirStatus(name));
    }
    token = page.next_token;
  } while (!token.empty());
  if (!found) return NotFoundError(fmt::format("{} does not exist", path));
  std::sort(out.begin(), out.end(),
            [](const UfsStatus& a, const UfsStatus& b) { return a.name < b.name; });
  return out;
}

Status S3Ufs::Mkdirs(const std::string& path, bool parents, const CreateOptions& opts) {
  ASSIGN_OR_RETURN(Location loc, Locate(path));
  if (loc.key.empty()) return AlreadyExistsError(fmt::format("{} already exists", path));
  ASSIGN_OR_RETURN(bool file, IsFile(loc));
  ASSIGN_OR_RETURN(bool dir, IsDirectory(loc));
  if (file || dir) return AlreadyExistsError(fmt::format("{} already exists", path));
  // Ancestors: a file among them fails; missing ones are made with `parents`.
  std::vector<std::string> missing;
  for (std::string a = Parent(loc.key); !a.empty(); a = Parent(a)) {
    Location al{loc.bucket, a};
    ASSIGN_OR_RETURN(bool afile, IsFile(al));
    if (afile) return FailedPreconditionError(fmt::format("An ancestor of {} is a file", path));
    ASSIGN_OR_RETURN(bool adir, IsDirectory(al));
    if (adir) break;
    if (!parents) return NotFoundError(fmt::format("The parent of {} does not exist", path));
    missing.push_back(a);
  }
  (void)opts;  // S3 keeps no modes
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    RETURN_IF_ERROR(client_.PutObject(loc.bucket, DirPrefix(*it), ""));
  }
  return client_.PutObject(loc.bucket, DirPrefix(loc.key), "");
}

Result<std::unique_ptr<UfsOutputStream>> S3Ufs::Create(const std::string& path,
                                                       const CreateOptions& opts) {
  ASSIGN_OR_RETURN(Location loc, Locate(path));
  if (loc.key.empty()) return FailedPreconditionError(fmt::format("{} is a directory", path));
  ASSIGN_OR_RETURN(bool dir, IsDirectory(loc));
  if (dir) return FailedPreconditionError(fmt::format("{} is a directory", path));
  std::string parent = Parent(loc.key);
  if (!parent.empty()) {
    Location pl{loc.bucket, parent};
    ASSIGN_OR_RETURN(bool pfile, IsFile(pl));
    if (pfile) return FailedPreconditionError(fmt::format("The parent of {} is a file", path));
    if (!opts.create_parent) {
      ASSIGN_OR_RETURN(bool pdir, IsDirectory(pl));
      if (!pdir) return NotFoundError(fmt::format("The parent of {} does not exist", path));
    }
  }
  std::string tmp = tmp_dir_ + "/alluxio-s3-upload-XXXXXX";
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) {
    return ResourceExhaustedError(
        fmt::format("Cannot stage an upload in {}: {}", tmp_dir_, std::strerror(errno)));
  }
  return std::unique_ptr<UfsOutputStream>(
      new S3OutputStream(this, loc.bucket, loc.key, std::move(tmp), fd));
}

Result<std::unique_ptr<UfsInputStream>> S3Ufs::Open(const std::string& path) {
  ASSIGN_OR_RETURN(Location loc, Locate(path));
  if (loc.key.empty()) return FailedPreconditionError(fmt::format("{} is a directory", path));
  Result<S3Object> head = client_.HeadObject(loc.bucket, loc.key);
  if (!head.ok()) {
    if (head.status().code() == StatusCode::kNotFound) {
      ASSIGN_OR_RETURN(bool dir, IsDirectory(loc));
      if (dir) return FailedPreconditionError(fmt::format("{} is a directory", path));
      return NotFoundError(fmt::format("{} does not exist", path));
    }
    return head.status();
  }
  return std::unique_ptr<UfsInputStream>(
      new S3InputStream(&client_, loc.bucket, loc.key, std::move(*head)));
}

Status S3Ufs::DeleteFile(const std::string& path) {
  ASSIGN_OR_RETURN(Location loc, Locate(path));
  ASSIGN_OR_RETURN(bool file, IsFile(loc));
  if (!file) {
    ASSIGN_OR_RETURN(bool dir, IsDirectory(loc));
    if (dir) return FailedPreconditionError(fmt::format("{} is a directory", path));
    return NotFoundError(fmt::format("{} does not exist", path));
  }
  RETURN_IF_ERROR(KeepParent(loc));
  return client_.DeleteObject(loc.bucket, loc.key);
}

Status S3Ufs::KeepParent(const Location& loc) {
  // A directory made only by the keys below it would vanish with its last child: give it a
  // marker first (an existing marker is rewritten, harmlessly).
  std::string parent = Parent(loc.key);
  return parent.empty() ? Status() : client_.PutObject(loc.bucket, DirPrefix(parent), "");
}

Status S3Ufs::ForEachKey(const Location& dir, const std::function<Status(const S3Object&)>& fn) {
  std::string token;
  do {
    ASSIGN_OR_RETURN(S3ListPage page,
                     client_.ListObjects(dir.bucket, DirPrefix(dir.key), "", token));
    for (const S3Object& o : page.objects) RETURN_IF_ERROR(fn(o));
    token = page.next_token;
  } while (!token.empty());
  return Status();
}

Status S3Ufs::DeleteDirectory(const std::string& path, bool recursive) {
  ASSIGN_OR_RETURN(Location loc, Locate(path));
  ASSIGN_OR_RETURN(bool file, IsFile(loc));
  if (file) return FailedPreconditionError(fmt::format("{} is a file", path));
  const std::string marker = DirPrefix(loc.key);
  ASSIGN_OR_RETURN(S3ListPage first, client_.ListObjects(loc.bucket, marker, "", "", 2));
  if (first.objects.empty() && !loc.key.empty()) {
    return NotFoundError(fmt::format("{} does not exist", path));
  }
  bool has_children = std::any_of(first.objects.begin(), first.objects.end(),
                                  [&](const S3Object& o) { return o.key != marker; });
  if (has_children && !recursive) {
    return FailedPreconditionError(fmt::format("{} is not empty", path));
  }
  RETURN_IF_ERROR(KeepParent(loc));
  // Page by page (a tree of any size), the directory's own marker last: a failure midway leaves
  // a directory.
  RETURN_IF_ERROR(ForEachKey(loc, [&](const S3Object& o) {
    return o.key == marker ? Status() : client_.DeleteObject(loc.bucket, o.key);
  }));
  return loc.key.empty() ? Status() : client_.DeleteObject(loc.bucket, marker);
}

Status S3Ufs::Rename(const std::string& from, const std::string& to) {
  ASSIGN_OR_RETURN(Location src, Locate(from));
  ASSIGN_OR_RETURN(Location dst, Locate(to));
  if (src.bucket != dst.bucket) {
    return InvalidArgumentError(fmt::format("Cannot rename {} to another bucket ({})", from, to));
  }
  if (src.key.empty()) return InvalidArgumentError("Cannot rename a bucket's root");
  ASSIGN_OR_RETURN(bool src_exists, Exists(from));
  if (!src_exists) return NotFoundError(fmt::format("{} does not exist", from));
  ASSIGN_OR_RETURN(bool dst_exists, Exists(to));
  if (dst_exists) return AlreadyExistsError(fmt::format("{} already exists", to));
  if (dst.key.rfind(DirPrefix(src.key), 0) == 0) {
    return InvalidArgumentError(fmt::format("Cannot rename {} into itself ({})", from, to));
  }
  std::string parent = Parent(dst.key);
  if (!parent.empty()) {
    ASSIGN_OR_RETURN(bool pfile, IsFile(Location{dst.bucket, parent}));
    if (pfile) return FailedPreconditionError(fmt::format("The parent of {} is a file", to));
    ASSIGN_OR_RETURN(bool pdir, IsDirectory(Location{dst.bucket, parent}));
    if (!pdir) return NotFoundError(fmt::format("The parent of {} does not exist", to));
  }
  ASSIGN_OR_RETURN(bool file, IsFile(src));
  if (file) {
    RETURN_IF_ERROR(client_.CopyObject(src.bucket, src.key, dst.key));
    RETURN_IF_ERROR(KeepParent(src));
    return client_.DeleteObject(src.bucket, src.key);
  }
  // Copy everything, then delete the originals, page by page: a failure midway leaves both,
  // never neither.
  const std::string sp = DirPrefix(src.key), dp = DirPrefix(dst.key);
  bool has_marker = false;
  RETURN_IF_ERROR(ForEachKey(src, [&](const S3Object& o) {
    has_marker |= o.key == sp;
    return client_.CopyObject(src.bucket, o.key, dp + o.key.substr(sp.size()));
  }));
  if (!has_marker) RETURN_IF_ERROR(client_.PutObject(dst.bucket, dp, ""));
  RETURN_IF_ERROR(KeepParent(src));
  return ForEachKey(src,
                    [&](const S3Object& o) { return client_.DeleteObject(src.bucket, o.key); });
}

Status S3Ufs::SetMode(const std::string& path, int32_t) {
  // S3 keeps no modes (Alluxio's S3 under-store ignores them too); the entry must exist.
  ASSIGN_OR_RETURN(bool exists, Exists(path));
  return exists ? Status() : NotFoundError(fmt::format("{} does not exist", path));
}

Status S3Ufs::SetOwner(const std::string& path, const std::string&, const std::string&) {
  ASSIGN_OR_RETURN(bool exists, Exists(path));
  return exists ? Status() : NotFoundError(fmt::format("{} does not exist", path));
}

}  // namespace alluxio::ufs
