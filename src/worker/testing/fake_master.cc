// SPDX-License-Identifier: Apache-2.0
#include "worker/testing/fake_master.h"

#include <chrono>

#include <fmt/format.h>
#include <grpcpp/grpcpp.h>

#include "rpc/server.h"

namespace alluxio::worker::testing {

namespace gb = grpc::block;
namespace gf = grpc::file;

class FakeMaster::BlockService final : public gb::BlockMasterWorkerService::Service {
 public:
  explicit BlockService(FakeMaster* m) : m_(m) {}

  ::grpc::Status GetWorkerId(::grpc::ServerContext*, const gb::GetWorkerIdPRequest* req,
                             gb::GetWorkerIdPResponse* resp) override {
    {
      std::lock_guard<std::mutex> l(m_->mu_);
      std::string key = fmt::format("{}:{}", req->worker_net_address().host(),
                                    req->worker_net_address().rpc_port());
      auto it = m_->ids_by_address_.find(key);
      if (it == m_->ids_by_address_.end()) {
        it = m_->ids_by_address_.emplace(key, m_->next_worker_id_++).first;
      }
      resp->set_worker_id(it->second);
      ++m_->get_worker_id_calls_;
    }
    m_->Notify();
    return ::grpc::Status::OK;
  }

  ::grpc::Status RegisterWorker(::grpc::ServerContext*,
                                ::grpc::ServerReader<gb::RegisterWorkerPRequest>* reader,
                                gb::RegisterWorkerPResponse*) override {
    Registration r;
    gb::RegisterWorkerPRequest msg;
    while (reader->Read(&msg)) {
      if (r.messages == 0) {
        r.first = msg;
        r.worker_id = msg.worker_id();
      }
      ++r.messages;
      for (const gb::LocationBlockIdListEntry& e : msg.current_blocks()) {
        for (int64_t b : e.value()) r.blocks[b] = e.key().tier_alias();
      }
    }
    {
      std::lock_guard<std::mutex> l(m_->mu_);
      m_->known_workers_.insert(r.worker_id);
      m_->registrations_.push_back(std::move(r));
    }
    m_->Notify();
    return ::grpc::Status::OK;
  }

  ::grpc::Status BlockHeartbeat(::grpc::ServerContext*, const gb::BlockHeartbeatPRequest* req,
                                gb::BlockHeartbeatPResponse* resp) override {
    {
      std::lock_guard<std::mutex> l(m_->mu_);
      m_->heartbeats_.push_back(*req);
      gb::Command* cmd = resp->mutable_command();
      if (!m_->known_workers_.contains(req->worker_id())) {
        cmd->set_command_type(gb::Register);
      } else if (!m_->block_commands_.empty()) {
        *cmd = m_->block_commands_.front();
        m_->block_commands_.pop_front();
      } else {
        cmd->set_command_type(gb::Nothing);
      }
    }
    m_->Notify();
    return ::grpc::Status::OK;
  }

  ::grpc::Status CommitBlock(::grpc::ServerContext*, const gb::CommitBlockPRequest* req,
                             gb::CommitBlockPResponse*) override {
    {
      std::lock_guard<std::mutex> l(m_->mu_);
      m_->commits_.push_back(*req);
    }
    m_->Notify();
    return ::grpc::Status::OK;
  }

 private:
  FakeMaster* const m_;
};

class FakeMaster::FsService final : public gf::FileSystemMasterWorkerService::Service {
 public:
  explicit FsService(FakeMaster* m) : m_(m) {}

  ::grpc::Status FileSystemHeartbeat(::grpc::ServerContext*,
                                     const gf::FileSystemHeartbeatPRequest* req,
                                     gf::FileSystemHeartbeatPResponse* resp) override {
    {
      std::lock_guard<std::mutex> l(m_->mu_);
      ++m_->fs_heartbeats_;
      for (const gf::PersistedFile& f : req->persisted_files()) m_->persisted_.push_back(f);
      if (!m_->persist_queue_.empty()) {
        resp->mutable_command()->set_command_type(gf::FS_PERSIST);
        for (const gf::PersistFile& f : m_->persist_queue_) {
          *resp->mutable_command()->add_persist_files() = f;
        }
        m_->persist_queue_.clear();
      } else {
        resp->mutable_command()->set_command_type(gf::FS_NOTHING);
      }
    }
    m_->Notify();
    return ::grpc::Status::OK;
  }

  ::grpc::Status GetPinnedFileIds(::grpc::ServerContext*, const gf::GetPinnedFileIdsPRequest*,
                                  gf::GetPinnedFileIdsPResponse* resp) override {
    std::lock_guard<std::mutex> l(m_->mu_);
    for (int64_t id : m_->pinned_) resp->add_pinned_file_ids(id);
    return ::grpc::Status::OK;
  }

  ::grpc::Status GetUfsInfo(::grpc::ServerContext*, const gf::GetUfsInfoPRequest* req,
                            gf::GetUfsInfoPResponse* resp) override {
    std::lock_guard<std::mutex> l(m_->mu_);
    auto it = m_->mounts_.find(req->mount_id());
    if (it == m_->mounts_.end()) {
      return ::grpc::Status(::grpc::StatusCode::NOT_FOUND,
                            fmt::format("Mount {} not found", req->mount_id()));
    }
    resp->mutable_ufs_info()->set_uri(it->second);
    return ::grpc::Status::OK;
  }

 private:
  FakeMaster* const m_;
};

class FakeMaster::VersionService final
    : public grpc::version::ServiceVersionClientService::Service {
 public:
  ::grpc::Status getServiceVersion(::grpc::ServerContext*,
                                   const grpc::version::GetServiceVersionPRequest* req,
                                   grpc::version::GetServiceVersionPResponse* resp) override {
    switch (req->service_type()) {
      case grpc::version::BLOCK_MASTER_WORKER_SERVICE:
      case grpc::version::FILE_SYSTEM_MASTER_WORKER_SERVICE:
        resp->set_version(2);
        return ::grpc::Status::OK;
      default:
        return ::grpc::Status(::grpc::StatusCode::NOT_FOUND, "Service is not found.");
    }
  }
};

FakeMaster::FakeMaster() = default;

FakeMaster::~FakeMaster() { Stop(); }

Result<std::unique_ptr<FakeMaster>> FakeMaster::Start(int port) {
  std::unique_ptr<FakeMaster> m(new FakeMaster());
  m->block_service_ = std::make_unique<BlockService>(m.get());
  m->fs_service_ = std::make_unique<FsService>(m.get());
  m->version_service_ = std::make_unique<VersionService>();
  ASSIGN_OR_RETURN(m->server_, rpc::RpcServer::Start("127.0.0.1", port,
                                                     {m->block_service_.get(), m->fs_service_.get(),
                                                      m->version_service_.get()}));
  m->port_ = m->server_->port();
  return m;
}

void FakeMaster::Stop() {
  if (server_) {
    server_->Shutdown(0);
    server_.reset();
  }
}

void FakeMaster::Notify() {
  { std::lock_guard<std::mutex> l(mu_); }
  cv_.notify_all();
}

bool FakeMaster::WaitFor(const std::function<bool()>& pred, int64_t timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    if (pred()) return true;
    std::unique_lock<std::mutex> l(mu_);
    // Re-checked after every served call, and at least every 20 ms for conditions that change
    // elsewhere (the worker's store).
    if (cv_.wait_until(l, std::min(deadline, std::chrono::steady_clock::now() +
                                                 std::chrono::milliseconds(20))) ==
            std::cv_status::timeout &&
        std::chrono::steady_clock::now() >= deadline) {
      l.unlock();
      return pred();
    }
  }
}

void FakeMaster::QueueBlockCommand(gb::Command command) {
  std::lock_guard<std::mutex> l(mu_);
  block_commands_.push_back(std::move(command));
}

void FakeMaster::QueuePersist(gf::PersistFile file) {
  std::lock_guard<std::mutex> l(mu_);
  persist_queue_.push_back(std::move(file));
}

void FakeMaster::SetPinnedFileIds(std::vector<int64_t> ids) {
  std::lock_guard<std::mutex> l(mu_);
  pinned_ = std::move(ids);
}

void FakeMaster::AddMount(int64_t mount_id, std::string uri) {
  std::lock_guard<std::mutex> l(mu_);
  mounts_[mount_id] = std::move(uri);
}

void FakeMaster::ForgetWorkers() {
  std::lock_guard<std::mutex> l(mu_);
  known_workers_.clear();
  ids_by_address_.clear();
}

std::vector<FakeMaster::Registration> FakeMaster::registrations() {
  std::lock_guard<std::mutex> l(mu_);
  return registrations_;
}

std::vector<gb::BlockHeartbeatPRequest> FakeMaster::heartbeats() {
  std::lock_guard<std::mutex> l(mu_);
  return heartbeats_;
}

std::vector<gb::CommitBlockPRequest> FakeMaster::commits() {
  std::lock_guard<std::mutex> l(mu_);
  return commits_;
}

std::vector<gf::PersistedFile> FakeMaster::persisted_files() {
  std::lock_guard<std::mutex> l(mu_);
  return persisted_;
}

int64_t FakeMaster::get_worker_id_calls() {
  std::lock_guard<std::mutex> l(mu_);
  return get_worker_id_calls_;
}

int64_t FakeMaster::fs_heartbeats() {
  std::lock_guard<std::mutex> l(mu_);
  return fs_heartbeats_;
}

}  // namespace alluxio::worker::testing
