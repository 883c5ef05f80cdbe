// SPDX-License-Identifier: Apache-2.0
// Backup and restore rates of the master's namespace, and the longest stall of metadata writes
// that run during the backup (issue 4 goals: >= 1M files/s each way, no write stalled > 100 ms).
//
//   build/bin/backup_bench [--files N] [--dir /tmp/x] [--journal_dir /dev/shm/y]
//                          [--journal UFS|EMBEDDED]
//
// The namespace (N files in directories of 1000) is built by applying journal entries directly
// (fast setup), on a FileSystemMaster over an in-memory journal and a memory root UFS. The backup
// is written to a local directory (gzip level 1) while one thread creates directories; every
// mkdir's latency is recorded. The restore reads the backup into a fresh master over a real
// LocalJournal in --journal_dir (tmpfs by default, so the figure is CPU, not the disk) and
// journals it there as a checkpoint, as `alluxio-start.sh -i` does; with --journal EMBEDDED, into
// a one-node embedded (Raft) journal, the default journal type.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "env/testing/free_port.h"
#include "journal/backup/backup_format.h"
#include "journal/local/journal_layout.h"
#include "journal/local/local_journal.h"
#include "journal/memory/memory_journal.h"
#include "journal/raft/raft_journal.h"
#include "master/backup/backup_manager.h"
#include "master/file/file_system_master.h"

using namespace alluxio;  // NOLINT: a benchmark main

namespace {

double Secs(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

std::unique_ptr<master::FileSystemMaster> NewMaster(journal::Journal* j) {
  master::FileSystemMasterOptions o;
  o.root_ufs = "memory://backup_bench/";
  o.superuser = "admin";
  auto m = master::FileSystemMaster::Create(o, j);
  if (!m.ok()) std::abort();
  return std::move(*m);
}

}  // namespace

int main(int argc, char** argv) {
  int64_t files = 1'000'000;
  std::string dir = "/tmp/alluxio_backup_bench";
  std::string journal_dir = "/dev/shm/alluxio_backup_bench_journal";
  std::string journal_type = "UFS";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--files") files = std::atoll(argv[i + 1]);
    if (a == "--dir") dir = argv[i + 1];
    if (a == "--journal_dir") journal_dir = argv[i + 1];
    if (a == "--journal") journal_type = argv[i + 1];
  }
  if (journal_type != "UFS" && journal_type != "EMBEDDED") {
    fmt::print(stderr, "--journal must be UFS or EMBEDDED\n");
    return 1;
  }
  spdlog::set_level(spdlog::level::warn);
  std::filesystem::remove_all(dir);
  std::filesystem::remove_all(journal_dir);

  journal::MemoryJournal j1;
  auto m1 = NewMaster(&j1);
  if (!j1.Start(m1.get()).ok() || !m1->Initialize().ok()) return 1;
  auto t0 = std::chrono::steady_clock::now();
  // Directories /d<k> with 1000 files each, ids allocated like the master does (container ids).
  auto root = m1->GetStatus({}, "/", {});
  if (!root.ok()) return 8;
  const int64_t root_id = root->file_id();
  int64_t next_dir_id = int64_t{1 << 20} << 24;  // a container far above the root's
  int64_t container = (1 << 20) + 1;
  for (int64_t i = 0; i < files; i++) {
    if (i % 1000 == 0) {
      journal::JournalEntry d;
      auto* e = d.mutable_inode_directory();
      e->set_id(next_dir_id);
      e->set_parent_id(root_id);
      e->set_name(fmt::format("d{}", i / 1000));
      e->set_owner("admin");
      e->set_group("admin");
      e->set_mode(0755);
      e->set_creation_time_ms(1700000000000);
      Status s = m1->Apply(d);
      if (!s.ok()) {
        fmt::print("apply: {}\n", s.ToString());
        return 2;
      }
    }
    journal::JournalEntry f;
    auto* e = f.mutable_inode_file();
    e->set_id((container++) << 24);
    e->set_parent_id(next_dir_id);
    e->set_name(fmt::format("f{}", i));
    e->set_owner("admin");
    e->set_group("admin");
    e->set_mode(0644);
    e->set_creation_time_ms(1700000000000 + i);
    e->set_block_size_bytes(64 << 20);
    e->set_ttl(-1);
    e->set_completed(true);
    if (!m1->Apply(f).ok()) return 3;
    if (i % 1000 == 999) next_dir_id += 1;
  }
  journal::JournalEntry idgen;
  idgen.mutable_inode_id_generator()->set_next_container_id(container);
  if (!m1->Apply(idgen).ok()) return 4;
  fmt::print("built {} files in {:.2f} s ({} inodes)\n", files,
             Secs(std::chrono::steady_clock::now() - t0), m1->inode_count());

  // Backup, with a writer creating directories meanwhile; measure its longest operation.
  master::BackupManagerOptions bo;
  bo.root_ufs = "memory://backup_bench/";
  bo.backup_directory = dir;
  bo.hostname = "bench";
  master::BackupManager bm(m1.get(), &j1, m1->cluster_id(), bo);
  std::atomic<bool> stop{false};
  std::vector<int64_t> latencies_us;  // of every mkdir during the backup (writer thread only)
  latencies_us.reserve(1 << 22);
  // When the slow ones (over 20 ms) started, relative to the backup's start, and how long.
  std::vector<std::pair<double, double>> slow_ms;
  const auto backup_start = std::chrono::steady_clock::now();
  std::thread writer([&] {
    grpc::file::CreateDirectoryPOptions o;
    o.set_recursive(true);
    for (int64_t i = 0; !stop.load(); i++) {
      auto s = std::chrono::steady_clock::now();
      if (!m1->CreateDirectory({}, fmt::format("/w/d{}", i), o).ok()) std::abort();
      int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::steady_clock::now() - s)
                       .count();
      latencies_us.push_back(us);
      if (us > 20'000) slow_ms.emplace_back(Secs(s - backup_start) * 1e3, us / 1e3);
    }
  });
  master::BackupRequest req;
  req.run_async = false;
  req.local = true;
  auto t1 = std::chrono::steady_clock::now();
  auto st = bm.Backup(req);
  auto t2 = std::chrono::steady_clock::now();
  stop = true;
  writer.join();
  bm.Stop();
  if (!st.ok() || st->state != master::BackupState::kCompleted) {
    fmt::print("backup failed: {}\n", st.ok() ? st->error.ToString() : st.status().ToString());
    return 5;
  }
  std::string path = st->uri.substr(7);
  double backup_s = Secs(t2 - t1);
  std::sort(latencies_us.begin(), latencies_us.end());
  auto over_ms = [&](int64_t ms) {
    return latencies_us.end() -
           std::upper_bound(latencies_us.begin(), latencies_us.end(), ms * 1000);
  };
  const size_t nlat = latencies_us.size();
  fmt::print(
      "backup:  {} entries in {:.2f} s = {:.2f} M entries/s, {:.1f} MB on disk; {} concurrent "
      "mkdirs, longest {:.1f} ms (p99.9 {:.2f} ms; {} over 10 ms, {} over 100 ms)\n",
      st->entry_count, backup_s, st->entry_count / backup_s / 1e6,
      std::filesystem::file_size(path) / 1e6, nlat, nlat ? latencies_us.back() / 1000.0 : 0.0,
      nlat ? latencies_us[nlat * 999 / 1000] / 1000.0 : 0.0, over_ms(10), over_ms(100));
  for (auto [at, ms] : slow_ms) fmt::print("         mkdir of {:.1f} ms at +{:.0f} ms\n", ms, at);

  std::unique_ptr<journal::Journal> j2;
  if (journal_type == "UFS") {
    if (!journal::FormatLocalJournal(env::Env::Default(), journal_dir).ok()) return 6;
    journal::LocalJournalOptions jo;
    jo.folder = journal_dir;
    j2 = std::make_unique<journal::LocalJournal>(jo);
  } else {
    std::filesystem::create_directories(journal_dir);
    journal::RaftJournalOptions ro;
    ro.folder = journal_dir;
    ro.local_address = "127.0.0.1:" + std::to_string(env::testing::PickFreePort());
    ro.addresses = {ro.local_address};
    j2 = std::make_unique<journal::RaftJournal>(ro);
  }
  auto m2 = NewMaster(j2.get());
  if (!j2->Start(m2.get()).ok()) return 6;
  if (auto* raft = dynamic_cast<journal::RaftJournal*>(j2.get())) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!raft->IsPrimary()) {
      if (std::chrono::steady_clock::now() > deadline) return 6;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  spdlog::set_level(spdlog::level::info);  // the restore logs its two phases
  auto t3 = std::chrono::steady_clock::now();
  auto n = master::RestoreFromBackup(st->uri, bo.root_ufs, {}, m2.get(), j2.get());
  auto t4 = std::chrono::steady_clock::now();
  spdlog::set_level(spdlog::level::warn);
  if (!n.ok()) {
    fmt::print("restore failed: {}\n", n.status().ToString());
    return 7;
  }
  double restore_s = Secs(t4 - t3);
  // Baseline: reading and verifying the same backup (gunzip, checksums, parse), nothing applied.
  auto file = env::Env::Default()->NewSequentialFile(path);
  if (!file.ok()) return 7;
  auto t5 = std::chrono::steady_clock::now();
  if (!journal::ReadBackup(file->get(), path, nullptr, nullptr).ok()) return 7;
  double verify_s = Secs(std::chrono::steady_clock::now() - t5);
  fmt::print(
      "restore: {} entries in {:.2f} s = {:.2f} M entries/s ({} inodes, {} journal); "
      "verify-only read of the backup {:.2f} s, ratio {:.2f}\n",
      *n, restore_s, *n / restore_s / 1e6, m2->inode_count(), journal_type, verify_s,
      verify_s / restore_s);
  if (!j2->Stop().ok()) return 9;
  std::filesystem::remove_all(dir);
  std::filesystem::remove_all(journal_dir);
  return 0;
}
