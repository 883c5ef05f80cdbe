// SPDX-License-Identifier: Apache-2.0
#include "client/internal/context.h"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>
#include <grpcpp/grpcpp.h>

#include "rpc/channel.h"
#include "rpc/grpc_status.h"
#include "rpc/master_client.h"

namespace alluxio::client::internal {

namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<DataOptions> DataOptions::FromConfiguration(const conf::Configuration& conf) {
  namespace k = conf::keys;
  DataOptions o;
  ASSIGN_OR_RETURN(o.default_block_size, conf.GetBytes(k::kUserBlockSizeBytesDefault));
  ASSIGN_OR_RETURN(o.reader_chunk_size, conf.GetBytes(k::kUserStreamingReaderChunkSizeBytes));
  ASSIGN_OR_RETURN(o.writer_chunk_size, conf.GetBytes(k::kUserStreamingWriterChunkSizeBytes));
  ASSIGN_OR_RETURN(o.local_reader_chunk_size, conf.GetBytes(k::kUserLocalReaderChunkSizeBytes));
  ASSIGN_OR_RETURN(o.data_timeout_ms, conf.GetDurationMs(k::kUserStreamingDataReadTimeout));
  ASSIGN_OR_RETURN(o.persistence_wait_ms,
                   conf.GetDurationMs(k::kUserFilePersistenceInitialWaitTime));
  ASSIGN_OR_RETURN(o.worker_list_refresh_ms, conf.GetDurationMs(k::kUserWorkerListRefreshInterval));
  ASSIGN_OR_RETURN(o.short_circuit, conf.GetBool(k::kUserShortCircuitEnabled));
  ASSIGN_OR_RETURN(o.passive_cache, conf.GetBool(k::kUserFilePassiveCacheEnabled));
  for (auto [key, name] : {std::pair{&k::kUserStreamingReaderChunkSizeBytes, "reader"},
                           std::pair{&k::kUserStreamingWriterChunkSizeBytes, "writer"}}) {
    ASSIGN_OR_RETURN(int64_t v, conf.GetBytes(*key));
    if (v <= 0) {
      return InvalidArgumentError(
          fmt::format("Invalid value '{}' for {}: the {} chunk size must be positive",
                      conf.Get(*key), (*key).name, name));
    }
  }
  if (o.default_block_size <= 0) {
    return InvalidArgumentError(fmt::format("Invalid value '{}' for {}: must be positive",
                                            conf.Get(k::kUserBlockSizeBytesDefault),
                                            k::kUserBlockSizeBytesDefault.name));
  }
  ASSIGN_OR_RETURN(std::string wt, conf.GetEnum(k::kUserFileWriteTypeDefault));
  ::alluxio::grpc::WritePType_Parse(wt, &o.write_type);
  ASSIGN_OR_RETURN(std::string rt, conf.GetEnum(k::kUserFileReadTypeDefault));
  ::alluxio::grpc::ReadPType_Parse(rt, &o.read_type);
  std::string policy = conf.Get(k::kUserBlockWriteLocationPolicyClass);
  std::string base = policy.substr(policy.rfind('.') + 1);
  if (base == "RoundRobinPolicy") {
    o.round_robin_writes = true;
  } else if (base != "LocalFirstPolicy") {
    return InvalidArgumentError(
        fmt::format("Invalid value '{}' for {}: expected LocalFirstPolicy or RoundRobinPolicy",
                    policy, k::kUserBlockWriteLocationPolicyClass.name));
  }
  return o;
}

std::string WorkerKey(const WorkerNetAddress& address) {
  return fmt::format("{}:{}", address.host(), address.rpc_port());
}

Context::Context(std::shared_ptr<rpc::MasterClient> master, DataOptions options,
                 std::string local_host)
    : master_(std::move(master)), options_(options), local_host_(std::move(local_host)) {}

const std::string& Context::user() const { return master_->user(); }

const Context::WorkerConnection& Context::Connection(const std::string& key) {
  auto it = workers_by_key_.find(key);
  if (it == workers_by_key_.end()) {
    WorkerConnection c;
    c.channel = rpc::CreateChannel(key);
    c.stub = ::alluxio::grpc::block::BlockWorker::NewStub(c.channel);
    it = workers_by_key_.emplace(key, std::move(c)).first;
  }
  return it->second;
}

std::shared_ptr<WorkerStub> Context::Worker(const WorkerNetAddress& address) {
  std::lock_guard<std::mutex> l(mu_);
  return Connection(WorkerKey(address)).stub;
}

std::shared_ptr<::grpc::Channel> Context::WorkerChannel(const WorkerNetAddress& address) {
  std::lock_guard<std::mutex> l(mu_);
  return Connection(WorkerKey(address)).channel;
}

bool Context::IsLocal(const WorkerNetAddress& address) const {
  const std::string& h = address.host();
  return h == local_host_ || h == "localhost" || h == "::1" || h.rfind("127.", 0) == 0;
}

Result<std::vector<WorkerEntry>> Context::Workers(bool refresh) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!refresh && workers_fetched_ms_ >= 0 &&
        NowMs() - workers_fetched_ms_ < options_.worker_list_refresh_ms && !workers_.empty()) {
      return workers_;
    }
  }
  ::alluxio::grpc::block::GetWorkerReportPOptions req;
  req.set_worker_range(::alluxio::grpc::block::LIVE);
  ::alluxio::grpc::block::GetWorkerInfoListPResponse resp;
  RETURN_IF_ERROR(master_->Call([&](const auto& ch, ::grpc::ClientContext* ctx) {
    resp.Clear();
    return ::alluxio::grpc::block::BlockMasterClientService::NewStub(ch)->GetWorkerReport(ctx, req,
                                                                                          &resp);
  }));
  std::vector<WorkerEntry> out;
  for (const auto& w : resp.worker_infos()) {
    WorkerEntry e;
    e.id = w.id();
    e.address = w.address();
    e.capacity_bytes = w.capacity_bytes();
    e.used_bytes = w.used_bytes();
    e.local = IsLocal(w.address());
    out.push_back(std::move(e));
  }
  std::lock_guard<std::mutex> l(mu_);
  workers_ = out;
  workers_fetched_ms_ = NowMs();
  return out;
}

void Context::PrepareDataCall(::grpc::ClientContext* ctx) const {
  ctx->AddMetadata(rpc::kUserMetadataKey, user());
}

bool Context::TryBeginCaching(int64_t block_id) {
  std::lock_guard<std::mutex> l(caching_mu_);
  return caching_.insert(block_id).second;
}

void Context::EndCaching(int64_t block_id, bool cached) {
  {
    std::lock_guard<std::mutex> l(caching_mu_);
    caching_.erase(block_id);
    if (cached) {
      if (recently_cached_.size() == kRecentlyCached) recently_cached_.pop_front();
      recently_cached_.push_back(block_id);
    }
  }
  caching_done_.notify_all();
}

Context::CachingWait Context::WaitForCaching(int64_t block_id,
                                             std::chrono::steady_clock::time_point deadline) {
  std::unique_lock<std::mutex> l(caching_mu_);
  auto cached = [&] {
    return std::find(recently_cached_.rbegin(), recently_cached_.rend(), block_id) !=
           recently_cached_.rend();
  };
  if (!caching_.contains(block_id))
    return cached() ? CachingWait::kCached : CachingWait::kNotCaching;
  if (!caching_done_.wait_until(l, deadline, [&] { return !caching_.contains(block_id); })) {
    return CachingWait::kTimedOut;
  }
  return cached() ? CachingWait::kCached : CachingWait::kNotCaching;
}

}  // namespace alluxio::client::internal
