// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the benchmarks in bench/: flag parsing, resident-memory readings, a launcher
// for a real alluxio-master process (started with -D options on a temp work dir), a closed-loop
// multi-threaded driver, and latency percentiles. Benchmarks are run by hand (never by CI); see
// bench/RESULTS.md for how and for the figures.
// Thread-safety: RunClosedLoop is called from one thread and runs `op` on `threads` threads;
// everything else is confined to the calling thread.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "alluxio/grpc/version.grpc.pb.h"
#include "env/env.h"
#include "journal/local/journal_layout.h"
#include "rpc/channel.h"

extern char** environ;

namespace alluxio::bench {

using Clock = std::chrono::steady_clock;

inline double SecondsSince(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// --key=value flags; a bare --key means "true".
class Flags {
 public:
  Flags(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      if (a.rfind("--", 0) != 0) {
        std::fprintf(stderr, "unexpected argument %s\n", a.c_str());
        std::exit(2);
      }
      size_t eq = a.find('=');
      if (eq == std::string::npos) {
        values_[a.substr(2)] = "true";
      } else {
        values_[a.substr(2, eq - 2)] = a.substr(eq + 1);
      }
    }
  }
  std::string Get(const std::string& k, const std::string& def) const {
    auto it = values_.find(k);
    return it == values_.end() ? def : it->second;
  }
  int64_t GetInt(const std::string& k, int64_t def) const {
    auto it = values_.find(k);
    return it == values_.end() ? def : std::stoll(it->second);
  }
  double GetDouble(const std::string& k, double def) const {
    auto it = values_.find(k);
    return it == values_.end() ? def : std::stod(it->second);
  }
  bool GetBool(const std::string& k) const {
    auto it = values_.find(k);
    return it != values_.end() && it->second != "false" && it->second != "0";
  }
  std::vector<int64_t> GetIntList(const std::string& k, const std::string& def) const {
    std::vector<int64_t> out;
    std::string s = Get(k, def);
    size_t pos = 0;
    while (pos <= s.size()) {
      size_t comma = s.find(',', pos);
      if (comma == std::string::npos) comma = s.size();
      if (comma > pos) out.push_back(std::stoll(s.substr(pos, comma - pos)));
      pos = comma + 1;
    }
    return out;
  }
  std::vector<std::string> GetList(const std::string& k, const std::string& def) const {
    std::vector<std::string> out;
    std::string s = Get(k, def);
    size_t pos = 0;
    while (pos <= s.size()) {
      size_t comma = s.find(',', pos);
      if (comma == std::string::npos) comma = s.size();
      if (comma > pos) out.push_back(s.substr(pos, comma - pos));
      pos = comma + 1;
    }
    return out;
  }

 private:
  std::map<std::string, std::string> values_;
};

// CPU seconds all processes of the machine were busy so far (/proc/stat: user + nice + system +
// irq + softirq + steal, over all CPUs). With ProcessCpuSeconds it tells how much of the machine
// other processes (other engineers' builds and tests) took during a measurement.
inline double SystemBusySeconds() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal;
  return (user + nice + system + irq + softirq + steal) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// A value from /proc/<pid>/status in kB ("VmRSS", "VmHWM"); pid 0 is this process. -1 if absent.
inline int64_t ProcStatusKb(pid_t pid, const std::string& field) {
  std::ifstream in(pid == 0 ? std::string("/proc/self/status")
                            : "/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::atoll(line.c_str() + field.size() + 1);
  }
  return -1;
}
inline int64_t RssKb(pid_t pid = 0) { return ProcStatusKb(pid, "VmRSS"); }

// CPU seconds (user + system) a process has used so far, including its exited threads
// (/proc/<pid>/stat utime + stime); pid 0 is this process.
inline double ProcessCpuSeconds(pid_t pid = 0) {
  std::ifstream in(pid == 0 ? std::string("/proc/self/stat")
                            : "/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t close_paren = stat.rfind(')');
  if (close_paren == std::string::npos) return 0;
  // Fields after the command: state(3) ... utime(14) stime(15).
  std::vector<std::string> fields;
  size_t pos = close_paren + 2;
  while (pos < stat.size() && fields.size() < 13) {
    size_t sp = stat.find(' ', pos);
    if (sp == std::string::npos) sp = stat.size();
    fields.push_back(stat.substr(pos, sp - pos));
    pos = sp + 1;
  }
  if (fields.size() < 13) return 0;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  return (std::stod(fields[11]) + std::stod(fields[12])) / ticks;
}

inline void Die(const std::string& what) {
  std::fprintf(stderr, "FATAL: %s\n", what.c_str());
  std::exit(1);
}
inline void CheckOk(const Status& s, const std::string& what) {
  if (!s.ok()) Die(what + ": " + s.ToString());
}

// A fresh directory under `base`.
inline std::string MakeTempDir(const std::string& base, const std::string& prefix) {
  std::string tmpl = base + "/" + prefix + "-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) Die("mkdtemp " + tmpl);
  return tmpl;
}

inline void RemoveTree(const std::string& dir) {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

// A port free right now on 127.0.0.1 (racy by nature; fine for a benchmark run by hand).
inline int PickFreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) Die("bind");
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

// One getServiceVersion call; true if the master answered.
inline bool PingMaster(const std::shared_ptr<::grpc::Channel>& channel, int timeout_ms) {
  auto stub = grpc::version::ServiceVersionClientService::NewStub(channel);
  ::grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms));
  grpc::version::GetServiceVersionPRequest req;
  req.set_service_type(grpc::version::FILE_SYSTEM_MASTER_CLIENT_SERVICE);
  grpc::version::GetServiceVersionPResponse resp;
  return stub->getServiceVersion(&ctx, req, &resp).ok();
}

// Starts `binary` with `argv`/`envp` (null-terminated), stdout and stderr appended to `out_path`
// (or inherited if empty). The child gets SIGKILL if the calling thread exits first
// (PR_SET_PDEATHSIG), so a benchmark that dies never leaves a server behind. Between fork and
// exec the child calls only async-signal-safe functions, so this is safe in a threaded process.
inline pid_t SpawnTiedToThisThread(const std::string& binary, std::vector<char*>& argv,
                                   std::vector<char*>& envp, const std::string& out_path) {
  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) Die("fork");
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  // the parent is already gone
    if (!out_path.empty()) {
      int fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
      if (fd < 0) _exit(127);
      dup2(fd, 1);
      dup2(fd, 2);
    }
    execve(binary.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  return pid;
}

// A real alluxio-master process on 127.0.0.1 with its work dir (journal, UFS root, logs) in
// `work_dir`. Its output goes to <work_dir>/master.out. Configuration comes only from -D options
// (ALLUXIO_CONF_DIR and HOME point into the work dir, so no site file is read).
class ExternalMaster {
 public:
  ExternalMaster(std::string binary, std::string work_dir)
      : binary_(std::move(binary)), work_dir_(std::move(work_dir)) {}
  ~ExternalMaster() { Stop(); }

  // Formats the journal (once, before the first start) and creates the UFS root.
  void Format() {
    std::filesystem::create_directories(work_dir_ + "/underFSStorage");
    std::filesystem::create_directories(work_dir_ + "/conf");
    CheckOk(journal::FormatLocalJournal(env::Env::Default(), work_dir_ + "/journal"),
            "format journal");
  }

  // Starts the process and waits until it answers getServiceVersion. Returns the seconds from
  // spawn to the first answer.
  double Start(const std::map<std::string, std::string>& props, double timeout_s = 600) {
    if (port_ == 0) port_ = PickFreePort();
    std::vector<std::string> args = {binary_};
    std::map<std::string, std::string> all = {
        {"alluxio.work.dir", work_dir_},
        {"alluxio.home", work_dir_},
        {"alluxio.master.hostname", "127.0.0.1"},
        {"alluxio.master.bind.host", "127.0.0.1"},
        {"alluxio.master.rpc.port", std::to_string(port_)},
        // The benchmarks measure the local journal unless they ask for EMBEDDED.
        {"alluxio.master.journal.type", "UFS"},
    };
    for (const auto& [k, v] : props) all[k] = v;
    for (const auto& [k, v] : all) args.push_back("-D" + k + "=" + v);
    std::vector<std::string> envs = {"ALLUXIO_CONF_DIR=" + work_dir_ + "/conf", "HOME=" + work_dir_,
                                     "PATH=/usr/bin:/bin"};
    std::vector<char*> argv, envp;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : envs) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::string out = work_dir_ + "/master.out";
    auto t0 = Clock::now();
    pid_ = SpawnTiedToThisThread(binary_, argv, envp, out);
    while (true) {
      // A fresh channel per attempt: a reused channel would wait out gRPC's reconnect backoff
      // and measure that rather than the master.
      if (PingMaster(rpc::CreateChannel(address()), 200)) break;
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = 0;
        Die("alluxio-master exited during start; see " + out);
      }
      if (SecondsSince(t0) > timeout_s) Die("alluxio-master did not start; see " + out);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return SecondsSince(t0);
  }

  // SIGTERM and wait (the master flushes its journal on the way out).
  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = 0;
  }

  pid_t pid() const { return pid_; }
  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  const std::string& work_dir() const { return work_dir_; }

 private:
  std::string binary_;
  std::string work_dir_;
  pid_t pid_ = 0;
  int port_ = 0;
};

inline std::string DefaultMasterBinary() {
#ifdef ALLUXIO_BINARY_DIR
  return std::string(ALLUXIO_BINARY_DIR) + "/bin/alluxio-master";
#else
  return "alluxio-master";
#endif
}

// Result of a closed-loop run.
struct RunResult {
  int64_t ops = 0;
  int64_t errors = 0;
  double seconds = 0;
  double p50_us = 0, p99_us = 0;
  double server_cpu_s = 0, client_cpu_s = 0;  // filled in by callers that measure them
  double machine_busy_s = 0;                  // all processes (SystemBusySeconds delta)
  std::string first_error;
  double rate() const { return seconds > 0 ? ops / seconds : 0; }
};

// Per-thread context handed to the operation.
struct OpThread {
  int tid;
  int64_t i;  // index of this operation within the thread
  uint64_t rng;
  uint64_t Next() {  // xorshift64*
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 2685821657736338717ULL;
  }
};

// What one operation reports.
enum class OpOutcome { kOk, kError, kExhausted };

// What one load-generating thread counted.
struct ThreadTally {
  int64_t ops = 0, errors = 0;
  std::string first_error;
  std::vector<float> lat_us;
  void Error(const std::string& what) {
    ++errors;
    if (first_error.empty()) first_error = what;
  }
};

// Sums the threads' tallies of a run that lasted `seconds`; latencies become p50 and p99.
inline RunResult MergeTallies(const std::vector<ThreadTally>& per, double seconds) {
  RunResult r;
  r.seconds = seconds;
  std::vector<float> all;
  for (const ThreadTally& p : per) {
    r.ops += p.ops;
    r.errors += p.errors;
    if (r.first_error.empty()) r.first_error = p.first_error;
    all.insert(all.end(), p.lat_us.begin(), p.lat_us.end());
  }
  if (!all.empty()) {
    std::sort(all.begin(), all.end());
    r.p50_us = all[all.size() / 2];
    r.p99_us = all[std::min(all.size() - 1, all.size() * 99 / 100)];
  }
  return r;
}

// Runs `op` in a closed loop on `threads` threads for `seconds` (or until a thread reports
// kExhausted, which stops everyone). Counts completed operations and their latencies.
inline RunResult RunClosedLoop(int threads, double seconds,
                               const std::function<OpOutcome(OpThread&, std::string*)>& op) {
  std::atomic<bool> go{false}, stop{false};
  std::atomic<int> ready{0};
  std::vector<ThreadTally> per(threads);
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&, t] {
      ThreadTally& me = per[t];
      me.lat_us.reserve(1 << 16);
      OpThread ctx{t, 0, 0x9E3779B97F4A7C15ULL * (t + 1)};
      ready.fetch_add(1);
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
      while (!stop.load(std::memory_order_relaxed)) {
        auto t0 = Clock::now();
        std::string err;
        OpOutcome o = op(ctx, &err);
        if (o == OpOutcome::kExhausted) {
          stop.store(true);
          break;
        }
        me.lat_us.push_back(static_cast<float>(
            std::chrono::duration<double, std::micro>(Clock::now() - t0).count()));
        ++ctx.i;
        if (o == OpOutcome::kOk) {
          ++me.ops;
        } else {
          me.Error(err);
        }
      }
    });
  }
  while (ready.load() < threads) std::this_thread::yield();
  auto t0 = Clock::now();
  go.store(true, std::memory_order_release);
  while (!stop.load() && SecondsSince(t0) < seconds) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  stop.store(true);
  for (auto& t : ts) t.join();
  return MergeTallies(per, SecondsSince(t0));
}

}  // namespace alluxio::bench
