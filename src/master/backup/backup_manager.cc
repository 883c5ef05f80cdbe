// SPDX-License-Identifier: Apache-2.0
#include "master/backup/backup_manager.h"

#include <time.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <random>
#include <regex>
#include <thread>
#include <utility>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/version.h"
#include "env/env.h"

namespace alluxio::master {

namespace {

namespace k = conf::keys;

int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string NewBackupId() {
  std::random_device rd;
  std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd());
  uint64_t a = gen(), b = gen();
  a = (a & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
  b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xffff, a & 0xffff,
                     b >> 48, b & 0xffffffffffffULL);
}

bool IsLocalScheme(const std::string& uri) {
  std::string scheme = ufs::UfsScheme(uri);
  return scheme.empty() || scheme == "file";
}

// "hdfs://h:9000/a/b" -> "hdfs://h:9000"; "" for a path without a scheme.
std::string SchemeAndAuthority(const std::string& uri) {
  size_t sep = uri.find("://");
  if (sep == std::string::npos) return "";
  size_t slash = uri.find('/', sep + 3);
  return slash == std::string::npos ? uri : uri.substr(0, slash);
}

std::string StripFileScheme(const std::string& uri) {
  return uri.rfind("file://", 0) == 0 ? uri.substr(7) : uri;
}

Result<BackupLocation> LocalLocation(const std::string& path) {
  BackupLocation loc;
  ASSIGN_OR_RETURN(loc.ufs, ufs::CreateUnderFileSystem("/", {}));
  loc.path = path;
  loc.uri = "file://" + path;
  return loc;
}

BackupLocation Child(const BackupLocation& dir, const std::string& name) {
  BackupLocation c = dir;
  c.path = ufs::JoinUfsPath(dir.path, name);
  c.uri = ufs::JoinUfsPath(dir.uri, name);
  return c;
}

ufs::CreateOptions DirOptions() {
  ufs::CreateOptions o;
  o.mode = 0755;
  return o;
}

// UFS streams as env files, for the journal's backup writer and reader.
class UfsWritableFile final : public env::WritableFile {
 public:
  explicit UfsWritableFile(std::unique_ptr<ufs::UfsOutputStream> out) : out_(std::move(out)) {}
  ~UfsWritableFile() override {
    if (out_ != nullptr) out_->Cancel();
  }
  Status Append(std::string_view data) override {
    size_ += data.size();
    return out_->Write(data);
  }
  // The UFS makes the file durable (local) or visible (object stores) on Close.
  Status Sync() override { return Status(); }
  Status Close() override {
    if (out_ == nullptr) return Status();
    Status s = out_->Close();
    out_.reset();
    return s;
  }
  uint64_t Size() const override { return size_; }

 private:
  std::unique_ptr<ufs::UfsOutputStream> out_;
  uint64_t size_ = 0;
};

class UfsSequentialFile final : public env::SequentialFile {
 public:
  explicit UfsSequentialFile(std::unique_ptr<ufs::UfsInputStream> in) : in_(std::move(in)) {}
  Result<std::string_view> Read(size_t n, char* scratch) override {
    size_t got = 0;
    while (got < n) {
      ASSIGN_OR_RETURN(size_t r, in_->PRead(offset_, scratch + got, n - got));
      if (r == 0) break;
      got += r;
      offset_ += static_cast<int64_t>(r);
    }
    return std::string_view(scratch, got);
  }
  Status Skip(uint64_t n) override {
    offset_ += static_cast<int64_t>(n);
    return Status();
  }

 private:
  std::unique_ptr<ufs::UfsInputStream> in_;
  int64_t offset_ = 0;
};

class ProgressSink final : public journal::EntrySink {
 public:
  ProgressSink(journal::BackupWriter* writer, std::atomic<int64_t>* progress)
      : writer_(writer), progress_(progress) {}
  Status Write(const journal::JournalEntry& entry) override {
    RETURN_IF_ERROR(writer_->Write(entry));
    if (progress_ != nullptr) progress_->fetch_add(1, std::memory_order_relaxed);
    return Status();
  }

 private:
  journal::BackupWriter* const writer_;
  std::atomic<int64_t>* const progress_;
};

// "HH:mm" -> minutes after midnight.
Result<int> ParseTimeOfDay(const std::string& s) {
  int h = -1, m = -1;
  char extra = 0;
  if (std::sscanf(s.c_str(), "%d:%d%c", &h, &m, &extra) != 2 || h < 0 || h > 23 || m < 0 ||
      m > 59) {
    return InvalidArgumentError(fmt::format("Invalid value '{}' for {}: expected HH:mm", s,
                                            k::kMasterDailyBackupTime.name));
  }
  return h * 60 + m;
}

}  // namespace

std::string_view BackupStateName(BackupState state) {
  switch (state) {
    case BackupState::kNone:
      return "None";
    case BackupState::kInitiating:
      return "Initiating";
    case BackupState::kTransitioning:
      return "Transitioning";
    case BackupState::kRunning:
      return "Running";
    case BackupState::kCompleted:
      return "Completed";
    case BackupState::kFailed:
      return "Failed";
  }
  return "None";
}

grpc::meta::BackupPStatus BackupStatusToProto(const BackupStatus& s) {
  grpc::meta::BackupPStatus p;
  p.set_backup_id(s.id);
  p.set_backup_state(static_cast<grpc::meta::BackupState>(static_cast<int>(s.state)));
  p.set_backup_host(s.host);
  if (!s.uri.empty()) p.set_backup_uri(s.uri);
  p.set_entry_count(s.entry_count);
  if (s.state == BackupState::kFailed) p.set_backup_error(s.error.ToString());
  return p;
}

BackupStatus BackupStatusFromProto(const grpc::meta::BackupPStatus& p) {
  BackupStatus s;
  s.id = p.backup_id();
  s.state = static_cast<BackupState>(p.backup_state());
  s.host = p.backup_host();
  s.uri = p.backup_uri();
  s.entry_count = p.entry_count();
  if (s.state == BackupState::kFailed) {
    const std::string& text = p.backup_error();
    s.error = UnknownError(text.empty() ? "Backup failed" : text);
    for (int c = 1; c <= 16; ++c) {
      auto code = static_cast<StatusCode>(c);
      std::string prefix = std::string(StatusCodeName(code)) + ": ";
      if (text.rfind(prefix, 0) == 0) {
        s.error = Status(code, text.substr(prefix.size()));
        break;
      }
    }
  }
  return s;
}

Result<BackupManagerOptions> BackupManagerOptions::FromConfiguration(
    const conf::Configuration& conf, const std::string& hostname) {
  BackupManagerOptions o;
  o.root_ufs = conf.Get(k::kMasterMountTableRootUfs);
  o.backup_directory = conf.Get(k::kMasterBackupDirectory);
  o.hostname = hostname;
  ASSIGN_OR_RETURN(o.daily_enabled, conf.GetBool(k::kMasterDailyBackupEnabled));
  ASSIGN_OR_RETURN(o.daily_minute_of_day, ParseTimeOfDay(conf.Get(k::kMasterDailyBackupTime)));
  ASSIGN_OR_RETURN(o.daily_files_retained, conf.GetInt(k::kMasterDailyBackupFilesRetained));
  // Delegation needs standbys: the master process turns it off with a single master.
  ASSIGN_OR_RETURN(o.delegation, conf.GetBool(k::kMasterBackupDelegationEnabled));
  ASSIGN_OR_RETURN(o.abandon_timeout_ms, conf.GetDurationMs(k::kMasterBackupAbandonTimeout));
  return o;
}

Result<BackupLocation> ResolveBackupDirectory(const std::string& dir, bool local,
                                              const std::string& root_ufs,
                                              const ufs::UfsOptions& root_ufs_options) {
  if (dir.find("://") != std::string::npos) {
    if (IsLocalScheme(dir)) return LocalLocation(StripFileScheme(dir));
    BackupLocation loc;
    ASSIGN_OR_RETURN(loc.ufs, ufs::CreateUnderFileSystem(dir, root_ufs_options));
    loc.path = dir;
    loc.uri = dir;
    return loc;
  }
  if (dir.empty() || dir.front() != '/') {
    return InvalidArgumentError(
        fmt::format("Invalid backup directory '{}': expected an absolute path", dir));
  }
  if (local || IsLocalScheme(root_ufs)) return LocalLocation(dir);
  BackupLocation loc;
  loc.uri = SchemeAndAuthority(root_ufs) + dir;
  loc.path = loc.uri;
  ASSIGN_OR_RETURN(loc.ufs, ufs::CreateUnderFileSystem(loc.uri, root_ufs_options));
  return loc;
}

Result<BackupLocation> ResolveBackupFile(const std::string& uri, const std::string& root_ufs,
                                         const ufs::UfsOptions& root_ufs_options) {
  if (uri.find("://") == std::string::npos) {
    if (uri.empty() || uri.front() != '/') {
      return InvalidArgumentError(fmt::format(
          "Invalid backup '{}': expected a URI (file:///..., or of the root UFS) or an absolute "
          "path",
          uri));
    }
    if (env::Env::Default()->FileExists(uri)) return LocalLocation(uri);
  }
  return ResolveBackupDirectory(uri, false, root_ufs, root_ufs_options);
}

std::string BackupFileName(int64_t now_ms) {
  time_t secs = static_cast<time_t>(now_ms / 1000);
  struct tm tm_utc;
  gmtime_r(&secs, &tm_utc);
  return fmt::format("alluxio-backup-{:04d}-{:02d}-{:02d}-{}.gz", tm_utc.tm_year + 1900,
                     tm_utc.tm_mon + 1, tm_utc.tm_mday, now_ms);
}

Result<WrittenBackup> WriteBackupFile(const journal::StateSnapshot& snapshot,
                                      const BackupLocation& dir, const journal::BackupInfo& info,
                                      std::atomic<int64_t>* progress) {
  Result<bool> exists = dir.ufs->Exists(dir.path);
  if (!exists.ok() || !*exists) {
    Status s = dir.ufs->Mkdirs(dir.path, /*parents=*/true, DirOptions());
    if (!s.ok() && s.code() != StatusCode::kAlreadyExists) return s;
  }
  BackupLocation file = Child(dir, BackupFileName(info.created_ms));
  WrittenBackup out;
  out.uri = file.uri;
  auto fail = [&](const Status& s) {
    // Remove the partial file; a failed backup leaves nothing behind.
    dir.ufs->DeleteFile(file.path).IgnoreError();
    return Status(s.code(),
                  fmt::format("Backup failed. BackupUri: {}, LastEntryCount: {}: {}", file.uri,
                              progress != nullptr ? progress->load() : 0, s.message()));
  };
  Result<std::unique_ptr<ufs::UfsOutputStream>> stream =
      file.ufs->Create(file.path, ufs::CreateOptions());
  if (!stream.ok()) return fail(stream.status());
  auto writer =
      journal::BackupWriter::Create(std::make_unique<UfsWritableFile>(std::move(*stream)), info);
  if (!writer.ok()) return fail(writer.status());
  ProgressSink sink(writer->get(), progress);
  Status s = snapshot.WriteTo(&sink);
  if (s.ok()) s = (*writer)->Finish();
  if (!s.ok()) {
    writer->reset();
    return fail(s);
  }
  out.entry_count = (*writer)->entry_count();
  writer->reset();
  // The .gz is durable (closed) before its marker exists.
  BackupLocation marker = Child(dir, BackupFileName(info.created_ms) + ".complete");
  Result<std::unique_ptr<ufs::UfsOutputStream>> m =
      marker.ufs->Create(marker.path, ufs::CreateOptions());
  if (!m.ok()) return fail(m.status());
  s = (*m)->Close();
  if (!s.ok()) return fail(s);
  return out;
}

namespace {

// Batches of entries from the restore's reader thread to its applier: a bounded queue.
class RestorePipe {
 public:
  static constexpr size_t kBatch = 4096;
  // False once cancelled.
  bool Push(std::vector<journal::JournalEntry>&& batch) {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return cancelled_ || queue_.size() < kDepth; });
    if (cancelled_) return false;
    queue_.push_back(std::move(batch));
    cv_.notify_all();
    return true;
  }
  // False at the end (closed and drained, or cancelled). `batch` must be empty (see Recycle).
  bool Pop(std::vector<journal::JournalEntry>* batch) {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return cancelled_ || closed_ || !queue_.empty(); });
    if (cancelled_ || queue_.empty()) return false;
    *batch = std::move(queue_.front());
    queue_.pop_front();
    cv_.notify_all();
    return true;
  }
  // Hands an applied batch back so that the reader thread, which has time to spare, frees its
  // entries (millions of small allocations) instead of the applier.
  void Recycle(std::vector<journal::JournalEntry>&& batch) {
    std::lock_guard<std::mutex> l(mu_);
    spent_.push_back(std::move(batch));
    batch.clear();
  }
  // Frees the recycled batches. Called by the reader.
  void FreeSpent() {
    std::deque<std::vector<journal::JournalEntry>> spent;
    {
      std::lock_guard<std::mutex> l(mu_);
      spent.swap(spent_);
    }
  }
  void Close() {
    std::lock_guard<std::mutex> l(mu_);
    closed_ = true;
    cv_.notify_all();
  }
  void Cancel() {
    std::lock_guard<std::mutex> l(mu_);
    cancelled_ = true;
    cv_.notify_all();
  }

 private:
  static constexpr size_t kDepth = 8;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::vector<journal::JournalEntry>> queue_;  // GUARDED_BY(mu_)
  std::deque<std::vector<journal::JournalEntry>> spent_;  // GUARDED_BY(mu_)
  bool closed_ = false;                                   // GUARDED_BY(mu_)
  bool cancelled_ = false;                                // GUARDED_BY(mu_)
};

}  // namespace

Result<int64_t> RestoreFromBackup(const std::string& uri, const std::string& root_ufs,
                                  const ufs::UfsOptions& root_ufs_options,
                                  journal::Journaled* state, journal::Journal* journal) {
  auto fail = [&](const Status& s) {
    return Status(s.code(), fmt::format("Failed to restore from backup {}: {}", uri, s.message()));
  };
  Result<BackupLocation> loc = ResolveBackupFile(uri, root_ufs, root_ufs_options);
  if (!loc.ok()) return fail(loc.status());
  Result<bool> exists = loc->ufs->Exists(loc->path);
  if (!exists.ok()) return fail(exists.status());
  if (!*exists) return fail(NotFoundError(fmt::format("{} does not exist", loc->uri)));
  Result<bool> complete = loc->ufs->Exists(CompleteMarker(loc->path));
  if (!complete.ok()) return fail(complete.status());
  if (!*complete) {
    return fail(FailedPreconditionError(fmt::format(
        "the backup is incomplete: {} does not exist (the backup was still being written, or "
        "failed)",
        CompleteMarker(loc->uri))));
  }
  Result<std::unique_ptr<ufs::UfsInputStream>> in = loc->ufs->Open(loc->path);
  if (!in.ok()) return fail(in.status());
  UfsSequentialFile file(std::move(*in));

  spdlog::info("Restoring the journal from backup {}", loc->uri);
  auto t0 = std::chrono::steady_clock::now();
  auto last_log = t0;
  int64_t applied = 0;
  journal::BackupInfo info;
  // Pass 1 (the only read): verify everything while applying into memory. Nothing is journaled
  // until the whole backup proved valid, so a bad one leaves the journal empty. Reading
  // (decompression, checksums, parsing) runs on its own thread and hands batches of entries to
  // this one, which applies them: the two halves overlap.
  // The journal may take the backup's records as they are (no second serialization of the
  // state): they are staged while read and journaled only after the whole backup is verified.
  Result<std::unique_ptr<journal::StateImporter>> importer = journal->BeginImport();
  if (!importer.ok()) return fail(importer.status());
  journal::RecordTap tap;
  if (*importer != nullptr) {
    tap = [&](std::string_view header, std::string_view payload) {
      return (*importer)->Add(header, payload);
    };
  }
  RestorePipe pipe;
  Status read_status;
  std::thread reader([&] {
    std::vector<journal::JournalEntry> batch;
    batch.reserve(RestorePipe::kBatch);
    read_status = journal::ReadBackup(
        &file, loc->uri,
        [&](journal::JournalEntry& e) -> Status {
          batch.push_back(std::move(e));
          if (batch.size() == RestorePipe::kBatch) {
            pipe.FreeSpent();
            if (!pipe.Push(std::move(batch))) return CancelledError("restore stopped");
            batch.clear();
            batch.reserve(RestorePipe::kBatch);
          }
          return Status();
        },
        &info, tap);
    if (read_status.ok() && !batch.empty()) pipe.Push(std::move(batch));
    pipe.Close();
  });
  Status s;
  std::vector<journal::JournalEntry> batch;
  while (s.ok() && pipe.Pop(&batch)) {
    for (const journal::JournalEntry& e : batch) {
      Status a = state->Apply(e);
      if (!a.ok()) {
        s = DataLossError(fmt::format("entry {} cannot be applied: {} (entry: {})", applied,
                                      a.message(), e.ShortDebugString()));
        break;
      }
      applied++;
    }
    pipe.Recycle(std::move(batch));
    auto now = std::chrono::steady_clock::now();
    if (now - last_log >= std::chrono::seconds(30)) {
      spdlog::info("{} entries from backup applied so far...", applied);
      last_log = now;
    }
  }
  pipe.Cancel();  // unblocks the reader if applying failed
  reader.join();
  if (s.ok()) s = read_status;
  if (!s.ok()) {
    state->Reset();
    return fail(s);
  }
  auto t1 = std::chrono::steady_clock::now();
  // Pass 2: make the restored state durable, with one entry the state already holds (the cluster
  // id). The local journal installs the staged records as its checkpoint; the embedded journal
  // appends them in chunks, replicated to every master.
  journal::JournalEntry marker;
  marker.mutable_cluster_info()->set_cluster_id(info.cluster_id);
  s = *importer != nullptr ? (*importer)->Commit(std::move(marker))
                           : journal->CommitImportedState(state, std::move(marker));
  importer->reset();
  if (!s.ok()) {
    return Status(s.code(),
                  fmt::format("Failed to journal the state restored from backup {} (format the "
                              "journal and restore again): {}",
                              loc->uri, s.message()));
  }
  auto t2 = std::chrono::steady_clock::now();
  auto ms = [](auto d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
  spdlog::info(
      "Backup {} (format version {}, written by Alluxio {} on {} for cluster {}) verified and "
      "applied in {} ms, journaled in {} ms",
      loc->uri, info.format_version, info.alluxio_version, info.host, info.cluster_id, ms(t1 - t0),
      ms(t2 - t1));
  spdlog::info("Restored {} entries from backup", info.entry_count);
  return info.entry_count;
}

// --- BackupManager ---

BackupManager::BackupManager(journal::Journaled* state, journal::Journal* journal,
                             std::string cluster_id, BackupManagerOptions options)
    : state_(state), journal_(journal), cluster_id_(std::move(cluster_id)), options_([&] {
        if (!options.clock) options.clock = SystemNowMs;
        return std::move(options);
      }()) {
  next_daily_ms_ = NextDailyBackupMs(options_.clock(), options_.daily_minute_of_day);
}

BackupManager::~BackupManager() { Stop(); }

void BackupManager::Start() {
  std::lock_guard<std::mutex> l(mu_);
  stopping_ = false;
  if (options_.daily_enabled && !daily_.joinable()) {
    spdlog::info("Daily metadata backups at {:02d}:{:02d} (local time) to {}, keeping {}",
                 options_.daily_minute_of_day / 60, options_.daily_minute_of_day % 60,
                 options_.backup_directory, options_.daily_files_retained);
    daily_ = std::thread([this] { DailyLoop(); });
  }
}

void BackupManager::Stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (daily_.joinable()) daily_.join();
  std::thread w;
  {
    std::lock_guard<std::mutex> l(mu_);
    w = std::move(worker_);
  }
  if (w.joinable()) w.join();
}

BackupStatus BackupManager::StatusOf(const Record& r) const {
  BackupStatus s = r.status;
  s.entry_count = r.progress.load(std::memory_order_relaxed);
  return s;
}

Result<BackupStatus> BackupManager::Backup(const BackupRequest& request) {
  auto record = std::make_shared<Record>();
  std::thread previous;
  {
    std::unique_lock<std::mutex> l(mu_);
    if (options_.delegation && !request.bypass_delegation && delegates_.empty()) {
      cv_.wait_for(l, std::chrono::milliseconds(options_.delegate_wait_ms),
                   [&] { return stopping_ || !delegates_.empty(); });
    }
    if (stopping_) return UnavailableError("The master is stopping");
    if (running_) return FailedPreconditionError("Backup in progress");
    if (options_.delegation && !request.bypass_delegation) {
      if (!delegates_.empty()) {
        // Round robin: the first delegate after the last one used.
        auto it = delegates_.upper_bound(last_delegate_);
        if (it == delegates_.end()) it = delegates_.begin();
        record->delegate = it->first;
        record->status.host = it->second.host;
        last_delegate_ = it->first;
      } else if (!request.allow_leader) {
        return FailedPreconditionError("No master found to delegate backup.");
      } else {
        spdlog::info("No standby master is connected; the primary takes the backup");
      }
    }
    running_ = true;
    record->status.id = request.id.empty() ? NewBackupId() : request.id;
    record->status.state = BackupState::kInitiating;
    if (record->delegate < 0) record->status.host = options_.hostname;
    backups_[record->status.id] = record;
    previous = std::move(worker_);
    if (record->delegate >= 0) {
      worker_ = std::thread([this, record, request] { RunDelegated(record, request); });
    } else {
      worker_ = std::thread([this, record, request] { Run(record, request); });
    }
  }
  if (previous.joinable()) previous.join();  // it has ended: running_ was false
  if (request.run_async) {
    std::lock_guard<std::mutex> l(mu_);
    return StatusOf(*record);
  }
  return WaitFor(record->status.id);
}

void BackupManager::FinishLocked(Record* r, BackupState state, Status error) {
  if (r->done) return;
  r->status.state = state;
  r->status.error = std::move(error);
  r->done = true;
  running_ = false;
  cv_.notify_all();
}

void BackupManager::RunDelegated(std::shared_ptr<Record> record, BackupRequest request) {
  DelegatedBackup d;
  d.id = record->status.id;
  d.request = std::move(request);
  d.request.id = d.id;
  d.request.run_async = true;
  // Every entry appended so far: the standby applies up to here before it takes the backup.
  d.sequence_number = journal_->NextSequenceNumber();
  std::function<bool(const DelegatedBackup&)> send;
  {
    std::lock_guard<std::mutex> l(mu_);
    auto it = delegates_.find(record->delegate);
    if (it != delegates_.end()) send = it->second.send;
  }
  spdlog::info("Delegating backup {} to standby master {} (up to sequence number {})", d.id,
               record->status.host, d.sequence_number);
  bool sent = send && send(d);
  std::unique_lock<std::mutex> l(mu_);
  if (!sent) {
    FinishLocked(record.get(), BackupState::kFailed,
                 UnavailableError("Failed to delegate the backup."));
    return;
  }
  const auto abandon = std::chrono::milliseconds(options_.abandon_timeout_ms);
  record->last_report = std::chrono::steady_clock::now();
  while (!record->done) {
    if (stopping_) {
      FinishLocked(record.get(), BackupState::kFailed,
                   AbortedError("The primary master stopped while a standby took the backup"));
      break;
    }
    auto deadline = record->last_report + abandon;
    if (std::chrono::steady_clock::now() >= deadline) {
      FinishLocked(
          record.get(), BackupState::kFailed,
          DeadlineExceededError(fmt::format("Backup timed out: no report from {} for {} ms",
                                            record->status.host, options_.abandon_timeout_ms)));
      break;
    }
    cv_.wait_until(l, deadline);
  }
  if (record->status.state == BackupState::kCompleted) {
    spdlog::info("Standby master {} completed backup {}: {} ({} entries)", record->status.host,
                 record->status.id, record->status.uri, record->progress.load());
  } else {
    spdlog::error("Delegated backup {} failed: {}", record->status.id,
                  record->status.error.ToString());
  }
}

int64_t BackupManager::AddDelegate(std::string host,
                                   std::function<bool(const DelegatedBackup&)> send) {
  std::lock_guard<std::mutex> l(mu_);
  int64_t id = next_delegate_id_++;
  spdlog::info("Standby master {} connected for backup delegation", host);
  delegates_[id] = Delegate{std::move(host), std::move(send)};
  cv_.notify_all();  // a backup may be waiting for a standby
  return id;
}

void BackupManager::RemoveDelegate(int64_t delegate) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = delegates_.find(delegate);
  if (it == delegates_.end()) return;
  spdlog::info("Standby master {} disconnected from backup delegation", it->second.host);
  delegates_.erase(it);
  for (auto& [id, r] : backups_) {
    if (r->delegate == delegate && !r->done) {
      FinishLocked(r.get(), BackupState::kFailed, AbortedError("Backup-worker is lost."));
    }
  }
}

void BackupManager::OnDelegateStatus(int64_t delegate, const BackupStatus& status) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = backups_.find(status.id);
  if (it == backups_.end()) return;
  Record* r = it->second.get();
  if (r->delegate != delegate || r->done) return;
  r->last_report = std::chrono::steady_clock::now();
  if (!status.uri.empty()) r->status.uri = status.uri;
  r->progress.store(status.entry_count, std::memory_order_relaxed);
  switch (status.state) {
    case BackupState::kCompleted:
    case BackupState::kFailed:
      FinishLocked(r, status.state, status.error);
      break;
    case BackupState::kNone:
      break;
    default:
      r->status.state = status.state;
      cv_.notify_all();  // the abandon deadline moved
  }
}

size_t BackupManager::delegate_count() const {
  std::lock_guard<std::mutex> l(mu_);
  return delegates_.size();
}

Result<BackupStatus> BackupManager::GetStatus(const std::string& id) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = backups_.find(id);
  if (it == backups_.end()) return NotFoundError(fmt::format("Backup {} is not found", id));
  return StatusOf(*it->second);
}

Result<BackupStatus> BackupManager::WaitFor(const std::string& id) {
  std::unique_lock<std::mutex> l(mu_);
  auto it = backups_.find(id);
  if (it == backups_.end()) return NotFoundError(fmt::format("Backup {} is not found", id));
  std::shared_ptr<Record> r = it->second;
  cv_.wait(l, [&] { return r->done; });
  return StatusOf(*r);
}

void BackupManager::Run(std::shared_ptr<Record> record, BackupRequest request) {
  const std::string dir_name =
      request.target_directory.empty() ? options_.backup_directory : request.target_directory;
  auto finish = [&](const Result<WrittenBackup>& written) {
    std::lock_guard<std::mutex> l(mu_);
    if (written.ok()) {
      record->status.uri = written->uri;
      record->progress.store(written->entry_count);
      FinishLocked(record.get(), BackupState::kCompleted, Status());
    } else {
      FinishLocked(record.get(), BackupState::kFailed, written.status());
    }
  };
  Result<BackupLocation> dir =
      ResolveBackupDirectory(dir_name, request.local, options_.root_ufs, options_.root_ufs_options);
  if (!dir.ok()) return finish(dir.status());
  auto t0 = std::chrono::steady_clock::now();
  // Writers wait only for the short steps of the snapshot's copy (copy-on-write).
  std::unique_ptr<journal::StateSnapshot> snap = state_->Snapshot(journal_);
  auto t1 = std::chrono::steady_clock::now();
  journal::BackupInfo info;
  info.sequence_number = snap->next_sequence_number();
  info.alluxio_version = std::string(kVersion);
  info.cluster_id = cluster_id_;
  info.host = options_.hostname;
  info.created_ms = options_.clock();
  {
    std::lock_guard<std::mutex> l(mu_);
    record->status.state = BackupState::kRunning;
    record->status.uri = Child(*dir, BackupFileName(info.created_ms)).uri;
  }
  Result<WrittenBackup> written = WriteBackupFile(*snap, *dir, info, &record->progress);
  auto t2 = std::chrono::steady_clock::now();
  auto ms = [](auto d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
  if (written.ok()) {
    spdlog::info("Created backup with {} entries: {} (snapshot {} ms, written in {} ms)",
                 written->entry_count, written->uri, ms(t1 - t0), ms(t2 - t1));
  } else {
    spdlog::error("{}", written.status().ToString());
  }
  finish(written);
}

int64_t BackupManager::NextDailyBackupMs(int64_t now_ms, int minute_of_day) {
  time_t secs = static_cast<time_t>(now_ms / 1000);
  struct tm tm_local;
  localtime_r(&secs, &tm_local);
  tm_local.tm_hour = minute_of_day / 60;
  tm_local.tm_min = minute_of_day % 60;
  tm_local.tm_sec = 0;
  tm_local.tm_isdst = -1;
  int64_t candidate = static_cast<int64_t>(mktime(&tm_local)) * 1000;
  while (candidate <= now_ms) {
    tm_local.tm_mday += 1;
    tm_local.tm_isdst = -1;
    candidate = static_cast<int64_t>(mktime(&tm_local)) * 1000;
  }
  return candidate;
}

Result<int> BackupManager::DeleteStaleBackups(const BackupLocation& dir, int64_t retained) {
  ASSIGN_OR_RETURN(std::vector<ufs::UfsStatus> children, dir.ufs->ListStatus(dir.path));
  static const std::regex kName("alluxio-backup-[0-9]+-[0-9]+-[0-9]+-([0-9]+)\\.gz");
  std::vector<std::pair<int64_t, std::string>> backups;
  for (const ufs::UfsStatus& c : children) {
    std::smatch m;
    if (!c.is_directory && std::regex_match(c.name, m, kName)) {
      backups.emplace_back(std::stoll(m[1].str()), c.name);
    }
  }
  if (static_cast<int64_t>(backups.size()) <= retained) return 0;
  std::sort(backups.begin(), backups.end());
  int deleted = 0;
  for (size_t i = 0; i + retained < backups.size(); i++) {
    BackupLocation f = Child(dir, backups[i].second);
    RETURN_IF_ERROR(dir.ufs->DeleteFile(f.path));
    Status m = dir.ufs->DeleteFile(CompleteMarker(f.path));
    if (!m.ok() && m.code() != StatusCode::kNotFound) return m;
    deleted++;
  }
  spdlog::info("Deleted {} stale metadata backup files at {}", deleted, dir.uri);
  return deleted;
}

bool BackupManager::RunDailyBackupIfDue() {
  int64_t now = options_.clock();
  {
    std::lock_guard<std::mutex> l(mu_);
    if (now < next_daily_ms_) return false;
    next_daily_ms_ = NextDailyBackupMs(now, options_.daily_minute_of_day);
  }
  BackupRequest req;
  req.run_async = false;
  req.local = IsLocalScheme(options_.root_ufs);
  Result<BackupStatus> st = Backup(req);
  if (!st.ok()) {
    spdlog::error("Daily metadata backup failed: {}", st.status().ToString());
    return true;
  }
  if (st->state != BackupState::kCompleted) {
    spdlog::error("Daily metadata backup failed: {}", st->error.ToString());
    return true;
  }
  spdlog::info("Successfully backed up journal to {} with {} entries.", st->uri, st->entry_count);
  Result<BackupLocation> dir = ResolveBackupDirectory(options_.backup_directory, req.local,
                                                      options_.root_ufs, options_.root_ufs_options);
  Result<int> deleted =
      dir.ok() ? DeleteStaleBackups(*dir, options_.daily_files_retained) : dir.status();
  if (!deleted.ok()) {
    spdlog::warn("Failed to delete stale metadata backups: {}", deleted.status().ToString());
  }
  return true;
}

void BackupManager::DailyLoop() {
  std::unique_lock<std::mutex> l(mu_);
  while (!stopping_) {
    // Wake at least every minute: the wall clock may jump.
    int64_t wait_ms = std::clamp<int64_t>(next_daily_ms_ - options_.clock(), 0, 60'000);
    cv_.wait_for(l, std::chrono::milliseconds(wait_ms), [&] { return stopping_; });
    if (stopping_) break;
    l.unlock();
    RunDailyBackupIfDue();
    l.lock();
  }
}

}  // namespace alluxio::master
