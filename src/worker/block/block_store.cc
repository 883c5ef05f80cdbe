// SPDX-License-Identifier: Apache-2.0
// The public face of BlockStore: argument checks and counters around the implementation.
#include "worker/block/block_store.h"

#include <fmt/format.h>

namespace alluxio::worker {
namespace {

Status CheckBytes(std::string_view what, int64_t bytes) {
  if (bytes < 0) {
    return InvalidArgumentError(fmt::format("{} must not be negative, got {}", what, bytes));
  }
  return Status::OK();
}

}  // namespace

void BlockStore::Count(const Status& status, std::atomic<int64_t>* on_success) {
  if (status.ok()) {
    if (on_success != nullptr) on_success->fetch_add(1, std::memory_order_relaxed);
  } else {
    counters_.failed_calls.fetch_add(1, std::memory_order_relaxed);
  }
}

void BlockStore::CountEvicted(int64_t blocks, int64_t bytes) {
  counters_.blocks_evicted.fetch_add(blocks, std::memory_order_relaxed);
  counters_.bytes_evicted.fetch_add(bytes, std::memory_order_relaxed);
}
void BlockStore::CountLost(int64_t blocks) {
  counters_.blocks_lost.fetch_add(blocks, std::memory_order_relaxed);
}
void BlockStore::CountOutOfSpace() {
  counters_.out_of_space.fetch_add(1, std::memory_order_relaxed);
}
void BlockStore::CountVerification() {
  counters_.verifications.fetch_add(1, std::memory_order_relaxed);
}

Result<std::string> BlockStore::CreateBlock(SessionId session_id, BlockId block_id,
                                            const BlockLocationHint& hint, int64_t initial_bytes) {
  if (hint.pack_block_size != 0) {
    Status s = InvalidArgumentError(
        fmt::format("CreateBlock of block {} cannot pack it (use CreateBlockFile)", block_id));
    Count(s, nullptr);
    return s;
  }
  ASSIGN_OR_RETURN(TempBlockFile file, CreateBlockFile(session_id, block_id, hint, initial_bytes));
  return std::move(file.path);
}

Result<TempBlockFile> BlockStore::CreateBlockFile(SessionId session_id, BlockId block_id,
                                                  const BlockLocationHint& hint,
                                                  int64_t initial_bytes) {
  Status s = CheckBytes("initial bytes", initial_bytes);
  if (s.ok() && hint.tier_alias.empty()) {
    s = InvalidArgumentError("the location hint needs a tier alias (or ANY)");
  }
  if (s.ok() && hint.pack_block_size < 0) {
    s = InvalidArgumentError(
        fmt::format("Negative pack block size {} for block {}", hint.pack_block_size, block_id));
  }
  if (!s.ok()) {
    Count(s, nullptr);
    return s;
  }
  Result<TempBlockFile> r = CreateBlockImpl(session_id, block_id, hint, initial_bytes);
  Count(r.status(), &counters_.blocks_created);
  return r;
}

Status BlockStore::RequestSpace(SessionId session_id, BlockId block_id, int64_t additional_bytes) {
  Status s = CheckBytes("additional bytes", additional_bytes);
  if (s.ok()) s = RequestSpaceImpl(session_id, block_id, additional_bytes);
  Count(s, &counters_.space_requests);
  return s;
}

Status BlockStore::CommitBlock(SessionId session_id, BlockId block_id, bool pinned,
                               const ManifestEntry* written) {
  Status s = CommitBlockImpl(session_id, block_id, pinned, written);
  Count(s, &counters_.blocks_committed);
  return s;
}

Status BlockStore::AbortBlock(SessionId session_id, BlockId block_id) {
  Status s = AbortBlockImpl(session_id, block_id);
  Count(s, &counters_.blocks_aborted);
  return s;
}

Result<LockedBlock> BlockStore::LockBlock(SessionId session_id, BlockId block_id) {
  Result<LockedBlock> r = LockBlockImpl(session_id, block_id);
  Count(r.status(), &counters_.locks);
  return r;
}

Status BlockStore::UnlockBlock(LockId lock_id) {
  Status s = UnlockBlockImpl(lock_id);
  Count(s, nullptr);
  return s;
}

Status BlockStore::RemoveBlock(BlockId block_id) {
  Status s = RemoveBlockImpl(block_id);
  Count(s, &counters_.blocks_removed);
  return s;
}

Result<BlockLocation> BlockStore::MoveBlock(SessionId session_id, BlockId block_id,
                                            std::string_view tier_alias) {
  if (tier_alias.empty() || tier_alias == kAnyTier) {
    Status s = InvalidArgumentError(
        fmt::format("MoveBlock of block {} needs a tier alias, got '{}'", block_id, tier_alias));
    Count(s, nullptr);
    return s;
  }
  Result<BlockLocation> r = MoveBlockImpl(session_id, block_id, tier_alias);
  Count(r.status(), &counters_.blocks_moved);
  return r;
}

Status BlockStore::AccessBlock(BlockId block_id) {
  Status s = AccessBlockImpl(block_id);
  Count(s, nullptr);
  return s;
}

Result<VerifyOutcome> BlockStore::VerifyBlock(BlockId block_id) {
  counters_.verifications.fetch_add(1, std::memory_order_relaxed);
  Result<VerifyOutcome> r = VerifyBlockImpl(block_id);
  Count(r.status(), nullptr);
  return r;
}

void BlockStore::SetPinnedFiles(absl::flat_hash_set<FileId> file_ids) {
  SetPinnedFilesImpl(std::move(file_ids));
}

void BlockStore::CleanupSession(SessionId session_id) { CleanupSessionImpl(session_id); }

std::vector<std::string> BlockStore::CheckStorage() { return CheckStorageImpl(); }

bool BlockStore::HasBlock(BlockId block_id) const { return GetBlockInfoImpl(block_id).ok(); }

Result<BlockInfo> BlockStore::GetBlockInfo(BlockId block_id) const {
  return GetBlockInfoImpl(block_id);
}

StoreMeta BlockStore::GetStoreMeta(bool include_block_ids) const {
  return GetStoreMetaImpl(include_block_ids);
}

RecoveryStats BlockStore::recovery_stats() const { return RecoveryStatsImpl(); }

BlockStoreCounters BlockStore::counters() const {
  auto get = [](const std::atomic<int64_t>& v) { return v.load(std::memory_order_relaxed); };
  BlockStoreCounters c;
  c.blocks_created = get(counters_.blocks_created);
  c.blocks_committed = get(counters_.blocks_committed);
  c.blocks_aborted = get(counters_.blocks_aborted);
  c.blocks_removed = get(counters_.blocks_removed);
  c.blocks_evicted = get(counters_.blocks_evicted);
  c.bytes_evicted = get(counters_.bytes_evicted);
  c.blocks_moved = get(counters_.blocks_moved);
  c.blocks_lost = get(counters_.blocks_lost);
  c.space_requests = get(counters_.space_requests);
  c.out_of_space = get(counters_.out_of_space);
  c.locks = get(counters_.locks);
  c.verifications = get(counters_.verifications);
  c.failed_calls = get(counters_.failed_calls);
  return c;
}

void BlockStore::AddListener(BlockStoreListener* listener) { AddListenerImpl(listener); }

}  // namespace alluxio::worker
