// SPDX-License-Identifier: Apache-2.0
#include "master/service/journal_master_service.h"

#include <cstdlib>
#include <string>

#include <fmt/format.h>
#include <grpcpp/grpcpp.h>

#include "journal/raft/raft_journal.h"
#include "rpc/grpc_status.h"

namespace alluxio::master {

namespace {

std::string AddressOf(const grpc::journal::NetAddress& a) {
  return fmt::format("{}:{}", a.host(), a.rpc_port());
}

Status CheckDomain(bool has_domain, grpc::journal::JournalDomain domain) {
  if (has_domain && domain != grpc::journal::MASTER) {
    return InvalidArgumentError(
        "Only the MASTER journal domain exists here (there is no job master)");
  }
  return Status::OK();
}

}  // namespace

::grpc::Status JournalMasterService::GetQuorumInfo(::grpc::ServerContext*,
                                                   const grpc::journal::GetQuorumInfoPRequest* req,
                                                   grpc::journal::GetQuorumInfoPResponse* resp) {
  Status s = CheckDomain(req->has_domain(), req->domain());
  if (!s.ok()) return rpc::ToGrpcStatus(s);
  resp->set_domain(grpc::journal::MASTER);
  for (const journal::QuorumMember& m : journal_->Quorum()) {
    auto* info = resp->add_server_info();
    size_t colon = m.address.rfind(':');
    info->mutable_server_address()->set_host(m.address.substr(0, colon));
    info->mutable_server_address()->set_rpc_port(
        colon == std::string::npos ? 0 : std::atoi(m.address.c_str() + colon + 1));
    info->set_server_state(m.available ? grpc::journal::AVAILABLE : grpc::journal::UNAVAILABLE);
    info->set_is_leader(m.leader);
    info->set_priority(0);
  }
  return ::grpc::Status::OK;
}

::grpc::Status JournalMasterService::RemoveQuorumServer(
    ::grpc::ServerContext*, const grpc::journal::RemoveQuorumServerPRequest* req,
    grpc::journal::RemoveQuorumServerPResponse*) {
  Status s = CheckDomain(req->has_domain(), req->domain());
  if (s.ok()) s = journal_->RemoveServer(AddressOf(req->server_address()));
  return rpc::ToGrpcStatus(s);
}

::grpc::Status JournalMasterService::TransferLeadership(
    ::grpc::ServerContext*, const grpc::journal::TransferLeadershipPRequest* req,
    grpc::journal::TransferLeadershipPResponse* resp) {
  std::string target = AddressOf(req->server_address());
  Status s = journal_->TransferLeadership(target);
  if (s.ok()) resp->set_transfer_id(target);
  return rpc::ToGrpcStatus(s);
}

}  // namespace alluxio::master
