// SPDX-License-Identifier: Apache-2.0
#include "worker/sync/file_system_master_sync.h"

#include <utility>

#include <grpcpp/grpcpp.h>
#include <spdlog/spdlog.h>

#include "alluxio/grpc/file_system_master.grpc.pb.h"
#include "rpc/master_client.h"

namespace alluxio::worker {

namespace {

namespace gf = grpc::file;
constexpr int64_t kCallTimeoutMs = 30000;

}  // namespace

FileSystemMasterSync::FileSystemMasterSync(BlockStore* store, rpc::MasterClient* master,
                                           FilePersister* persister,
                                           std::function<int64_t()> worker_id, int64_t interval_ms)
    : store_(store),
      master_(master),
      persister_(persister),
      worker_id_(std::move(worker_id)),
      interval_ms_(interval_ms) {}

FileSystemMasterSync::~FileSystemMasterSync() { Stop(); }

void FileSystemMasterSync::Start() {
  std::lock_guard<std::mutex> l(mu_);
  if (thread_.joinable() || stop_) return;
  thread_ = std::thread([this] { Loop(); });
  pthread_setname_np(thread_.native_handle(), "fs-sync");
}

void FileSystemMasterSync::Stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  calls_.CancelAll();
  if (thread_.joinable()) thread_.join();
}

void FileSystemMasterSync::Loop() {
  for (;;) {
    {
      std::lock_guard<std::mutex> r(round_mu_);
      Status s = RoundLocked();
      if (!s.ok() && s.code() != StatusCode::kFailedPrecondition) {
        spdlog::warn("File system heartbeat failed: {}", s.ToString());
      }
    }
    std::unique_lock<std::mutex> l(mu_);
    if (cv_.wait_for(l, std::chrono::milliseconds(interval_ms_), [this] { return stop_; })) return;
  }
}

Status FileSystemMasterSync::HeartbeatOnce() {
  std::lock_guard<std::mutex> r(round_mu_);
  return RoundLocked();
}

Status FileSystemMasterSync::RoundLocked() {
  const int64_t id = worker_id_();
  if (id == 0) return FailedPreconditionError("The worker has no id yet");
  auto call = [&](auto&& rpc) {
    return master_->Call(
        [&](const std::shared_ptr<::grpc::Channel>& channel, ::grpc::ClientContext* ctx) {
          internal::ActiveCalls::Scope scope(&calls_, ctx);
          ctx->set_deadline(std::chrono::system_clock::now() +
                            std::chrono::milliseconds(kCallTimeoutMs));
          return rpc(gf::FileSystemMasterWorkerService::NewStub(channel).get(), ctx);
        });
  };

  std::vector<gf::PersistedFile> outcomes = persister_->TakeResults();
  gf::FileSystemHeartbeatPRequest req;
  req.set_worker_id(id);
  for (const gf::PersistedFile& f : outcomes) *req.add_persisted_files() = f;
  gf::FileSystemHeartbeatPResponse resp;
  Status s = call([&](gf::FileSystemMasterWorkerService::Stub* stub, ::grpc::ClientContext* ctx) {
    return stub->FileSystemHeartbeat(ctx, req, &resp);
  });
  if (!s.ok()) {
    persister_->RestoreResults(std::move(outcomes));
    return s;
  }
  if (resp.command().command_type() == gf::FS_PERSIST) {
    for (const gf::PersistFile& f : resp.command().persist_files()) persister_->Submit(f);
  }

  gf::GetPinnedFileIdsPRequest pin_req;
  gf::GetPinnedFileIdsPResponse pin_resp;
  RETURN_IF_ERROR(
      call([&](gf::FileSystemMasterWorkerService::Stub* stub, ::grpc::ClientContext* ctx) {
        return stub->GetPinnedFileIds(ctx, pin_req, &pin_resp);
      }));
  store_->SetPinnedFiles(absl::flat_hash_set<FileId>(pin_resp.pinned_file_ids().begin(),
                                                     pin_resp.pinned_file_ids().end()));
  return Status();
}

}  // namespace alluxio::worker
