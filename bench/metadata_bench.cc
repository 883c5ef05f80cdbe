// SPDX-License-Identifier: Apache-2.0
// metadata_bench: master metadata throughput through the real client API, with N client threads,
// each figure also as a ratio to an empty unary gRPC call measured in the same run with the same
// thread count.
//
// By default the master is a separate alluxio-master PROCESS (build/bin/alluxio-master, started
// here with -D options on a temp work dir whose journal is on --dir, fsync'd for real); the
// clients run in this process and share one client::FileSystem (one channel), as the API
// recommends. --inprocess uses the in-process MiniCluster instead (the master then shares this
// process, its allocator and its CPU accounting with the clients).
//
// Operations (one "op" each):
//   empty        ServiceVersionClientService.getServiceVersion on a raw stub of the same channel
//                kind, with the same per-call ClientContext the client library sets (user
//                metadata + deadline). The baseline.
//   getStatus    FileSystem::GetStatus of a random one of 1,000 files (/gs/dNN/fNNN).
//   getStatusRaw FileSystemMasterClientService.GetStatus on a raw stub (no client library).
//   ls10         FileSystem::ListStatus of a random one of 10 directories of 10 files.
//   ls10k        FileSystem::ListStatus of one directory of 10,000 files.
//   create       FileSystem::CreateFile + CompleteFile of a new file (journaled, fsync'd).
//   mkdir        FileSystem::CreateDirectory of a new directory (journaled, fsync'd).
//   rename       FileSystem::Rename of a file made by `create`, within its directory.
//   delete       FileSystem::Delete of a file made by `create`.
// Each thread works in its own directory for the mutating ops. rename and delete consume the
// files `create` made in the same thread-count round and stop when a thread runs out.
//
// Usage: metadata_bench [--threads=1,4,16,64] [--seconds=2] [--ops=...] [--dir=/tmp]
//                       [--inprocess] [--persist] [--master_bin=PATH] [--keep] [--print_times]
//                       [--journal=UFS|EMBEDDED] [--driver=sync|async] [--async_threads=1]
// --print_times adds "# cell THREADS OP START END OPS" lines (CLOCK_MONOTONIC seconds) to match
// cells with `perf record -k CLOCK_MONOTONIC` traces of the master.
// Creates and mkdirs send persist=false (Alluxio's default write type ASYNC_THROUGH persists
// later, not at create) unless --persist.
// Prints one table row per (threads, op).
//
// --driver=async replaces the N client threads by N calls kept in flight by --async_threads (1)
// threads on gRPC's completion-queue API, with the same requests the client library sends (one
// channel). It stands for many remote clients: on this 2-vCPU machine the load generator shares
// the cores with the master, and the sync client library spends ~20 µs of CPU per call in
// thread hand-offs; the async driver spends less, so more of the machine goes to the master.
// Only empty, getStatus, create and mkdir run with it.
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <grpcpp/grpcpp.h>

#include "alluxio/grpc/file_system_master.grpc.pb.h"
#include "bench/bench_util.h"
#include "client/api/file_system.h"
#include "common/conf/configuration.h"
#include "rpc/channel.h"
#include "rpc/grpc_status.h"
#include "tests/minicluster/mini_cluster.h"

namespace alluxio::bench {
namespace {

constexpr int kCallTimeoutMs = 120000;  // as the client library

void PrepareContext(::grpc::ClientContext* ctx, const std::string& user) {
  ctx->AddMetadata(rpc::kUserMetadataKey, user);
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(kCallTimeoutMs));
}

// Runs fn(i) for i in [0, n) on `threads` threads; dies on the first error.
void ParallelFor(int threads, int64_t n, const std::function<Status(int64_t)>& fn) {
  std::atomic<int64_t> next{0};
  std::mutex mu;
  Status first;
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&] {
      for (int64_t i = next++; i < n; i = next++) {
        Status s = fn(i);
        if (!s.ok()) {
          std::lock_guard<std::mutex> l(mu);
          if (first.ok()) first = s;
          return;
        }
      }
    });
  }
  for (auto& t : ts) t.join();
  CheckOk(first, "setup");
}

std::string ErrorOf(const Status& s) { return s.ToString(); }

class MetadataBench {
 public:
  MetadataBench(client::FileSystem* fs, std::shared_ptr<::grpc::Channel> raw_channel,
                std::string user, bool persist)
      : fs_(fs), channel_(std::move(raw_channel)), user_(std::move(user)) {
    file_opts_.set_persist(persist);
    dir_opts_.set_persist(persist);
    version_stub_ = grpc::version::ServiceVersionClientService::NewStub(channel_);
    fs_stub_ = grpc::file::FileSystemMasterClientService::NewStub(channel_);
  }

  void Setup() {
    auto t0 = Clock::now();
    CheckOk(fs_->CreateDirectory("/gs", dir_opts_), "mkdir /gs");
    for (int d = 0; d < 10; ++d)
      CheckOk(fs_->CreateDirectory(fmt::format("/gs/d{:02}", d), dir_opts_), "mkdir");
    ParallelFor(16, 1000, [&](int64_t i) {
      std::string p = fmt::format("/gs/d{:02}/f{:03}", i / 100, i % 100);
      RETURN_IF_ERROR(fs_->CreateFile(p, file_opts_).status());
      return fs_->CompleteFile(p);
    });
    CheckOk(fs_->CreateDirectory("/ls10", dir_opts_), "mkdir /ls10");
    for (int d = 0; d < 10; ++d)
      CheckOk(fs_->CreateDirectory(fmt::format("/ls10/d{}", d), dir_opts_), "mkdir");
    ParallelFor(16, 100, [&](int64_t i) {
      std::string p = fmt::format("/ls10/d{}/f{}", i / 10, i % 10);
      RETURN_IF_ERROR(fs_->CreateFile(p, file_opts_).status());
      return fs_->CompleteFile(p);
    });
    CheckOk(fs_->CreateDirectory("/ls10k", dir_opts_), "mkdir /ls10k");
    ParallelFor(32, 10000, [&](int64_t i) {
      std::string p = fmt::format("/ls10k/f{:05}", i);
      RETURN_IF_ERROR(fs_->CreateFile(p, file_opts_).status());
      return fs_->CompleteFile(p);
    });
    CheckOk(fs_->CreateDirectory("/w", dir_opts_), "mkdir /w");
    std::printf("# setup: 1,000 + 100 + 10,000 files in %.1f s\n", SecondsSince(t0));
  }

  // Prepares the per-thread directories for a round with `threads` threads.
  void StartRound(int threads) {
    round_ = threads;
    for (int t = 0; t < threads; ++t) {
      CheckOk(fs_->CreateDirectory(fmt::format("/w/T{}/c{}", threads, t),
                                   [&] {
                                     client::fsopts::CreateDirectoryPOptions o = dir_opts_;
                                     o.set_recursive(true);
                                     return o;
                                   }()),
              "mkdir round dir");
      CheckOk(fs_->CreateDirectory(fmt::format("/w/T{}/m{}", threads, t), dir_opts_),
              "mkdir round dir");
    }
    created_.assign(threads, 0);
    renamed_.assign(threads, 0);
  }

  RunResult Run(const std::string& op, int threads, double seconds) {
    if (op == "empty") {
      return RunClosedLoop(threads, seconds, [&](OpThread&, std::string* err) {
        ::grpc::ClientContext ctx;
        PrepareContext(&ctx, user_);
        grpc::version::GetServiceVersionPRequest req;
        req.set_service_type(grpc::version::FILE_SYSTEM_MASTER_CLIENT_SERVICE);
        grpc::version::GetServiceVersionPResponse resp;
        ::grpc::Status s = version_stub_->getServiceVersion(&ctx, req, &resp);
        if (!s.ok()) *err = s.error_message();
        return s.ok() ? OpOutcome::kOk : OpOutcome::kError;
      });
    }
    if (op == "getStatus") {
      return RunClosedLoop(threads, seconds, [&](OpThread& t, std::string* err) {
        uint64_t k = t.Next() % 1000;
        auto r = fs_->GetStatus(fmt::format("/gs/d{:02}/f{:03}", k / 100, k % 100));
        if (!r.ok()) *err = ErrorOf(r.status());
        return r.ok() ? OpOutcome::kOk : OpOutcome::kError;
      });
    }
    if (op == "getStatusRaw") {
      return RunClosedLoop(threads, seconds, [&](OpThread& t, std::string* err) {
        uint64_t k = t.Next() % 1000;
        ::grpc::ClientContext ctx;
        PrepareContext(&ctx, user_);
        grpc::file::GetStatusPRequest req;
        req.set_path(fmt::format("/gs/d{:02}/f{:03}", k / 100, k % 100));
        req.mutable_options()->mutable_common_options()->set_sync_interval_ms(-1);
        req.mutable_options()->set_load_metadata_type(::alluxio::grpc::ONCE);
        grpc::file::GetStatusPResponse resp;
        ::grpc::Status s = fs_stub_->GetStatus(&ctx, req, &resp);
        if (!s.ok()) *err = s.error_message();
        return s.ok() ? OpOutcome::kOk : OpOutcome::kError;
      });
    }
    if (op == "ls10" || op == "ls10k") {
      const bool big = op == "ls10k";
      return RunClosedLoop(threads, seconds, [&, big](OpThread& t, std::string* err) {
        std::string p = big ? "/ls10k" : fmt::format("/ls10/d{}", t.Next() % 10);
        auto r = fs_->ListStatus(p);
        if (!r.ok()) {
          *err = ErrorOf(r.status());
          return OpOutcome::kError;
        }
        if (r->size() != (big ? 10000u : 10u)) {
          *err = fmt::format("listed {} entries", r->size());
          return OpOutcome::kError;
        }
        return OpOutcome::kOk;
      });
    }
    if (op == "create") {
      return RunClosedLoop(threads, seconds, [&](OpThread& t, std::string* err) {
        std::string p = fmt::format("/w/T{}/c{}/f{}", round_, t.tid, t.i);
        auto r = fs_->CreateFile(p, file_opts_);
        Status s = r.ok() ? fs_->CompleteFile(p) : r.status();
        if (!s.ok()) {
          *err = ErrorOf(s);
          return OpOutcome::kError;
        }
        created_[t.tid] = t.i + 1;  // files f0..f(i) exist
        return OpOutcome::kOk;
      });
    }
    if (op == "mkdir") {
      return RunClosedLoop(threads, seconds, [&](OpThread& t, std::string* err) {
        Status s =
            fs_->CreateDirectory(fmt::format("/w/T{}/m{}/d{}", round_, t.tid, t.i), dir_opts_);
        if (!s.ok()) *err = ErrorOf(s);
        return s.ok() ? OpOutcome::kOk : OpOutcome::kError;
      });
    }
    if (op == "rename") {
      // Pass p renames name(p, k) to name(p + 1, k) for every file k the thread created.
      return RunClosedLoop(threads, seconds, [&](OpThread& t, std::string* err) {
        int64_t n = created_[t.tid];
        if (n == 0) return OpOutcome::kExhausted;
        int64_t k = t.i % n, pass = t.i / n;
        Status s = fs_->Rename(FileName(t.tid, pass, k), FileName(t.tid, pass + 1, k));
        if (!s.ok()) {
          *err = ErrorOf(s);
          return OpOutcome::kError;
        }
        renamed_[t.tid] = t.i + 1;
        return OpOutcome::kOk;
      });
    }
    if (op == "delete") {
      return RunClosedLoop(threads, seconds, [&](OpThread& t, std::string* err) {
        int64_t n = created_[t.tid];
        if (t.i >= n) return OpOutcome::kExhausted;
        int64_t k = t.i, m = renamed_[t.tid];
        int64_t pass = n == 0 ? 0 : m / n + (k < m % n ? 1 : 0);
        Status s = fs_->Delete(FileName(t.tid, pass, k));
        if (!s.ok()) *err = ErrorOf(s);
        return s.ok() ? OpOutcome::kOk : OpOutcome::kError;
      });
    }
    Die("unknown op " + op);
    return {};
  }

  // The ops --driver=async runs.
  static bool AsyncSupports(const std::string& op) {
    return op == "empty" || op == "getStatus" || op == "create" || op == "mkdir";
  }

  // --driver=async: `outstanding` operations kept in flight by `driver_threads` threads, each
  // polling its own completion queue; the requests are the client library's (see Run). Slot k
  // works in the directories of thread k of StartRound.
  RunResult RunAsync(const std::string& op, int outstanding, int driver_threads, double seconds) {
    if (!AsyncSupports(op)) Die("--driver=async does not run " + op);
    struct Slot {
      int id = 0;
      int64_t i = 0;  // operations this slot started
      int stage = 0;  // create: 0 CreateFile, 1 CompleteFile
      uint64_t rng = 0;
      Clock::time_point t0;
      std::unique_ptr<::grpc::ClientContext> ctx;
      ::grpc::Status status;
      grpc::version::GetServiceVersionPResponse version_resp;
      grpc::file::GetStatusPResponse status_resp;
      grpc::file::CreateFilePResponse create_resp;
      grpc::file::CompleteFilePResponse complete_resp;
      grpc::file::CreateDirectoryPResponse mkdir_resp;
      std::unique_ptr<::grpc::ClientAsyncResponseReader<grpc::version::GetServiceVersionPResponse>>
          version_call;
      std::unique_ptr<::grpc::ClientAsyncResponseReader<grpc::file::GetStatusPResponse>>
          status_call;
      std::unique_ptr<::grpc::ClientAsyncResponseReader<grpc::file::CreateFilePResponse>>
          create_call;
      std::unique_ptr<::grpc::ClientAsyncResponseReader<grpc::file::CompleteFilePResponse>>
          complete_call;
      std::unique_ptr<::grpc::ClientAsyncResponseReader<grpc::file::CreateDirectoryPResponse>>
          mkdir_call;
      uint64_t Next() {  // xorshift64*
        rng ^= rng >> 12;
        rng ^= rng << 25;
        rng ^= rng >> 27;
        return rng * 2685821657736338717ULL;
      }
    };
    std::random_device seed;
    std::vector<Slot> slots(static_cast<size_t>(outstanding));
    for (int k = 0; k < outstanding; ++k) {
      slots[k].id = k;
      slots[k].rng = (static_cast<uint64_t>(seed()) << 32 | seed()) | 1;
    }
    auto common = [](Slot& s, auto* options, bool mutating) {
      auto* c = options->mutable_common_options();
      c->set_sync_interval_ms(-1);
      if (mutating) {
        c->mutable_operation_id()->set_most_significant_bits(static_cast<int64_t>(s.Next() | 1));
        c->mutable_operation_id()->set_least_significant_bits(static_cast<int64_t>(s.Next()));
      }
    };
    // Starts a prepared call whose completion carries slot `s` as tag.
    auto launch = [](Slot& s, auto& call, auto* resp) {
      call->StartCall();
      call->Finish(resp, &s.status, &s);
    };
    // Starts the slot's current call on `cq`.
    auto start = [&](Slot& s, ::grpc::CompletionQueue* cq) {
      s.ctx = std::make_unique<::grpc::ClientContext>();
      PrepareContext(s.ctx.get(), user_);
      if (op == "empty") {
        grpc::version::GetServiceVersionPRequest req;
        req.set_service_type(grpc::version::FILE_SYSTEM_MASTER_CLIENT_SERVICE);
        s.version_call = version_stub_->PrepareAsyncgetServiceVersion(s.ctx.get(), req, cq);
        launch(s, s.version_call, &s.version_resp);
      } else if (op == "getStatus") {
        uint64_t k = s.Next() % 1000;
        grpc::file::GetStatusPRequest req;
        req.set_path(fmt::format("/gs/d{:02}/f{:03}", k / 100, k % 100));
        common(s, req.mutable_options(), false);
        req.mutable_options()->set_load_metadata_type(::alluxio::grpc::ONCE);
        s.status_call = fs_stub_->PrepareAsyncGetStatus(s.ctx.get(), req, cq);
        launch(s, s.status_call, &s.status_resp);
      } else if (op == "create" && s.stage == 0) {
        grpc::file::CreateFilePRequest req;
        req.set_path(fmt::format("/w/T{}/c{}/f{}", round_, s.id, s.i));
        *req.mutable_options() = file_opts_;
        common(s, req.mutable_options(), true);
        s.create_call = fs_stub_->PrepareAsyncCreateFile(s.ctx.get(), req, cq);
        launch(s, s.create_call, &s.create_resp);
      } else if (op == "create") {
        grpc::file::CompleteFilePRequest req;
        req.set_path(fmt::format("/w/T{}/c{}/f{}", round_, s.id, s.i));
        common(s, req.mutable_options(), true);
        s.complete_call = fs_stub_->PrepareAsyncCompleteFile(s.ctx.get(), req, cq);
        launch(s, s.complete_call, &s.complete_resp);
      } else {
        grpc::file::CreateDirectoryPRequest req;
        req.set_path(fmt::format("/w/T{}/m{}/d{}", round_, s.id, s.i));
        *req.mutable_options() = dir_opts_;
        common(s, req.mutable_options(), true);
        s.mkdir_call = fs_stub_->PrepareAsyncCreateDirectory(s.ctx.get(), req, cq);
        launch(s, s.mkdir_call, &s.mkdir_resp);
      }
    };

    std::atomic<bool> stop{false};
    std::vector<ThreadTally> per(static_cast<size_t>(driver_threads));
    std::vector<std::thread> ts;
    const auto t0 = Clock::now();
    for (int t = 0; t < driver_threads; ++t) {
      ts.emplace_back([&, t] {
        ThreadTally& me = per[t];
        me.lat_us.reserve(1 << 18);
        ::grpc::CompletionQueue cq;
        int inflight = 0;
        for (int k = t; k < outstanding; k += driver_threads) {
          slots[k].t0 = Clock::now();
          start(slots[k], &cq);
          ++inflight;
        }
        void* tag = nullptr;
        bool ok = false;
        while (inflight > 0 && cq.Next(&tag, &ok)) {
          Slot& s = *static_cast<Slot*>(tag);
          --inflight;
          const bool stopping = stop.load(std::memory_order_relaxed);
          if (!ok || !s.status.ok()) {
            me.Error(s.status.error_message());
          } else if (op == "create" && s.stage == 0) {
            s.stage = 1;  // the same operation goes on: CompleteFile
            start(s, &cq);
            ++inflight;
            continue;
          } else if (!stopping) {
            ++me.ops;
            me.lat_us.push_back(static_cast<float>(
                std::chrono::duration<double, std::micro>(Clock::now() - s.t0).count()));
          }
          if (stopping) continue;
          s.stage = 0;
          ++s.i;
          s.t0 = Clock::now();
          start(s, &cq);
          ++inflight;
        }
        cq.Shutdown();
        while (cq.Next(&tag, &ok)) {
        }
      });
    }
    while (SecondsSince(t0) < seconds) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    stop.store(true);
    const double elapsed = SecondsSince(t0);
    for (auto& t : ts) t.join();
    return MergeTallies(per, elapsed);
  }

 private:
  std::string FileName(int tid, int64_t pass, int64_t k) const {
    return pass == 0 ? fmt::format("/w/T{}/c{}/f{}", round_, tid, k)
                     : fmt::format("/w/T{}/c{}/r{}_{}", round_, tid, pass, k);
  }

  client::FileSystem* fs_;
  std::shared_ptr<::grpc::Channel> channel_;
  std::string user_;
  std::unique_ptr<grpc::version::ServiceVersionClientService::Stub> version_stub_;
  std::unique_ptr<grpc::file::FileSystemMasterClientService::Stub> fs_stub_;
  client::fsopts::CreateFilePOptions file_opts_;
  client::fsopts::CreateDirectoryPOptions dir_opts_;
  int round_ = 0;
  std::vector<int64_t> created_;
  std::vector<int64_t> renamed_;
};

std::string OsUser() {
  const char* u = getenv("USER");
  return u ? u : "root";
}

int Main(int argc, char** argv) {
  setvbuf(stdout, nullptr, _IOLBF, 0);  // line-buffered even into a file
  Flags flags(argc, argv);
  const std::vector<int64_t> thread_counts = flags.GetIntList("threads", "1,4,16,64");
  const double seconds = flags.GetDouble("seconds", 2);
  const std::vector<std::string> ops =
      flags.GetList("ops", "getStatus,getStatusRaw,ls10,ls10k,create,mkdir,rename,delete");
  const std::string dir = flags.Get("dir", "/tmp");
  const bool inprocess = flags.GetBool("inprocess");
  // false: like Alluxio's default write type ASYNC_THROUGH (and MUST_CACHE), nothing is written
  // to the UFS at create; true: the proto default (persist=true), which the client sends when
  // the caller sets nothing, writes directories and empty files through to the UFS.
  const bool persist = flags.GetBool("persist");
  const bool print_times = flags.GetBool("print_times");
  const std::string driver = flags.Get("driver", "sync");
  const int async_threads = static_cast<int>(flags.GetInt("async_threads", 1));
  if (driver != "sync" && driver != "async") Die("--driver must be sync or async");
  if (async_threads < 1) Die("--async_threads must be at least 1");

  std::unique_ptr<ExternalMaster> external;
  std::unique_ptr<testing::MiniCluster> mini;
  conf::Configuration conf;
  std::string address;
  std::string work_dir;
  if (inprocess) {
    testing::MiniClusterOptions mo;
    auto c = testing::MiniCluster::Start(mo);
    CheckOk(c.status(), "start minicluster");
    mini = std::move(*c);
    conf = mini->conf();
    address = "127.0.0.1:" + std::to_string(mini->master()->rpc_port());
    work_dir = mini->work_dir();
  } else {
    work_dir = MakeTempDir(dir, "alluxio-metadata-bench");
    external =
        std::make_unique<ExternalMaster>(flags.Get("master_bin", DefaultMasterBinary()), work_dir);
    external->Format();
    // --journal=UFS|EMBEDDED (default: the master's default); EMBEDDED runs a one-node quorum.
    std::map<std::string, std::string> props;
    if (!flags.Get("journal", "").empty()) {
      props["alluxio.master.journal.type"] = flags.Get("journal", "");
      props["alluxio.master.embedded.journal.port"] = std::to_string(PickFreePort());
    }
    double start_s = external->Start(props);
    std::printf("# alluxio-master pid %d on %s, work dir %s, started in %.3f s\n", external->pid(),
                external->address().c_str(), work_dir.c_str(), start_s);
    address = external->address();
    CheckOk(conf.Set(conf::keys::kMasterHostname, "127.0.0.1"), "conf");
    CheckOk(conf.Set(conf::keys::kMasterRpcPort, std::to_string(external->port())), "conf");
  }
  auto fs = client::FileSystem::Create(conf);
  CheckOk(fs.status(), "client");
  // The raw stubs use a channel made exactly like the client library's (rpc::CreateChannel).
  MetadataBench bench(fs->get(), rpc::CreateChannel(address), OsUser(), persist);
  bench.Setup();

  std::printf("# master: %s; journal and UFS under %s; %.1f s per cell; persist=%s\n",
              inprocess ? "in-process MiniCluster" : "separate alluxio-master process",
              work_dir.c_str(), seconds, persist ? "true" : "false");
  if (driver == "async") {
    std::printf("# driver: async, THREADS calls in flight on %d completion-queue thread(s)\n",
                async_threads);
  }
  // srv_us/op and cli_us/op: CPU time (user + system) of the master process and of this client
  // process per operation during the cell (in-process: the master's share is in cli_us/op).
  // others: share of the machine's CPUs used by other processes meanwhile (noise indicator).
  std::printf("%-8s %-13s %10s %8s %8s %9s %9s %9s %7s %11s %7s %s\n", "threads", "op", "ops/s",
              "p50_us", "p99_us", "ops", "srv_us/op", "cli_us/op", "others", "empty_ops/s", "ratio",
              "errors");
  for (int64_t th : thread_counts) {
    int threads = static_cast<int>(th);
    bench.StartRound(threads);
    const pid_t master_pid = external ? external->pid() : 0;
    auto measured = [&](const std::string& op) {
      const double srv0 = master_pid ? ProcessCpuSeconds(master_pid) : 0;
      const double cli0 = ProcessCpuSeconds();
      const double busy0 = SystemBusySeconds();
      const double mono0 = std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
      RunResult r = driver == "async" ? bench.RunAsync(op, threads, async_threads, seconds)
                                      : bench.Run(op, threads, seconds);
      if (print_times) {
        // CLOCK_MONOTONIC seconds, to line cells up with `perf record -k CLOCK_MONOTONIC`.
        std::printf("# cell %d %s %.6f %.6f %" PRId64 "\n", threads, op.c_str(), mono0,
                    std::chrono::duration<double>(Clock::now().time_since_epoch()).count(), r.ops);
      }
      r.server_cpu_s = master_pid ? ProcessCpuSeconds(master_pid) - srv0 : 0;
      r.client_cpu_s = ProcessCpuSeconds() - cli0;
      r.machine_busy_s = SystemBusySeconds() - busy0;
      return r;
    };
    RunResult e1 = measured("empty");
    std::vector<std::pair<std::string, RunResult>> rows;
    for (const std::string& op : ops) {
      if (driver == "async" && !MetadataBench::AsyncSupports(op)) continue;
      rows.emplace_back(op, measured(op));
    }
    RunResult e2 = measured("empty");
    const double empty = (e1.rate() + e2.rate()) / 2;
    auto print = [&](const std::string& op, const RunResult& r) {
      const double n = r.ops > 0 ? static_cast<double>(r.ops) : 1;
      // Share of the machine's CPUs that other processes used during the cell.
      const double others = (r.machine_busy_s - r.server_cpu_s - r.client_cpu_s) /
                            (r.seconds * static_cast<double>(std::thread::hardware_concurrency()));
      std::printf("%-8d %-13s %10.0f %8.0f %8.0f %9" PRId64
                  " %9.1f %9.1f %7.2f %11.0f %7.3f %" PRId64 "%s%s\n",
                  threads, op.c_str(), r.rate(), r.p50_us, r.p99_us, r.ops,
                  r.server_cpu_s * 1e6 / n, r.client_cpu_s * 1e6 / n, std::max(0.0, others), empty,
                  empty > 0 ? r.rate() / empty : 0, r.errors, r.errors ? " first: " : "",
                  r.first_error.c_str());
    };
    print("empty(pre)", e1);
    for (auto& [op, r] : rows) print(op, r);
    print("empty(post)", e2);
    std::fflush(stdout);
  }
  if (external) {
    std::printf("# master VmRSS at the end: %" PRId64 " kB, VmHWM %" PRId64 " kB\n",
                RssKb(external->pid()), ProcStatusKb(external->pid(), "VmHWM"));
    external->Stop();
    if (!flags.GetBool("keep")) RemoveTree(work_dir);
  }
  return 0;
}

}  // namespace
}  // namespace alluxio::bench

int main(int argc, char** argv) { return alluxio::bench::Main(argc, argv); }
