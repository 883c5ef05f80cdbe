// SPDX-License-Identifier: Apache-2.0
// alluxio-fuse: mounts an Alluxio directory as a local file system and serves it in the
// foreground until it is unmounted or gets SIGTERM/SIGINT. bin/alluxio-fuse runs it in the
// background with its pid file and log.
//   alluxio-fuse [-Dkey=value ...] [-o opt[,opt...]] [mount_point [alluxio_path]]
// Exit codes: 0 after a normal unmount, 1 when the mount could not be made, 2 on bad arguments.
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <absl/synchronization/mutex.h>
#include <spdlog/spdlog.h>

#include "client/api/file_system.h"
#include "common/conf/configuration.h"
#include "fuse/fuse_file_system.h"
#include "fuse/fuse_mount.h"
#include "fuse/mount_options.h"

namespace {

constexpr const char* kUsage =
    "Usage: alluxio-fuse [-Dkey=value ...] [-o opt[,opt...]] [mount_point [alluxio_path]]\n";

int Fail(const alluxio::Status& s) {
  spdlog::error("{}", s.message());
  std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace alluxio;
  std::vector<std::string> args(argv + 1, argv + argc);
  conf::LoadOptions lo;
  lo.system_properties = conf::Configuration::ExtractSystemProperties(&args);
  Result<fuse::FuseCommandLine> cl = fuse::ParseFuseCommandLine(args);
  if (!cl.ok()) {
    std::fprintf(stderr, "%s%s\n", kUsage, std::string(cl.status().message()).c_str());
    return 2;
  }
  spdlog::set_pattern("%Y-%m-%d %H:%M:%S,%e %^%l%$ [%t] %v");
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);  // as the daemons (daemon.h)
  Result<conf::Configuration> conf = conf::Configuration::Load(lo);
  if (!conf.ok()) {
    spdlog::error("Invalid configuration: {}", conf.status().message());
    return 1;
  }
  for (const std::string& w : conf->warnings()) spdlog::warn("{}", w);
  namespace k = conf::keys;

  std::string mount_point =
      cl->mount_point.empty() ? conf->Get(k::kFuseMountPoint) : cl->mount_point;
  std::string alluxio_path =
      cl->alluxio_path.empty() ? conf->Get(k::kFuseMountAlluxioPath) : cl->alluxio_path;
  if (alluxio_path.empty() || alluxio_path[0] != '/') {
    std::fprintf(stderr, "The Alluxio path must be absolute: %s\n", alluxio_path.c_str());
    return 2;
  }
  while (alluxio_path.size() > 1 && alluxio_path.back() == '/') alluxio_path.pop_back();

  Result<fuse::MountOptions> options = fuse::MergeMountOptions(
      {"default_permissions,subtype=alluxio-fuse,fsname=" + conf->Get(k::kFuseFsName),
       fuse::JoinOptions(conf->GetList(k::kFuseMountOptions).value_or(std::vector<std::string>{})),
       fuse::JoinOptions(cl->options)});
  if (!options.ok()) {
    std::fprintf(stderr, "%s\n", std::string(options.status().message()).c_str());
    return 2;
  }
  for (const std::string& note : options->notes) spdlog::warn("{}", note);

  if (Status s = fuse::CheckFuseDevice(); !s.ok()) return Fail(s);
  if (Status s = fuse::CheckMountPoint(mount_point); !s.ok()) return Fail(s);
  char resolved[PATH_MAX];
  if (::realpath(mount_point.c_str(), resolved) != nullptr) mount_point = resolved;

  std::string staging = conf->Get(k::kFuseStagingDir);
  if (::access(staging.c_str(), W_OK | X_OK) != 0) {
    return Fail(FailedPreconditionError("The staging directory " + staging +
                                        " (alluxio.fuse.staging.dir) is not writable"));
  }

  auto fs = client::FileSystem::Create(*conf);
  if (!fs.ok()) return Fail(fs.status());
  Result<client::FileInfo> root = (*fs)->GetStatus(alluxio_path);
  if (!root.ok()) {
    if (root.status().code() == StatusCode::kNotFound) {
      return Fail(NotFoundError("Alluxio path " + alluxio_path + " does not exist"));
    }
    return Fail(root.status().WithContext("Cannot reach Alluxio to mount " + alluxio_path));
  }
  if (!root->folder()) {
    return Fail(FailedPreconditionError("Alluxio path " + alluxio_path + " is not a directory"));
  }

  fuse::FuseFileSystem::Options fo;
  fo.alluxio_root = alluxio_path;
  fo.staging_dir = staging;
  fo.uid = ::getuid();
  fo.gid = ::getgid();
  fuse::FuseFileSystem ffs(fs->get(), fo);

  fuse::MountConfig mc;
  mc.mount_point = mount_point;
  mc.options = options->options;
  mc.debug = conf->GetBool(k::kFuseDebugEnabled).value_or(false);
  mc.max_threads = options->max_threads > 0
                       ? options->max_threads
                       : static_cast<int>(conf->GetInt(k::kFuseMaxThreads).value_or(64));
  mc.max_idle_threads = options->max_idle_threads;
  mc.max_write = conf->GetBytes(k::kFuseMaxWriteBytes).value_or(1 << 20);
  mc.readahead = conf->GetBytes(k::kFuseReadaheadBytes).value_or(4 << 20);
  mc.passthrough = conf->GetBool(k::kFusePassthroughEnabled).value_or(true);
  spdlog::info("Mounting Alluxio path {} on {}", alluxio_path, mount_point);
  Status s = fuse::ServeMount(&ffs, mc);
  if (!s.ok()) return Fail(s);
  return 0;
}
