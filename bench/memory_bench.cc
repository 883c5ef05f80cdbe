// SPDX-License-Identifier: Apache-2.0
// memory_bench: master resident memory per file.
//
// Mode "api" (default): for each N in --files, a forked child builds a FileSystemMaster in
// process on a journal that discards entries (DiscardJournal below: nothing is retained, so the
// measured growth is the namespace alone; MemoryJournal would keep every entry in memory), makes
// N/--per_dir directories of --per_dir files with CreateFile + CompleteFile (with an operation id
// per call, as clients send), and reports VmRSS growth / N, malloc in-use growth / N
// (mallinfo2().uordblks: the allocator's view, without fragmentation and free pages), and the
// create rate of the bare master (no RPC, no journal I/O). Creates send persist=false (Alluxio's
// default write type ASYNC_THROUGH persists later) unless --persist (then every create also
// writes the directory / empty file to the local UFS and the inode carries a UFS fingerprint).
//
// Mode "rpc" (--rpc): a separate alluxio-master process (journal on --dir, fsync'd; automatic
// checkpoints disabled so no snapshot copy inflates the figure), files created through the client
// with --threads threads; reports the master's VmRSS growth / N.
//
// Usage: memory_bench [--files=1000000,2000000] [--per_dir=1000] [--name_len=8] [--persist]
//                     [--no_fork]
//        memory_bench --rpc [--files=200000] [--threads=64] [--dir=/tmp]
#include <malloc.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "bench/bench_util.h"
#include "client/api/file_system.h"
#include "common/conf/configuration.h"
#include "journal/journal.h"
#include "master/file/file_system_master.h"
#include "master/file/inode.h"

namespace alluxio::bench {
namespace {

// A Journal that assigns sequence numbers and forgets the entries: "durable" at once.
// Thread-safety: thread-safe.
class DiscardJournal final : public journal::Journal {
 public:
  Status Start(journal::Journaled* state) override {
    state->Reset();
    return Status();
  }
  Status Stop() override { return Status(); }
  Result<journal::SequenceNumber> Append(journal::JournalEntry) override {
    std::lock_guard<std::mutex> l(mu_);
    return next_++;
  }
  Status WaitForDurable(journal::SequenceNumber) override { return Status(); }
  journal::SequenceNumber NextSequenceNumber() const override {
    std::lock_guard<std::mutex> l(mu_);
    return next_;
  }
  Status Checkpoint() override { return Status(); }

 private:
  mutable std::mutex mu_;
  journal::SequenceNumber next_ = 0;
};

int64_t HeapInUse() { return static_cast<int64_t>(mallinfo2().uordblks); }

std::string FileName(int64_t k, int name_len) {
  std::string n = fmt::format("f{:07}", k);
  if (static_cast<int>(n.size()) < name_len) n.append(name_len - n.size(), 'x');
  return n;
}

struct ApiRow {
  int64_t files = 0;
  double rss_bytes_per_file = 0, heap_bytes_per_file = 0, rss_trimmed_per_file = 0;
  double create_per_s = 0, seconds = 0;
  int64_t rss_before_kb = 0, rss_after_kb = 0;
};

// Builds the namespace and measures it. Runs in a forked child (or inline with --no_fork, for
// heap profilers that do not follow forks).
ApiRow ApiMeasure(int64_t n, int64_t per_dir, int name_len, bool persist,
                  const std::string& ufs_root, bool teardown) {
  static DiscardJournal journal;
  master::FileSystemMasterOptions o;
  o.root_ufs = ufs_root;
  o.superuser = "root";
  o.ttl_checker_interval_ms = 3600 * 1000;
  auto m = master::FileSystemMaster::Create(o, &journal);
  CheckOk(m.status(), "create master");
  CheckOk(journal.Start(m->get()), "journal start");
  CheckOk((*m)->Initialize(), "initialize");
  master::FileSystemMaster* fsm = m->get();
  malloc_trim(0);
  ApiRow row;
  row.files = n;
  row.rss_before_kb = RssKb();
  const int64_t heap0 = HeapInUse();
  uint64_t op = 1;
  auto next_ctx = [&] {
    master::OperationContext ctx;
    ctx.op_id = {static_cast<int64_t>(0x5EED000000000000ULL | op), static_cast<int64_t>(op)};
    ++op;
    return ctx;
  };
  auto t0 = Clock::now();
  grpc::file::CreateDirectoryPOptions dopts;
  grpc::file::CreateFilePOptions fopts;
  grpc::file::CompleteFilePOptions copts;
  dopts.set_persist(persist);
  fopts.set_persist(persist);
  const int64_t dirs = (n + per_dir - 1) / per_dir;
  for (int64_t d = 0; d < dirs; ++d) {
    std::string dir = fmt::format("/d{:05}", d);
    CheckOk(fsm->CreateDirectory(next_ctx(), dir, dopts), "mkdir");
    for (int64_t k = d * per_dir; k < std::min(n, (d + 1) * per_dir); ++k) {
      std::string p = dir + "/" + FileName(k, name_len);
      CheckOk(fsm->CreateFile(next_ctx(), p, fopts).status(), "create " + p);
      CheckOk(fsm->CompleteFile(next_ctx(), p, copts), "complete " + p);
    }
  }
  row.seconds = SecondsSince(t0);
  row.create_per_s = n / row.seconds;
  row.rss_after_kb = RssKb();
  row.rss_bytes_per_file = (row.rss_after_kb - row.rss_before_kb) * 1024.0 / n;
  row.heap_bytes_per_file = static_cast<double>(HeapInUse() - heap0) / n;
  malloc_trim(0);
  row.rss_trimmed_per_file = (RssKb() - row.rss_before_kb) * 1024.0 / n;
  // Skip teardown unless asked: freeing 10M inodes one by one is slow and measures nothing.
  if (!teardown) m->release();
  return row;
}

void PrintApiRow(const ApiRow& row) {
  std::printf("%10" PRId64 " %12.1f %12.1f %14.1f %14.1f %18.1f %12.0f %8.1f\n", row.files,
              row.rss_before_kb / 1024.0, row.rss_after_kb / 1024.0, row.rss_bytes_per_file,
              row.heap_bytes_per_file, row.rss_trimmed_per_file, row.create_per_s, row.seconds);
}

int ApiMode(const Flags& flags) {
  const std::vector<int64_t> sizes = flags.GetIntList("files", "1000000,2000000");
  const int64_t per_dir = flags.GetInt("per_dir", 1000);
  const int name_len = static_cast<int>(flags.GetInt("name_len", 8));
  const bool persist = flags.GetBool("persist");
  std::string work = MakeTempDir(flags.Get("dir", "/tmp"), "alluxio-memory-bench");
  std::filesystem::create_directories(work + "/ufs");
  std::printf("# mode api: FileSystemMaster in process, DiscardJournal, %" PRId64
              " files per directory, file names of %d chars (e.g. %s), persist=%s\n",
              per_dir, name_len, FileName(1, name_len).c_str(), persist ? "true" : "false");
  std::printf("# sizeof: Inode %zu, InodeAttributes %zu, std::string %zu, btree child slot %zu\n",
              sizeof(master::Inode), sizeof(master::InodeAttributes), sizeof(std::string),
              sizeof(std::pair<const std::string, master::InodeId>));
  std::printf("%10s %12s %12s %14s %14s %18s %12s %8s\n", "files", "rss_before_MB", "rss_after_MB",
              "rss_B/file", "heap_B/file", "rss_trimmed_B/file", "creates/s", "seconds");
  for (int64_t n : sizes) {
    if (flags.GetBool("no_fork")) {
      PrintApiRow(ApiMeasure(n, per_dir, name_len, persist, work + "/ufs", /*teardown=*/true));
      continue;
    }
    int fds[2];
    if (pipe(fds) != 0) Die("pipe");
    std::fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
      close(fds[0]);
      ApiRow row = ApiMeasure(n, per_dir, name_len, persist, work + "/ufs", /*teardown=*/false);
      if (write(fds[1], &row, sizeof(row)) != sizeof(row)) std::_Exit(3);
      std::_Exit(0);
    }
    close(fds[1]);
    ApiRow row;
    ssize_t got = read(fds[0], &row, sizeof(row));
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (got != sizeof(row)) Die("child failed for files=" + std::to_string(n));
    PrintApiRow(row);
  }
  RemoveTree(work);
  return 0;
}

int RpcMode(const Flags& flags) {
  const std::vector<int64_t> sizes = flags.GetIntList("files", "200000");
  const int64_t per_dir = flags.GetInt("per_dir", 1000);
  const int name_len = static_cast<int>(flags.GetInt("name_len", 8));
  const int threads = static_cast<int>(flags.GetInt("threads", 64));
  std::printf("# mode rpc: separate alluxio-master process, %d client threads, %" PRId64
              " files per directory, checkpoints disabled\n",
              threads, per_dir);
  std::printf("%10s %12s %12s %14s %12s %8s\n", "files", "rss_before_MB", "rss_after_MB",
              "rss_B/file", "creates/s", "seconds");
  for (int64_t n : sizes) {
    std::string work = MakeTempDir(flags.Get("dir", "/tmp"), "alluxio-memory-bench");
    ExternalMaster master(flags.Get("master_bin", DefaultMasterBinary()), work);
    master.Format();
    master.Start({{"alluxio.master.journal.checkpoint.period.entries", "1000000000000"}});
    conf::Configuration conf;
    CheckOk(conf.Set(conf::keys::kMasterHostname, "127.0.0.1"), "conf");
    CheckOk(conf.Set(conf::keys::kMasterRpcPort, std::to_string(master.port())), "conf");
    auto fs = client::FileSystem::Create(conf);
    CheckOk(fs.status(), "client");
    CheckOk((*fs)->GetStatus("/").status(), "connect");
    const int64_t dirs = (n + per_dir - 1) / per_dir;
    client::fsopts::CreateDirectoryPOptions dopts;
    client::fsopts::CreateFilePOptions fopts;
    dopts.set_persist(false);
    fopts.set_persist(false);
    const int64_t rss0 = RssKb(master.pid());
    auto t0 = Clock::now();
    for (int64_t d = 0; d < dirs; ++d) {
      CheckOk((*fs)->CreateDirectory(fmt::format("/d{:05}", d), dopts), "mkdir");
    }
    std::atomic<int64_t> next{0};
    std::vector<std::thread> ts;
    for (int t = 0; t < threads; ++t) {
      ts.emplace_back([&] {
        for (int64_t k = next++; k < n; k = next++) {
          std::string p = fmt::format("/d{:05}/{}", k / per_dir, FileName(k, name_len));
          CheckOk((*fs)->CreateFile(p, fopts).status(), "create " + p);
          CheckOk((*fs)->CompleteFile(p), "complete " + p);
        }
      });
    }
    for (auto& t : ts) t.join();
    const double secs = SecondsSince(t0);
    const int64_t rss1 = RssKb(master.pid());
    std::printf("%10" PRId64 " %12.1f %12.1f %14.1f %12.0f %8.1f\n", n, rss0 / 1024.0,
                rss1 / 1024.0, (rss1 - rss0) * 1024.0 / n, n / secs, secs);
    std::fflush(stdout);
    master.Stop();
    RemoveTree(work);
  }
  return 0;
}

int Main(int argc, char** argv) {
  setvbuf(stdout, nullptr, _IOLBF, 0);  // line-buffered even into a file
  Flags flags(argc, argv);
  return flags.GetBool("rpc") ? RpcMode(flags) : ApiMode(flags);
}

}  // namespace
}  // namespace alluxio::bench

int main(int argc, char** argv) { return alluxio::bench::Main(argc, argv); }
