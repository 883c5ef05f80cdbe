// SPDX-License-Identifier: Apache-2.0
// The registry of configuration keys. Every key is declared exactly once, in property_key.cc, with
// its Alluxio name, type, default, description and whether it may change at runtime. Code refers to
// keys through the constants in namespace `alluxio::conf::keys`.
// Thread-safety: the registry is immutable after static initialisation.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace alluxio::conf {

enum class PropertyType {
  kString,
  kInt,       // signed 64-bit integer
  kBool,      // true/false, case-insensitive
  kBytes,     // "64MB", "4KB", "100" (bytes)
  kDuration,  // "5min", "10sec", "100ms", "-1"; a bare number means milliseconds
  kEnum,      // one of `enum_values`, case-insensitive
  kList,      // comma-separated
};

struct PropertyKey {
  std::string name;
  PropertyType type;
  // Default value as Alluxio writes it; may contain ${other.key}. nullopt means "no default".
  std::optional<std::string> default_value = std::nullopt;
  std::string description = {};
  std::vector<std::string> enum_values = {};  // for kEnum
  bool runtime_mutable = false;
  // Environment variable that sets this key (e.g. ALLUXIO_MASTER_HOSTNAME), if any.
  std::string env_var = {};
  // Deprecated environment variables, read only when `env_var` is unset (first set one wins).
  std::vector<std::string> deprecated_env_vars = {};
  // Other names accepted for this key (site file, -D, getConf); values are stored under `name`.
  std::vector<std::string> aliases = {};
  // For kInt: inclusive bounds, checked whenever a value is loaded or Set (ports: 0..65535).
  int64_t min_value = std::numeric_limits<int64_t>::min();
  int64_t max_value = std::numeric_limits<int64_t>::max();
};

// Every registered key, in declaration order.
// The registry is filled during static initialisation of property_key.cc: do not use it (or the
// constants below) from static initialisers in other files.
const std::vector<const PropertyKey*>& AllPropertyKeys();
// nullptr when `name` is neither a registered key nor an alias of one.
const PropertyKey* FindPropertyKey(std::string_view name);

namespace keys {
// Paths and identity
extern const PropertyKey& kHome;                     // alluxio.home
extern const PropertyKey& kWorkDir;                  // alluxio.work.dir
extern const PropertyKey& kConfDir;                  // alluxio.conf.dir
extern const PropertyKey& kLogsDir;                  // alluxio.logs.dir
extern const PropertyKey& kTmpDirs;                  // alluxio.tmp.dirs
extern const PropertyKey& kMasterHostname;           // alluxio.master.hostname
extern const PropertyKey& kMasterBindHost;           // alluxio.master.bind.host
extern const PropertyKey& kMasterRpcPort;            // alluxio.master.rpc.port
extern const PropertyKey& kMasterWebPort;            // alluxio.master.web.port
extern const PropertyKey& kMasterRpcAddresses;       // alluxio.master.rpc.addresses
extern const PropertyKey& kMasterMountTableRootUfs;  // alluxio.master.mount.table.root.ufs
extern const PropertyKey& kMasterMountTableRootReadonly;
extern const PropertyKey& kMasterMountTableRootShared;
// Journal
extern const PropertyKey& kMasterJournalType;               // alluxio.master.journal.type
extern const PropertyKey& kMasterJournalFolder;             // alluxio.master.journal.folder
extern const PropertyKey& kMasterEmbeddedJournalAddresses;  // ...embedded.journal.addresses
extern const PropertyKey& kMasterEmbeddedJournalPort;       // ...embedded.journal.port
extern const PropertyKey& kMasterEmbeddedJournalElectionTimeoutMin;
extern const PropertyKey& kMasterEmbeddedJournalElectionTimeoutMax;
extern const PropertyKey& kMasterJournalLogSizeBytesMax;
extern const PropertyKey& kMasterJournalCheckpointPeriodEntries;
extern const PropertyKey& kMasterJournalFlushBatchTime;
extern const PropertyKey& kMasterJournalFlushTimeout;
extern const PropertyKey& kMasterJournalTolerateCorruption;
extern const PropertyKey& kMasterFormatFilePrefix;
// Backups (reference §4.5)
extern const PropertyKey& kMasterBackupDirectory;  // alluxio.master.backup.directory
extern const PropertyKey& kMasterDailyBackupEnabled;
extern const PropertyKey& kMasterDailyBackupTime;
extern const PropertyKey& kMasterDailyBackupFilesRetained;
extern const PropertyKey&
    kMasterBackupDelegationEnabled;  // alluxio.master.backup.delegation.enabled
extern const PropertyKey&
    kMasterBackupHeartbeatInterval;  // alluxio.master.backup.heartbeat.interval
extern const PropertyKey&
    kMasterBackupConnectIntervalMin;  // alluxio.master.backup.connect.interval.min
extern const PropertyKey&
    kMasterBackupConnectIntervalMax;  // alluxio.master.backup.connect.interval.max
extern const PropertyKey& kMasterBackupAbandonTimeout;  // alluxio.master.backup.abandon.timeout
extern const PropertyKey& kMasterJournalInitFromBackup;
extern const PropertyKey& kMasterJournalSyncRootAfterInitFromBackup;
extern const PropertyKey& kMasterJournalBackupWhenCorrupted;
// Master behaviour
extern const PropertyKey& kMasterTtlCheckerInterval;
extern const PropertyKey& kMasterWorkerConnectWaitTime;
// Client
extern const PropertyKey& kUserFileMetadataLoadType;  // NEVER|ONCE|ALWAYS
extern const PropertyKey& kUserFileMetadataSyncInterval;
extern const PropertyKey& kUserBlockSizeBytesDefault;
extern const PropertyKey& kUserFileWriteTypeDefault;
extern const PropertyKey& kUserFileReadTypeDefault;
extern const PropertyKey& kUserFileCreateTtl;
extern const PropertyKey& kUserFileCreateTtlAction;
extern const PropertyKey& kUserRpcRetryBaseSleep;
extern const PropertyKey& kUserRpcRetryMaxSleep;
extern const PropertyKey& kUserRpcRetryMaxDuration;
extern const PropertyKey& kUserDateFormatPattern;
// Security
extern const PropertyKey& kSecurityAuthenticationType;
extern const PropertyKey& kSecurityLoginUsername;
extern const PropertyKey& kSecurityAuthorizationPermissionEnabled;
extern const PropertyKey& kSecurityAuthorizationPermissionUmask;
extern const PropertyKey& kSecurityAuthorizationPermissionSupergroup;
// Worker storage (alluxio.worker.*). Tier levels 0..2 each have alias, dirs.path,
// dirs.mediumtype and dirs.quota; see worker/block/store_options.h.
extern const PropertyKey& kWorkerRamdiskSize;        // alluxio.worker.ramdisk.size
extern const PropertyKey& kWorkerTieredstoreLevels;  // alluxio.worker.tieredstore.levels
extern const PropertyKey& kWorkerTieredstoreLevel0Alias;
extern const PropertyKey& kWorkerTieredstoreLevel0DirsPath;
extern const PropertyKey& kWorkerTieredstoreLevel0DirsMediumtype;
extern const PropertyKey& kWorkerTieredstoreLevel0DirsQuota;
extern const PropertyKey& kWorkerTieredstoreLevel1Alias;
extern const PropertyKey& kWorkerTieredstoreLevel1DirsPath;
extern const PropertyKey& kWorkerTieredstoreLevel1DirsMediumtype;
extern const PropertyKey& kWorkerTieredstoreLevel1DirsQuota;
extern const PropertyKey& kWorkerTieredstoreLevel2Alias;
extern const PropertyKey& kWorkerTieredstoreLevel2DirsPath;
extern const PropertyKey& kWorkerTieredstoreLevel2DirsMediumtype;
extern const PropertyKey& kWorkerTieredstoreLevel2DirsQuota;
extern const PropertyKey& kWorkerDataFolder;           // alluxio.worker.data.folder
extern const PropertyKey& kWorkerDataFolderTmp;        // alluxio.worker.data.folder.tmp
extern const PropertyKey& kWorkerDataTmpSubdirMax;     // alluxio.worker.data.tmp.subdir.max
extern const PropertyKey& kWorkerAllocatorClass;       // alluxio.worker.allocator.class
extern const PropertyKey& kWorkerBlockAnnotatorClass;  // alluxio.worker.block.annotator.class
extern const PropertyKey& kWorkerBlockAnnotatorLrfuStepFactor;
extern const PropertyKey& kWorkerBlockAnnotatorLrfuAttenuationFactor;
extern const PropertyKey& kWorkerTieredstoreFreeAheadBytes;
// Worker process, block master, data path
extern const PropertyKey& kWorkerHostname;                // alluxio.worker.hostname
extern const PropertyKey& kWorkerBindHost;                // alluxio.worker.bind.host
extern const PropertyKey& kWorkerRpcPort;                 // alluxio.worker.rpc.port
extern const PropertyKey& kWorkerWebPort;                 // alluxio.worker.web.port
extern const PropertyKey& kWorkerBlockHeartbeatInterval;  // alluxio.worker.block.heartbeat.interval
extern const PropertyKey& kWorkerBlockHeartbeatTimeout;   // alluxio.worker.block.heartbeat.timeout
extern const PropertyKey&
    kWorkerRegisterStreamBatchSize;               // alluxio.worker.register.stream.batch.size
extern const PropertyKey& kWorkerSessionTimeout;  // alluxio.worker.session.timeout
extern const PropertyKey&
    kWorkerNetworkReaderMaxChunkSizeBytes;  // alluxio.worker.network.reader.max.chunk.size.bytes
// alluxio.worker.network.async.cache.manager.threads.max, .queue.max
extern const PropertyKey& kWorkerNetworkAsyncCacheManagerThreadsMax;
extern const PropertyKey& kWorkerNetworkAsyncCacheManagerQueueMax;
extern const PropertyKey&
    kWorkerTieredstorePackedFilesEnabled;        // alluxio.worker.tieredstore.packed.files.enabled
extern const PropertyKey& kMasterWorkerTimeout;  // alluxio.master.worker.timeout
extern const PropertyKey&
    kMasterLostWorkerDetectionInterval;  // alluxio.master.lost.worker.detection.interval
extern const PropertyKey&
    kMasterLostWorkerDeletionTimeout;  // alluxio.master.lost.worker.deletion.timeout
extern const PropertyKey&
    kMasterPersistenceInitialIntervalMs;  // alluxio.master.persistence.initial.interval
extern const PropertyKey&
    kMasterPersistenceMaxIntervalMs;  // alluxio.master.persistence.max.interval
extern const PropertyKey&
    kMasterPersistenceMaxTotalWaitTimeMs;  // alluxio.master.persistence.max.total.wait.time
extern const PropertyKey&
    kMasterPersistenceSchedulerInterval;  // alluxio.master.persistence.scheduler.interval
extern const PropertyKey&
    kUnderfsPersistenceAsyncTempDir;  // alluxio.underfs.persistence.async.temp.dir
extern const PropertyKey&
    kUserFilePersistenceInitialWaitTime;  // alluxio.user.file.persistence.initial.wait.time
extern const PropertyKey& kUserShortCircuitEnabled;  // alluxio.user.short.circuit.enabled
extern const PropertyKey&
    kUserStreamingReaderChunkSizeBytes;  // alluxio.user.streaming.reader.chunk.size.bytes
extern const PropertyKey&
    kUserStreamingWriterChunkSizeBytes;  // alluxio.user.streaming.writer.chunk.size.bytes
extern const PropertyKey&
    kUserStreamingDataReadTimeout;  // alluxio.user.streaming.data.read.timeout
extern const PropertyKey&
    kUserStreamingDataWriteTimeout;  // alluxio.user.streaming.data.write.timeout
extern const PropertyKey&
    kUserLocalReaderChunkSizeBytes;              // alluxio.user.local.reader.chunk.size.bytes
extern const PropertyKey& kUserFileBufferBytes;  // alluxio.user.file.buffer.bytes
extern const PropertyKey&
    kUserBlockWriteLocationPolicyClass;  // alluxio.user.block.write.location.policy.class
extern const PropertyKey&
    kUserUfsBlockReadLocationPolicy;  // alluxio.user.ufs.block.read.location.policy
extern const PropertyKey& kUserFilePassiveCacheEnabled;  // alluxio.user.file.passive.cache.enabled
extern const PropertyKey&
    kUserBlockReadRetryMaxDuration;  // alluxio.user.block.read.retry.max.duration
extern const PropertyKey&
    kUserWorkerListRefreshInterval;  // alluxio.user.worker.list.refresh.interval

// FUSE (alluxio.fuse.*).
extern const PropertyKey& kFuseMountPoint;          // alluxio.fuse.mount.point
extern const PropertyKey& kFuseMountAlluxioPath;    // alluxio.fuse.mount.alluxio.path
extern const PropertyKey& kFuseMountOptions;        // alluxio.fuse.mount.options
extern const PropertyKey& kFuseFsName;              // alluxio.fuse.fs.name
extern const PropertyKey& kFuseDebugEnabled;        // alluxio.fuse.debug.enabled
extern const PropertyKey& kFuseMaxWriteBytes;       // alluxio.fuse.maxwrite.bytes
extern const PropertyKey& kFuseReadaheadBytes;      // alluxio.fuse.readahead.bytes
extern const PropertyKey& kFuseStagingDir;          // alluxio.fuse.staging.dir
extern const PropertyKey& kFuseMaxThreads;          // alluxio.fuse.max.threads
extern const PropertyKey& kFusePassthroughEnabled;  // alluxio.fuse.passthrough.enabled

// S3 gateway (alluxio.proxy.*).
extern const PropertyKey& kProxyWebPort;                         // alluxio.proxy.web.port
extern const PropertyKey& kProxyWebHostname;                     // alluxio.proxy.web.hostname
extern const PropertyKey& kProxyWebBindHost;                     // alluxio.proxy.web.bind.host
extern const PropertyKey& kProxyS3WriteType;                     // alluxio.proxy.s3.writetype
extern const PropertyKey& kProxyS3MaxConnections;                // alluxio.proxy.s3.max.connections
extern const PropertyKey& kProxyS3SignatureVerificationEnabled;  // ...s3.signature.verification...
extern const PropertyKey& kProxyS3Credentials;                   // alluxio.proxy.s3.credentials

// S3 under-store (alluxio.underfs.s3.*, s3a.*).
extern const PropertyKey& kUnderfsS3Endpoint;           // alluxio.underfs.s3.endpoint
extern const PropertyKey& kUnderfsS3Region;             // alluxio.underfs.s3.region
extern const PropertyKey& kUnderfsS3DisableDnsBuckets;  // ...s3.disable.dns.buckets
extern const PropertyKey& kUnderfsS3DefaultMode;        // alluxio.underfs.s3.default.mode
extern const PropertyKey& kUnderfsS3StreamingUploadPartitionSize;
extern const PropertyKey& kS3aAccessKeyId;  // s3a.accessKeyId
extern const PropertyKey& kS3aSecretKey;    // s3a.secretKey

}  // namespace keys

}  // namespace alluxio::conf
