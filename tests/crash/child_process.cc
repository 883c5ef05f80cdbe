// SPDX-License-Identifier: Apache-2.0
#include "tests/crash/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "env/testing/free_port.h"

extern char** environ;

namespace alluxio::testing {

ChildProcess::ChildProcess(std::vector<std::string> argv, std::string log_path,
                           std::map<std::string, std::string> env)
    : argv_(std::move(argv)), log_path_(std::move(log_path)), env_(std::move(env)) {}

ChildProcess::~ChildProcess() {
  if (running()) Signal(SIGKILL);
}

Status ChildProcess::Start() {
  if (running()) return FailedPreconditionError("child already running");
  // Everything the child needs is prepared before fork: after fork in a multi-threaded process
  // only async-signal-safe calls are allowed until exec.
  std::vector<char*> argv;
  for (std::string& a : argv_) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::map<std::string, std::string> merged;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string kv(*e);
    size_t eq = kv.find('=');
    if (eq != std::string::npos) merged[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : env_) merged[k] = v;
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : merged) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  const char* log = log_path_.c_str();
  const char* exe = argv_[0].c_str();
  static constexpr char kExecFailed[] = "ChildProcess: exec failed\n";
  const pid_t parent = getpid();

  pid_t pid = fork();
  if (pid < 0) return ErrnoToStatus(errno, "fork", argv_[0]);
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(126);  // the parent died before prctl
    int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
    int null_fd = open("/dev/null", O_RDONLY);
    if (fd < 0 || null_fd < 0) _exit(125);
    dup2(null_fd, 0);
    dup2(fd, 1);
    dup2(fd, 2);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execve(exe, argv.data(), envp.data());
    ssize_t ignored = write(2, kExecFailed, sizeof(kExecFailed) - 1);
    (void)ignored;
    _exit(127);
  }
  pid_ = pid;
  return Status();
}

std::optional<int> ChildProcess::Poll() {
  if (!running()) return last_status_;
  int status = 0;
  pid_t r;
  do {
    r = waitpid(pid_, &status, WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == pid_) {
    pid_ = -1;
    last_status_ = status;
    return status;
  }
  return std::nullopt;
}

std::optional<int> ChildProcess::Wait(std::chrono::milliseconds timeout) {
  // Poll with a deadline: waitpid has no timeout and the child has no pidfd here.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto step = std::chrono::milliseconds(1);
  while (true) {
    if (std::optional<int> s = Poll(); s.has_value() || !running()) return last_status_;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(step);
    step = std::min(step * 2, std::chrono::milliseconds(20));
  }
}

int ChildProcess::Signal(int sig, std::chrono::milliseconds timeout) {
  if (!running()) return last_status_.value_or(0);
  kill(pid_, sig);
  if (std::optional<int> s = Wait(timeout)) return *s;
  kill(pid_, SIGKILL);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  last_status_ = status;
  return status;
}

std::string DescribeWaitStatus(int status) {
  if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

bool ExitedWith(int status, int code) { return WIFEXITED(status) && WEXITSTATUS(status) == code; }

int RunToCompletion(const std::vector<std::string>& argv, const std::string& log_path,
                    const std::map<std::string, std::string>& env,
                    std::chrono::milliseconds timeout) {
  ChildProcess child(argv, log_path, env);
  if (!child.Start().ok()) return -1;
  if (std::optional<int> s = child.Wait(timeout)) return *s;
  return child.Signal(SIGKILL);
}

int PickFreePort() { return env::testing::PickFreePort(); }

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string TailOfFile(const std::string& path, int max_lines) {
  std::ifstream in(path);
  std::deque<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    lines.push_back(line);
    if (static_cast<int>(lines.size()) > max_lines) lines.pop_front();
  }
  std::string out;
  for (const std::string& l : lines) out += "  | " + l + "\n";
  return out;
}

TempDir::TempDir(const std::string& prefix) {
  const char* base = std::getenv("TMPDIR");
  std::string templ =
      std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/" + prefix + "XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) != nullptr) path_ = buf.data();
}

TempDir::~TempDir() {
  if (keep_ || path_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace alluxio::testing
