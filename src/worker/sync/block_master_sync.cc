// SPDX-License-Identifier: Apache-2.0
#include "worker/sync/block_master_sync.h"

#include <map>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <grpcpp/grpcpp.h>
#include <spdlog/spdlog.h>

#include "alluxio/grpc/block_master.grpc.pb.h"
#include "rpc/master_client.h"

namespace alluxio::worker {

namespace {

using Clock = std::chrono::steady_clock;
namespace gb = grpc::block;

constexpr int64_t kUnaryCallTimeoutMs = 30000;
constexpr int64_t kRegisterTimeoutMs = 15 * 60 * 1000;  // Alluxio's register stream deadline

void SetDeadline(::grpc::ClientContext* ctx, int64_t ms) {
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(ms));
}

using LocationKey = std::pair<std::string, std::string>;  // tier alias, medium type

gb::LocationBlockIdListEntry* AddEntry(
    google::protobuf::RepeatedPtrField<gb::LocationBlockIdListEntry>* list,
    const LocationKey& key) {
  gb::LocationBlockIdListEntry* e = list->Add();
  e->mutable_key()->set_tier_alias(key.first);
  e->mutable_key()->set_medium_type(key.second);
  return e;
}

template <typename Map>
void FillUsage(const StoreMeta& meta, Map* used, Map* total) {
  for (const TierMeta& t : meta.tiers) {
    (*used)[t.alias] = t.used_bytes;
    (*total)[t.alias] = t.capacity_bytes;
  }
}

template <typename Map>
void FillLostStorage(const StoreMeta& meta, Map* lost) {
  for (const auto& [alias, paths] : meta.lost_storage) {
    for (const std::string& p : paths) (*lost)[alias].add_storage(p);
  }
}

bool RetryableCode(StatusCode code) {
  return code == StatusCode::kUnavailable || code == StatusCode::kDeadlineExceeded ||
         code == StatusCode::kCancelled;
}

}  // namespace

BlockMasterSync::BlockMasterSync(BlockStore* store, BlockHeartbeatReporter* reporter,
                                 rpc::MasterClient* master, BlockMasterSyncOptions options,
                                 std::function<void(const Status&)> on_timeout)
    : store_(store),
      reporter_(reporter),
      master_(master),
      options_(std::move(options)),
      on_timeout_(std::move(on_timeout)),
      last_ok_(Clock::now()) {}

BlockMasterSync::~BlockMasterSync() { Stop(); }

void BlockMasterSync::Start() {
  std::lock_guard<std::mutex> l(mu_);
  if (thread_.joinable() || stop_) return;
  {
    std::lock_guard<std::mutex> r(round_mu_);
    last_ok_ = Clock::now();
  }
  thread_ = std::thread([this] { Loop(); });
  pthread_setname_np(thread_.native_handle(), "block-sync");
}

void BlockMasterSync::Stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  calls_.CancelAll();
  if (thread_.joinable()) thread_.join();
}

void BlockMasterSync::Loop() {
  for (;;) {
    {
      std::lock_guard<std::mutex> r(round_mu_);
      if (timed_out_) return;
      RoundLocked().IgnoreError();  // logged inside; the next round retries
      if (timed_out_) return;
    }
    std::unique_lock<std::mutex> l(mu_);
    if (cv_.wait_for(l, std::chrono::milliseconds(options_.heartbeat_interval_ms),
                     [this] { return stop_; })) {
      return;
    }
  }
}

Status BlockMasterSync::HeartbeatOnce() {
  std::lock_guard<std::mutex> r(round_mu_);
  return RoundLocked();
}

Status BlockMasterSync::WaitRegistered(int64_t timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  Status last;
  for (;;) {
    {
      std::lock_guard<std::mutex> r(round_mu_);
      last = RoundLocked();
      if (last.ok() && registered_) return Status();
    }
    if (Clock::now() >= deadline) break;
    // Poll with a deadline: the master may come back at any moment.
    std::unique_lock<std::mutex> l(mu_);
    if (cv_.wait_for(l,
                     std::chrono::milliseconds(std::min<int64_t>(
                         50, std::max<int64_t>(1, options_.heartbeat_interval_ms))),
                     [this] { return stop_; })) {
      return CancelledError("The worker is stopping");
    }
  }
  return DeadlineExceededError(fmt::format(
      "The worker did not register with the master within {} ms: {}", timeout_ms, last.ToString()));
}

Status BlockMasterSync::RoundLocked() {
  Status s = registered_ ? HeartbeatLocked() : RegisterLocked();
  if (s.ok()) {
    last_ok_ = Clock::now();
    FreeBlocksLocked();
    return s;
  }
  {
    std::lock_guard<std::mutex> l(mu_);
    if (stop_) return s;
  }
  auto silent_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - last_ok_).count();
  spdlog::warn("Worker {} failed to {} the master ({} ms since the last success): {}",
               worker_id_.load(), registered_ ? "heartbeat to" : "register with", silent_ms,
               s.ToString());
  if (silent_ms >= options_.heartbeat_timeout_ms && !timed_out_) {
    timed_out_ = true;
    Status fatal = DeadlineExceededError(fmt::format(
        "Master heartbeat timeout exceeded: no successful heartbeat for {} ms (limit {} ms): {}",
        silent_ms, options_.heartbeat_timeout_ms, s.message()));
    spdlog::error("{}", fatal.message());
    if (on_timeout_) on_timeout_(fatal);
  }
  return s;
}

Status BlockMasterSync::RegisterLocked() {
  // 1. An id for this address.
  gb::GetWorkerIdPRequest id_req;
  *id_req.mutable_worker_net_address() = options_.address;
  gb::GetWorkerIdPResponse id_resp;
  RETURN_IF_ERROR(master_->Call(
      [&](const std::shared_ptr<::grpc::Channel>& channel, ::grpc::ClientContext* ctx) {
        internal::ActiveCalls::Scope scope(&calls_, ctx);
        SetDeadline(ctx, kUnaryCallTimeoutMs);
        return gb::BlockMasterWorkerService::NewStub(channel)->GetWorkerId(ctx, id_req, &id_resp);
      }));
  const int64_t id = id_resp.worker_id();
  worker_id_ = id;

  // 2. Everything the store holds. Pending deltas are dropped first: changes after this point are
  // reported again by the next heartbeat (harmless duplicates), none is lost.
  reporter_->Clear();
  StoreMeta meta = store_->GetStoreMeta(/*include_block_ids=*/true);
  std::vector<gb::RegisterWorkerPRequest> messages(1);
  gb::RegisterWorkerPRequest& first = messages.front();
  first.set_worker_id(id);
  for (const TierMeta& t : meta.tiers) first.add_storage_tiers(t.alias);
  FillUsage(meta, first.mutable_used_bytes_on_tiers(), first.mutable_total_bytes_on_tiers());
  FillLostStorage(meta, first.mutable_lost_storage());
  first.set_build_version(options_.build_version);
  *first.mutable_address() = options_.address;

  std::map<LocationKey, std::vector<BlockId>> by_location;
  for (const TierMeta& t : meta.tiers) {
    for (const DirMeta& d : t.dirs) {
      auto& ids = by_location[{t.alias, d.medium_type}];
      ids.insert(ids.end(), d.block_ids.begin(), d.block_ids.end());
    }
  }
  const int64_t batch = std::max<int64_t>(1, options_.register_batch_size);
  int64_t in_message = 0;
  int64_t total_blocks = 0;
  for (const auto& [key, ids] : by_location) {
    gb::LocationBlockIdListEntry* entry = nullptr;
    for (BlockId b : ids) {
      if (in_message == batch) {
        messages.emplace_back();
        entry = nullptr;
        in_message = 0;
      }
      if (entry == nullptr) entry = AddEntry(messages.back().mutable_current_blocks(), key);
      entry->add_value(b);
      ++in_message;
      ++total_blocks;
    }
  }

  // 3. The stream.
  gb::RegisterWorkerPResponse resp;
  RETURN_IF_ERROR(master_->Call(
      [&](const std::shared_ptr<::grpc::Channel>& channel, ::grpc::ClientContext* ctx) {
        internal::ActiveCalls::Scope scope(&calls_, ctx);
        SetDeadline(ctx, kRegisterTimeoutMs);
        auto stub = gb::BlockMasterWorkerService::NewStub(channel);
        std::unique_ptr<::grpc::ClientWriter<gb::RegisterWorkerPRequest>> writer =
            stub->RegisterWorker(ctx, &resp);
        for (const gb::RegisterWorkerPRequest& m : messages) {
          if (!writer->Write(m)) break;  // the stream broke: Finish() says why
        }
        writer->WritesDone();
        return writer->Finish();
      },
      /*streaming=*/true));
  registered_ = true;
  ++registrations_;
  spdlog::info("Worker {} registered with the master: {} blocks in {} message(s)", id, total_blocks,
               messages.size());
  return Status();
}

Status BlockMasterSync::HeartbeatLocked() {
  BlockHeartbeatReporter::Report report = reporter_->Take();
  StoreMeta meta = store_->GetStoreMeta();
  gb::BlockHeartbeatPRequest req;
  req.set_worker_id(worker_id_);
  FillUsage(meta, req.mutable_used_bytes_on_tiers(), req.mutable_total_bytes_on_tiers());
  FillLostStorage(meta, req.mutable_lost_storage());
  for (BlockId b : report.removed) req.add_removed_block_ids(b);
  std::map<LocationKey, gb::LocationBlockIdListEntry*> entries;
  for (const auto& [b, loc] : report.added) {
    LocationKey key{loc.tier_alias, loc.medium_type};
    auto it = entries.find(key);
    if (it == entries.end())
      it = entries.emplace(key, AddEntry(req.mutable_added_blocks(), key)).first;
    it->second->add_value(b);
  }
  gb::BlockHeartbeatPResponse resp;
  Status s = master_->Call(
      [&](const std::shared_ptr<::grpc::Channel>& channel, ::grpc::ClientContext* ctx) {
        internal::ActiveCalls::Scope scope(&calls_, ctx);
        SetDeadline(ctx, kUnaryCallTimeoutMs);
        return gb::BlockMasterWorkerService::NewStub(channel)->BlockHeartbeat(ctx, req, &resp);
      });
  if (!s.ok()) {
    reporter_->MergeBack(std::move(report));
    // A master that refuses this worker's heartbeats outright (rather than being away) gets a
    // fresh registration.
    if (!RetryableCode(s.code())) registered_ = false;
    return s;
  }
  const gb::Command& cmd = resp.command();
  switch (cmd.command_type()) {
    case gb::Register:
      spdlog::info("Master asked worker {} to register again", worker_id_.load());
      registered_ = false;
      return RegisterLocked();
    case gb::Free:
    case gb::Delete:
      to_free_.insert(cmd.data().begin(), cmd.data().end());
      return Status();
    default:
      return Status();
  }
}

void BlockMasterSync::FreeBlocksLocked() {
  for (auto it = to_free_.begin(); it != to_free_.end();) {
    Status s = store_->RemoveBlock(*it);
    if (s.code() == StatusCode::kFailedPrecondition) {
      ++it;  // a reader holds it: retried after the next heartbeat
      continue;
    }
    if (s.code() == StatusCode::kNotFound) {
      // Not here (any more): tell the master, which lists the copy until a removal is reported.
      reporter_->OnBlockRemoved(*it, BlockLocation{}, RemovalCause::kRemoved);
    } else if (!s.ok()) {
      spdlog::warn("Failed to free block {}: {}", *it, s.ToString());
    }
    it = to_free_.erase(it);
  }
}

}  // namespace alluxio::worker
