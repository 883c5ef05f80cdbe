// SPDX-License-Identifier: Apache-2.0
#include "cli/fsadmin/journal_command.h"

#include <cstdlib>
#include <map>
#include <memory>

#include <fmt/format.h>
#include <grpcpp/grpcpp.h>

#include "alluxio/grpc/journal_master.grpc.pb.h"
#include "client/api/file_system.h"
#include "rpc/master_client.h"

namespace alluxio::cli::fsadmin {

namespace {

namespace gj = ::alluxio::grpc::journal;

constexpr char kQuorumUsage[] =
    "Usage: journal quorum [info -domain <MASTER> | remove -domain <MASTER> -address <host:port> "
    "| elect -address <host:port>]";

int Checkpoint(CommandContext& ctx, const std::vector<std::string>& args) {
  if (!args.empty()) {
    *ctx.out << "Command checkpoint takes 0 arguments, not " << args.size() << "\n";
    return 255;
  }
  auto fs = client::FileSystem::Create(*ctx.conf);
  if (!fs.ok()) {
    *ctx.out << fs.status().message() << "\n";
    return 255;
  }
  Result<std::string> host = (*fs)->Checkpoint();
  if (!host.ok()) {
    *ctx.out << host.status().message() << "\n";
    return 255;
  }
  *ctx.out << "Successfully took a checkpoint on master " << *host << "\n";
  return 0;
}

// -name value options; everything else is an error.
Result<std::map<std::string, std::string>> ParseOptions(const std::vector<std::string>& args) {
  std::map<std::string, std::string> out;
  for (size_t i = 0; i < args.size(); i += 2) {
    if (args[i] != "-domain" && args[i] != "-address") {
      return InvalidArgumentError("Unrecognized option: " + args[i]);
    }
    if (i + 1 >= args.size())
      return InvalidArgumentError("Missing argument for option: " + args[i].substr(1));
    out[args[i].substr(1)] = args[i + 1];
  }
  return out;
}

Result<gj::NetAddress> ParseAddress(const std::string& s) {
  size_t colon = s.rfind(':');
  char* end = nullptr;
  long port = colon == std::string::npos ? -1 : std::strtol(s.c_str() + colon + 1, &end, 10);
  if (colon == std::string::npos || colon == 0 || end == nullptr || *end != '\0' || port <= 0 ||
      port > 65535) {
    return InvalidArgumentError("Invalid address " + s + ": expected <host>:<port>");
  }
  gj::NetAddress a;
  a.set_host(s.substr(0, colon));
  a.set_rpc_port(static_cast<int32_t>(port));
  return a;
}

int Quorum(CommandContext& ctx, const std::vector<std::string>& args) {
  if (args.empty()) {
    *ctx.out << kQuorumUsage << "\n";
    return 255;
  }
  const std::string& sub = args[0];
  if (sub != "info" && sub != "remove" && sub != "elect") {
    *ctx.out << "Unknown sub-command: " << sub << "\n" << kQuorumUsage << "\n";
    return 255;
  }
  Result<std::map<std::string, std::string>> opts =
      ParseOptions(std::vector<std::string>(args.begin() + 1, args.end()));
  if (!opts.ok()) {
    *ctx.out << opts.status().message() << "\n" << kQuorumUsage << "\n";
    return 255;
  }
  if (sub != "elect") {
    auto d = opts->find("domain");
    if (d == opts->end()) {
      *ctx.out << "Missing required option: domain\n" << kQuorumUsage << "\n";
      return 255;
    }
    if (d->second != "MASTER" && d->second != "JOB_MASTER") {
      *ctx.out << "Invalid domain " << d->second << ": expected MASTER or JOB_MASTER\n";
      return 255;
    }
    if (d->second == "JOB_MASTER") {
      *ctx.out << "There is no job master in this cluster; only the MASTER domain exists\n";
      return 255;
    }
  }
  gj::NetAddress address;
  if (sub != "info") {
    auto a = opts->find("address");
    if (a == opts->end()) {
      *ctx.out << "Missing required option: address\n" << kQuorumUsage << "\n";
      return 255;
    }
    Result<gj::NetAddress> parsed = ParseAddress(a->second);
    if (!parsed.ok()) {
      *ctx.out << parsed.status().message() << "\n";
      return 255;
    }
    address = *parsed;
  }
  auto client = rpc::MasterClient::Create(
      *ctx.conf,
      rpc::ServiceSpec{13 /* JOURNAL_MASTER_CLIENT_SERVICE */, 1, "JournalMasterClient"});
  if (!client.ok()) {
    *ctx.out << client.status().message() << "\n";
    return 255;
  }
  auto stub_call = [&](auto fn) {
    return (*client)->Call(
        [&](const std::shared_ptr<::grpc::Channel>& channel, ::grpc::ClientContext* c) {
          auto stub = gj::JournalMasterClientService::NewStub(channel);
          return fn(stub.get(), c);
        });
  };
  std::string target = fmt::format("{}:{}", address.host(), address.rpc_port());
  if (sub == "info") {
    gj::GetQuorumInfoPResponse resp;
    Status s = stub_call([&](gj::JournalMasterClientService::Stub* stub, ::grpc::ClientContext* c) {
      gj::GetQuorumInfoPRequest req;
      req.set_domain(gj::MASTER);
      return stub->GetQuorumInfo(c, req, &resp);
    });
    if (!s.ok()) {
      *ctx.out << s.message() << "\n";
      return 255;
    }
    std::string leader;
    for (const gj::QuorumServerInfo& i : resp.server_info()) {
      if (i.is_leader()) {
        leader = fmt::format("{}:{}", i.server_address().host(), i.server_address().rpc_port());
      }
    }
    *ctx.out << "Journal domain\t: MASTER\n";
    *ctx.out << "Quorum size\t: " << resp.server_info_size() << "\n";
    *ctx.out << "Quorum leader\t: " << leader << "\n\n";
    *ctx.out << fmt::format("{:<11} | {:<8} | {}\n", "STATE", "PRIORITY", "SERVER ADDRESS");
    for (const gj::QuorumServerInfo& i : resp.server_info()) {
      *ctx.out << fmt::format("{:<11} | {:<8} | {}:{}\n",
                              gj::QuorumServerState_Name(i.server_state()), i.priority(),
                              i.server_address().host(), i.server_address().rpc_port());
    }
    return 0;
  }
  if (sub == "remove") {
    Status s = stub_call([&](gj::JournalMasterClientService::Stub* stub, ::grpc::ClientContext* c) {
      gj::RemoveQuorumServerPRequest req;
      req.set_domain(gj::MASTER);
      *req.mutable_server_address() = address;
      gj::RemoveQuorumServerPResponse resp;
      return stub->RemoveQuorumServer(c, req, &resp);
    });
    if (!s.ok()) {
      *ctx.out << "Failed to remove server " << target << " from the quorum: " << s.message()
               << "\n";
      return 255;
    }
    *ctx.out << "Removed server at: " << target << " from quorum: MASTER\n";
    return 0;
  }
  *ctx.out << "Initiating transfer of leadership to " << target << "\n";
  Status s = stub_call([&](gj::JournalMasterClientService::Stub* stub, ::grpc::ClientContext* c) {
    gj::TransferLeadershipPRequest req;
    *req.mutable_server_address() = address;
    gj::TransferLeadershipPResponse resp;
    return stub->TransferLeadership(c, req, &resp);
  });
  if (!s.ok()) {
    *ctx.out << "Failed to elect " << target << " as the new leader: " << s.message() << "\n";
    return 255;
  }
  *ctx.out << "Successfully elected " << target << " as the new leader\n";
  *ctx.out << "Quorum priorities were reset to 1\n";
  return 0;
}

}  // namespace

int RunJournal(CommandContext& ctx, const std::vector<std::string>& args) {
  if (args.empty()) {
    *ctx.out << "No sub-command is specified\n";
    *ctx.out << "Usage: " << kJournalUsage << "\n";
    return 255;
  }
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "checkpoint") return Checkpoint(ctx, rest);
  if (args[0] == "quorum") return Quorum(ctx, rest);
  *ctx.out << "Unknown sub-command: " << args[0] << "\n";
  *ctx.out << "Usage: " << kJournalUsage << "\n";
  return 255;
}

}  // namespace alluxio::cli::fsadmin
