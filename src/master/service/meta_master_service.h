// SPDX-License-Identifier: Apache-2.0
// MetaMasterClientService (master info, checkpoint, backup) and ServiceVersionClientService
// handlers. Thread-safety: thread-safe.
#pragma once

#include <functional>
#include <string>

#include "alluxio/grpc/meta_master.grpc.pb.h"
#include "alluxio/grpc/version.grpc.pb.h"

namespace alluxio::master {

class MasterProcess;

class MetaMasterService final : public grpc::meta::MetaMasterClientService::Service {
 public:
  // `process` must outlive the service.
  explicit MetaMasterService(MasterProcess* process) : process_(process) {}
  ::grpc::Status GetMasterInfo(::grpc::ServerContext* ctx,
                               const grpc::meta::GetMasterInfoPOptions* req,
                               grpc::meta::GetMasterInfoPResponse* resp) override;
  ::grpc::Status Checkpoint(::grpc::ServerContext* ctx, const grpc::meta::CheckpointPOptions* req,
                            grpc::meta::CheckpointPResponse* resp) override;
  // With several masters the backup goes to a standby (BackupManager, "Delegation").
  ::grpc::Status Backup(::grpc::ServerContext* ctx, const grpc::meta::BackupPRequest* req,
                        grpc::meta::BackupPStatus* resp) override;
  ::grpc::Status GetBackupStatus(::grpc::ServerContext* ctx,
                                 const grpc::meta::BackupStatusPRequest* req,
                                 grpc::meta::BackupPStatus* resp) override;

 private:
  MasterProcess* const process_;
};

// MetaMasterBackupMessagingService: the primary's side of backup delegation. Each Connect stream
// is one standby (BackupWorkerRole), registered with the BackupManager as a delegate for as long
// as the stream lasts. Wire format: docs/formats/rpc.md ("Backup delegation").
class BackupMessagingService final : public grpc::meta::MetaMasterBackupMessagingService::Service {
 public:
  // `process` must outlive the service.
  explicit BackupMessagingService(MasterProcess* process) : process_(process) {}
  ::grpc::Status Connect(
      ::grpc::ServerContext* ctx,
      ::grpc::ServerReaderWriter<grpc::meta::BackupLeaderMessage, grpc::meta::BackupWorkerMessage>*
          stream) override;

 private:
  MasterProcess* const process_;
};

// Versions of the services this master serves (reference §7).
inline constexpr int64_t kFileSystemMasterClientServiceVersion = 2;
inline constexpr int64_t kMetaMasterClientServiceVersion = 2;
inline constexpr int64_t kFileSystemMasterWorkerServiceVersion = 2;
inline constexpr int64_t kBlockMasterClientServiceVersion = 2;
inline constexpr int64_t kBlockMasterWorkerServiceVersion = 2;

// Callback API: answered on the receiving thread (every client's first call; the benchmarks'
// empty call).
class ServiceVersionService final
    : public grpc::version::ServiceVersionClientService::CallbackService {
 public:
  ::grpc::ServerUnaryReactor* getServiceVersion(
      ::grpc::CallbackServerContext* ctx, const grpc::version::GetServiceVersionPRequest* req,
      grpc::version::GetServiceVersionPResponse* resp) override;
};

}  // namespace alluxio::master
