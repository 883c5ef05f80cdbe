// SPDX-License-Identifier: Apache-2.0
#include "master/service/meta_master_service.h"

#include <grpcpp/grpcpp.h>

#include <fmt/format.h>

#include "master/backup/backup_worker_role.h"
#include "master/master_process.h"
#include "master/service/journal_master_service.h"
#include "rpc/grpc_status.h"
#include "rpc/master_client.h"

namespace alluxio::master {

::grpc::Status MetaMasterService::GetMasterInfo(::grpc::ServerContext*,
                                                const grpc::meta::GetMasterInfoPOptions*,
                                                grpc::meta::GetMasterInfoPResponse* resp) {
  *resp->mutable_master_info() = process_->GetMasterInfo();
  return ::grpc::Status::OK;
}

::grpc::Status MetaMasterService::Checkpoint(::grpc::ServerContext*,
                                             const grpc::meta::CheckpointPOptions*,
                                             grpc::meta::CheckpointPResponse* resp) {
  Status s = process_->journal()->Checkpoint();
  if (!s.ok()) return rpc::ToGrpcStatus(s);
  resp->set_master_hostname(process_->hostname());
  return ::grpc::Status::OK;
}

::grpc::Status MetaMasterService::Backup(::grpc::ServerContext*,
                                         const grpc::meta::BackupPRequest* req,
                                         grpc::meta::BackupPStatus* resp) {
  BackupManager* m = process_->backup_manager();
  if (m == nullptr) return rpc::ToGrpcStatus(UnavailableError("The master is not started"));
  BackupRequest r;
  r.target_directory = req->target_directory();
  r.local = req->options().local_file_system();
  r.run_async = req->options().run_async();
  r.allow_leader = req->options().allow_leader();
  r.bypass_delegation = req->options().bypass_delegation();
  Result<BackupStatus> s = m->Backup(r);
  if (!s.ok()) return rpc::ToGrpcStatus(s.status());
  // A synchronous backup that failed fails the call, as in Alluxio.
  if (!r.run_async && s->state == BackupState::kFailed) return rpc::ToGrpcStatus(s->error);
  *resp = BackupStatusToProto(*s);
  return ::grpc::Status::OK;
}

::grpc::Status MetaMasterService::GetBackupStatus(::grpc::ServerContext*,
                                                  const grpc::meta::BackupStatusPRequest* req,
                                                  grpc::meta::BackupPStatus* resp) {
  BackupManager* m = process_->backup_manager();
  if (m == nullptr) return rpc::ToGrpcStatus(UnavailableError("The master is not started"));
  Result<BackupStatus> s = m->GetStatus(req->backup_id());
  if (!s.ok()) return rpc::ToGrpcStatus(s.status());
  *resp = BackupStatusToProto(*s);
  return ::grpc::Status::OK;
}

::grpc::Status BackupMessagingService::Connect(
    ::grpc::ServerContext*,
    ::grpc::ServerReaderWriter<grpc::meta::BackupLeaderMessage, grpc::meta::BackupWorkerMessage>*
        stream) {
  BackupManager* m = process_->backup_manager();
  if (m == nullptr) return rpc::ToGrpcStatus(UnavailableError("The master is not started"));
  grpc::meta::BackupWorkerMessage msg;
  if (!stream->Read(&msg) || !msg.has_handshake()) {
    return rpc::ToGrpcStatus(InvalidArgumentError("Expected a backup delegation handshake"));
  }
  rpc::ServiceSpec spec{grpc::version::META_MASTER_BACKUP_MESSAGING_SERVICE,
                        kMetaMasterBackupMessagingServiceVersion,
                        "MetaMasterBackupMessagingService"};
  // The standby is the client: it may lag this primary by one version.
  Status compatible = rpc::CheckServiceVersion(
      {spec.service_type, msg.handshake().version(), spec.name}, spec.version);
  if (!compatible.ok()) return rpc::ToGrpcStatus(compatible);
  std::string host = msg.handshake().hostname();
  // Shared with the send function, which the BackupManager may still hold (and call) after this
  // handler returned: `open` turns false, under `mu`, before the stream goes away.
  struct Link {
    std::mutex mu;
    bool open = true;  // GUARDED_BY(mu)
  };
  auto link = std::make_shared<Link>();
  {
    grpc::meta::BackupLeaderMessage ack;
    ack.set_accepted(true);
    if (!stream->Write(ack)) return ::grpc::Status::OK;
  }
  int64_t id = m->AddDelegate(host, [link, stream](const DelegatedBackup& d) {
    grpc::meta::BackupLeaderMessage out;
    auto* r = out.mutable_request();
    r->set_backup_id(d.id);
    r->set_journal_sequence_number(d.sequence_number);
    if (!d.request.target_directory.empty()) {
      r->mutable_request()->set_target_directory(d.request.target_directory);
    }
    r->mutable_request()->mutable_options()->set_local_file_system(d.request.local);
    std::lock_guard<std::mutex> l(link->mu);
    return link->open && stream->Write(out);
  });
  while (stream->Read(&msg)) {
    if (!msg.has_status()) continue;
    m->OnDelegateStatus(id, BackupStatusFromProto(msg.status()));
  }
  {
    std::lock_guard<std::mutex> l(link->mu);
    link->open = false;
  }
  m->RemoveDelegate(id);
  return ::grpc::Status::OK;
}

namespace {
::grpc::Status Answer(const grpc::version::GetServiceVersionPRequest& req,
                      grpc::version::GetServiceVersionPResponse* resp) {
  switch (req.service_type()) {
    case grpc::version::FILE_SYSTEM_MASTER_CLIENT_SERVICE:
      resp->set_version(kFileSystemMasterClientServiceVersion);
      return ::grpc::Status::OK;
    case grpc::version::META_MASTER_CLIENT_SERVICE:
      resp->set_version(kMetaMasterClientServiceVersion);
      return ::grpc::Status::OK;
    case grpc::version::FILE_SYSTEM_MASTER_WORKER_SERVICE:
      resp->set_version(kFileSystemMasterWorkerServiceVersion);
      return ::grpc::Status::OK;
    case grpc::version::BLOCK_MASTER_CLIENT_SERVICE:
      resp->set_version(kBlockMasterClientServiceVersion);
      return ::grpc::Status::OK;
    case grpc::version::BLOCK_MASTER_WORKER_SERVICE:
      resp->set_version(kBlockMasterWorkerServiceVersion);
      return ::grpc::Status::OK;
    case grpc::version::META_MASTER_BACKUP_MESSAGING_SERVICE:
      resp->set_version(kMetaMasterBackupMessagingServiceVersion);
      return ::grpc::Status::OK;
    case grpc::version::JOURNAL_MASTER_CLIENT_SERVICE:
      resp->set_version(kJournalMasterClientServiceVersion);
      return ::grpc::Status::OK;
    default:
      return ::grpc::Status(::grpc::StatusCode::NOT_FOUND,
                            fmt::format("Service {} is not found.",
                                        grpc::version::ServiceType_Name(req.service_type())));
  }
}
}  // namespace

::grpc::ServerUnaryReactor* ServiceVersionService::getServiceVersion(
    ::grpc::CallbackServerContext* ctx, const grpc::version::GetServiceVersionPRequest* req,
    grpc::version::GetServiceVersionPResponse* resp) {
  ::grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  reactor->Finish(Answer(*req, resp));
  return reactor;
}

}  // namespace alluxio::master
