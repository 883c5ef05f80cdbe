// SPDX-License-Identifier: Apache-2.0
#include "master/backup/backup_worker_role.h"

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "alluxio/grpc/meta_master.grpc.pb.h"
#include "common/version.h"
#include "rpc/channel.h"
#include "rpc/master_client.h"

namespace alluxio::master {

namespace k = conf::keys;
namespace meta = ::alluxio::grpc::meta;

namespace {

using Clock = std::chrono::steady_clock;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

DelegatedBackup FromProto(const meta::DelegatedBackupRequest& p) {
  DelegatedBackup d;
  d.id = p.backup_id();
  d.sequence_number = p.journal_sequence_number();
  d.request.id = p.backup_id();
  d.request.target_directory = p.request().target_directory();
  d.request.local = p.request().options().local_file_system();
  return d;
}

// One Connect stream, shared with the backup thread that reports through it.
struct Link {
  ::grpc::ClientContext ctx;
  std::unique_ptr<::grpc::ClientReaderWriter<meta::BackupWorkerMessage, meta::BackupLeaderMessage>>
      stream;
  std::mutex write_mu;
  bool open = true;  // GUARDED_BY(write_mu)

  bool Write(const meta::BackupWorkerMessage& m) {
    std::lock_guard<std::mutex> l(write_mu);
    return open && stream->Write(m);
  }
  void Close() {
    std::lock_guard<std::mutex> l(write_mu);
    open = false;
  }
};

}  // namespace

Result<BackupWorkerRoleOptions> BackupWorkerRoleOptions::FromConfiguration(
    const conf::Configuration& conf, const std::string& hostname, const std::string& own_address) {
  BackupWorkerRoleOptions o;
  ASSIGN_OR_RETURN(o.master_addresses, rpc::MasterClient::MasterAddresses(conf));
  o.own_address = own_address;
  o.hostname = hostname;
  ASSIGN_OR_RETURN(o.connect_interval_min_ms,
                   conf.GetDurationMs(k::kMasterBackupConnectIntervalMin));
  ASSIGN_OR_RETURN(o.connect_interval_max_ms,
                   conf.GetDurationMs(k::kMasterBackupConnectIntervalMax));
  ASSIGN_OR_RETURN(o.heartbeat_ms, conf.GetDurationMs(k::kMasterBackupHeartbeatInterval));
  o.connect_interval_min_ms = std::max<int64_t>(o.connect_interval_min_ms, 1);
  o.connect_interval_max_ms = std::max(o.connect_interval_max_ms, o.connect_interval_min_ms);
  o.heartbeat_ms = std::max<int64_t>(o.heartbeat_ms, 10);
  ASSIGN_OR_RETURN(o.backup, BackupManagerOptions::FromConfiguration(conf, hostname));
  return o;
}

BackupWorkerRole::BackupWorkerRole(journal::Journaled* state, journal::Journal* journal,
                                   BackupWorkerRoleOptions options)
    : state_(state), journal_(journal), options_(std::move(options)) {}

BackupWorkerRole::~BackupWorkerRole() {
  Stop();
  if (backup_.joinable()) backup_.join();
}

void BackupWorkerRole::Start() {
  Stop();
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = false;
  }
  loop_ = std::thread([this] { Loop(); });
}

void BackupWorkerRole::Stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = true;
    if (context_ != nullptr) context_->TryCancel();
  }
  cv_.notify_all();
  if (loop_.joinable()) loop_.join();
}

bool BackupWorkerRole::connected() const {
  std::lock_guard<std::mutex> l(mu_);
  return connected_;
}

void BackupWorkerRole::Loop() {
  int64_t backoff_ms = options_.connect_interval_min_ms;
  for (;;) {
    bool accepted = false;
    for (const std::string& address : options_.master_addresses) {
      if (address == options_.own_address) continue;
      {
        std::lock_guard<std::mutex> l(mu_);
        if (stopping_) return;
      }
      if (Connect(address)) {
        accepted = true;
        break;
      }
    }
    backoff_ms = accepted ? options_.connect_interval_min_ms
                          : std::min(backoff_ms * 2, options_.connect_interval_max_ms);
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait_for(l, std::chrono::milliseconds(backoff_ms), [&] { return stopping_; });
    if (stopping_) return;
  }
}

bool BackupWorkerRole::Connect(const std::string& address) {
  auto link = std::make_shared<Link>();
  {
    std::lock_guard<std::mutex> l(mu_);
    if (stopping_) return false;
    context_ = &link->ctx;
  }
  auto stub = meta::MetaMasterBackupMessagingService::NewStub(rpc::CreateChannel(address));
  link->stream = stub->Connect(&link->ctx);
  meta::BackupWorkerMessage hello;
  hello.mutable_handshake()->set_hostname(options_.hostname);
  hello.mutable_handshake()->set_version(kMetaMasterBackupMessagingServiceVersion);
  meta::BackupLeaderMessage m;
  bool accepted = link->Write(hello) && link->stream->Read(&m) && m.has_accepted();
  if (accepted) {
    std::lock_guard<std::mutex> l(mu_);
    connected_ = true;
    spdlog::info("Connected to the primary master {} for backup delegation", address);
  }
  while (accepted && link->stream->Read(&m)) {
    if (!m.has_request()) continue;
    DelegatedBackup d = FromProto(m.request());
    auto report = [link](const BackupStatus& s) {
      meta::BackupWorkerMessage msg;
      *msg.mutable_status() = BackupStatusToProto(s);
      return link->Write(msg);
    };
    std::unique_lock<std::mutex> l(mu_);
    if (backup_running_) {
      l.unlock();
      BackupStatus busy;
      busy.id = d.id;
      busy.host = options_.hostname;
      busy.state = BackupState::kFailed;
      busy.error = FailedPreconditionError("Backup in progress");
      report(busy);
      continue;
    }
    backup_running_ = true;
    std::thread previous = std::move(backup_);
    backup_ = std::thread([this, d, report] {
      TakeBackup(d, report);
      std::lock_guard<std::mutex> g(mu_);
      backup_running_ = false;
    });
    l.unlock();
    if (previous.joinable()) previous.join();  // it has ended: backup_running_ was false
  }
  link->Close();
  ::grpc::Status s = link->stream->Finish();
  {
    std::lock_guard<std::mutex> l(mu_);
    context_ = nullptr;
    if (connected_) {
      spdlog::info("Backup delegation stream to {} ended: {}", address, s.error_message());
    } else if (s.error_code() == ::grpc::StatusCode::FAILED_PRECONDITION) {
      spdlog::error("The primary master {} refused backup delegation: {}", address,
                    s.error_message());
    }
    connected_ = false;
  }
  return accepted;
}

void BackupWorkerRole::TakeBackup(const DelegatedBackup& d,
                                  const std::function<bool(const BackupStatus&)>& report) {
  BackupStatus st;
  st.id = d.id;
  st.host = options_.hostname;
  auto fail = [&](Status error) {
    spdlog::error("Delegated backup {} failed: {}", d.id, error.ToString());
    st.state = BackupState::kFailed;
    st.error = std::move(error);
    report(st);
  };
  st.state = BackupState::kTransitioning;
  report(st);
  spdlog::info("Taking delegated backup {} once the journal reaches sequence number {}", d.id,
               d.sequence_number);
  // Catch up with the primary.
  const auto deadline = Clock::now() + std::chrono::milliseconds(options_.catchup_timeout_ms);
  auto last_report = Clock::now();
  while (journal_->NextSequenceNumber() < d.sequence_number) {
    if (Clock::now() >= deadline) {
      return fail(DeadlineExceededError(fmt::format(
          "Standby master {} did not catch up with the primary within {} ms (applied up to {}, "
          "needs {})",
          options_.hostname, options_.catchup_timeout_ms, journal_->NextSequenceNumber(),
          d.sequence_number)));
    }
    if (Clock::now() - last_report >= std::chrono::milliseconds(options_.heartbeat_ms)) {
      report(st);
      last_report = Clock::now();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const std::string dir_name = d.request.target_directory.empty() ? options_.backup.backup_directory
                                                                  : d.request.target_directory;
  Result<BackupLocation> dir = ResolveBackupDirectory(
      dir_name, d.request.local, options_.backup.root_ufs, options_.backup.root_ufs_options);
  if (!dir.ok()) return fail(dir.status());
  int64_t restores = options_.snapshots_restored ? options_.snapshots_restored() : 0;
  std::unique_ptr<journal::StateSnapshot> snap = state_->Snapshot(journal_);
  if (options_.snapshots_restored && options_.snapshots_restored() != restores) {
    return fail(AbortedError(
        "The backup was interrupted by a snapshot install on the standby master; try again"));
  }
  journal::BackupInfo info;
  info.sequence_number = snap->next_sequence_number();
  info.alluxio_version = std::string(kVersion);
  info.cluster_id = options_.cluster_id ? options_.cluster_id() : "";
  info.host = options_.hostname;
  info.created_ms = NowMs();
  st.state = BackupState::kRunning;
  report(st);
  // Written on its own thread; this one reports progress.
  std::atomic<int64_t> progress{0};
  std::atomic<bool> done{false};
  Result<WrittenBackup> written = UnknownError("not written");
  std::thread writer([&] {
    written = WriteBackupFile(*snap, *dir, info, &progress);
    done.store(true);
  });
  last_report = Clock::now();
  while (!done.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    int64_t n = progress.load(std::memory_order_relaxed);
    if (Clock::now() - last_report >= std::chrono::milliseconds(options_.heartbeat_ms) ||
        n - st.entry_count >= 100000) {
      st.entry_count = n;
      report(st);
      last_report = Clock::now();
    }
  }
  writer.join();
  if (!written.ok()) return fail(written.status());
  st.state = BackupState::kCompleted;
  st.uri = written->uri;
  st.entry_count = written->entry_count;
  spdlog::info("Delegated backup {} written: {} ({} entries)", d.id, st.uri, st.entry_count);
  report(st);
}

}  // namespace alluxio::master
