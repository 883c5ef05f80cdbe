// SPDX-License-Identifier: Apache-2.0
// JournalMasterClientService handlers (`fsadmin journal quorum info|remove|elect`): the embedded
// journal's quorum as the primary sees it. Served only with alluxio.master.journal.type=EMBEDDED.
// Thread-safety: thread-safe.
#pragma once

#include "alluxio/grpc/journal_master.grpc.pb.h"

namespace alluxio::journal {
class RaftJournal;
}

namespace alluxio::master {

// Version of the service this master serves (reference §7).
inline constexpr int64_t kJournalMasterClientServiceVersion = 1;

class JournalMasterService final : public grpc::journal::JournalMasterClientService::Service {
 public:
  // `journal` must outlive the service.
  explicit JournalMasterService(journal::RaftJournal* journal) : journal_(journal) {}

  ::grpc::Status GetQuorumInfo(::grpc::ServerContext* ctx,
                               const grpc::journal::GetQuorumInfoPRequest* req,
                               grpc::journal::GetQuorumInfoPResponse* resp) override;
  ::grpc::Status RemoveQuorumServer(::grpc::ServerContext* ctx,
                                    const grpc::journal::RemoveQuorumServerPRequest* req,
                                    grpc::journal::RemoveQuorumServerPResponse* resp) override;
  ::grpc::Status TransferLeadership(::grpc::ServerContext* ctx,
                                    const grpc::journal::TransferLeadershipPRequest* req,
                                    grpc::journal::TransferLeadershipPResponse* resp) override;

 private:
  journal::RaftJournal* const journal_;
};

}  // namespace alluxio::master
