// SPDX-License-Identifier: Apache-2.0
// cat, head, tail, checksum, location, free, load, persist: commands that read, place or persist
// file data (formats from Alluxio's CatCommand, HeadCommand, TailCommand, ChecksumCommand,
// LocationCommand, FreeCommand, LoadCommand, PersistCommand).
#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "cli/fs/data_commands.h"
#include "cli/fs/shell.h"

namespace alluxio::cli::fs {

namespace {

using client::FileInfo;
constexpr int64_t kKB = 1024;
constexpr int64_t kMB = 1024 * 1024;

int64_t BufferBytes(const conf::Configuration& conf) {
  Result<int64_t> b = conf.GetBytes(conf::keys::kUserFileBufferBytes);
  return b.ok() && *b > 0 ? *b : 8 * kMB;
}

// ExceptionMessage.PATH_MUST_BE_FILE.
Status MustBeFile(const std::string& path) {
  return InvalidArgumentError(fmt::format("Path {} must be a file", path));
}

Result<std::unique_ptr<client::FileInStream>> OpenWith(client::FileSystem* fs,
                                                       const std::string& path,
                                                       ::alluxio::grpc::ReadPType type) {
  client::fsopts::OpenFilePOptions o;
  o.set_read_type(type);
  return fs->Open(path, o);
}

// Reads `in` from its position to the end in `buffer_bytes` chunks, handing each to `sink`.
Status ReadAll(client::FileInStream* in, size_t buffer_bytes,
               const std::function<void(const char*, size_t)>& sink) {
  std::string buf(buffer_bytes, '\0');
  while (true) {
    ASSIGN_OR_RETURN(size_t n, in->Read(buf.data(), buf.size()));
    if (n == 0) return Status();
    sink(buf.data(), n);
  }
}

Result<int> RunCat(ShellContext& sc, const ParsedArgs& p) {
  ASSIGN_OR_RETURN(client::FileSystem * fs, sc.fs());
  RETURN_IF_ERROR(ForEachMatch(sc, p.args[0], [&](const std::string& arg) -> Status {
    std::string path = AlluxioPath(arg);
    ASSIGN_OR_RETURN(FileInfo f, fs->GetStatus(path));
    if (f.folder()) return MustBeFile(arg);
    ASSIGN_OR_RETURN(auto in, fs->Open(path));
    RETURN_IF_ERROR(ReadAll(in.get(), kMB, [&](const char* d, size_t n) {
      sc.out().write(d, static_cast<std::streamsize>(n));
    }));
    sc.out().flush();
    return in->Close();
  }));
  return 0;
}

Result<int> RunHeadOrTail(ShellContext& sc, const ParsedArgs& p, bool tail) {
  ASSIGN_OR_RETURN(int64_t bytes, ParseByteCount(p.Get("c", "1KB")));
  ASSIGN_OR_RETURN(client::FileSystem * fs, sc.fs());
  RETURN_IF_ERROR(ForEachMatch(sc, p.args[0], [&](const std::string& arg) -> Status {
    std::string path = AlluxioPath(arg);
    ASSIGN_OR_RETURN(FileInfo f, fs->GetStatus(path));
    if (f.folder()) return MustBeFile(arg);
    ASSIGN_OR_RETURN(auto in, fs->Open(path));
    int64_t to_read = std::min(bytes, f.length());
    if (tail) RETURN_IF_ERROR(in->Seek(f.length() - to_read));
    std::string buf(static_cast<size_t>(to_read), '\0');
    size_t got = 0;
    while (got < buf.size()) {
      ASSIGN_OR_RETURN(size_t n, in->Read(buf.data() + got, buf.size() - got));
      if (n == 0) break;
      got += n;
    }
    sc.out().write(buf.data(), static_cast<std::streamsize>(got));
    sc.out().flush();
    return in->Close();
  }));
  return 0;
}

Result<int> RunChecksum(ShellContext& sc, const ParsedArgs& p) {
  ASSIGN_OR_RETURN(client::FileSystem * fs, sc.fs());
  RETURN_IF_ERROR(ForEachMatch(sc, p.args[0], [&](const std::string& arg) -> Status {
    std::string path = AlluxioPath(arg);
    ASSIGN_OR_RETURN(FileInfo f, fs->GetStatus(path));
    if (f.folder()) return NotFoundError(fmt::format("Path {} must be a file", path));
    ASSIGN_OR_RETURN(auto in, OpenWith(fs, path, ::alluxio::grpc::NO_CACHE));
    Md5 md5;
    RETURN_IF_ERROR(ReadAll(in.get(), static_cast<size_t>(BufferBytes(sc.conf())),
                            [&](const char* d, size_t n) { md5.Update(d, n); }));
    RETURN_IF_ERROR(in->Close());
    // Alluxio prints "md5sum: <hex>\n" with println, hence the blank line.
    sc.out() << "md5sum: " << md5.HexDigest() << "\n\n";
    return Status();
  }));
  return 0;
}

Result<int> RunLocation(ShellContext& sc, const ParsedArgs& p) {
  ASSIGN_OR_RETURN(client::FileSystem * fs, sc.fs());
  RETURN_IF_ERROR(ForEachMatch(sc, p.args[0], [&](const std::string& arg) -> Status {
    ASSIGN_OR_RETURN(FileInfo f, fs->GetStatus(AlluxioPath(arg)));
    ASSIGN_OR_RETURN(std::vector<::alluxio::grpc::BlockInfo> blocks, BlocksOf(fs, f));
    sc.out() << LocationOutput(arg, f.file_id(), blocks);
    return Status();
  }));
  return 0;
}

// Alluxio's FreeCommand: free, then re-free and poll until nothing is cached (a concurrent reader
// may cache blocks again), for at most 10 worker heartbeats.
Result<int> RunFree(ShellContext& sc, const ParsedArgs& p) {
  ASSIGN_OR_RETURN(client::FileSystem * fs, sc.fs());
  Result<int64_t> hb = sc.conf().GetDurationMs(conf::keys::kWorkerBlockHeartbeatInterval);
  const int64_t interval_ms = hb.ok() && *hb > 0 ? *hb : 1000;
  client::fsopts::FreePOptions o;
  o.set_recursive(true);
  o.set_forced(p.Has("f"));
  RETURN_IF_ERROR(ForEachMatch(sc, p.args[0], [&](const std::string& arg) -> Status {
    std::string path = AlluxioPath(arg);
    RETURN_IF_ERROR(fs->Free(path, o));
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(10 * interval_ms);
    while (true) {
      ASSIGN_OR_RETURN(FileInfo f, fs->GetStatus(path));
      // An empty file is always "100% in Alluxio"; freeing it is a no-op.
      if (f.length() == 0 && !f.folder()) break;
      if (f.in_alluxio_percentage() == 0) break;
      if (std::chrono::steady_clock::now() >= deadline) {
        return DeadlineExceededError(
            "Timed out waiting for file to be freed. Another user may be loading it.");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(interval_ms));
      RETURN_IF_ERROR(fs->Free(path, o));
    }
    sc.out() << arg << " was successfully freed from Alluxio space.\n";
    return Status();
  }));
  return 0;
}

bool HasLocalWorker(client::FileSystem* fs) {
  Result<std::vector<::alluxio::grpc::block::WorkerInfo>> workers = fs->GetWorkerReport();
  if (!workers.ok()) return false;
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  const std::set<std::string> local = {host, "localhost", "127.0.0.1"};
  return std::any_of(workers->begin(), workers->end(), [&](const auto& w) {
    return w.state() != "Out of Service" && local.count(w.address().host()) > 0;
  });
}

// Alluxio's LoadCommand (legacy, non-distributed): a file already fully cached is skipped;
// otherwise it is read through once with CACHE_PROMOTE so every block lands in a worker.
Status LoadOne(ShellContext& sc, client::FileSystem* fs, const std::string& path, bool local) {
  ASSIGN_OR_RETURN(FileInfo f, fs->GetStatus(path));
  if (f.folder()) {
    ASSIGN_OR_RETURN(std::vector<FileInfo> children, fs->ListStatus(path));
    for (const FileInfo& c : children) RETURN_IF_ERROR(LoadOne(sc, fs, c.path(), local));
  } else {
    if (local) {
      if (!HasLocalWorker(fs)) {
        sc.out() << "When local option is specified, there must be a local worker available\n";
        return Status();
      }
    } else if (f.in_alluxio_percentage() == 100) {
      sc.out() << path << " already in Alluxio fully\n";
      return Status();
    }
    ASSIGN_OR_RETURN(auto in, OpenWith(fs, path, ::alluxio::grpc::CACHE_PROMOTE));
    RETURN_IF_ERROR(
        ReadAll(in.get(), static_cast<size_t>(BufferBytes(sc.conf())), [](const char*, size_t) {}));
    RETURN_IF_ERROR(in->Close());
  }
  sc.out() << path << " loaded\n";
  return Status();
}

Result<int> RunLoad(ShellContext& sc, const ParsedArgs& p) {
  ASSIGN_OR_RETURN(client::FileSystem * fs, sc.fs());
  RETURN_IF_ERROR(ForEachMatch(sc, p.args[0], [&](const std::string& arg) -> Status {
    return LoadOne(sc, fs, AlluxioPath(arg), p.Has("local"));
  }));
  return 0;
}

Status QueueNonPersisted(client::FileSystem* fs, const FileInfo& f, std::vector<std::string>* out) {
  if (f.folder()) {
    ASSIGN_OR_RETURN(std::vector<FileInfo> children, fs->ListStatus(f.path()));
    for (const FileInfo& c : children) RETURN_IF_ERROR(QueueNonPersisted(fs, c, out));
  } else if (!f.persisted()) {
    out->push_back(f.path());
  }
  return Status();
}

// FileSystemUtils.persistAndWait: schedule, then poll every 100 ms until persisted. A timeout of
// -1 waits forever.
Status PersistAndWait(client::FileSystem* fs, const std::string& path, int64_t wait_ms,
                      int64_t timeout_ms) {
  client::fsopts::ScheduleAsyncPersistencePOptions o;
  o.set_persistence_wait_time(wait_ms);
  RETURN_IF_ERROR(fs->ScheduleAsyncPersistence(path, o));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    ASSIGN_OR_RETURN(FileInfo f, fs->GetStatus(path));
    if (f.persisted()) return Status();
    if (timeout_ms >= 0 && std::chrono::steady_clock::now() >= deadline) {
      return DeadlineExceededError(fmt::format("Timed out waiting for {} to be persisted", path));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

Result<int> RunPersist(ShellContext& sc, const ParsedArgs& p) {
  ASSIGN_OR_RETURN(PersistOptions opts, ParsePersistOptions(p));
  if ((opts.wait_ms > opts.timeout_ms && opts.timeout_ms != -1) || opts.wait_ms < 0) {
    sc.out() << "Persistence initial wait time should be smaller than persist timeout and bigger "
                "than zero\n";
    return 255;
  }
  ASSIGN_OR_RETURN(client::FileSystem * fs, sc.fs());
  std::vector<std::string> candidates;
  for (const std::string& arg : p.args) {
    RETURN_IF_ERROR(ForEachMatch(sc, arg, [&](const std::string& m) -> Status {
      candidates.push_back(AlluxioPath(m));
      return Status();
    }));
  }
  std::vector<std::string> to_persist;
  for (const std::string& c : candidates) {
    ASSIGN_OR_RETURN(FileInfo f, fs->GetStatus(c));
    RETURN_IF_ERROR(QueueNonPersisted(fs, f, &to_persist));
  }
  const size_t total = to_persist.size();
  sc.out() << "Found " << total << " files to persist.\n";
  if (total == 0) return 0;
  // Workers take paths from a shared queue; output lines are whole and ordered by completion.
  std::mutex mu;
  size_t next = 0, completed = 0;
  auto work = [&] {
    while (true) {
      std::string path;
      {
        std::lock_guard<std::mutex> l(mu);
        if (next == total) return;
        path = to_persist[next++];
      }
      Status s = PersistAndWait(fs, path, opts.wait_ms, opts.timeout_ms);
      std::lock_guard<std::mutex> l(mu);
      if (s.ok()) {
        sc.out() << fmt::format("({}/{}) Successfully persisted file: {}\n", ++completed, total,
                                path);
      } else if (s.code() == StatusCode::kDeadlineExceeded) {
        sc.out() << "Timed out waiting for file to be persisted: " << path << "\n";
      } else {
        sc.out() << "Failed to persist file " << path << "\n";
        sc.err() << s.message() << "\n";
      }
    }
  };
  const size_t threads = std::min<size_t>(total, static_cast<size_t>(opts.parallelism));
  std::vector<std::thread> pool;
  for (size_t i = 1; i < threads; ++i) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  return 0;
}

}  // namespace

// --- helpers (data_commands.h) ---

Md5::Md5() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_, EVP_md5(), nullptr); }
Md5::~Md5() { EVP_MD_CTX_free(ctx_); }
void Md5::Update(const char* data, size_t n) { EVP_DigestUpdate(ctx_, data, n); }
std::string Md5::HexDigest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_, digest, &len);
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

Result<int64_t> ParseByteCount(const std::string& value) {
  Result<int64_t> bytes = conf::ParseBytes(value);
  if (!bytes.ok()) return InvalidArgumentError(fmt::format("Fail to parse {} to bytes", value));
  if (*bytes <= 0 || *bytes > INT32_MAX) return InvalidArgumentError("specified bytes must be > 0");
  return *bytes;
}

Result<PersistOptions> ParsePersistOptions(const ParsedArgs& p) {
  PersistOptions o;
  if (p.Has("p")) {
    const std::string v = p.Get("p");
    size_t used = 0;
    try {
      o.parallelism = std::stoi(v, &used);
    } catch (...) {
      used = std::string::npos;
    }
    if (used != v.size()) {
      return InvalidArgumentError(fmt::format("For input string: \"{}\"", v));
    }
  }
  for (auto [name, field] : {std::pair{"t", &o.timeout_ms}, std::pair{"w", &o.wait_ms}}) {
    if (!p.Has(name)) continue;
    ASSIGN_OR_RETURN(*field, conf::ParseDurationMs(p.Get(name)));
  }
  if (o.parallelism <= 0) o.parallelism = 1;
  return o;
}

std::string LocationOutput(const std::string& path, int64_t file_id,
                           const std::vector<::alluxio::grpc::BlockInfo>& blocks) {
  std::string out = fmt::format("{} with file id {} is on nodes: \n", path, file_id);
  for (const ::alluxio::grpc::BlockInfo& b : blocks) {
    for (const ::alluxio::grpc::BlockLocation& l : b.locations()) {
      out += l.worker_address().host() + "\n";
    }
  }
  return out;
}

void AddDataCommands(std::vector<FsCommand>* c) {
  c->push_back(FsCommand{
      "cat", "cat <path>", "Prints the file's contents to the console.", {}, 1, -1, RunCat});
  c->push_back(FsCommand{
      "head",
      "head [-c <bytes>] <path>",
      "Prints the file's first n bytes (by default, 1KB) to the console.",
      {{"c", "", true, "number of bytes (e.g., 1024, 4KB)"}},
      1,
      1,
      [](ShellContext& sc, const ParsedArgs& p) { return RunHeadOrTail(sc, p, /*tail=*/false); }});
  c->push_back(FsCommand{
      "tail",
      "tail [-c <bytes>] <path>",
      "Prints the file's last n bytes (by default, 1KB) to the console.",
      {{"c", "", true, "number of bytes (e.g., 1024, 4KB)"}},
      1,
      1,
      [](ShellContext& sc, const ParsedArgs& p) { return RunHeadOrTail(sc, p, /*tail=*/true); }});
  c->push_back(FsCommand{"checksum",
                         "checksum <Alluxio path>",
                         "Calculates the md5 checksum of a file in the Alluxio filesystem.",
                         {},
                         1,
                         1,
                         RunChecksum});
  c->push_back(FsCommand{"location",
                         "location <path>",
                         "Displays the list of hosts storing the specified file.",
                         {},
                         1,
                         1,
                         RunLocation});
  c->push_back(FsCommand{"free",
                         "free [-f] <path>",
                         "Frees the space occupied by a file or a directory in Alluxio. Specify -f "
                         "to force freeing pinned files in the directory.",
                         {{"f", "", false, "force to free files even pinned"}},
                         1,
                         -1,
                         RunFree});
  c->push_back(
      FsCommand{"load",
                "load [--local] <path>",
                "Loads a file or directory in Alluxio space, makes it resident in Alluxio.",
                {{"", "local", false, "load the file to local worker."}},
                1,
                -1,
                RunLoad});
  c->push_back(FsCommand{
      "persist",
      "persist [-p|--parallelism <#>] [-t|--timeout <milliseconds>] [-w|--wait <milliseconds>] "
      "<path> [<path> ...]",
      "Persists files or directories currently stored only in Alluxio to the UnderFileSystem.",
      {{"p", "parallelism", true, "Number of concurrent persist operations, default: 4"},
       {"t", "timeout", true,
        "Time in milliseconds for a single file persist to time out; default:1200000"},
       {"w", "wait", true, "The time to wait before persisting. default: 0"}},
      1,
      -1,
      RunPersist});
}

}  // namespace alluxio::cli::fs
