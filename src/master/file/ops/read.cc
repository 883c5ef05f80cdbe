// SPDX-License-Identifier: Apache-2.0
// GetStatus, Exists, ListStatus.
#include <fmt/format.h>

#include "common/path.h"
#include "master/file/file_system_master.h"
#include "master/file/ops/op_util.h"

namespace alluxio::master {

namespace {

template <typename Options>
grpc::LoadMetadataPType LoadType(const Options& o) {
  return o.has_load_metadata_type() ? o.load_metadata_type() : grpc::ONCE;
}

template <typename Options>
int64_t SyncInterval(const Options& o) {
  return internal::SyncIntervalOf(o.common_options());
}

}  // namespace

Result<FileInfo> FileSystemMaster::GetStatus(const OperationContext& ctx, std::string_view raw_path,
                                             const grpc::file::GetStatusPOptions& options) {
  ASSIGN_OR_RETURN(std::string path, NormalizePath(raw_path));
  RETURN_IF_ERROR(LoadMetadataIfNeeded(ctx, path, LoadType(options), SyncInterval(options), false));
  SharedLock lock(state_mu_);
  ASSIGN_OR_RETURN(ResolvedPath r, ResolveChecked(ctx, path));
  if (!r.found()) return internal::PathDoesNotExist(path);
  return ToFileInfo(*r.target(), path);
}

bool FileSystemMaster::GetStatusNeedsUfs(std::string_view path,
                                         const grpc::file::GetStatusPOptions& options) {
  return MetadataLoadNeedsUfs(path, LoadType(options), SyncInterval(options));
}

bool FileSystemMaster::ExistsNeedsUfs(std::string_view path,
                                      const grpc::file::ExistsPOptions& options) {
  return MetadataLoadNeedsUfs(path, LoadType(options), SyncInterval(options));
}

Result<bool> FileSystemMaster::Exists(const OperationContext& ctx, std::string_view path,
                                      const grpc::file::ExistsPOptions& options) {
  grpc::file::GetStatusPOptions g;
  if (options.has_load_metadata_type()) g.set_load_metadata_type(options.load_metadata_type());
  *g.mutable_common_options() = options.common_options();
  Result<FileInfo> r = GetStatus(ctx, path, g);
  if (r.ok()) return true;
  if (r.status().code() == StatusCode::kNotFound) return false;
  return r.status();
}

Status FileSystemMaster::ListStatus(
    const OperationContext& ctx, std::string_view raw_path,
    const grpc::file::ListStatusPOptions& options,
    const std::function<Status(std::vector<FileInfo>&&)>& consumer) {
  ASSIGN_OR_RETURN(std::string path, NormalizePath(raw_path));
  if (options.recursive() && (!options.start_from().empty() || options.limit() != 0)) {
    return InvalidArgumentError("start_from and limit apply to non-recursive listings only");
  }
  if (options.limit() < 0) return InvalidArgumentError("limit must not be negative");
  if (options.recursive()) {
    RETURN_IF_ERROR(LoadMetadataRecursive(ctx, path, LoadType(options), SyncInterval(options)));
  } else {
    RETURN_IF_ERROR(
        LoadMetadataIfNeeded(ctx, path, LoadType(options), SyncInterval(options), true));
  }
  const std::string user = EffectiveUser(ctx);

  // Directories still to list: the next batch resumes after `after` in `dir`. Like Alluxio, a
  // recursive listing is post-order (a directory follows its contents) and never includes the
  // listed directory itself.
  struct Frame {
    InodeId dir;
    std::string path;
    std::string after;
    bool started = false;
    bool emit_self = false;  // emit the directory once its contents are done
  };
  std::vector<Frame> stack;
  {
    SharedLock lock(state_mu_);
    ASSIGN_OR_RETURN(ResolvedPath r, ResolveChecked(ctx, path));
    if (!r.found()) return internal::PathDoesNotExist(path);
    const Inode* target = r.target();
    if (!target->is_directory) {
      std::vector<FileInfo> one;
      one.push_back(ToFileInfo(*target, path));
      lock.unlock();
      return consumer(std::move(one));
    }
    RETURN_IF_ERROR(permissions_.Check(user, *target, kModeRead, path));
    stack.push_back(Frame{target->id, path, "", false, false});
  }
  // Children left to list (limit); paging starts at the first name >= start_from.
  int64_t left = options.limit() > 0 ? options.limit() : INT64_MAX;
  bool first_batch = !options.start_from().empty();
  // Batches are built under the shared lock and sent without it, so a huge listing never
  // blocks writers for long. Each batch is consistent; the whole listing is not a snapshot.
  while (!stack.empty()) {
    std::vector<FileInfo> batch;
    {
      SharedLock lock(state_mu_);
      while (!stack.empty() && batch.size() < kListBatchSize) {
        Frame& f = stack.back();
        const Inode* dir = tree_.Get(f.dir);
        if (dir == nullptr || !dir->is_directory) {
          stack.pop_back();  // removed meanwhile
          continue;
        }
        const ChildSet& children = dir->children();
        auto it = f.started     ? children.upper_bound(std::string_view(f.after))
                  : first_batch ? children.lower_bound(std::string_view(options.start_from()))
                                : children.begin();
        first_batch = false;
        if (it == children.end() || left == 0) {
          if (f.emit_self) batch.push_back(ToFileInfo(*dir, f.path));
          stack.pop_back();
          continue;
        }
        const Inode* child = *it;
        f.after = child->name.str();
        f.started = true;
        std::string child_path = JoinPath(f.path, child->name);
        bool descend = options.recursive() && child->is_directory &&
                       permissions_.Check(user, *child, kModeRead | kModeExecute, child_path).ok();
        if (descend) {
          stack.push_back(Frame{child->id, std::move(child_path), "", false, true});
        } else {
          batch.push_back(ToFileInfo(*child, child_path));
          --left;
        }
      }
    }
    if (!batch.empty()) RETURN_IF_ERROR(consumer(std::move(batch)));
  }
  return Status();
}

}  // namespace alluxio::master
