// SPDX-License-Identifier: Apache-2.0
#include "worker/ufs_io/ufs_block_cacher.h"

#include <fcntl.h>

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "worker/internal/posix_file.h"
#include "worker/internal/session.h"

namespace alluxio::worker {

namespace {

constexpr int64_t kCopyBufferBytes = 4 << 20;

std::string TopTier(BlockStore* store) {
  StoreMeta meta = store->GetStoreMeta();
  return meta.tiers.empty() ? std::string(kAnyTier) : meta.tiers.front().alias;
}

}  // namespace

UfsBlockCacher::UfsBlockCacher(BlockStore* store, UfsManager* ufs, int threads, size_t max_queued)
    : store_(store),
      ufs_(ufs),
      top_tier_(TopTier(store)),
      pool_(std::make_unique<internal::TaskPool>("ufs-cache", threads, max_queued)) {}

UfsBlockCacher::~UfsBlockCacher() { Stop(); }

void UfsBlockCacher::Stop() { pool_->Stop(); }

bool UfsBlockCacher::TryClaim(BlockId block_id) {
  std::lock_guard<std::mutex> l(mu_);
  return claimed_.insert(block_id).second;
}

void UfsBlockCacher::Release(BlockId block_id) {
  std::lock_guard<std::mutex> l(mu_);
  claimed_.erase(block_id);
}

bool UfsBlockCacher::Submit(BlockId block_id, const grpc::block::OpenUfsBlockOptions& options) {
  if (store_->HasBlock(block_id) || !TryClaim(block_id)) return false;
  bool queued = pool_->TrySubmit([this, block_id, options] {
    Status s = CacheNow(block_id, options);
    Release(block_id);
    if (!s.ok()) {
      spdlog::warn("Failed to cache block {} from {}: {}", block_id, options.ufs_path(),
                   s.ToString());
    }
  });
  if (!queued) Release(block_id);
  return queued;
}

Status UfsBlockCacher::CacheNow(BlockId block_id, const grpc::block::OpenUfsBlockOptions& options) {
  if (store_->HasBlock(block_id)) return Status();
  const std::string& path = options.ufs_path();
  const int64_t length = options.block_size();
  if (length < 0) return InvalidArgumentError(fmt::format("Invalid block size {}", length));
  ASSIGN_OR_RETURN(std::shared_ptr<ufs::UnderFileSystem> ufs,
                   ufs_->Get(options.has_mount_id() ? options.mount_id() : -1, path));
  RETURN_IF_ERROR(UfsManager::CheckFingerprint(ufs.get(), path, options.ufs_fingerprint()));
  ASSIGN_OR_RETURN(std::unique_ptr<ufs::UfsInputStream> in, ufs->Open(path));

  internal::SessionScope session(store_);
  BlockLocationHint hint;
  hint.tier_alias = top_tier_;
  Result<std::string> temp = store_->CreateBlock(session.id(), block_id, hint, length);
  if (temp.status().code() == StatusCode::kAlreadyExists) return Status();  // cached meanwhile
  if (!temp.ok()) return temp.status();
  ASSIGN_OR_RETURN(internal::PosixFile file, internal::PosixFile::Open(*temp, O_WRONLY));
  std::string buf(static_cast<size_t>(std::min(length, kCopyBufferBytes)), '\0');
  for (int64_t pos = 0; pos < length;) {
    size_t n = static_cast<size_t>(std::min<int64_t>(length - pos, kCopyBufferBytes));
    ASSIGN_OR_RETURN(size_t got, in->PRead(options.offset_in_file() + pos, buf.data(), n));
    if (got < n) {
      return DataLossError(fmt::format(
          "UFS file {} ends at {} bytes, inside block {} (expected {} bytes from offset {})", path,
          options.offset_in_file() + pos + static_cast<int64_t>(got), block_id, length,
          options.offset_in_file()));
    }
    RETURN_IF_ERROR(file.PWrite(pos, std::string_view(buf.data(), n)));
    pos += static_cast<int64_t>(n);
  }
  RETURN_IF_ERROR(file.Close());
  // On any early return above the session's end aborts the temp block.
  return store_->CommitBlock(session.id(), block_id);
}

}  // namespace alluxio::worker
