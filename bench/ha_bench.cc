// SPDX-License-Identifier: Apache-2.0
// HA benchmark (issue 5): real alluxio-master processes with the EMBEDDED journal on 127.0.0.1.
//   1. Create rate: N client threads creating directories for S seconds against a one-master
//      quorum and against a three-master quorum (ratio = quorum / single).
//   2. Failover: three masters and one worker; a client creates directories without pause; each
//      round kills the primary with SIGKILL and measures the time to the next acknowledged create
//      and until the worker is registered with the new primary; the killed master is restarted
//      as a standby before the next round.
// Run by hand (see bench/RESULTS.md):
//   build/bin/ha_bench [--rounds=20] [--threads=16] [--seconds=3] [--election_ms=300] [--persist]
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "client/api/file_system.h"
#include "common/conf/configuration.h"
#include "tests/crash/child_process.h"

namespace alluxio {
namespace {

namespace k = conf::keys;
using Clock = std::chrono::steady_clock;
using testing::ChildProcess;

std::string Bin(const std::string& name) {
  return std::string(ALLUXIO_BINARY_DIR) + "/bin/" + name;
}

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

struct Options {
  int rounds = 20;
  int threads = 16;
  int seconds = 3;
  int election_ms = 300;
  // Persist each directory to the UFS at create (--persist). Off by default, as metadata_bench:
  // Alluxio's default write type (ASYNC_THROUGH) does not make a directory in the UFS at create,
  // and a UFS mkdir (ext4, one parent directory for every thread) costs more than the journal.
  bool persist = false;
};

// n masters (EMBEDDED) and optionally a worker, in one temp dir.
class Cluster {
 public:
  Cluster(int n, const Options& o) : dir_("alluxio-ha-bench-"), n_(n), o_(o) {
    std::filesystem::create_directories(dir_.path() + "/ufs");
    for (int i = 0; i < n; i++) {
      rpc_.push_back(testing::PickFreePort());
      raft_.push_back(testing::PickFreePort());
    }
    for (int i = 0; i < n; i++) {
      rpc_addrs_ += fmt::format("{}127.0.0.1:{}", i ? "," : "", rpc_[i]);
      raft_addrs_ += fmt::format("{}127.0.0.1:{}", i ? "," : "", raft_[i]);
    }
    masters_.resize(n);
  }

  std::vector<std::string> MasterArgs(int i) const {
    std::map<std::string, std::string> p = {
        {"alluxio.work.dir", fmt::format("{}/m{}", dir_.path(), i)},
        {"alluxio.logs.dir", fmt::format("{}/m{}/logs", dir_.path(), i)},
        {"alluxio.master.hostname", "127.0.0.1"},
        {"alluxio.master.bind.host", "127.0.0.1"},
        {"alluxio.master.rpc.port", std::to_string(rpc_[i])},
        {"alluxio.master.journal.type", "EMBEDDED"},
        {"alluxio.master.embedded.journal.port", std::to_string(raft_[i])},
        {"alluxio.master.embedded.journal.addresses", raft_addrs_},
        {"alluxio.master.embedded.journal.election.timeout.min",
         std::to_string(o_.election_ms) + "ms"},
        {"alluxio.master.embedded.journal.election.timeout.max",
         std::to_string(2 * o_.election_ms) + "ms"},
        {"alluxio.master.rpc.addresses", rpc_addrs_},
        {"alluxio.master.mount.table.root.ufs", dir_.path() + "/ufs"},
    };
    std::vector<std::string> args;
    for (const auto& [key, value] : p) args.push_back("-D" + key + "=" + value);
    return args;
  }

  void StartMaster(int i) {
    std::string journal = fmt::format("{}/m{}/journal", dir_.path(), i);
    if (!std::filesystem::exists(journal)) {
      std::vector<std::string> argv = {Bin("alluxio"), "formatJournal"};
      for (std::string& a : MasterArgs(i)) argv.push_back(std::move(a));
      testing::RunToCompletion(argv, dir_.path() + "/format.log", {});
    }
    std::vector<std::string> argv = {Bin("alluxio-master")};
    for (std::string& a : MasterArgs(i)) argv.push_back(std::move(a));
    masters_[i] =
        std::make_unique<ChildProcess>(argv, fmt::format("{}/master{}.log", dir_.path(), i));
    if (!masters_[i]->Start().ok()) std::abort();
  }

  void StartWorker() {
    std::string ram = dir_.path() + "/ram";
    std::filesystem::create_directories(ram);
    std::vector<std::string> argv = {
        Bin("alluxio-worker"),
        "-Dalluxio.work.dir=" + dir_.path() + "/w",
        "-Dalluxio.logs.dir=" + dir_.path() + "/w/logs",
        "-Dalluxio.master.rpc.addresses=" + rpc_addrs_,
        "-Dalluxio.worker.hostname=127.0.0.1",
        "-Dalluxio.worker.bind.host=127.0.0.1",
        "-Dalluxio.worker.rpc.port=" + std::to_string(testing::PickFreePort()),
        "-Dalluxio.worker.web.port=" + std::to_string(testing::PickFreePort()),
        "-Dalluxio.worker.tieredstore.levels=1",
        "-Dalluxio.worker.tieredstore.level0.alias=MEM",
        "-Dalluxio.worker.tieredstore.level0.dirs.path=" + ram,
        "-Dalluxio.worker.tieredstore.level0.dirs.quota=64MB",
        "-Dalluxio.user.rpc.retry.max.duration=60sec",
    };
    worker_ = std::make_unique<ChildProcess>(argv, dir_.path() + "/worker.log");
    if (!worker_->Start().ok()) std::abort();
  }

  std::unique_ptr<client::FileSystem> Client() const {
    conf::Configuration c;
    (void)c.Set(k::kMasterRpcAddresses, rpc_addrs_);
    (void)c.Set(k::kUserRpcRetryMaxDuration, "60sec");
    auto fs = client::FileSystem::Create(c);
    if (!fs.ok()) std::abort();
    return std::move(*fs);
  }

  // Index of the master named leader by GetMasterInfo, or -1.
  int Primary(client::FileSystem* fs) const {
    auto info = fs->GetMasterInfo();
    if (!info.ok()) return -1;
    for (int i = 0; i < n_; i++) {
      if (info->leader_master_address() == fmt::format("127.0.0.1:{}", rpc_[i])) return i;
    }
    return -1;
  }

  ChildProcess* master(int i) { return masters_[i].get(); }
  int n() const { return n_; }

 private:
  testing::TempDir dir_;
  int n_;
  Options o_;
  std::vector<int> rpc_, raft_;
  std::string rpc_addrs_, raft_addrs_;
  std::vector<std::unique_ptr<ChildProcess>> masters_;
  std::unique_ptr<ChildProcess> worker_;
};

double CreateRate(int masters, const Options& o) {
  Cluster c(masters, o);
  for (int i = 0; i < masters; i++) c.StartMaster(i);
  std::unique_ptr<client::FileSystem> fs = c.Client();
  if (!fs->CreateDirectory("/warm").ok()) std::abort();
  std::atomic<bool> stop{false};
  std::atomic<int64_t> done{0}, errors{0};
  std::vector<std::thread> threads;
  auto t0 = Clock::now();
  for (int t = 0; t < o.threads; t++) {
    threads.emplace_back([&, t] {
      client::fsopts::CreateDirectoryPOptions mk;
      mk.set_persist(o.persist);
      for (int64_t n = 0; !stop.load(); n++) {
        if (fs->CreateDirectory(fmt::format("/t{}_{}", t, n), mk).ok()) {
          done++;
        } else {
          errors++;
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(o.seconds));
  stop = true;
  for (auto& t : threads) t.join();
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("create (mkdir), %d master(s), %d threads: %.0f ops/s (%lld ops, %lld errors)\n",
              masters, o.threads, static_cast<double>(done) / secs,
              static_cast<long long>(done.load()), static_cast<long long>(errors.load()));
  return static_cast<double>(done) / secs;
}

void Failover(const Options& o) {
  Cluster c(3, o);
  for (int i = 0; i < 3; i++) c.StartMaster(i);
  std::unique_ptr<client::FileSystem> fs = c.Client();
  if (!fs->CreateDirectory("/warm").ok()) std::abort();
  c.StartWorker();
  // From the master info (its live workers), which safe mode does not hold back as it does the
  // worker report (alluxio.master.worker.connect.wait.time: clients wait for the worker list).
  auto worker_registered = [&] {
    auto info = fs->GetMasterInfo();
    return info.ok() && info->worker_addresses_size() > 0;
  };
  while (!worker_registered()) std::this_thread::sleep_for(std::chrono::milliseconds(10));

  std::mutex mu;
  // (sent, acknowledged) of every acknowledged create, in order.
  std::vector<std::pair<Clock::time_point, Clock::time_point>> acks;
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    std::unique_ptr<client::FileSystem> wfs = c.Client();
    for (int64_t n = 0; !stop.load(); n++) {
      auto sent = Clock::now();
      if (wfs->CreateDirectory(fmt::format("/f{}", n)).ok()) {
        std::lock_guard<std::mutex> l(mu);
        acks.emplace_back(sent, Clock::now());
      }
    }
  });
  std::vector<double> failover, registered;
  for (int round = 0; round < o.rounds; round++) {
    int p = -1;
    while ((p = c.Primary(fs.get())) < 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    auto t0 = Clock::now();
    c.master(p)->Signal(SIGKILL);
    Clock::time_point first_ack;
    while (true) {
      {
        // The first create sent after the kill (one acknowledged by the old primary just before
        // it died does not count).
        std::lock_guard<std::mutex> l(mu);
        auto it =
            std::find_if(acks.rbegin(), acks.rend(), [&](const auto& a) { return a.first < t0; });
        auto first_after = it.base();
        if (first_after != acks.end()) {
          first_ack = first_after->second;
          break;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    // The new primary starts with no workers: wait until the worker re-registered with it.
    while (c.Primary(fs.get()) == p || c.Primary(fs.get()) < 0 || !worker_registered()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    auto t_reg = Clock::now();
    failover.push_back(Ms(first_ack - t0));
    registered.push_back(Ms(t_reg - first_ack));
    std::printf(
        "round %2d: killed master %d; next acknowledged create after %7.1f ms; worker "
        "registered with the new primary %7.1f ms later\n",
        round, p, failover.back(), registered.back());
    std::fflush(stdout);
    c.StartMaster(p);
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // let it rejoin as a standby
  }
  stop = true;
  writer.join();
  auto summary = [](const char* what, std::vector<double> v) {
    std::sort(v.begin(), v.end());
    std::printf("%s over %zu rounds: median %.1f ms, worst %.1f ms, best %.1f ms\n", what, v.size(),
                v[v.size() / 2], v.back(), v.front());
  };
  summary("failover (kill -9 of the primary -> first create sent after it acknowledged)", failover);
  summary("worker registered with the new primary, after that create", registered);
}

}  // namespace
}  // namespace alluxio

int main(int argc, char** argv) {
  alluxio::Options o;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    auto val = [&](const char* name) -> const char* {
      std::string prefix = std::string("--") + name + "=";
      return a.rfind(prefix, 0) == 0 ? argv[i] + prefix.size() : nullptr;
    };
    if (const char* v = val("rounds")) {
      o.rounds = std::atoi(v);
    } else if (const char* v = val("threads")) {
      o.threads = std::atoi(v);
    } else if (const char* v = val("seconds")) {
      o.seconds = std::atoi(v);
    } else if (const char* v = val("election_ms")) {
      o.election_ms = std::atoi(v);
    } else if (a == "--persist") {
      o.persist = true;
    } else {
      std::fprintf(stderr,
                   "usage: ha_bench [--rounds=20] [--threads=16] [--seconds=3] [--election_ms=300] "
                   "[--persist]\n");
      return 2;
    }
  }
  double single = alluxio::CreateRate(1, o);
  double quorum = alluxio::CreateRate(3, o);
  std::printf("quorum / single master create rate: %.2f\n", quorum / single);
  alluxio::Failover(o);
  return 0;
}
