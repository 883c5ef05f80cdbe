// SPDX-License-Identifier: Apache-2.0
#include "ufs/memory/memory_ufs.h"

#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <mutex>
#include <utility>

#include "common/path.h"
#include "ufs/internal/posix_ids.h"
#include "ufs/internal/ufs_uri.h"

namespace alluxio::ufs {
namespace internal {

struct MemoryNode {
  bool is_directory = false;
  // Files: the content, never modified in place, so open input streams keep a consistent copy.
  std::shared_ptr<const std::string> data;
  // Directories: children by name, in byte order (the order of ListStatus).
  std::map<std::string, std::unique_ptr<MemoryNode>, std::less<>> children;
  int64_t mtime_ms = 0;
  int32_t mode = 0;
  std::string owner;
  std::string group;
  uint64_t generation = 0;  // files: distinct for every publish within the tree
};

// The file tree of one MemoryUfs. Every public method takes normalised absolute paths and holds
// `mu_` for its whole duration (no method blocks on anything else); private helpers that touch
// the tree say "REQUIRES: mu_ held".
class MemoryTree {
 public:
  MemoryTree() : default_owner_(UserName(::geteuid())), default_group_(GroupName(::getegid())) {
    std::lock_guard<std::mutex> lock(mu_);
    ResetLocked();
  }

  void Reset() {
    std::lock_guard<std::mutex> lock(mu_);
    ResetLocked();
  }

  Result<UfsStatus> GetStatus(const std::string& path) {
    std::lock_guard<std::mutex> lock(mu_);
    ASSIGN_OR_RETURN(MemoryNode * node, Find(path, "stat"));
    return StatusOf(PathName(path), *node);
  }

  Result<bool> Exists(const std::string& path) {
    std::lock_guard<std::mutex> lock(mu_);
    auto node = Find(path, "stat");
    if (node.ok()) return true;
    if (node.error().code() == StatusCode::kNotFound) return false;
    return node.error();
  }

  Result<std::vector<UfsStatus>> ListStatus(const std::string& path) {
    std::lock_guard<std::mutex> lock(mu_);
    ASSIGN_OR_RETURN(MemoryNode * node, Find(path, "open"));
    if (!node->is_directory) {
      return FailedPreconditionError(fmt::format("ListStatus {}: not a directory", path));
    }
    std::vector<UfsStatus> out;
    out.reserve(node->children.size());
    for (const auto& [name, child] : node->children) out.push_back(StatusOf(name, *child));
    return out;
  }

  Status Mkdirs(const std::string& path, bool parents, const CreateOptions& opts) {
    std::lock_guard<std::mutex> lock(mu_);
    if (path == "/") return AlreadyExistsError("mkdir /: already exists");
    int32_t mode = DirectoryMode(opts.mode);
    ASSIGN_OR_RETURN(MemoryNode * parent,
                     FindParentForCreate(path, "mkdir", parents, mode | 0700, opts));
    std::string_view name = PathName(path);
    if (parent->children.find(name) != parent->children.end()) {
      return AlreadyExistsError(fmt::format("mkdir {}: already exists", path));
    }
    AddChild(parent, name, NewDirectory(mode, opts));
    return Status::OK();
  }

  // Checks that a file could be created at `path` (making parents when opts.create_parent).
  Status PrepareCreate(const std::string& path, const CreateOptions& opts) {
    std::lock_guard<std::mutex> lock(mu_);
    auto existing = Find(path, "create");
    if (path == "/" || (existing.ok() && (*existing)->is_directory)) {
      return FailedPreconditionError(fmt::format("Create {}: is a directory", path));
    }
    return FindParentForCreate(path, "Create", opts.create_parent, kParentDirMode, opts).status();
  }

  // Makes `data` the file at `path`, replacing any file there. The parent must exist.
  Status Publish(const std::string& path, std::string data, const CreateOptions& opts) {
    std::lock_guard<std::mutex> lock(mu_);
    ASSIGN_OR_RETURN(MemoryNode * parent,
                     FindParentForCreate(path, "Create", /*make_parents=*/false, 0, opts));
    std::string_view name = PathName(path);
    auto it = parent->children.find(name);
    if (it != parent->children.end() && it->second->is_directory) {
      return FailedPreconditionError(fmt::format("Create {}: is a directory", path));
    }
    auto file = std::make_unique<MemoryNode>();
    file->data = std::make_shared<const std::string>(std::move(data));
    file->mtime_ms = NowMs();
    file->mode = opts.mode & 07777;
    file->owner = opts.owner.empty() ? default_owner_ : opts.owner;
    file->group = opts.group.empty() ? default_group_ : opts.group;
    file->generation = next_generation_++;
    if (it != parent->children.end()) parent->children.erase(it);
    AddChild(parent, name, std::move(file));
    return Status::OK();
  }

  Result<std::shared_ptr<const std::string>> Open(const std::string& path) {
    std::lock_guard<std::mutex> lock(mu_);
    ASSIGN_OR_RETURN(MemoryNode * node, Find(path, "open"));
    if (node->is_directory) {
      return FailedPreconditionError(fmt::format("Open {}: is a directory", path));
    }
    return node->data;
  }

  Status DeleteFile(const std::string& path) {
    std::lock_guard<std::mutex> lock(mu_);
    ASSIGN_OR_RETURN(MemoryNode * node, Find(path, "stat"));
    if (node->is_directory) {
      return FailedPreconditionError(fmt::format("DeleteFile {}: is a directory", path));
    }
    RemoveChild(path);
    return Status::OK();
  }

  Status DeleteDirectory(const std::string& path, bool recursive) {
    std::lock_guard<std::mutex> lock(mu_);
    if (path == "/") return InvalidArgumentError("DeleteDirectory /: refusing to delete the root");
    ASSIGN_OR_RETURN(MemoryNode * node, Find(path, "stat"));
    if (!node->is_directory) {
      return FailedPreconditionError(fmt::format("DeleteDirectory {}: not a directory", path));
    }
    if (!recursive && !node->children.empty()) {
      return FailedPreconditionError(
          fmt::format("DeleteDirectory {}: directory is not empty", path));
    }
    RemoveChild(path);
    return Status::OK();
  }

  Status Rename(const std::string& src, const std::string& dst) {
    std::lock_guard<std::mutex> lock(mu_);
    std::string what = fmt::format("{} to {}", src, dst);
    if (src == "/")
      return InvalidArgumentError(fmt::format("Rename {}: cannot move the root", what));
    RETURN_IF_ERROR(Find(src, "rename").status());
    if (src == dst || dst == "/") {
      return AlreadyExistsError(fmt::format("Rename {}: destination exists", what));
    }
    if (PathHasPrefix(dst, src)) {
      return InvalidArgumentError(fmt::format("Rename {}: destination is inside the source", what));
    }
    auto dst_parent = FindParentForCreate(dst, "rename", /*make_parents=*/false, 0, {});
    if (!dst_parent.ok()) {
      if (dst_parent.error().code() == StatusCode::kFailedPrecondition) {
        return FailedPreconditionError(
            fmt::format("Rename {}: parent of the destination is not a directory", what));
      }
      return dst_parent.error();
    }
    std::string_view dst_name = PathName(dst);
    if ((*dst_parent)->children.find(dst_name) != (*dst_parent)->children.end()) {
      return AlreadyExistsError(fmt::format("Rename {}: destination exists", what));
    }
    std::unique_ptr<MemoryNode> moved = RemoveChild(src);
    AddChild(*dst_parent, dst_name, std::move(moved));
    return Status::OK();
  }

  Status SetMode(const std::string& path, int32_t mode) {
    std::lock_guard<std::mutex> lock(mu_);
    ASSIGN_OR_RETURN(MemoryNode * node, Find(path, "chmod"));
    node->mode = mode & 07777;
    return Status::OK();
  }

  Status SetOwner(const std::string& path, const std::string& owner, const std::string& group) {
    std::lock_guard<std::mutex> lock(mu_);
    ASSIGN_OR_RETURN(MemoryNode * node, Find(path, "chown"));
    if (!owner.empty()) node->owner = owner;
    if (!group.empty()) node->group = group;
    return Status::OK();
  }

 private:
  static constexpr int32_t kParentDirMode = 0755;  // parents made by Create

  static int64_t NowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  static UfsStatus StatusOf(std::string_view name, const MemoryNode& node) {
    UfsStatus s;
    s.name = std::string(name);
    s.is_directory = node.is_directory;
    s.length = node.is_directory ? 0 : static_cast<int64_t>(node.data->size());
    s.last_modified_ms = node.mtime_ms;
    s.owner = node.owner;
    s.group = node.group;
    s.mode = node.mode;
    if (!node.is_directory) s.content_hash = fmt::format("gen-{}", node.generation);
    return s;
  }

  // REQUIRES: mu_ held.
  void ResetLocked() { root_ = NewDirectory(0755, {}); }

  std::unique_ptr<MemoryNode> NewDirectory(int32_t mode, const CreateOptions& opts) const {
    auto dir = std::make_unique<MemoryNode>();
    dir->is_directory = true;
    dir->mtime_ms = NowMs();
    dir->mode = mode;
    dir->owner = opts.owner.empty() ? default_owner_ : opts.owner;
    dir->group = opts.group.empty() ? default_group_ : opts.group;
    return dir;
  }

  // The node at `path`. NotFound (as ENOENT/ENOTDIR would be) when it or an ancestor is missing
  // or an ancestor is a file. REQUIRES: mu_ held.
  Result<MemoryNode*> Find(const std::string& path, std::string_view op) {
    MemoryNode* node = root_.get();
    for (std::string_view part : PathComponents(path)) {
      auto it = node->is_directory ? node->children.find(part) : node->children.end();
      if (it == node->children.end()) {
        return NotFoundError(fmt::format("{} {}: No such file or directory", op, path));
      }
      node = it->second.get();
    }
    return node;
  }

  // The directory that would hold `path` (not the root). Missing ancestors are made with `mode`
  // when `make_parents`, else NotFound; FailedPrecondition when an ancestor is a file.
  // REQUIRES: mu_ held.
  Result<MemoryNode*> FindParentForCreate(const std::string& path, std::string_view op,
                                          bool make_parents, int32_t mode,
                                          const CreateOptions& opts) {
    std::vector<std::string_view> parts = PathComponents(path);
    MemoryNode* node = root_.get();
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      auto it = node->children.find(parts[i]);
      if (it == node->children.end()) {
        if (!make_parents) {
          return NotFoundError(fmt::format("{} {}: parent directory does not exist", op, path));
        }
        node = AddChild(node, parts[i], NewDirectory(mode, opts));
        continue;
      }
      if (!it->second->is_directory) {
        return FailedPreconditionError(
            fmt::format("{} {}: an ancestor is not a directory", op, path));
      }
      node = it->second.get();
    }
    return node;
  }

  // Inserts `child` (the name must be free) and returns it. REQUIRES: mu_ held.
  MemoryNode* AddChild(MemoryNode* parent, std::string_view name,
                       std::unique_ptr<MemoryNode> child) {
    parent->mtime_ms = NowMs();
    MemoryNode* raw = child.get();
    parent->children.emplace(std::string(name), std::move(child));
    return raw;
  }

  // Detaches the existing node at `path` (not the root) and returns it. REQUIRES: mu_ held.
  std::unique_ptr<MemoryNode> RemoveChild(const std::string& path) {
    MemoryNode* parent = *Find(std::string(ParentPath(path)), "unlink");
    auto it = parent->children.find(PathName(path));
    std::unique_ptr<MemoryNode> node = std::move(it->second);
    parent->children.erase(it);
    parent->mtime_ms = NowMs();
    return node;
  }

  const std::string default_owner_;
  const std::string default_group_;
  std::mutex mu_;
  std::unique_ptr<MemoryNode> root_;  // guarded by mu_; always a directory
  uint64_t next_generation_ = 1;      // guarded by mu_
};

}  // namespace internal

namespace {

class MemoryOutputStream final : public UfsOutputStream {
 public:
  MemoryOutputStream(std::shared_ptr<internal::MemoryTree> tree, std::string path,
                     CreateOptions opts)
      : tree_(std::move(tree)), path_(std::move(path)), opts_(std::move(opts)) {}

  Status Write(std::string_view data) override {
    if (closed_) return Closed();
    buffer_.append(data);
    return Status::OK();
  }

  Status Close() override {
    if (closed_) return Closed();
    closed_ = true;
    return tree_->Publish(path_, std::move(buffer_), opts_);
  }

  void Cancel() override {
    closed_ = true;
    buffer_.clear();
  }

 private:
  Status Closed() const {
    return FailedPreconditionError(fmt::format("Output stream for {} is closed", path_));
  }

  const std::shared_ptr<internal::MemoryTree> tree_;
  const std::string path_;
  const CreateOptions opts_;
  std::string buffer_;
  bool closed_ = false;
};

class MemoryInputStream final : public UfsInputStream {
 public:
  MemoryInputStream(std::shared_ptr<const std::string> data, std::string path,
                    MemoryUfs::ReadHook hook)
      : data_(std::move(data)), path_(std::move(path)), hook_(std::move(hook)) {}

  Result<size_t> PRead(int64_t offset, char* buf, size_t n) override {
    if (hook_) hook_(path_, offset, this);
    if (offset < 0) {
      return InvalidArgumentError(fmt::format("Read of {} at negative offset {}", path_, offset));
    }
    if (static_cast<uint64_t>(offset) >= data_->size()) return size_t{0};
    size_t count = std::min(n, data_->size() - static_cast<size_t>(offset));
    std::memcpy(buf, data_->data() + offset, count);
    return count;
  }

 private:
  const std::shared_ptr<const std::string> data_;
  const std::string path_;
  const MemoryUfs::ReadHook hook_;
};

class SharedInstances {
 public:
  std::shared_ptr<MemoryUfs> Get(const std::string& authority) {
    std::lock_guard<std::mutex> lock(mu_);
    std::shared_ptr<MemoryUfs>& ufs = by_authority_[authority];
    if (ufs == nullptr) ufs = std::make_shared<MemoryUfs>(authority);
    return ufs;
  }

  std::map<std::string, std::shared_ptr<MemoryUfs>> TakeAll() {
    std::lock_guard<std::mutex> lock(mu_);
    return std::exchange(by_authority_, {});
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<MemoryUfs>> by_authority_;  // guarded by mu_
};

SharedInstances& GlobalInstances() {
  static SharedInstances* instances = new SharedInstances();  // never deleted
  return *instances;
}

}  // namespace

MemoryUfs::MemoryUfs(std::string authority)
    : authority_(std::move(authority)), tree_(std::make_shared<internal::MemoryTree>()) {}

MemoryUfs::~MemoryUfs() = default;

std::shared_ptr<MemoryUfs> MemoryUfs::Shared(const std::string& authority) {
  return GlobalInstances().Get(authority);
}

void MemoryUfs::ResetAll() {
  for (auto& [authority, ufs] : GlobalInstances().TakeAll()) ufs->tree_->Reset();
}

Result<std::string> MemoryUfs::ToPath(const std::string& uri) const {
  ASSIGN_OR_RETURN(internal::UfsUri parsed, internal::ParseUfsUri(uri));
  if (!parsed.scheme.empty() && parsed.scheme != "memory") {
    return InvalidArgumentError(fmt::format(
        "Memory UFS cannot serve '{}': scheme '{}' is not 'memory'", uri, parsed.scheme));
  }
  if (!parsed.scheme.empty() && parsed.authority != authority_) {
    return InvalidArgumentError(
        fmt::format("Memory UFS for authority '{}' cannot serve '{}'", authority_, uri));
  }
  return std::move(parsed.path);
}

void MemoryUfs::SetMetadataHookForTest(std::function<void(const std::string&)> hook) {
  std::lock_guard<std::mutex> l(hook_mu_);
  hook_ = std::move(hook);
}

void MemoryUfs::SetReadHookForTest(ReadHook hook) {
  std::lock_guard<std::mutex> l(hook_mu_);
  read_hook_ = std::move(hook);
}

void MemoryUfs::SetCapabilitiesForTest(const UfsCapabilities& capabilities) {
  std::lock_guard<std::mutex> l(hook_mu_);
  capabilities_ = capabilities;
}

UfsCapabilities MemoryUfs::capabilities() const {
  std::lock_guard<std::mutex> l(hook_mu_);
  return capabilities_;
}

void MemoryUfs::RunHook(const std::string& path) {
  std::function<void(const std::string&)> hook;
  {
    std::lock_guard<std::mutex> l(hook_mu_);
    hook = hook_;
  }
  if (hook) hook(path);
}

Result<UfsStatus> MemoryUfs::GetStatus(const std::string& path) {
  RunHook(path);
  ASSIGN_OR_RETURN(std::string p, ToPath(path));
  return tree_->GetStatus(p);
}

Result<bool> MemoryUfs::Exists(const std::string& path) {
  ASSIGN_OR_RETURN(std::string p, ToPath(path));
  return tree_->Exists(p);
}

Result<std::vector<UfsStatus>> MemoryUfs::ListStatus(const std::string& path) {
  RunHook(path);
  ASSIGN_OR_RETURN(std::string p, ToPath(path));
  return tree_->ListStatus(p);
}

Status MemoryUfs::Mkdirs(const std::string& path, bool parents, const CreateOptions& opts) {
  RunHook(path);
  ASSIGN_OR_RETURN(std::string p, ToPath(path));
  return tree_->Mkdirs(p, parents, opts);
}

Result<std::unique_ptr<UfsOutputStream>> MemoryUfs::Create(const std::string& path,
                                                           const CreateOptions& opts) {
  ASSIGN_OR_RETURN(std::string p, ToPath(path));
  RETURN_IF_ERROR(tree_->PrepareCreate(p, opts));
  return std::unique_ptr<UfsOutputStream>(
      std::make_unique<MemoryOutputStream>(tree_, std::move(p), opts));
}

Result<std::unique_ptr<UfsInputStream>> MemoryUfs::Open(const std::string& path) {
  ASSIGN_OR_RETURN(std::string p, ToPath(path));
  ASSIGN_OR_RETURN(std::shared_ptr<const std::string> data, tree_->Open(p));
  ReadHook hook;
  {
    std::lock_guard<std::mutex> l(hook_mu_);
    hook = read_hook_;
  }
  return std::unique_ptr<UfsInputStream>(
      std::make_unique<MemoryInputStream>(std::move(data), std::move(p), std::move(hook)));
}

Status MemoryUfs::DeleteFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string p, ToPath(path));
  return tree_->DeleteFile(p);
}

Status MemoryUfs::DeleteDirectory(const std::string& path, bool recursive) {
  ASSIGN_OR_RETURN(std::string p, ToPath(path));
  return tree_->DeleteDirectory(p, recursive);
}

Status MemoryUfs::Rename(const std::string& from, const std::string& to) {
  ASSIGN_OR_RETURN(std::string src, ToPath(from));
  ASSIGN_OR_RETURN(std::string dst, ToPath(to));
  return tree_->Rename(src, dst);
}

Status MemoryUfs::SetMode(const std::string& path, int32_t mode) {
  ASSIGN_OR_RETURN(std::string p, ToPath(path));
  return tree_->SetMode(p, mode);
}

Status MemoryUfs::SetOwner(const std::string& path, const std::string& owner,
                           const std::string& group) {
  ASSIGN_OR_RETURN(std::string p, ToPath(path));
  return tree_->SetOwner(p, owner, group);
}

}  // namespace alluxio::ufs
