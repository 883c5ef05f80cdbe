// SPDX-License-Identifier: Apache-2.0
#include "master/block/block_master.h"

#include <algorithm>
#include <chrono>
#include <random>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "master/file/inode.h"

namespace alluxio::master {

namespace gb = ::alluxio::grpc::block;

namespace {

std::string AddressKey(const grpc::WorkerNetAddress& a) {
  return fmt::format("{}:{}", a.host(), a.rpc_port());
}

int64_t RandomWorkerId() {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  int64_t id = 0;
  while (id <= 0) id = static_cast<int64_t>(gen() >> 1);
  return id;
}

}  // namespace

Result<BlockMasterOptions> BlockMasterOptions::FromConfiguration(const conf::Configuration& conf) {
  namespace k = conf::keys;
  BlockMasterOptions o;
  ASSIGN_OR_RETURN(o.worker_timeout_ms, conf.GetDurationMs(k::kMasterWorkerTimeout));
  ASSIGN_OR_RETURN(o.lost_worker_deletion_timeout_ms,
                   conf.GetDurationMs(k::kMasterLostWorkerDeletionTimeout));
  ASSIGN_OR_RETURN(o.lost_worker_detection_interval_ms,
                   conf.GetDurationMs(k::kMasterLostWorkerDetectionInterval));
  ASSIGN_OR_RETURN(o.safe_mode_ms, conf.GetDurationMs(k::kMasterWorkerConnectWaitTime));
  return o;
}

BlockMaster::BlockMaster(BlockMasterOptions options) : options_(std::move(options)) {
  if (!options_.clock) {
    options_.clock = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
}

BlockMaster::~BlockMaster() { Stop(); }

void BlockMaster::SetFileBlockIndex(FileBlockIndex* index) {
  std::lock_guard<std::mutex> l(mu_);
  index_ = index;
}

void BlockMaster::Start() {
  std::lock_guard<std::mutex> l(thread_mu_);
  if (detection_thread_.joinable()) return;
  safe_mode_until_ = std::chrono::steady_clock::now() +
                     std::chrono::milliseconds(std::max<int64_t>(options_.safe_mode_ms, 0));
  if (options_.safe_mode_ms > 0) {
    spdlog::info("Safe mode for {} ms while workers register ({})", options_.safe_mode_ms,
                 conf::keys::kMasterWorkerConnectWaitTime.name);
  }
  stopping_ = false;
  detection_thread_ = std::thread([this] { DetectionLoop(); });
}

bool BlockMaster::InSafeMode() const {
  std::lock_guard<std::mutex> l(thread_mu_);
  return std::chrono::steady_clock::now() < safe_mode_until_;
}

void BlockMaster::Stop() {
  {
    std::lock_guard<std::mutex> l(thread_mu_);
    stopping_ = true;
  }
  thread_cv_.notify_all();
  if (detection_thread_.joinable()) detection_thread_.join();
}

void BlockMaster::Clear() {
  std::lock_guard<std::mutex> l(mu_);
  workers_.clear();
  worker_by_address_.clear();
  blocks_.clear();
}

void BlockMaster::DetectionLoop() {
  std::unique_lock<std::mutex> l(thread_mu_);
  while (!stopping_) {
    thread_cv_.wait_for(l, std::chrono::milliseconds(
                               std::max<int64_t>(options_.lost_worker_detection_interval_ms, 10)));
    if (stopping_) break;
    l.unlock();
    DetectLostWorkers(NowMs());
    l.lock();
  }
}

// --- helpers (REQUIRES: mu_) ---

uint32_t BlockMaster::InternLocation(const std::string& tier, const std::string& medium) {
  for (size_t i = 0; i < locations_.size(); ++i) {
    if (locations_[i].first == tier && locations_[i].second == medium) {
      return static_cast<uint32_t>(i);
    }
  }
  locations_.emplace_back(tier, medium);
  return static_cast<uint32_t>(locations_.size() - 1);
}

void BlockMaster::AddCopy(Worker* w, BlockId id, uint32_t location) {
  BlockRecord& rec = blocks_[id];
  for (Copy& c : rec.copies) {
    if (c.worker == w->id) {
      c.location = location;  // moved to another tier
      return;
    }
  }
  rec.copies.push_back(Copy{w->id, location});
  w->blocks.insert(id);
}

void BlockMaster::DropCopy(Worker* w, BlockId id) {
  w->blocks.erase(id);
  auto it = blocks_.find(id);
  if (it == blocks_.end()) return;
  auto& copies = it->second.copies;
  copies.erase(std::remove_if(copies.begin(), copies.end(),
                              [&](const Copy& c) { return c.worker == w->id; }),
               copies.end());
  if (copies.empty()) blocks_.erase(it);
}

void BlockMaster::DropAllCopies(Worker* w) {
  std::vector<BlockId> ids(w->blocks.begin(), w->blocks.end());
  for (BlockId id : ids) DropCopy(w, id);
}

void BlockMaster::RemoveBlocksLocked(const std::vector<BlockId>& ids) {
  // The copies stay listed until their worker reports them removed (as in Alluxio): until then
  // they still hold data, so `fs free` can wait for 0% in Alluxio and a reader sent to one that
  // is gone meanwhile just moves on to the next source.
  for (BlockId id : ids) {
    auto it = blocks_.find(id);
    if (it == blocks_.end()) continue;
    for (const Copy& c : it->second.copies) {
      auto w = workers_.find(c.worker);
      if (w == workers_.end()) continue;
      w->second.to_free.insert(id);
    }
  }
}

// --- workers ---

WorkerId BlockMaster::GetWorkerId(const grpc::WorkerNetAddress& address) {
  std::lock_guard<std::mutex> l(mu_);
  std::string key = AddressKey(address);
  auto it = worker_by_address_.find(key);
  if (it != worker_by_address_.end()) return it->second;
  WorkerId id = RandomWorkerId();
  while (workers_.contains(id)) id = RandomWorkerId();
  Worker& w = workers_[id];
  w.id = id;
  w.address = address;
  worker_by_address_[key] = id;
  return id;
}

Status BlockMaster::RegisterWorker(const std::vector<gb::RegisterWorkerPRequest>& messages) {
  if (messages.empty()) return InvalidArgumentError("Empty worker registration");
  const gb::RegisterWorkerPRequest& first = messages[0];
  const WorkerId id = first.worker_id();
  std::vector<BlockId> reported;
  {
    std::lock_guard<std::mutex> l(mu_);
    auto it = workers_.find(id);
    if (it == workers_.end()) {
      // A worker that got its id from a previous master process: adopt the id if its address is
      // free, so the worker need not ask again.
      std::string key = AddressKey(first.address());
      if (!first.has_address() || worker_by_address_.contains(key) || id <= 0) {
        return NotFoundError(fmt::format("Could not find worker id: {} for register.", id));
      }
      Worker& w = workers_[id];
      w.id = id;
      w.address = first.address();
      worker_by_address_[key] = id;
      it = workers_.find(id);
    }
    Worker& w = it->second;
    int64_t now = NowMs();
    if (first.has_address()) w.address = first.address();
    w.tiers.assign(first.storage_tiers().begin(), first.storage_tiers().end());
    w.capacity_on_tiers.clear();
    for (const auto& [tier, bytes] : first.total_bytes_on_tiers())
      w.capacity_on_tiers[tier] = bytes;
    w.used_on_tiers.clear();
    for (const auto& [tier, bytes] : first.used_bytes_on_tiers()) w.used_on_tiers[tier] = bytes;
    w.lost_storage.clear();
    for (const auto& [tier, list] : first.lost_storage()) {
      w.lost_storage[tier].assign(list.storage().begin(), list.storage().end());
    }
    w.registered = true;
    w.lost = false;
    w.last_contact_ms = now;
    w.start_time_ms = now;
    DropAllCopies(&w);
    for (const gb::RegisterWorkerPRequest& m : messages) {
      for (const gb::LocationBlockIdListEntry& e : m.current_blocks()) {
        uint32_t loc = InternLocation(e.key().tier_alias(), e.key().medium_type());
        for (BlockId b : e.value()) {
          reported.push_back(b);
          // A block queued for removal stays out of the locations until the worker frees it.
          if (w.to_free.contains(b)) continue;
          AddCopy(&w, b, loc);
        }
      }
    }
    spdlog::info("Worker {} ({}) registered with {} blocks", id, AddressKey(w.address),
                 reported.size());
  }
  FreeOrphans(id, reported);
  return Status();
}

gb::Command BlockMaster::Heartbeat(const gb::BlockHeartbeatPRequest& request) {
  gb::Command cmd;
  std::vector<BlockId> added;
  {
    std::lock_guard<std::mutex> l(mu_);
    auto it = workers_.find(request.worker_id());
    if (it == workers_.end() || !it->second.registered || it->second.lost) {
      cmd.set_command_type(gb::Register);
      return cmd;
    }
    Worker& w = it->second;
    w.last_contact_ms = NowMs();
    for (const auto& [tier, bytes] : request.used_bytes_on_tiers()) w.used_on_tiers[tier] = bytes;
    for (const auto& [tier, bytes] : request.total_bytes_on_tiers()) {
      w.capacity_on_tiers[tier] = bytes;
    }
    for (const auto& [tier, list] : request.lost_storage()) {
      w.lost_storage[tier].assign(list.storage().begin(), list.storage().end());
    }
    for (BlockId b : request.removed_block_ids()) {
      DropCopy(&w, b);
      w.to_free.erase(b);
    }
    for (const gb::LocationBlockIdListEntry& e : request.added_blocks()) {
      uint32_t loc = InternLocation(e.key().tier_alias(), e.key().medium_type());
      for (BlockId b : e.value()) {
        // A Free is pending for this block on this worker: the copy is going away. (The report
        // may predate the Free: a block committed just before it was freed is reported by the
        // next heartbeat. Letting the add cancel the Free would keep freed data cached forever;
        // a block cached again after the Free reached the worker is reported by a later
        // heartbeat, when to_free no longer holds it.)
        if (w.to_free.contains(b)) continue;
        AddCopy(&w, b, loc);
        added.push_back(b);
      }
    }
    if (!w.to_free.empty()) {
      cmd.set_command_type(gb::Free);
      std::vector<BlockId> ids(w.to_free.begin(), w.to_free.end());
      std::sort(ids.begin(), ids.end());
      for (BlockId b : ids) cmd.add_data(b);
      w.to_free.clear();
    } else {
      cmd.set_command_type(gb::Nothing);
    }
  }
  FreeOrphans(request.worker_id(), added);
  return cmd;
}

Status BlockMaster::CommitBlock(const gb::CommitBlockPRequest& request) {
  {
    std::lock_guard<std::mutex> l(mu_);
    auto it = workers_.find(request.worker_id());
    if (it == workers_.end() || !it->second.registered) {
      return NotFoundError(fmt::format("No worker with workerId {} is found", request.worker_id()));
    }
    Worker& w = it->second;
    if (w.lost) return Status();  // it will register, reporting this block
    w.last_contact_ms = NowMs();
    if (request.has_used_bytes_on_tier())
      w.used_on_tiers[request.tier_alias()] = request.used_bytes_on_tier();
    if (w.to_free.contains(request.block_id())) return Status();  // freed meanwhile
    AddCopy(&w, request.block_id(), InternLocation(request.tier_alias(), request.medium_type()));
    blocks_[request.block_id()].length = request.length();
  }
  FreeOrphans(request.worker_id(), {request.block_id()});
  return Status();
}

void BlockMaster::FreeOrphans(WorkerId worker, const std::vector<BlockId>& reported) {
  if (reported.empty()) return;
  FileBlockIndex* index;
  {
    std::lock_guard<std::mutex> l(mu_);
    index = index_;
  }
  if (index == nullptr) return;
  std::vector<BlockId> orphans = index->FindOrphanBlocks(reported);
  if (orphans.empty()) return;
  std::lock_guard<std::mutex> l(mu_);
  auto it = workers_.find(worker);
  if (it == workers_.end()) return;
  for (BlockId b : orphans) {
    DropCopy(&it->second, b);
    it->second.to_free.insert(b);
  }
  spdlog::info("Worker {} holds {} orphan blocks (no file); they will be freed", worker,
               orphans.size());
}

int BlockMaster::DetectLostWorkers(int64_t now_ms) {
  std::lock_guard<std::mutex> l(mu_);
  int lost = 0;
  // Lost long enough: forgotten (it gets a new id if it ever comes back).
  for (auto it = workers_.begin(); it != workers_.end();) {
    const Worker& w = it->second;
    if (w.lost && now_ms - w.last_contact_ms > options_.lost_worker_deletion_timeout_ms) {
      spdlog::info("Forgetting worker {} ({}): lost for {} ms", it->first, AddressKey(w.address),
                   now_ms - w.last_contact_ms);
      auto by_address = worker_by_address_.find(AddressKey(w.address));
      if (by_address != worker_by_address_.end() && by_address->second == it->first) {
        worker_by_address_.erase(by_address);
      }
      workers_.erase(it++);
    } else {
      ++it;
    }
  }
  for (auto& [id, w] : workers_) {
    if (!w.registered || w.lost) continue;
    if (now_ms - w.last_contact_ms <= options_.worker_timeout_ms) continue;
    spdlog::warn("Worker {} ({}) is lost: no heartbeat for {} ms; dropping its {} block locations",
                 id, AddressKey(w.address), now_ms - w.last_contact_ms, w.blocks.size());
    w.lost = true;
    DropAllCopies(&w);
    ++lost;
  }
  return lost;
}

bool BlockMaster::IsWorkerLive(WorkerId id) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = workers_.find(id);
  return it != workers_.end() && it->second.registered && !it->second.lost;
}

// --- blocks ---

void BlockMaster::RemoveBlocks(const std::vector<BlockId>& block_ids) {
  std::lock_guard<std::mutex> l(mu_);
  RemoveBlocksLocked(block_ids);
}

void BlockMaster::RemoveBlocksOfFiles(const std::vector<int64_t>& file_ids) {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<BlockId> ids;
  for (int64_t file_id : file_ids) {
    for (auto it = blocks_.lower_bound(BlockIdOf(file_id, 0));
         it != blocks_.end() && ContainerIdOf(it->first) == ContainerIdOf(file_id); ++it) {
      ids.push_back(it->first);
    }
  }
  RemoveBlocksLocked(ids);
}

void BlockMaster::FillLocation(const Copy& c, grpc::BlockLocation* out) const {
  out->set_worker_id(c.worker);
  auto w = workers_.find(c.worker);
  if (w != workers_.end()) *out->mutable_worker_address() = w->second.address;
  out->set_tier_alias(locations_[c.location].first);
  out->set_medium_type(locations_[c.location].second);
}

void BlockMaster::FillLocked(grpc::FileInfo* info) const {
  if (info->folder()) return;
  info->clear_file_block_infos();
  const int64_t length = info->length();
  const int64_t bs = info->block_size_bytes();
  int64_t cached = 0;
  int64_t in_memory = 0;
  auto add_block = [&](BlockId id, int64_t offset, int64_t block_len) {
    auto* fbi = info->add_file_block_infos();
    fbi->set_offset(offset);
    auto* bi = fbi->mutable_block_info();
    bi->set_block_id(id);
    bi->set_length(block_len);
    auto it = blocks_.find(id);
    if (it == blocks_.end()) return;
    bool mem = false;
    for (const Copy& c : it->second.copies) {
      FillLocation(c, bi->add_locations());
      mem = mem || locations_[c.location].first == kMemoryTierAlias;
    }
    cached += block_len;
    if (mem) in_memory += block_len;
  };
  if (info->completed()) {
    int64_t n = (length > 0 && bs > 0) ? (length + bs - 1) / bs : 0;
    info->clear_block_ids();
    for (int64_t i = 0; i < n; ++i) {
      BlockId id = BlockIdOf(info->file_id(), i);
      info->add_block_ids(id);
      add_block(id, i * bs, std::min(bs, length - i * bs));
    }
  } else {
    // Being written: the blocks committed so far, with the lengths the workers reported.
    for (auto it = blocks_.lower_bound(BlockIdOf(info->file_id(), 0));
         it != blocks_.end() && ContainerIdOf(it->first) == ContainerIdOf(info->file_id()); ++it) {
      int64_t index = it->first & kMaxBlockIndex;
      add_block(it->first, index * bs, std::max<int64_t>(it->second.length, 0));
    }
  }
  // As in Alluxio: an empty file is wholly in Alluxio; integer percentages, rounded down.
  int pct = length <= 0 ? 100 : static_cast<int>(std::min<int64_t>(cached, length) * 100 / length);
  int mem_pct =
      length <= 0 ? 100 : static_cast<int>(std::min<int64_t>(in_memory, length) * 100 / length);
  info->set_in_alluxio_percentage(pct);
  info->set_in_memory_percentage(mem_pct);
}

void BlockMaster::FillFileBlockInfos(grpc::FileInfo* info) const {
  std::lock_guard<std::mutex> l(mu_);
  FillLocked(info);
}

void BlockMaster::FillFileBlockInfos(std::vector<grpc::FileInfo>* infos) const {
  std::lock_guard<std::mutex> l(mu_);
  for (grpc::FileInfo& info : *infos) FillLocked(&info);
}

Result<grpc::BlockInfo> BlockMaster::GetBlockInfo(BlockId block_id) {
  FileBlockIndex* index;
  {
    std::lock_guard<std::mutex> l(mu_);
    index = index_;
  }
  // The file's view first, without mu_ (lock order).
  Result<int64_t> derived = index != nullptr ? index->BlockLength(block_id)
                                             : Result<int64_t>(NotFoundError("no file index"));
  std::lock_guard<std::mutex> l(mu_);
  auto it = blocks_.find(block_id);
  if (it == blocks_.end() && !derived.ok()) {
    return NotFoundError(fmt::format("Block {} does not exist.", block_id));
  }
  grpc::BlockInfo info;
  info.set_block_id(block_id);
  // A committed length is exact; otherwise the file's view (0 while the file is being written).
  int64_t length = derived.ok() ? *derived : 0;
  if (it != blocks_.end()) {
    if (it->second.length >= 0) length = it->second.length;
    for (const Copy& c : it->second.copies) FillLocation(c, info.add_locations());
  }
  info.set_length(length);
  return info;
}

std::optional<WorkerId> BlockMaster::FindWorkerWithAllBlocks(
    const std::vector<BlockId>& block_ids) const {
  std::lock_guard<std::mutex> l(mu_);
  std::optional<WorkerId> best;
  int64_t best_free = -1;
  for (const auto& [id, w] : workers_) {
    if (!w.registered || w.lost) continue;
    bool all = std::all_of(block_ids.begin(), block_ids.end(),
                           [&](BlockId b) { return w.blocks.contains(b); });
    if (!all) continue;
    int64_t free_bytes = 0;
    for (const auto& [tier, cap] : w.capacity_on_tiers) {
      auto u = w.used_on_tiers.find(tier);
      free_bytes += cap - (u == w.used_on_tiers.end() ? 0 : u->second);
    }
    if (!best || free_bytes > best_free || (free_bytes == best_free && id < *best)) {
      best = id;
      best_free = free_bytes;
    }
  }
  return best;
}

// --- reports ---

gb::BlockMasterInfo BlockMaster::GetBlockMasterInfo() const {
  std::lock_guard<std::mutex> l(mu_);
  gb::BlockMasterInfo info;
  int64_t capacity = 0;
  int64_t used = 0;
  int live = 0;
  int lost = 0;
  std::map<std::string, int64_t> cap_tiers, used_tiers;
  for (const auto& [id, w] : workers_) {
    if (!w.registered) continue;
    if (w.lost) {
      ++lost;
      continue;
    }
    ++live;
    for (const auto& [tier, b] : w.capacity_on_tiers) {
      cap_tiers[tier] += b;
      capacity += b;
    }
    for (const auto& [tier, b] : w.used_on_tiers) {
      used_tiers[tier] += b;
      used += b;
    }
  }
  info.set_capacity_bytes(capacity);
  info.set_used_bytes(used);
  info.set_free_bytes(capacity - used);
  info.set_live_worker_num(live);
  info.set_lost_worker_num(lost);
  for (const auto& [tier, b] : cap_tiers) (*info.mutable_capacity_bytes_on_tiers())[tier] = b;
  for (const auto& [tier, b] : used_tiers) (*info.mutable_used_bytes_on_tiers())[tier] = b;
  return info;
}

gb::WorkerInfo BlockMaster::ToWorkerInfo(const Worker& w, int64_t now) const {
  gb::WorkerInfo info;
  info.set_id(w.id);
  *info.mutable_address() = w.address;
  info.set_last_contact_sec(
      static_cast<int32_t>(std::max<int64_t>(now - w.last_contact_ms, 0) / 1000));
  info.set_state(w.lost ? "Out of Service" : "In Service");
  int64_t capacity = 0;
  int64_t used = 0;
  for (const auto& [tier, b] : w.capacity_on_tiers) {
    (*info.mutable_capacity_bytes_on_tiers())[tier] = b;
    capacity += b;
  }
  for (const auto& [tier, b] : w.used_on_tiers) {
    (*info.mutable_used_bytes_on_tiers())[tier] = b;
    used += b;
  }
  info.set_capacity_bytes(capacity);
  info.set_used_bytes(used);
  info.set_start_time_ms(w.start_time_ms);
  info.set_block_count(static_cast<int64_t>(w.blocks.size()));
  for (const auto& [tier, paths] : w.lost_storage) {
    auto& list = (*info.mutable_lost_storage())[tier];
    for (const std::string& p : paths) list.add_storage(p);
  }
  return info;
}

std::vector<gb::WorkerInfo> BlockMaster::GetWorkerReport(
    const gb::GetWorkerReportPOptions& options) const {
  std::lock_guard<std::mutex> l(mu_);
  const int64_t now = NowMs();
  std::vector<const Worker*> selected;
  for (const auto& [id, w] : workers_) {
    if (!w.registered) continue;
    switch (options.worker_range()) {
      case gb::LIVE:
        if (w.lost) continue;
        break;
      case gb::LOST:
        if (!w.lost) continue;
        break;
      case gb::SPECIFIED: {
        const auto& hosts = options.addresses();
        if (std::find(hosts.begin(), hosts.end(), w.address.host()) == hosts.end()) continue;
        break;
      }
      case gb::ALL:
        break;
    }
    selected.push_back(&w);
  }
  std::sort(selected.begin(), selected.end(), [](const Worker* a, const Worker* b) {
    if (a->address.host() != b->address.host()) return a->address.host() < b->address.host();
    if (a->address.rpc_port() != b->address.rpc_port()) {
      return a->address.rpc_port() < b->address.rpc_port();
    }
    return a->id < b->id;
  });
  std::vector<gb::WorkerInfo> out;
  out.reserve(selected.size());
  for (const Worker* w : selected) out.push_back(ToWorkerInfo(*w, now));
  return out;
}

std::vector<grpc::WorkerNetAddress> BlockMaster::LiveWorkerAddresses() const {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<grpc::WorkerNetAddress> out;
  for (const auto& [id, w] : workers_) {
    if (w.registered && !w.lost) out.push_back(w.address);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::make_pair(a.host(), a.rpc_port()) < std::make_pair(b.host(), b.rpc_port());
  });
  return out;
}

}  // namespace alluxio::master
