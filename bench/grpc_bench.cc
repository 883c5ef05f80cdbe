// SPDX-License-Identifier: Apache-2.0
// grpc_bench: the empty unary gRPC call on this machine, and how the server's threading model
// changes it. A quick experiment behind the metadata_bench findings, not a test of our code.
//
// A server PROCESS (this binary re-executed with --serve=MODE) serves our own trivial
// ServiceVersionClientService (getServiceVersion returns 2, nothing else) on 127.0.0.1:
//   sync          rpc::RpcServer, i.e. exactly the master's server configuration (synchronous
//                 service, gRPC's default sync-server thread manager: min 1, max 2 pollers)
//   sync_pollers  the same with SetSyncServerOption MIN_POLLERS=--min_pollers (default 4) and
//                 MAX_POLLERS=--max_pollers (default 128), so threads are not created and
//                 destroyed around every burst of calls
//   callback      the callback API (CallbackService + ServerUnaryReactor): no thread hand-off
// Clients run here: --threads threads share one channel made by rpc::CreateChannel (as the
// client library does) and call a sync stub in a closed loop with the client library's per-call
// ClientContext (user metadata + deadline). Each row also gives the CPU time per call of the
// server process and of this (client) process, and the rate as a ratio to `sync` at the same
// thread count.
//
// --handler_wait_us=N makes every call wait for an emulated group commit (FakeGroupCommit: a
// thread that completes everything pending every N us): sync handlers block like master
// operations in WaitForDurable; callback handlers return and are finished by that thread.
//
// Usage: grpc_bench [--modes=sync,sync_pollers,callback] [--threads=1,4,16,64] [--seconds=2]
//                   [--channels=1]   (--channels=0: one channel per client thread)
//                   [--handler_wait_us=0] [--min_pollers=4] [--max_pollers=128]
#include <sys/resource.h>

#include <cinttypes>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "alluxio/grpc/file_system_master.grpc.pb.h"
#include "alluxio/grpc/version.grpc.pb.h"
#include "bench/bench_util.h"
#include "rpc/channel.h"
#include "rpc/grpc_status.h"
#include "rpc/server.h"

namespace alluxio::bench {
namespace {

using VersionService = grpc::version::ServiceVersionClientService;

// Emulates a journal's group commit for --handler_wait_us > 0: a "flusher" thread completes, every
// wait_us, every operation that arrived before the tick (as an fsync'd batch would). Sync handlers
// block until then (as FileSystemMaster ops block in WaitForDurable); callback handlers hand their
// reactor over and return, and the flusher finishes them.
// Thread-safety: thread-safe.
class FakeGroupCommit {
 public:
  explicit FakeGroupCommit(int wait_us) : wait_us_(wait_us) {
    if (wait_us_ > 0) ticker_ = std::thread([this] { Loop(); });
  }
  ~FakeGroupCommit() {
    {
      std::lock_guard<std::mutex> l(mu_);
      stop_ = true;
    }
    if (ticker_.joinable()) ticker_.join();
  }
  bool enabled() const { return wait_us_ > 0; }
  void Wait() {
    std::unique_lock<std::mutex> l(mu_);
    const uint64_t e = epoch_;
    cv_.wait(l, [&] { return epoch_ > e || stop_; });
  }
  void Defer(::grpc::ServerUnaryReactor* r) {
    std::lock_guard<std::mutex> l(mu_);
    pending_.push_back(r);
  }

 private:
  void Loop() {
    while (true) {
      std::this_thread::sleep_for(std::chrono::microseconds(wait_us_));
      std::vector<::grpc::ServerUnaryReactor*> done;
      {
        std::lock_guard<std::mutex> l(mu_);
        if (stop_) return;
        ++epoch_;
        done.swap(pending_);
      }
      cv_.notify_all();
      for (auto* r : done) r->Finish(::grpc::Status::OK);
    }
  }
  const int wait_us_;
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t epoch_ = 0;                                // GUARDED_BY(mu_)
  bool stop_ = false;                                 // GUARDED_BY(mu_)
  std::vector<::grpc::ServerUnaryReactor*> pending_;  // GUARDED_BY(mu_)
  std::thread ticker_;
};

class SyncVersionService final : public VersionService::Service {
 public:
  explicit SyncVersionService(FakeGroupCommit* commit) : commit_(commit) {}
  ::grpc::Status getServiceVersion(::grpc::ServerContext*,
                                   const grpc::version::GetServiceVersionPRequest*,
                                   grpc::version::GetServiceVersionPResponse* resp) override {
    resp->set_version(2);
    if (commit_->enabled()) commit_->Wait();
    return ::grpc::Status::OK;
  }

 private:
  FakeGroupCommit* const commit_;
};

class CallbackVersionService final : public VersionService::CallbackService {
 public:
  explicit CallbackVersionService(FakeGroupCommit* commit) : commit_(commit) {}
  ::grpc::ServerUnaryReactor* getServiceVersion(
      ::grpc::CallbackServerContext* ctx, const grpc::version::GetServiceVersionPRequest*,
      grpc::version::GetServiceVersionPResponse* resp) override {
    resp->set_version(2);
    ::grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    if (commit_->enabled()) {
      commit_->Defer(reactor);
    } else {
      reactor->Finish(::grpc::Status::OK);
    }
    return reactor;
  }

 private:
  FakeGroupCommit* const commit_;
};

// The server process: serves until SIGTERM.
int Serve(const std::string& mode, int port, int min_pollers, int max_pollers, int wait_us) {
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
  FakeGroupCommit commit(wait_us);
  SyncVersionService sync_service(&commit);
  CallbackVersionService callback_service(&commit);
  std::unique_ptr<rpc::RpcServer> rpc_server;
  std::unique_ptr<::grpc::Server> server;
  if (mode == "sync") {
    auto s = rpc::RpcServer::Start("127.0.0.1", port, {&sync_service});
    CheckOk(s.status(), "server");
    rpc_server = std::move(*s);
  } else {
    ::grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:" + std::to_string(port),
                             ::grpc::InsecureServerCredentials());
    builder.SetMaxReceiveMessageSize(rpc::kMaxMessageBytes);
    builder.SetMaxSendMessageSize(rpc::kMaxMessageBytes);
    builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    if (mode == "sync_pollers") {
      builder.SetSyncServerOption(::grpc::ServerBuilder::MIN_POLLERS, min_pollers);
      builder.SetSyncServerOption(::grpc::ServerBuilder::MAX_POLLERS, max_pollers);
      builder.RegisterService(&sync_service);
    } else if (mode == "callback") {
      builder.RegisterService(&callback_service);
    } else {
      Die("unknown mode " + mode);
    }
    server = builder.BuildAndStart();
    if (!server) Die("server did not start");
  }
  int sig = 0;
  sigwait(&sigs, &sig);
  if (rpc_server) rpc_server->Shutdown(0);
  if (server) server->Shutdown(std::chrono::system_clock::now());
  return 0;
}

pid_t SpawnServer(const std::string& mode, int port, const Flags& flags) {
  std::vector<std::string> args = {"/proc/self/exe",
                                   "--serve=" + mode,
                                   "--port=" + std::to_string(port),
                                   "--min_pollers=" + flags.Get("min_pollers", "4"),
                                   "--max_pollers=" + flags.Get("max_pollers", "128"),
                                   "--handler_wait_us=" + flags.Get("handler_wait_us", "0")};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (char** e = environ; *e != nullptr; ++e) envp.push_back(*e);
  envp.push_back(nullptr);
  const pid_t pid = SpawnTiedToThisThread("/proc/self/exe", argv, envp, "");
  auto t0 = Clock::now();
  while (!PingMaster(rpc::CreateChannel("127.0.0.1:" + std::to_string(port)), 200)) {
    if (SecondsSince(t0) > 30) Die("server " + mode + " did not start");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return pid;
}

// Nanoseconds per call of fn, best of 5 runs of `iters`.
template <typename Fn>
double NsPerCall(int iters, Fn fn) {
  double best = 1e18;
  for (int r = 0; r < 5; ++r) {
    auto t0 = Clock::now();
    for (int i = 0; i < iters; ++i) fn();
    best = std::min(best, SecondsSince(t0) * 1e9 / iters);
  }
  return best;
}

// Per-call work the client library (src/rpc/master_client.cc, file_system.cc) does besides
// the RPC itself, timed here in isolation.
std::vector<std::pair<std::string, double>> ClientMicroCosts(const std::string& address) {
  std::vector<std::pair<std::string, double>> out;
  volatile uint64_t sink = 0;
  out.emplace_back("std::mt19937_64 rng(std::random_device{}())", NsPerCall(20000, [&] {
                     std::mt19937_64 rng(std::random_device{}());
                     sink = sink + rng();
                   }));
  out.emplace_back("std::random_device{}() alone",
                   NsPerCall(20000, [&] { sink = sink + std::random_device{}(); }));
  std::mt19937_64 seeded(42);
  out.emplace_back("std::mt19937_64 seeding alone", NsPerCall(20000, [&] {
                     seeded.seed(sink);
                     sink = sink + seeded();
                   }));
  auto channel = rpc::CreateChannel(address);
  out.emplace_back("FileSystemMasterClientService::NewStub", NsPerCall(20000, [&] {
                     auto stub = grpc::file::FileSystemMasterClientService::NewStub(channel);
                     sink = sink + reinterpret_cast<uintptr_t>(stub.get());
                   }));
  return out;
}

double SelfCpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

int Main(int argc, char** argv) {
  setvbuf(stdout, nullptr, _IOLBF, 0);  // line-buffered even into a file
  Flags flags(argc, argv);
  if (!flags.Get("serve", "").empty()) {
    return Serve(flags.Get("serve", ""), static_cast<int>(flags.GetInt("port", 0)),
                 static_cast<int>(flags.GetInt("min_pollers", 4)),
                 static_cast<int>(flags.GetInt("max_pollers", 128)),
                 static_cast<int>(flags.GetInt("handler_wait_us", 0)));
  }
  const std::vector<std::string> modes = flags.GetList("modes", "sync,sync_pollers,callback");
  const std::vector<int64_t> thread_counts = flags.GetIntList("threads", "1,4,16,64");
  const double seconds = flags.GetDouble("seconds", 2);
  const int channels = static_cast<int>(flags.GetInt("channels", 1));
  std::printf(
      "# empty unary call: our own trivial ServiceVersion service in a separate process; "
      "%s; %.1f s per cell; handler waits for an emulated group commit every %" PRId64 " us\n",
      channels == 1 ? "all client threads share one channel" : "one channel per thread", seconds,
      flags.GetInt("handler_wait_us", 0));
  std::printf("%-13s %8s %10s %8s %8s %12s %12s %9s\n", "server", "threads", "calls/s", "p50_us",
              "p99_us", "srv_cpu_us", "cli_cpu_us", "vs_sync");
  std::map<int64_t, double> sync_rate;
  std::vector<std::pair<std::string, double>> micro;
  std::string micro_mode;
  double first_client_cpu_us = 0;
  for (const std::string& mode : modes) {
    const int port = PickFreePort();
    pid_t server = SpawnServer(mode, port, flags);
    const std::string address = "127.0.0.1:" + std::to_string(port);
    for (int64_t th : thread_counts) {
      const int threads = static_cast<int>(th);
      std::vector<std::unique_ptr<VersionService::Stub>> stubs;
      for (int i = 0; i < (channels == 1 ? 1 : threads); ++i) {
        stubs.push_back(VersionService::NewStub(rpc::CreateChannel(address)));
      }
      // Connect every channel before timing.
      for (auto& stub : stubs) {
        ::grpc::ClientContext ctx;
        grpc::version::GetServiceVersionPRequest req;
        grpc::version::GetServiceVersionPResponse resp;
        if (!stub->getServiceVersion(&ctx, req, &resp).ok()) Die("warm-up call failed");
      }
      const double srv0 = ProcessCpuSeconds(server), cli0 = SelfCpuSeconds();
      RunResult r = RunClosedLoop(threads, seconds, [&](OpThread& t, std::string* err) {
        ::grpc::ClientContext ctx;
        ctx.AddMetadata(rpc::kUserMetadataKey, "root");
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
        grpc::version::GetServiceVersionPRequest req;
        req.set_service_type(grpc::version::FILE_SYSTEM_MASTER_CLIENT_SERVICE);
        grpc::version::GetServiceVersionPResponse resp;
        ::grpc::Status s =
            stubs[stubs.size() == 1 ? 0 : t.tid]->getServiceVersion(&ctx, req, &resp);
        if (!s.ok()) *err = s.error_message();
        return s.ok() ? OpOutcome::kOk : OpOutcome::kError;
      });
      const double srv_cpu = ProcessCpuSeconds(server) - srv0, cli_cpu = SelfCpuSeconds() - cli0;
      if (mode == "sync") sync_rate[th] = r.rate();
      if (mode == modes.front() && th == thread_counts.front() && r.ops > 0) {
        first_client_cpu_us = cli_cpu * 1e6 / r.ops;
      }
      const double base = sync_rate.count(th) ? sync_rate[th] : 0;
      std::printf("%-13s %8d %10.0f %8.0f %8.0f %12.1f %12.1f %9s%s\n", mode.c_str(), threads,
                  r.rate(), r.p50_us, r.p99_us, r.ops ? srv_cpu * 1e6 / r.ops : 0,
                  r.ops ? cli_cpu * 1e6 / r.ops : 0,
                  base > 0 ? (std::to_string(r.rate() / base).substr(0, 5) + "x").c_str() : "-",
                  r.errors ? (" errors: " + r.first_error).c_str() : "");
    }
    if (mode == modes.front()) {
      micro = ClientMicroCosts(address);
      micro_mode = mode;
    }
    kill(server, SIGTERM);
    int status = 0;
    waitpid(server, &status, 0);
  }
  // Baseline: the client CPU time of one empty call (first mode, 1 client thread).
  std::printf(
      "\n# client-side per-call costs (ns per call, best of 5) and as a share of the "
      "client CPU time of one empty call (%s server, %" PRId64 " thread(s): %.1f us)\n",
      micro_mode.c_str(), thread_counts.front(), first_client_cpu_us);
  for (const auto& [what, ns] : micro) {
    std::printf("%-48s %10.0f ns %8.3f\n", what.c_str(), ns,
                first_client_cpu_us > 0 ? ns / 1000 / first_client_cpu_us : 0);
  }
  return 0;
}

}  // namespace
}  // namespace alluxio::bench

int main(int argc, char** argv) { return alluxio::bench::Main(argc, argv); }
