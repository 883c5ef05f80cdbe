// SPDX-License-Identifier: Apache-2.0
// replay_bench: journal replay rate and master restart time on a journal of --files creates.
//
// 1. Generates the journal (unless --work=DIR names one made before with --keep): a
//    FileSystemMaster on a real LocalJournal in a temp work dir on --dir, --threads threads calling
//    CreateFile + CompleteFile directly (no RPC; group commit, fsync'd), --per_dir files per
//    directory, automatic checkpoints disabled. Each create is two journal entries (the file + the
//    parent's mtime in one batch entry, then complete).
// 2. Log replay, each --reps times, on the warm page cache:
//      read+parse   ReadJournal with a no-op callback (read, checksum, protobuf parse; no apply)
//      replay       LocalJournal::Start into a fresh FileSystemMaster (read, parse, apply)
//      MasterProcess::Start  in process (replay + initialize + RPC server)
//      alluxio-master        separate process, from spawn until getServiceVersion answers; its
//                            VmRSS then, and VmRSS of a master on an empty journal for comparison
// 3. Writes a checkpoint (timed) and repeats 2 on checkpoint-only recovery.
// Rates are journal entries (top-level records) per second and files per second; the baseline
// ratio is replay time / read+parse time of the same journal in the same run.
//
// Usage: replay_bench [--files=1000000] [--per_dir=1000] [--threads=32] [--reps=2] [--dir=/tmp]
//                     [--work=DIR] [--keep] [--skip_checkpoint] [--master_bin=PATH]
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "bench/bench_util.h"
#include "common/conf/configuration.h"
#include "journal/local/journal_reader.h"
#include "journal/local/local_journal.h"
#include "master/file/file_system_master.h"
#include "master/master_process.h"

namespace alluxio::bench {
namespace {

constexpr const char* kNoCheckpoints = "1000000000000";

journal::LocalJournalOptions JournalOptions(const std::string& work) {
  journal::LocalJournalOptions jo;
  jo.folder = work + "/journal";
  jo.checkpoint_period_entries = std::stoll(kNoCheckpoints);
  return jo;
}

master::FileSystemMasterOptions MasterOptions(const std::string& work) {
  master::FileSystemMasterOptions o;
  o.root_ufs = work + "/underFSStorage";
  o.superuser = "root";
  return o;
}

void Generate(const std::string& work, int64_t n, int64_t per_dir, int threads) {
  ExternalMaster(DefaultMasterBinary(), work).Format();
  journal::LocalJournal journal(JournalOptions(work));
  auto m = master::FileSystemMaster::Create(MasterOptions(work), &journal);
  CheckOk(m.status(), "master");
  CheckOk(journal.Start(m->get()), "journal start");
  CheckOk((*m)->Initialize(), "initialize");
  auto t0 = Clock::now();
  std::atomic<uint64_t> op{1};
  auto ctx = [&] {
    master::OperationContext c;
    uint64_t v = op++;
    c.op_id = {static_cast<int64_t>(0x5EED000000000000ULL | v), static_cast<int64_t>(v)};
    return c;
  };
  const int64_t dirs = (n + per_dir - 1) / per_dir;
  grpc::file::CreateDirectoryPOptions dopts;
  grpc::file::CreateFilePOptions fopts;
  dopts.set_persist(false);  // Alluxio's default write type (ASYNC_THROUGH) persists later
  fopts.set_persist(false);
  for (int64_t d = 0; d < dirs; ++d) {
    CheckOk((*m)->CreateDirectory(ctx(), fmt::format("/d{:05}", d), dopts), "mkdir");
  }
  std::atomic<int64_t> next{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&] {
      for (int64_t k = next++; k < n; k = next++) {
        std::string p = fmt::format("/d{:05}/f{:07}", k / per_dir, k);
        CheckOk((*m)->CreateFile(ctx(), p, fopts).status(), "create " + p);
        CheckOk((*m)->CompleteFile(ctx(), p, {}), "complete " + p);
      }
    });
  }
  for (auto& t : ts) t.join();
  double s = SecondsSince(t0);
  std::printf("# generated %" PRId64 " files in %" PRId64
              " dirs: %.1f s (%.0f creates/s in process, fsync'd), journal next sn %" PRId64 "\n",
              n, dirs, s, n / s, journal.NextSequenceNumber());
  (*m)->Stop();
  CheckOk(journal.Stop(), "journal stop");
}

int64_t DirBytes(const std::string& dir) {
  int64_t total = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) total += static_cast<int64_t>(e.file_size());
  }
  return total;
}

struct Row {
  std::string what;
  double seconds;
  int64_t entries;
  int64_t inodes;
  int64_t rss_kb;
};

void PrintHeader() {
  // mem_MB: VmRSS of the alluxio-master process once serving.
  // ratio: time / the best read+parse time of the same journal.
  std::printf("%-34s %9s %10s %12s %12s %10s %9s\n", "phase", "seconds", "entries", "entries/s",
              "inodes/s", "mem_MB", "ratio");
}

void Print(const Row& r, double baseline_s) {
  std::printf("%-34s %9.3f %10" PRId64 " %12.0f %12.0f %10s %9s\n", r.what.c_str(), r.seconds,
              r.entries, r.entries / r.seconds, r.inodes / r.seconds,
              r.rss_kb > 0 ? fmt::format("{:.1f}", r.rss_kb / 1024.0).c_str() : "-",
              baseline_s > 0 ? fmt::format("{:.2f}x", r.seconds / baseline_s).c_str() : "-");
  std::fflush(stdout);
}

// Measures every restart path once; returns the read+parse time (the baseline).
void MeasureRestarts(const std::string& work, const std::string& label, int reps,
                     const std::string& master_bin) {
  const std::string folder = work + "/journal";
  std::vector<Row> rows;
  double baseline = 0;
  for (int rep = 0; rep < reps; ++rep) {
    // Read + parse only.
    int64_t count = 0;
    auto t0 = Clock::now();
    CheckOk(journal::ReadJournal(env::Env::Default(), folder,
                                 [&](const journal::JournalEntry&) {
                                   ++count;
                                   return Status();
                                 }),
            "read journal");
    Row read{label + " read+parse", SecondsSince(t0), count, 0, -1};
    if (rep == 0 || read.seconds < baseline) baseline = read.seconds;

    // Full replay into a fresh FileSystemMaster.
    int64_t inodes;
    Row replay;
    {
      journal::LocalJournal journal(JournalOptions(work));
      auto m = master::FileSystemMaster::Create(MasterOptions(work), &journal);
      CheckOk(m.status(), "master");
      t0 = Clock::now();
      CheckOk(journal.Start(m->get()), "replay");
      double s = SecondsSince(t0);
      inodes = static_cast<int64_t>((*m)->inode_count());
      // No memory figure in process: mallinfo2 deltas proved unreliable here (329 MB for 2M
      // files against 715 MB of RSS growth in the master process); see the alluxio-master row.
      replay = Row{label + " LocalJournal::Start (replay)", s, count, inodes, -1};
      CheckOk(journal.Stop(), "journal stop");
    }

    // MasterProcess::Start in process.
    Row mp;
    {
      conf::Configuration conf;
      namespace k = conf::keys;
      CheckOk(conf.Set(k::kWorkDir, work), "conf");
      CheckOk(conf.Set(k::kMasterHostname, "127.0.0.1"), "conf");
      CheckOk(conf.Set(k::kMasterBindHost, "127.0.0.1"), "conf");
      CheckOk(conf.Set(k::kMasterRpcPort, "0"), "conf");
      CheckOk(conf.Set(k::kMasterJournalCheckpointPeriodEntries, kNoCheckpoints), "conf");
      auto p = master::MasterProcess::Create(conf);
      CheckOk(p.status(), "master process");
      t0 = Clock::now();
      CheckOk((*p)->Start(), "MasterProcess::Start");
      mp = Row{label + " MasterProcess::Start", SecondsSince(t0), count, inodes, -1};
      (*p)->Stop();
    }

    // Separate process until it serves.
    Row ext;
    {
      ExternalMaster em(master_bin, work);
      double s = em.Start({{"alluxio.master.journal.checkpoint.period.entries", kNoCheckpoints}});
      ext = Row{label + " alluxio-master until serving", s, count, inodes, RssKb(em.pid())};
      em.Stop();
    }
    rows.push_back(read);
    rows.push_back(replay);
    rows.push_back(mp);
    rows.push_back(ext);
  }
  for (const Row& r : rows) Print(r, baseline);
}

int Main(int argc, char** argv) {
  setvbuf(stdout, nullptr, _IOLBF, 0);  // line-buffered even into a file
  Flags flags(argc, argv);
  const int64_t n = flags.GetInt("files", 1000000);
  const int64_t per_dir = flags.GetInt("per_dir", 1000);
  const int threads = static_cast<int>(flags.GetInt("threads", 32));
  const int reps = static_cast<int>(flags.GetInt("reps", 2));
  const std::string master_bin = flags.Get("master_bin", DefaultMasterBinary());
  spdlog::set_level(spdlog::level::warn);

  std::string work = flags.Get("work", "");
  if (work.empty()) {
    work = MakeTempDir(flags.Get("dir", "/tmp"), "alluxio-replay-bench");
    Generate(work, n, per_dir, threads);
  }
  std::printf("# work dir %s, journal %.1f MB\n", work.c_str(),
              DirBytes(work + "/journal") / 1048576.0);

  // A master on an empty journal: the fixed part of the process's RSS.
  {
    std::string empty = MakeTempDir(flags.Get("dir", "/tmp"), "alluxio-replay-empty");
    ExternalMaster em(master_bin, empty);
    em.Format();
    double s = em.Start({});
    std::printf("# alluxio-master on an empty journal: serving after %.3f s, VmRSS %.1f MB\n", s,
                RssKb(em.pid()) / 1024.0);
    em.Stop();
    RemoveTree(empty);
  }
  PrintHeader();
  MeasureRestarts(work, "log", reps, master_bin);

  if (!flags.GetBool("skip_checkpoint")) {
    journal::LocalJournal journal(JournalOptions(work));
    auto m = master::FileSystemMaster::Create(MasterOptions(work), &journal);
    CheckOk(m.status(), "master");
    CheckOk(journal.Start(m->get()), "replay");
    CheckOk((*m)->Initialize(), "initialize");
    auto t0 = Clock::now();
    CheckOk(journal.Checkpoint(), "checkpoint");
    double s = SecondsSince(t0);
    (*m)->Stop();
    CheckOk(journal.Stop(), "journal stop");
    std::printf("# checkpoint of %zu inodes written in %.3f s; journal now %.1f MB\n",
                (*m)->inode_count(), s, DirBytes(work + "/journal") / 1048576.0);
    MeasureRestarts(work, "ckpt", reps, master_bin);
  }
  if (!flags.GetBool("keep") && flags.Get("work", "").empty()) RemoveTree(work);
  return 0;
}

}  // namespace
}  // namespace alluxio::bench

int main(int argc, char** argv) { return alluxio::bench::Main(argc, argv); }
