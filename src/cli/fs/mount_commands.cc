// SPDX-License-Identifier: Apache-2.0
// mount, unmount, masterInfo, leader.
#include <netdb.h>
#include <sys/socket.h>

#include <fmt/format.h>

#include "cli/fs/shell.h"

namespace alluxio::cli::fs {

namespace {

Result<int> RunMount(ShellContext& sc, const ParsedArgs& p) {
  if (p.args.size() == 1 || p.args.size() > 2) {
    return InvalidArgumentError(
        fmt::format("Command mount takes 0 or 2 arguments, not {}", p.args.size()));
  }
  ASSIGN_OR_RETURN(client::FileSystem * fs, sc.fs());
  if (p.args.empty()) {
    ASSIGN_OR_RETURN(auto table, fs->GetMountTable());
    size_t ufs_width = 0, path_width = 0;
    for (const auto& [path, info] : table) {
      ufs_width = std::max(ufs_width, info.ufs_uri().size());
      path_width = std::max(path_width, path.size());
    }
    for (const auto& [path, info] : table) {
      std::string props = "{";
      bool first = true;
      for (const auto& [k, v] :
           std::map<std::string, std::string>(info.properties().begin(), info.properties().end())) {
        props += (first ? "" : ", ") + k + "=" + v;
        first = false;
      }
      props += "}";
      sc.out() << fmt::format(
          "{:<{}}  on  {:<{}}  ({}, capacity={}, used={}, {}read-only, {}shared, properties={})\n",
          info.ufs_uri(), ufs_width, path, path_width, info.ufs_type(),
          FormatSize(info.ufs_capacity_bytes()), FormatSize(info.ufs_used_bytes()),
          info.read_only() ? "" : "not ", info.shared() ? "" : "not ", props);
    }
    return 0;
  }
  client::fsopts::MountPOptions o;
  o.set_read_only(p.Has("readonly"));
  o.set_shared(p.Has("shared"));
  auto it = p.options.find("option");
  if (it != p.options.end()) {
    for (const std::string& kv : it->second) {
      size_t eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) {
        return InvalidArgumentError(fmt::format("Invalid mount option {}: expected key=value", kv));
      }
      (*o.mutable_properties())[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
  }
  RETURN_IF_ERROR(fs->Mount(AlluxioPath(p.args[0]), p.args[1], o));
  sc.out() << "Mounted " << p.args[1] << " at " << p.args[0] << "\n";
  return 0;
}

Result<int> RunUnmount(ShellContext& sc, const ParsedArgs& p) {
  ASSIGN_OR_RETURN(client::FileSystem * fs, sc.fs());
  RETURN_IF_ERROR(ForEachMatch(sc, p.args[0], [&](const std::string& path) -> Status {
    RETURN_IF_ERROR(fs->Unmount(AlluxioPath(path)));
    sc.out() << "Unmounted " << path << "\n";
    return Status();
  }));
  return 0;
}

// Java's InetSocketAddress.toString(): "host/1.2.3.4:port".
std::string SocketAddressString(const std::string& address) {
  size_t colon = address.rfind(':');
  std::string host = address.substr(0, colon), port = address.substr(colon + 1);
  addrinfo hints{};
  hints.ai_family = AF_INET;
  addrinfo* res = nullptr;
  std::string ip;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &res) == 0 && res != nullptr) {
    char buf[NI_MAXHOST];
    if (getnameinfo(res->ai_addr, res->ai_addrlen, buf, sizeof(buf), nullptr, 0, NI_NUMERICHOST) ==
        0) {
      ip = buf;
    }
    freeaddrinfo(res);
  }
  return fmt::format("{}/{}:{}", host, ip, port);
}

Result<int> RunMasterInfo(ShellContext& sc, const ParsedArgs&) {
  ASSIGN_OR_RETURN(client::FileSystem * fs, sc.fs());
  Result<std::string> primary = fs->GetPrimaryAddress();
  if (primary.ok()) {
    sc.out() << "Current leader master: " << SocketAddressString(*primary) << "\n";
  } else {
    sc.out() << "Failed to find leader master\n";
  }
  Result<std::vector<std::string>> all = client::FileSystem::ConfiguredMasterAddresses(sc.conf());
  if (all.ok()) {
    std::vector<std::string> formatted;
    for (const std::string& a : *all) formatted.push_back(SocketAddressString(a));
    sc.out() << fmt::format("All masters: [{}]\n", fmt::join(formatted, ", "));
  } else {
    sc.out() << "Failed to find all master addresses\n";
  }
  return 0;
}

Result<int> RunLeader(ShellContext& sc, const ParsedArgs&) {
  sc.out() << "This command will be deprecated as of v3.0, please use masterInfo command\n";
  ASSIGN_OR_RETURN(client::FileSystem * fs, sc.fs());
  Result<std::string> primary = fs->GetPrimaryAddress();
  if (!primary.ok()) {
    sc.err() << "Failed to get the leader master.\n";
    return 0;
  }
  sc.out() << primary->substr(0, primary->rfind(':')) << "\n";
  return 0;
}

}  // namespace

void AddMountCommands(std::vector<FsCommand>* c) {
  c->push_back(
      FsCommand{"mount",
                "mount [--readonly] [--shared] [--option <key=val>] <alluxioPath> <ufsURI>",
                "Mounts a UFS path onto an Alluxio path.",
                {{"", "readonly", false, "mount point is readonly in Alluxio"},
                 {"", "shared", false, "mount point is shared"},
                 {"", "option", true, "options associated with this mount point"}},
                0,
                -1,
                RunMount});
  c->push_back(FsCommand{
      "unmount", "unmount <alluxioPath>", "Unmounts an Alluxio path.", {}, 1, 1, RunUnmount});
  c->push_back(FsCommand{"masterInfo",
                         "masterInfo",
                         "Prints information regarding master fault tolerance such as leader "
                         "address, list of master addresses, and the configured Zookeeper "
                         "address.",
                         {},
                         0,
                         0,
                         RunMasterInfo});
  c->push_back(FsCommand{
      "leader", "leader", "Prints the current leader master host name.", {}, 0, 0, RunLeader});
}

}  // namespace alluxio::cli::fs
