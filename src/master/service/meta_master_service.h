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
  // A single master takes backups itself: allow_leader and bypass_delegation change nothing
  // until HA brings delegation to standbys.
  ::grpc::Status Backup(::grpc::ServerContext* ctx, const grpc::meta::BackupPRequest* req,
                        grpc::meta::BackupPStatus* resp) override;
  ::grpc::Status GetBackupStatus(::grpc::ServerContext* ctx,
                                 const grpc::meta::BackupStatusPRequest* req,
                                 grpc::meta::BackupPStatus* resp) override;

 private:
  MasterProcess* const process_;
};

// Versions of the services this master serves (reference §7).
inline constexpr int64_t kFileSystemMasterClientServiceVersion = 2;
inline constexpr int64_t kMetaMasterClientServiceVersion = 2;
inline constexpr int64_t kFileSystemMasterWorkerServiceVersion = 2;
inline constexpr int64_t kBlockMasterClientServiceVersion = 2;
inline constexpr int64_t kBlockMasterWorkerServiceVersion = 2;

class ServiceVersionService final : public grpc::version::ServiceVersionClientService::Service {
 public:
  ::grpc::Status getServiceVersion(::grpc::ServerContext* ctx,
                                   const grpc::version::GetServiceVersionPRequest* req,
                                   grpc::version::GetServiceVersionPResponse* resp) override;
};

}  // namespace alluxio::master
