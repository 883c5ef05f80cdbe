// SPDX-License-Identifier: Apache-2.0
// FileSystem: the C++ client API of Alluxio, used by the CLI, FUSE and the S3 gateway. Options are
// Alluxio's own POptions messages (as in Alluxio's Java API). Each call finds the primary master
// among alluxio.master.rpc.addresses, retries on Unavailable with exponential backoff
// (alluxio.user.rpc.retry.*), and sends one operation id per mutating call so that a retry of an
// acknowledged call succeeds. Calls block until the master replies.
//
// Thread-safety: thread-safe; share one instance.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "alluxio/grpc/block_master.pb.h"
#include "alluxio/grpc/file_system_master.pb.h"
#include "alluxio/grpc/meta_master.pb.h"
#include "client/api/file_in_stream.h"
#include "client/api/file_out_stream.h"
#include "common/conf/configuration.h"
#include "common/result.h"

namespace alluxio::rpc {
class MasterClient;
}  // namespace alluxio::rpc

namespace alluxio::client {

namespace internal {
class Context;
}  // namespace internal

using FileInfo = ::alluxio::grpc::FileInfo;
using MountPointInfo = ::alluxio::grpc::MountPointInfo;
namespace fsopts = ::alluxio::grpc::file;

class FileSystem {
 public:
  // Reads addresses, user, retry and metadata-sync settings from `conf`. Does not connect yet.
  static Result<std::unique_ptr<FileSystem>> Create(const conf::Configuration& conf);
  ~FileSystem();

  Status CreateDirectory(const std::string& path, fsopts::CreateDirectoryPOptions options = {});
  // --- Data ---
  // Creates a file and returns the stream that writes it (options.write_type, else
  // alluxio.user.file.writetype.default). The file is complete when the stream is closed.
  Result<std::unique_ptr<FileOutStream>> Create(const std::string& path,
                                                fsopts::CreateFilePOptions options = {});
  // Opens a complete file for reading (options.read_type, else
  // alluxio.user.file.readtype.default). NotFound if missing; InvalidArgument for a directory;
  // FailedPrecondition for an incomplete file.
  Result<std::unique_ptr<FileInStream>> Open(const std::string& path,
                                             fsopts::OpenFilePOptions options = {});
  // Removes the cached blocks of a file or tree (`fs free`).
  Status Free(const std::string& path, fsopts::FreePOptions options = {});
  // Asks the master to persist a file in the background (`fs persist`).
  Status ScheduleAsyncPersistence(const std::string& path,
                                  fsopts::ScheduleAsyncPersistencePOptions options = {});

  // The path of the file or directory with this id (NotFound if none).
  Result<std::string> GetFilePath(int64_t file_id);

  // --- Block master ---
  Result<::alluxio::grpc::BlockInfo> GetBlockInfo(int64_t block_id);
  Result<::alluxio::grpc::block::BlockMasterInfo> GetBlockMasterInfo();
  Result<std::vector<::alluxio::grpc::block::WorkerInfo>> GetWorkerReport(
      ::alluxio::grpc::block::GetWorkerReportPOptions options = {});

  // --- Metadata ---
  // Creates an (incomplete) file; CompleteFile makes it visible as complete.
  Result<FileInfo> CreateFile(const std::string& path, fsopts::CreateFilePOptions options = {});
  Status CompleteFile(const std::string& path, fsopts::CompleteFilePOptions options = {});
  Result<FileInfo> GetStatus(const std::string& path, fsopts::GetStatusPOptions options = {});
  Result<bool> Exists(const std::string& path, fsopts::ExistsPOptions options = {});
  // Whole listing in memory.
  Result<std::vector<FileInfo>> ListStatus(const std::string& path,
                                           fsopts::ListStatusPOptions options = {});
  // Streams the listing: `fn` is called per entry as batches arrive.
  Status IterateStatus(const std::string& path, fsopts::ListStatusPOptions options,
                       const std::function<void(FileInfo&&)>& fn);
  Status Delete(const std::string& path, fsopts::DeletePOptions options = {});
  Status Rename(const std::string& src, const std::string& dst,
                fsopts::RenamePOptions options = {});
  Status SetAttribute(const std::string& path, fsopts::SetAttributePOptions options);
  Status Mount(const std::string& alluxio_path, const std::string& ufs_path,
               fsopts::MountPOptions options = {});
  Status Unmount(const std::string& alluxio_path);
  Result<std::map<std::string, MountPointInfo>> GetMountTable();

  // Meta master.
  Result<::alluxio::grpc::meta::MasterInfo> GetMasterInfo();
  // Asks the primary to write a checkpoint now; returns its hostname.
  Result<std::string> Checkpoint();
  // Starts a journal backup (fsadmin backup); with options.run_async returns its first status,
  // to be polled with GetBackupStatus.
  Result<::alluxio::grpc::meta::BackupPStatus> Backup(
      const ::alluxio::grpc::meta::BackupPRequest& request);
  Result<::alluxio::grpc::meta::BackupPStatus> GetBackupStatus(const std::string& backup_id);
  // "host:port" of the primary master (connecting if needed).
  Result<std::string> GetPrimaryAddress();
  // Every configured master address ("host:port"): alluxio.master.rpc.addresses, else
  // alluxio.master.hostname (localhost when unset) and alluxio.master.rpc.port.
  static Result<std::vector<std::string>> ConfiguredMasterAddresses(
      const conf::Configuration& conf);

 private:
  FileSystem(const conf::Configuration& conf, std::shared_ptr<rpc::MasterClient> master);
  template <typename Options>
  void FillCommon(Options* options, bool mutating);

  struct Stubs;
  std::shared_ptr<rpc::MasterClient> master_;
  std::shared_ptr<internal::Context> ctx_;
  std::unique_ptr<Stubs> stubs_;
  int64_t sync_interval_ms_;
  ::alluxio::grpc::LoadMetadataPType load_type_;
  // alluxio.user.file.writetype.default: everything but MUST_CACHE (and NONE) reaches the UFS.
  bool persist_default_ = true;
};

}  // namespace alluxio::client
