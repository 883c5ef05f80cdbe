// SPDX-License-Identifier: Apache-2.0
// The registry: every configuration key, declared once with Alluxio's name, type and default.
// To add a key, add one Define() below (and its constant to property_key.h).
#include "common/conf/property_key.h"

#include <unistd.h>

#include <map>
#include <memory>
#include <string>
#include <utility>

namespace alluxio::conf {
namespace {

struct Registry {
  std::vector<std::unique_ptr<PropertyKey>> owned;                 // stable addresses
  std::vector<const PropertyKey*> all;                             // declaration order
  std::map<std::string, const PropertyKey*, std::less<>> by_name;  // names and aliases
};

// Never destroyed, so keys stay valid during static destruction of other files.
Registry& GetRegistry() {
  static Registry* registry = new Registry();
  return *registry;
}

const PropertyKey& Define(PropertyKey key) {
  Registry& r = GetRegistry();
  const PropertyKey* k = r.owned.emplace_back(std::make_unique<PropertyKey>(std::move(key))).get();
  r.all.push_back(k);
  r.by_name.emplace(k->name, k);
  for (const std::string& alias : k->aliases) r.by_name.emplace(alias, k);
  return *k;
}

using T = PropertyType;
constexpr int64_t kMaxPort = 65535;

// Alluxio's default for alluxio.worker.ramdisk.size: 2/3 of physical memory, else 1GB.
std::string DefaultRamdiskSize() {
  long pages = ::sysconf(_SC_PHYS_PAGES);
  long page_size = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page_size <= 0) return "1GB";
  return std::to_string(static_cast<int64_t>(pages) * page_size * 2 / 3);
}

}  // namespace

const std::vector<const PropertyKey*>& AllPropertyKeys() { return GetRegistry().all; }

const PropertyKey* FindPropertyKey(std::string_view name) {
  const Registry& r = GetRegistry();
  auto it = r.by_name.find(name);
  return it == r.by_name.end() ? nullptr : it->second;
}

namespace keys {

// Paths and identity
const PropertyKey& kHome = Define({
    .name = "alluxio.home",
    .type = T::kString,
    .default_value = "/opt/alluxio",
    .description = "Alluxio installation directory.",
    .env_var = "ALLUXIO_HOME",
});
const PropertyKey& kWorkDir = Define({
    .name = "alluxio.work.dir",
    .type = T::kString,
    .default_value = "${alluxio.home}",
    .description =
        "Directory under which Alluxio stores its journal, UFS and metastore by default.",
});
const PropertyKey& kConfDir = Define({
    .name = "alluxio.conf.dir",
    .type = T::kString,
    .default_value = "${alluxio.home}/conf",
    .description = "Directory holding alluxio-site.properties and the other configuration files.",
    .env_var = "ALLUXIO_CONF_DIR",
});
const PropertyKey& kLogsDir = Define({
    .name = "alluxio.logs.dir",
    .type = T::kString,
    .default_value = "${alluxio.work.dir}/logs",
    .description = "Directory for the server log files.",
    .env_var = "ALLUXIO_LOGS_DIR",
});
const PropertyKey& kTmpDirs = Define({
    .name = "alluxio.tmp.dirs",
    .type = T::kList,
    .default_value = "/tmp",
    .description = "Comma-separated local directories for temporary files.",
});
const PropertyKey& kMasterHostname = Define({
    .name = "alluxio.master.hostname",
    .type = T::kString,
    .description = "Hostname clients and workers use to reach the master.",
    .env_var = "ALLUXIO_MASTER_HOSTNAME",
});
const PropertyKey& kMasterBindHost = Define({
    .name = "alluxio.master.bind.host",
    .type = T::kString,
    .default_value = "0.0.0.0",
    .description = "Address the master's RPC server binds to.",
});
const PropertyKey& kMasterRpcPort = Define({
    .name = "alluxio.master.rpc.port",
    .type = T::kInt,
    .default_value = "19998",
    .description = "Port of the master's RPC server.",
    .min_value = 0,
    .max_value = kMaxPort,
});
const PropertyKey& kMasterWebPort = Define({
    .name = "alluxio.master.web.port",
    .type = T::kInt,
    .default_value = "19999",
    .description = "Port of the master's web server.",
    .min_value = 0,
    .max_value = kMaxPort,
});
const PropertyKey& kMasterRpcAddresses = Define({
    .name = "alluxio.master.rpc.addresses",
    .type = T::kList,
    .description = "Comma-separated host:port RPC addresses of all masters (HA without ZooKeeper).",
});
const PropertyKey& kMasterMountTableRootUfs = Define({
    .name = "alluxio.master.mount.table.root.ufs",
    .type = T::kString,
    .default_value = "${alluxio.work.dir}/underFSStorage",
    .description = "URI of the under file system mounted at the Alluxio root.",
    .env_var = "ALLUXIO_MASTER_MOUNT_TABLE_ROOT_UFS",
    .deprecated_env_vars = {"ALLUXIO_UNDERFS_ADDRESS"},
    .aliases = {"alluxio.underfs.address"},
});
const PropertyKey& kMasterMountTableRootReadonly = Define({
    .name = "alluxio.master.mount.table.root.readonly",
    .type = T::kBool,
    .default_value = "false",
    .description = "Whether the root mount is read-only.",
});
const PropertyKey& kMasterMountTableRootShared = Define({
    .name = "alluxio.master.mount.table.root.shared",
    .type = T::kBool,
    .default_value = "false",
    .description = "Whether the root mount is shared with all Alluxio users.",
});

// Journal
const PropertyKey& kMasterJournalType = Define({
    .name = "alluxio.master.journal.type",
    .type = T::kEnum,
    // As Alluxio since 2.2: a single master runs the embedded journal as a one-node quorum.
    .default_value = "EMBEDDED",
    .description = "Journal type: EMBEDDED (Raft among the masters of "
                   "alluxio.master.embedded.journal.addresses, one node by default) or UFS (a "
                   "local journal folder, written by one master).",
    .enum_values = {"UFS", "EMBEDDED", "NOOP"},
});
const PropertyKey& kMasterJournalFolder = Define({
    .name = "alluxio.master.journal.folder",
    .type = T::kString,
    .default_value = "${alluxio.work.dir}/journal",
    .description = "Journal location: a UFS URI for the UFS journal, a local directory otherwise.",
});
const PropertyKey& kMasterJournalLogSizeBytesMax = Define({
    .name = "alluxio.master.journal.log.size.bytes.max",
    .type = T::kBytes,
    .default_value = "10MB",
    .description = "Size at which a journal log file is completed and a new one started.",
});
const PropertyKey& kMasterJournalCheckpointPeriodEntries = Define({
    .name = "alluxio.master.journal.checkpoint.period.entries",
    .type = T::kInt,
    .default_value = "2000000",
    .description = "Number of journal entries after which the primary writes a checkpoint.",
    .min_value = 1,
});
const PropertyKey& kMasterEmbeddedJournalAddresses = Define({
    .name = "alluxio.master.embedded.journal.addresses",
    .type = T::kList,
    .description = "Comma-separated host:port addresses of every master's embedded journal "
                   "(default: this master alone, alluxio.master.hostname:"
                   "alluxio.master.embedded.journal.port).",
});
const PropertyKey& kMasterEmbeddedJournalPort = Define({
    .name = "alluxio.master.embedded.journal.port",
    .type = T::kInt,
    .default_value = "19200",
    .description = "Port of the master's embedded journal (Raft) server.",
    .min_value = 1,
    .max_value = kMaxPort,
});
const PropertyKey& kMasterEmbeddedJournalElectionTimeoutMin = Define({
    .name = "alluxio.master.embedded.journal.election.timeout.min",
    .type = T::kDuration,
    // Alluxio: 10s (Ratis). libraft with pre-vote elects a new leader in about twice this.
    .default_value = "300ms",
    .description = "Time without hearing from a leader after which a master starts an election "
                   "(libraft waits a random time between this and twice this).",
});
const PropertyKey& kMasterEmbeddedJournalElectionTimeoutMax = Define({
    .name = "alluxio.master.embedded.journal.election.timeout.max",
    .type = T::kDuration,
    .default_value = "600ms",
    .description = "Upper bound of the election timeout; must be at least the minimum (libraft "
                   "randomises between the minimum and twice the minimum).",
});
const PropertyKey& kMasterJournalFlushBatchTime = Define({
    .name = "alluxio.master.journal.flush.batch.time",
    .type = T::kDuration,
    .default_value = "100ms",
    .description = "Time to wait for more entries to batch into one journal flush.",
});
const PropertyKey& kMasterJournalFlushTimeout = Define({
    .name = "alluxio.master.journal.flush.timeout",
    .type = T::kDuration,
    .default_value = "5min",
    .description = "Time to retry a failed journal flush before the master exits.",
});
const PropertyKey& kMasterJournalTolerateCorruption = Define({
    .name = "alluxio.master.journal.tolerate.corruption",
    .type = T::kBool,
    .default_value = "false",
    .description = "Whether to skip corrupted journal entries during replay instead of failing.",
});
const PropertyKey& kMasterFormatFilePrefix = Define({
    .name = "alluxio.master.format.file.prefix",
    .type = T::kString,
    .default_value = "_format_",
    .description = "Prefix of the marker file written when the journal is formatted.",
});

// Backups
const PropertyKey& kMasterBackupDirectory = Define({
    .name = "alluxio.master.backup.directory",
    .type = T::kString,
    .default_value = "/alluxio_backups",
    .description = "Default directory for journal backups: a path in the root UFS (or on the "
                   "master's local disk for backups taken with --local).",
});
const PropertyKey& kMasterDailyBackupEnabled = Define({
    .name = "alluxio.master.daily.backup.enabled",
    .type = T::kBool,
    .default_value = "false",
    .description = "Whether the primary master backs up its journal every day.",
});
const PropertyKey& kMasterDailyBackupTime = Define({
    .name = "alluxio.master.daily.backup.time",
    .type = T::kString,
    .default_value = "05:00",
    .description = "Local time of day (HH:mm) of the daily backup.",
});
const PropertyKey& kMasterDailyBackupFilesRetained = Define({
    .name = "alluxio.master.daily.backup.files.retained",
    .type = T::kInt,
    .default_value = "3",
    .description = "Number of backups the daily backup keeps in the backup directory; older "
                   "ones are deleted with their .complete markers.",
    .min_value = 1,
});
const PropertyKey& kMasterBackupDelegationEnabled = Define({
    .name = "alluxio.master.backup.delegation.enabled",
    .type = T::kBool,
    .default_value = "true",
    .description = "With more than one master, whether backups are taken by a standby master "
                   "(the primary keeps serving) instead of the primary.",
});
const PropertyKey& kMasterBackupHeartbeatInterval = Define({
    .name = "alluxio.master.backup.heartbeat.interval",
    .type = T::kDuration,
    .default_value = "2sec",
    .description = "How often a standby taking a delegated backup reports its progress.",
});
const PropertyKey& kMasterBackupConnectIntervalMin = Define({
    .name = "alluxio.master.backup.connect.interval.min",
    .type = T::kDuration,
    .default_value = "1sec",
    .description = "Shortest wait before a standby retries connecting to the primary for "
                   "backup delegation.",
});
const PropertyKey& kMasterBackupConnectIntervalMax = Define({
    .name = "alluxio.master.backup.connect.interval.max",
    .type = T::kDuration,
    .default_value = "30sec",
    .description = "Longest wait before a standby retries connecting to the primary for backup "
                   "delegation.",
});
const PropertyKey& kMasterBackupAbandonTimeout = Define({
    .name = "alluxio.master.backup.abandon.timeout",
    .type = T::kDuration,
    .default_value = "1min",
    .description = "The primary fails a delegated backup whose standby sent no heartbeat for "
                   "this long.",
});
const PropertyKey& kMasterJournalInitFromBackup = Define({
    .name = "alluxio.master.journal.init.from.backup",
    .type = T::kString,
    .description = "A backup to initialise an empty (freshly formatted) journal from: a URI "
                   "(file:///..., or of the root UFS), a path in the root UFS, or a local path.",
});
const PropertyKey& kMasterJournalSyncRootAfterInitFromBackup = Define({
    .name = "alluxio.master.journal.sync.root.after.init.from.backup",
    .type = T::kBool,
    .default_value = "true",
    .description = "Whether the root is synced with the UFS on its next access after the "
                   "journal was initialised from a backup.",
});
const PropertyKey& kMasterJournalBackupWhenCorrupted = Define({
    .name = "alluxio.master.journal.backup.when.corrupted",
    .type = T::kBool,
    .default_value = "true",
    .description = "Whether a master that finds its journal corrupt at start writes a backup of "
                   "the state it replayed to the backup directory on its local disk before "
                   "exiting.",
});

// Master behaviour
const PropertyKey& kMasterTtlCheckerInterval = Define({
    .name = "alluxio.master.ttl.checker.interval",
    .type = T::kDuration,
    .default_value = "1hour",
    .description = "Interval between checks for files whose TTL has expired.",
});
const PropertyKey& kMasterWorkerConnectWaitTime = Define({
    .name = "alluxio.master.worker.connect.wait.time",
    .type = T::kDuration,
    .default_value = "5sec",
    .description = "Safe mode: for this long after a master becomes the primary it waits for "
                   "workers to register, and clients asking for the worker list are told to try "
                   "again later (so the first writes do not all land on the first worker).",
});

// Client
const PropertyKey& kUserFileMetadataLoadType = Define({
    .name = "alluxio.user.file.metadata.load.type",
    .type = T::kEnum,
    .default_value = "ONCE",
    .description = "When to load metadata from the UFS for paths Alluxio does not know.",
    .enum_values = {"NEVER", "ONCE", "ALWAYS"},
});
const PropertyKey& kUserFileMetadataSyncInterval = Define({
    .name = "alluxio.user.file.metadata.sync.interval",
    .type = T::kDuration,
    .default_value = "-1",
    .description = "Minimum time between metadata syncs with the UFS for a path; -1 never syncs.",
});
const PropertyKey& kUserBlockSizeBytesDefault = Define({
    .name = "alluxio.user.block.size.bytes.default",
    .type = T::kBytes,
    .default_value = "64MB",
    .description = "Default block size of new files.",
});
const PropertyKey& kUserFileWriteTypeDefault = Define({
    .name = "alluxio.user.file.writetype.default",
    .type = T::kEnum,
    .default_value = "ASYNC_THROUGH",
    .description = "Default write type of new files.",
    .enum_values = {"MUST_CACHE", "CACHE_THROUGH", "THROUGH", "ASYNC_THROUGH", "NONE"},
});
const PropertyKey& kUserFileReadTypeDefault = Define({
    .name = "alluxio.user.file.readtype.default",
    .type = T::kEnum,
    .default_value = "CACHE",
    .description = "Default read type.",
    .enum_values = {"NO_CACHE", "CACHE", "CACHE_PROMOTE"},
});
const PropertyKey& kUserFileCreateTtl = Define({
    .name = "alluxio.user.file.create.ttl",
    .type = T::kDuration,
    .default_value = "-1",
    .description = "Default time to live of new files; -1 means none.",
});
const PropertyKey& kUserFileCreateTtlAction = Define({
    .name = "alluxio.user.file.create.ttl.action",
    .type = T::kEnum,
    .default_value = "FREE",
    .description = "What happens to a file when its TTL expires.",
    .enum_values = {"DELETE", "FREE", "DELETE_ALLUXIO"},
});
const PropertyKey& kUserRpcRetryBaseSleep = Define({
    .name = "alluxio.user.rpc.retry.base.sleep",
    .type = T::kDuration,
    .default_value = "50ms",
    .description = "Initial sleep of the client's exponential RPC retry backoff.",
});
const PropertyKey& kUserRpcRetryMaxSleep = Define({
    .name = "alluxio.user.rpc.retry.max.sleep",
    .type = T::kDuration,
    .default_value = "3sec",
    .description = "Maximum sleep between client RPC retries.",
});
const PropertyKey& kUserRpcRetryMaxDuration = Define({
    .name = "alluxio.user.rpc.retry.max.duration",
    .type = T::kDuration,
    .default_value = "2min",
    .description = "Total time a client retries an RPC before giving up.",
});
const PropertyKey& kUserDateFormatPattern = Define({
    .name = "alluxio.user.date.format.pattern",
    .type = T::kString,
    .default_value = "MM-dd-yyyy HH:mm:ss:SSS",
    .description = "Date format the shell uses to print times.",
});

// Security
const PropertyKey& kSecurityAuthenticationType = Define({
    .name = "alluxio.security.authentication.type",
    .type = T::kEnum,
    .default_value = "SIMPLE",
    .description = "Authentication mode: NOSASL, SIMPLE or CUSTOM.",
    .enum_values = {"NOSASL", "SIMPLE", "CUSTOM"},
});
const PropertyKey& kSecurityLoginUsername = Define({
    .name = "alluxio.security.login.username",
    .type = T::kString,
    .description = "User name a client logs in as; unset means the OS user.",
});
const PropertyKey& kSecurityAuthorizationPermissionEnabled = Define({
    .name = "alluxio.security.authorization.permission.enabled",
    .type = T::kBool,
    .default_value = "true",
    .description = "Whether the master checks POSIX-style permissions.",
});
const PropertyKey& kSecurityAuthorizationPermissionUmask = Define({
    .name = "alluxio.security.authorization.permission.umask",
    .type = T::kString,
    .default_value = "022",
    .description = "Octal umask applied to the mode of new files and directories.",
});
const PropertyKey& kSecurityAuthorizationPermissionSupergroup = Define({
    .name = "alluxio.security.authorization.permission.supergroup",
    .type = T::kString,
    .default_value = "supergroup",
    .description = "Group whose members are superusers.",
});

// Worker storage
const PropertyKey& kWorkerRamdiskSize = Define({
    .name = "alluxio.worker.ramdisk.size",
    .type = T::kBytes,
    // Alluxio: 2/3 of total system memory, or 1GB if it cannot be determined.
    .default_value = DefaultRamdiskSize(),
    .description = "Size of the worker's ramdisk (the default quota of tier level 0).",
    .aliases = {"alluxio.worker.memory.size"},
});
const PropertyKey& kWorkerTieredstoreLevels = Define({
    .name = "alluxio.worker.tieredstore.levels",
    .type = T::kInt,
    .default_value = "1",
    .description = "Number of storage tiers on the worker.",
    .min_value = 1,
    .max_value = 3,
});
const PropertyKey& kWorkerTieredstoreLevel0Alias = Define({
    .name = "alluxio.worker.tieredstore.level0.alias",
    .type = T::kString,
    .default_value = "MEM",
    .description = "Alias of tier level 0 (MEM, SSD or HDD, in that global order).",
});
const PropertyKey& kWorkerTieredstoreLevel0DirsPath = Define({
    .name = "alluxio.worker.tieredstore.level0.dirs.path",
    .type = T::kList,
#ifdef __APPLE__
    .default_value = "/Volumes/ramdisk",
#else
    .default_value = "/mnt/ramdisk",
#endif
    .description = "Comma-separated directories of tier level 0.",
});
const PropertyKey& kWorkerTieredstoreLevel0DirsMediumtype = Define({
    .name = "alluxio.worker.tieredstore.level0.dirs.mediumtype",
    .type = T::kList,
    .default_value = "${alluxio.worker.tieredstore.level0.alias}",
    .description = "Comma-separated medium types of the tier level 0 directories, by position.",
});
const PropertyKey& kWorkerTieredstoreLevel0DirsQuota = Define({
    .name = "alluxio.worker.tieredstore.level0.dirs.quota",
    .type = T::kList,
    .default_value = "${alluxio.worker.ramdisk.size}",
    .description = "Comma-separated quotas of the tier level 0 directories, by position; the last "
                   "quota applies to the remaining directories.",
});
const PropertyKey& kWorkerTieredstoreLevel1Alias = Define({
    .name = "alluxio.worker.tieredstore.level1.alias",
    .type = T::kString,
    .description = "Alias of tier level 1 (MEM, SSD or HDD, in that global order).",
});
const PropertyKey& kWorkerTieredstoreLevel1DirsPath = Define({
    .name = "alluxio.worker.tieredstore.level1.dirs.path",
    .type = T::kList,
    .description = "Comma-separated directories of tier level 1.",
});
const PropertyKey& kWorkerTieredstoreLevel1DirsMediumtype = Define({
    .name = "alluxio.worker.tieredstore.level1.dirs.mediumtype",
    .type = T::kList,
    .default_value = "${alluxio.worker.tieredstore.level1.alias}",
    .description = "Comma-separated medium types of the tier level 1 directories, by position.",
});
const PropertyKey& kWorkerTieredstoreLevel1DirsQuota = Define({
    .name = "alluxio.worker.tieredstore.level1.dirs.quota",
    .type = T::kList,
    .description = "Comma-separated quotas of the tier level 1 directories, by position; the last "
                   "quota applies to the remaining directories.",
});
const PropertyKey& kWorkerTieredstoreLevel2Alias = Define({
    .name = "alluxio.worker.tieredstore.level2.alias",
    .type = T::kString,
    .description = "Alias of tier level 2 (MEM, SSD or HDD, in that global order).",
});
const PropertyKey& kWorkerTieredstoreLevel2DirsPath = Define({
    .name = "alluxio.worker.tieredstore.level2.dirs.path",
    .type = T::kList,
    .description = "Comma-separated directories of tier level 2.",
});
const PropertyKey& kWorkerTieredstoreLevel2DirsMediumtype = Define({
    .name = "alluxio.worker.tieredstore.level2.dirs.mediumtype",
    .type = T::kList,
    .default_value = "${alluxio.worker.tieredstore.level2.alias}",
    .description = "Comma-separated medium types of the tier level 2 directories, by position.",
});
const PropertyKey& kWorkerTieredstoreLevel2DirsQuota = Define({
    .name = "alluxio.worker.tieredstore.level2.dirs.quota",
    .type = T::kList,
    .description = "Comma-separated quotas of the tier level 2 directories, by position; the last "
                   "quota applies to the remaining directories.",
});
const PropertyKey& kWorkerDataFolder = Define({
    .name = "alluxio.worker.data.folder",
    .type = T::kString,
    .default_value = "/alluxioworker/",
    .description = "Folder, relative to each tier directory, that holds the worker's block files.",
});
const PropertyKey& kWorkerDataFolderTmp = Define({
    .name = "alluxio.worker.data.folder.tmp",
    .type = T::kString,
    .default_value = ".tmp_blocks",
    .description = "Folder, relative to the data folder, that holds blocks being written.",
});
const PropertyKey& kWorkerDataTmpSubdirMax = Define({
    .name = "alluxio.worker.data.tmp.subdir.max",
    .type = T::kInt,
    .default_value = "1024",
    .description = "Number of subdirectories of the temporary block folder (by session id).",
    .min_value = 1,
});
const PropertyKey& kWorkerAllocatorClass = Define({
    .name = "alluxio.worker.allocator.class",
    .type = T::kString,
    .default_value = "alluxio.worker.block.allocator.MaxFreeAllocator",
    .description = "Where new blocks go: MaxFreeAllocator, RoundRobinAllocator or "
                   "GreedyAllocator (short or fully qualified name).",
});
const PropertyKey& kWorkerBlockAnnotatorClass = Define({
    .name = "alluxio.worker.block.annotator.class",
    .type = T::kString,
    .default_value = "alluxio.worker.block.annotator.LRUAnnotator",
    .description = "Eviction order of blocks: LRUAnnotator or LRFUAnnotator (short or fully "
                   "qualified name).",
});
const PropertyKey& kWorkerBlockAnnotatorLrfuStepFactor = Define({
    .name = "alluxio.worker.block.annotator.lrfu.step.factor",
    .type = T::kString,
    .default_value = "0.25",
    .description = "LRFU step factor in [0, 1]: how fast old accesses lose weight (0 = LFU).",
});
const PropertyKey& kWorkerBlockAnnotatorLrfuAttenuationFactor = Define({
    .name = "alluxio.worker.block.annotator.lrfu.attenuation.factor",
    .type = T::kString,
    .default_value = "2.0",
    .description = "LRFU attenuation factor, at least 2.0: the base of the access weight decay.",
});
const PropertyKey& kWorkerTieredstoreFreeAheadBytes = Define({
    .name = "alluxio.worker.tieredstore.free.ahead.bytes",
    .type = T::kBytes,
    .default_value = "0",
    .description = "Extra bytes to free, beyond what is needed, when eviction runs.",
});

// Worker process, block master, data path (issue 3)
const PropertyKey& kWorkerHostname = Define({
    .name = "alluxio.worker.hostname",
    .type = T::kString,
    .description = "Hostname clients and the master use to reach this worker (default: this "
                   "machine's hostname).",
    .env_var = "ALLUXIO_WORKER_HOSTNAME",
});
const PropertyKey& kWorkerBindHost = Define({
    .name = "alluxio.worker.bind.host",
    .type = T::kString,
    .default_value = "0.0.0.0",
    .description = "Address the worker's RPC server binds to.",
});
const PropertyKey& kWorkerRpcPort = Define({
    .name = "alluxio.worker.rpc.port",
    .type = T::kInt,
    .default_value = "29999",
    .description = "Port of the worker's RPC and data service (0: any free port).",
    .min_value = 0,
    .max_value = 65535,
});
const PropertyKey& kWorkerWebPort = Define({
    .name = "alluxio.worker.web.port",
    .type = T::kInt,
    .default_value = "30000",
    .description = "Port of the worker's web and metrics server.",
    .min_value = 0,
    .max_value = 65535,
});
const PropertyKey& kWorkerBlockHeartbeatInterval = Define({
    .name = "alluxio.worker.block.heartbeat.interval",
    .type = T::kDuration,
    .default_value = "1sec",
    .description = "How often a worker reports block changes and usage to the master.",
});
const PropertyKey& kWorkerBlockHeartbeatTimeout = Define({
    .name = "alluxio.worker.block.heartbeat.timeout",
    .type = T::kDuration,
    .default_value = "1hour",
    .description = "A worker that cannot heartbeat for this long exits (\"Master heartbeat timeout "
                   "exceeded\").",
});
const PropertyKey& kWorkerRegisterStreamBatchSize = Define({
    .name = "alluxio.worker.register.stream.batch.size",
    .type = T::kInt,
    .default_value = "1000000",
    .description = "Block ids per message of a streamed registration.",
    .min_value = 1,
});
const PropertyKey& kWorkerSessionTimeout = Define({
    .name = "alluxio.worker.session.timeout",
    .type = T::kDuration,
    .default_value = "1min",
    .description = "A client session with no activity for this long is cleaned up.",
});
const PropertyKey& kWorkerNetworkReaderMaxChunkSizeBytes = Define({
    .name = "alluxio.worker.network.reader.max.chunk.size.bytes",
    .type = T::kBytes,
    .default_value = "2MB",
    .description = "Largest chunk the worker sends in one read response.",
});
const PropertyKey& kWorkerNetworkAsyncCacheManagerThreadsMax = Define({
    .name = "alluxio.worker.network.async.cache.manager.threads.max",
    .type = T::kInt,
    .default_value = "8",
    .description = "Threads that cache blocks from the UFS or another worker in the background "
                   "(partial reads, prefetches, AsyncCache). Not set: max(8, 2 x the cores), as "
                   "in Alluxio (8 up to 4 cores).",
    .min_value = 1,
    .max_value = 4096,
});
const PropertyKey& kWorkerNetworkAsyncCacheManagerQueueMax = Define({
    .name = "alluxio.worker.network.async.cache.manager.queue.max",
    .type = T::kInt,
    .default_value = "512",
    .description = "Background caching requests queued beyond the busy threads; later ones are "
                   "dropped (a later read asks again).",
    .min_value = 0,
});
const PropertyKey& kWorkerTieredstorePackedFilesEnabled = Define({
    .name = "alluxio.worker.tieredstore.packed.files.enabled",
    .type = T::kBool,
    .default_value = "true",
    .description =
        "Store the blocks a client writes on this host as ranges of one file per Alluxio file and "
        "tier dir (block i at i x the block size), so that a file cached whole is one file on "
        "disk: the FUSE mount lets the kernel read it directly. Blocks written by other means, "
        "and with this off, are files of their own.",
});
const PropertyKey& kMasterWorkerTimeout = Define({
    .name = "alluxio.master.worker.timeout",
    .type = T::kDuration,
    .default_value = "5min",
    .description =
        "A worker that has not heartbeated for this long is lost: its block locations are dropped.",
});
const PropertyKey& kMasterLostWorkerDetectionInterval = Define({
    .name = "alluxio.master.lost.worker.detection.interval",
    .type = T::kDuration,
    .default_value = "10sec",
    .description = "How often the master looks for lost workers.",
});
const PropertyKey& kMasterLostWorkerDeletionTimeout = Define({
    .name = "alluxio.master.lost.worker.deletion.timeout",
    .type = T::kDuration,
    .default_value = "30min",
    .description =
        "A lost worker is forgotten (dropped from reports) after this long without contact.",
});
const PropertyKey& kMasterPersistenceInitialIntervalMs = Define({
    .name = "alluxio.master.persistence.initial.interval",
    .type = T::kDuration,
    .default_value = "1sec",
    .description = "First retry delay of a failed persist.",
});
const PropertyKey& kMasterPersistenceMaxIntervalMs = Define({
    .name = "alluxio.master.persistence.max.interval",
    .type = T::kDuration,
    .default_value = "1hr",
    .description = "Largest retry delay of a failed persist.",
});
const PropertyKey& kMasterPersistenceMaxTotalWaitTimeMs = Define({
    .name = "alluxio.master.persistence.max.total.wait.time",
    .type = T::kDuration,
    .default_value = "1day",
    .description = "A file that could not be persisted for this long stops being retried.",
});
const PropertyKey& kMasterPersistenceSchedulerInterval = Define({
    .name = "alluxio.master.persistence.scheduler.interval",
    .type = T::kDuration,
    .default_value = "1sec",
    .description = "How often the master hands files waiting for persistence to workers.",
});
const PropertyKey& kUnderfsPersistenceAsyncTempDir = Define({
    .name = "alluxio.underfs.persistence.async.temp.dir",
    .type = T::kString,
    .default_value = ".alluxio_ufs_persistence",
    .description = "Where workers write a file before renaming it into place when persisting.",
});
const PropertyKey& kUserFilePersistenceInitialWaitTime = Define({
    .name = "alluxio.user.file.persistence.initial.wait.time",
    .type = T::kDuration,
    .default_value = "0",
    .description = "ASYNC_THROUGH: wait at least this long before persisting (-1: never persist "
                   "automatically).",
});
const PropertyKey& kUserShortCircuitEnabled = Define({
    .name = "alluxio.user.short.circuit.enabled",
    .type = T::kBool,
    .default_value = "true",
    .description = "Read and write blocks of a local worker directly through its block files.",
});
const PropertyKey& kUserStreamingReaderChunkSizeBytes = Define({
    .name = "alluxio.user.streaming.reader.chunk.size.bytes",
    .type = T::kBytes,
    .default_value = "1MB",
    .description = "Size of the chunks a worker streams to a reading client.",
});
const PropertyKey& kUserStreamingWriterChunkSizeBytes = Define({
    .name = "alluxio.user.streaming.writer.chunk.size.bytes",
    .type = T::kBytes,
    .default_value = "1MB",
    .description = "Size of the chunks a writing client streams to a worker.",
});
const PropertyKey& kUserStreamingDataReadTimeout = Define({
    .name = "alluxio.user.streaming.data.read.timeout",
    .type = T::kDuration,
    .default_value = "3min",
    .description = "A read stream that receives nothing for this long fails.",
});
const PropertyKey& kUserStreamingDataWriteTimeout = Define({
    .name = "alluxio.user.streaming.data.write.timeout",
    .type = T::kDuration,
    .default_value = "3min",
    .description = "A write stream that cannot send for this long fails.",
});
const PropertyKey& kUserLocalReaderChunkSizeBytes = Define({
    .name = "alluxio.user.local.reader.chunk.size.bytes",
    .type = T::kBytes,
    .default_value = "8MB",
    .description = "Read size of short-circuit reads.",
});
const PropertyKey& kUserFileBufferBytes = Define({
    .name = "alluxio.user.file.buffer.bytes",
    .type = T::kBytes,
    .default_value = "8MB",
    .description = "Buffer of file streams.",
});
const PropertyKey& kUserBlockWriteLocationPolicyClass = Define({
    .name = "alluxio.user.block.write.location.policy.class",
    .type = T::kString,
    .default_value = "alluxio.client.block.policy.LocalFirstPolicy",
    .description = "Which worker a new block is written to: LocalFirstPolicy (the local worker, "
                   "else one with room) or RoundRobinPolicy.",
});
const PropertyKey& kUserUfsBlockReadLocationPolicy = Define({
    .name = "alluxio.user.ufs.block.read.location.policy",
    .type = T::kString,
    .default_value = "alluxio.client.block.policy.LocalFirstPolicy",
    .description = "Which worker reads an uncached block from the UFS.",
});
const PropertyKey& kUserFilePassiveCacheEnabled = Define({
    .name = "alluxio.user.file.passive.cache.enabled",
    .type = T::kBool,
    .default_value = "true",
    .description = "After reading a block from a remote worker, cache a copy in the local worker.",
});
const PropertyKey& kUserBlockReadRetryMaxDuration = Define({
    .name = "alluxio.user.block.read.retry.max.duration",
    .type = T::kDuration,
    .default_value = "5min",
    .description = "How long a read keeps trying other copies of a block.",
});
const PropertyKey& kUserWorkerListRefreshInterval = Define({
    .name = "alluxio.user.worker.list.refresh.interval",
    .type = T::kDuration,
    .default_value = "2min",
    .description = "How often the client refreshes its list of workers.",
});

// --- FUSE (alluxio.fuse.*) ---
const PropertyKey& kFuseMountPoint = Define({
    .name = "alluxio.fuse.mount.point",
    .type = T::kString,
    .default_value = "/mnt/alluxio-fuse",
    .description = "Local directory where alluxio-fuse mount puts the Alluxio namespace.",
});
const PropertyKey& kFuseMountAlluxioPath = Define({
    .name = "alluxio.fuse.mount.alluxio.path",
    .type = T::kString,
    .default_value = "/",
    .description = "The Alluxio path shown at the root of the FUSE mount.",
});
const PropertyKey& kFuseMountOptions = Define({
    .name = "alluxio.fuse.mount.options",
    .type = T::kList,
    .default_value = "attr_timeout=600,entry_timeout=600",
    .description = "libfuse3 mount options (as for -o), before those given on the command line.",
});
const PropertyKey& kFuseFsName = Define({
    .name = "alluxio.fuse.fs.name",
    .type = T::kString,
    .default_value = "alluxio-fuse",
    .description = "The file system name the mount shows (mount, df).",
});
const PropertyKey& kFuseDebugEnabled = Define({
    .name = "alluxio.fuse.debug.enabled",
    .type = T::kBool,
    .default_value = "false",
    .description = "Log every FUSE request (libfuse -d).",
});
const PropertyKey& kFuseMaxWriteBytes = Define({
    .name = "alluxio.fuse.maxwrite.bytes",
    .type = T::kBytes,
    .default_value = "1MB",
    .description = "Largest write request the kernel sends (at most 1MB).",
});
const PropertyKey& kFuseReadaheadBytes = Define({
    .name = "alluxio.fuse.readahead.bytes",
    .type = T::kBytes,
    .default_value = "4MB",
    .description = "Kernel readahead of the mount (its bdi read_ahead_kb; needs root, else the "
                   "kernel default of 128KB stays).",
});
const PropertyKey& kFuseStagingDir = Define({
    .name = "alluxio.fuse.staging.dir",
    .type = T::kString,
    .default_value = "/tmp",
    .description = "Local directory for the staging copies that make appends, random writes and "
                   "truncation possible (anonymous files, removed on close).",
});
const PropertyKey& kFuseMaxThreads = Define({
    .name = "alluxio.fuse.max.threads",
    .type = T::kInt,
    .default_value = "64",
    .description = "Most threads serving FUSE requests at once.",
    .min_value = 1,
    .max_value = 100000,
});

const PropertyKey& kFusePassthroughEnabled = Define({
    .name = "alluxio.fuse.passthrough.enabled",
    .type = T::kBool,
    .default_value = "true",
    .description = "Let the kernel read files that are one block cached on this host's worker "
                   "straight from the block file (FUSE passthrough: Linux 6.9 or later, and root).",
});

// --- S3 gateway (alluxio.proxy.*) ---
const PropertyKey& kProxyWebPort = Define({
    .name = "alluxio.proxy.web.port",
    .type = T::kInt,
    .default_value = "39999",
    .description = "Port of the proxy's HTTP server (the S3 API under /api/v1/s3/; 0: any free "
                   "port).",
    .min_value = 0,
    .max_value = 65535,
});
const PropertyKey& kProxyWebHostname = Define({
    .name = "alluxio.proxy.web.hostname",
    .type = T::kString,
    .default_value = "localhost",
    .description = "Hostname clients (and the health check of the scripts) use to reach the proxy.",
});
const PropertyKey& kProxyWebBindHost = Define({
    .name = "alluxio.proxy.web.bind.host",
    .type = T::kString,
    .default_value = "0.0.0.0",
    .description = "Address the proxy's HTTP server binds to.",
});
const PropertyKey& kProxyS3WriteType = Define({
    .name = "alluxio.proxy.s3.writetype",
    .type = T::kEnum,
    .default_value = "CACHE_THROUGH",
    .description = "Write type of objects written through the S3 API.",
    .enum_values = {"MUST_CACHE", "CACHE_THROUGH", "THROUGH", "ASYNC_THROUGH"},
});
const PropertyKey& kProxyS3MaxConnections = Define({
    .name = "alluxio.proxy.s3.max.connections",
    .type = T::kInt,
    .default_value = "256",
    .description = "Most HTTP connections the proxy serves at once (one thread each); more are "
                   "answered 503 SlowDown.",
    .min_value = 1,
});
const PropertyKey& kProxyS3SignatureVerificationEnabled = Define({
    .name = "alluxio.proxy.s3.signature.verification.enabled",
    .type = T::kBool,
    .default_value = "false",
    .description = "When false (Alluxio's behaviour), the access key of a request's Authorization "
                   "header only names the Alluxio user. When true, every request must carry an AWS "
                   "Signature V4 made with a secret key from alluxio.proxy.s3.credentials; others "
                   "are refused (AccessDenied, SignatureDoesNotMatch, InvalidAccessKeyId).",
});
const PropertyKey& kProxyS3Credentials = Define({
    .name = "alluxio.proxy.s3.credentials",
    .type = T::kList,
    .default_value = "",
    .description = "Credentials for signature verification: comma-separated accessKey:secretKey "
                   "pairs. The access key is the Alluxio user of the request.",
});

// --- S3 under-store (alluxio.underfs.s3.*, s3a.*) ---
// Read by the S3 under-store (src/ufs/s3/s3_ufs.h) from the process defaults or mount options.
const PropertyKey& kUnderfsS3Endpoint = Define({
    .name = "alluxio.underfs.s3.endpoint",
    .type = T::kString,
    .default_value = "",
    .description = "http://host:port of the S3 service of s3:// under-stores.",
});
const PropertyKey& kUnderfsS3Region = Define({
    .name = "alluxio.underfs.s3.region",
    .type = T::kString,
    .default_value = "us-east-1",
    .description = "Region S3 requests are signed for (AWS Signature V4).",
});
const PropertyKey& kUnderfsS3DisableDnsBuckets = Define({
    .name = "alluxio.underfs.s3.disable.dns.buckets",
    .type = T::kBool,
    .default_value = "true",
    .description = "Path-style requests (<endpoint>/<bucket>/<key>); virtual-host style (false) "
                   "is not supported by this build.",
});
const PropertyKey& kUnderfsS3DefaultMode = Define({
    .name = "alluxio.underfs.s3.default.mode",
    .type = T::kString,
    .default_value = "0700",
    .description = "Mode reported for S3 entries (S3 keeps none).",
});
const PropertyKey& kUnderfsS3StreamingUploadPartitionSize = Define({
    .name = "alluxio.underfs.s3.streaming.upload.partition.size",
    .type = T::kBytes,
    .default_value = "64MB",
    .description = "Files larger than this are uploaded to S3 in parts of this size (at least "
                   "5MB).",
});
const PropertyKey& kS3aAccessKeyId = Define({
    .name = "s3a.accessKeyId",
    .type = T::kString,
    .default_value = "",
    .description = "Access key of the S3 under-store (also a mount option).",
});
const PropertyKey& kS3aSecretKey = Define({
    .name = "s3a.secretKey",
    .type = T::kString,
    .default_value = "",
    .description = "Secret key of the S3 under-store (also a mount option).",
});

}  // namespace keys
}  // namespace alluxio::conf
