// SPDX-License-Identifier: Apache-2.0
// Free (fs free): drops the cached blocks of a file or of a tree from every worker; the metadata
// and the UFS data stay. Alluxio's rules: only persisted files may be freed (their data can be
// read back from the UFS), a pinned file only with `forced` (which unpins it), a non-empty
// directory only with `recursive`. Nothing is journaled except those unpins.
#include <fmt/format.h>

#include "common/path.h"
#include "master/file/file_system_master.h"
#include "master/file/ops/op_util.h"

namespace alluxio::master {

Status FileSystemMaster::Free(const OperationContext& ctx, std::string_view raw_path,
                              const grpc::file::FreePOptions& options) {
  ASSIGN_OR_RETURN(std::string path, NormalizePath(raw_path));
  if (IsRetryOfCompletedOperation(ctx)) return Status();
  const std::string user = EffectiveUser(ctx);
  RETURN_IF_ERROR(LoadMetadataIfNeeded(ctx, path, grpc::ONCE,
                                       internal::SyncIntervalOf(options.common_options()), false));
  journal::SequenceNumber sn = -1;
  {
    // Exclusive: the unpins (if any) are journaled with the same view that was checked, and the
    // block master is told while no delete can interleave.
    ExclusiveLock lock(state_mu_);
    ASSIGN_OR_RETURN(ResolvedPath r, ResolveChecked(ctx, path));
    if (!r.found()) return internal::PathDoesNotExist(path);
    const Inode* target = r.target();
    RETURN_IF_ERROR(permissions_.Check(user, *target, kModeRead, path));
    if (target->is_directory && !options.recursive() && target->child_count() > 0) {
      return FailedPreconditionError(
          fmt::format("Cannot free directory {} which is not empty. Please set the \"recursive\" "
                      "flag of free operation to true",
                      path));
    }
    // Check every file before changing anything.
    std::vector<InodeId> files;
    std::vector<journal::JournalEntry> unpins;
    std::vector<std::pair<const Inode*, std::string>> stack{{target, path}};
    while (!stack.empty()) {
      auto [inode, p] = std::move(stack.back());
      stack.pop_back();
      if (inode->is_directory) {
        for (const Inode* child : inode->children()) {
          stack.emplace_back(child, JoinPath(p, child->name));
        }
        continue;
      }
      if (!inode->persisted()) {
        return FailedPreconditionError(
            fmt::format("Cannot free file {} which is not persisted", p));
      }
      if (inode->pinned) {
        if (!options.forced()) {
          return FailedPreconditionError(
              fmt::format("Cannot free file {} which is pinned. Please unpin it first or set the "
                          "\"forced\" flag of free operation to true",
                          p));
        }
        journal::JournalEntry e;
        e.mutable_update_inode()->set_id(inode->id);
        e.mutable_update_inode()->set_pinned(false);
        unpins.push_back(std::move(e));
      }
      files.push_back(inode->id);
    }
    if (!unpins.empty()) {
      ASSIGN_OR_RETURN(sn, ApplyAndJournal(internal::Batch(std::move(unpins)), ctx));
    }
    if (block_master_ != nullptr) block_master_->RemoveBlocksOfFiles(files);
  }
  if (sn >= 0) return WaitDurable(sn);
  return Status();
}

}  // namespace alluxio::master
