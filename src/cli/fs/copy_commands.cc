// SPDX-License-Identifier: Apache-2.0
// cp, copyFromLocal, copyToLocal (Alluxio's CpCommand, which the other two delegate to). Local
// paths carry the "file://" scheme; anything else without a scheme, or with alluxio://, is an
// Alluxio path.
#include <glob.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "cli/fs/data_commands.h"
#include "cli/fs/shell.h"

namespace alluxio::cli::fs {

namespace {

namespace stdfs = std::filesystem;
using client::FileInfo;
constexpr int64_t kMB = 1024 * 1024;
constexpr char kDestinationCannotBeFile[] =
    "The destination cannot be an existing file when the source is a directory or a list of "
    "files.";

struct Uri {
  enum class Kind { kAlluxio, kLocal, kOther };
  Kind kind;
  std::string text;  // as given (AlluxioURI.toString)
  std::string path;  // without scheme and authority
};

Uri ParseUri(const std::string& s) {
  if (s.rfind("file://", 0) == 0) return {Uri::Kind::kLocal, s, s.substr(7)};
  if (s.rfind("alluxio://", 0) == 0) return {Uri::Kind::kAlluxio, s, AlluxioPath(s)};
  if (s.find("://") != std::string::npos) return {Uri::Kind::kOther, s, s};
  return {Uri::Kind::kAlluxio, s, s};
}

std::string JoinPath(const std::string& a, const std::string& b) {
  if (a.empty() || a.back() == '/') return a + b;
  return a + "/" + b;
}

std::string BaseName(std::string p) {
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  size_t slash = p.rfind('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

// java.io.File(p).getAbsolutePath(): relative paths are resolved against the working directory,
// redundant and trailing separators dropped.
std::string AbsoluteLocalPath(const std::string& p) {
  std::string abs = p;
  if (abs.empty() || abs[0] != '/') {
    char cwd[4096];
    abs = std::string(getcwd(cwd, sizeof(cwd)) != nullptr ? cwd : ".") + "/" + p;
  }
  std::string out;
  for (char c : abs) {
    if (c == '/' && !out.empty() && out.back() == '/') continue;
    out += c;
  }
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

struct Copier {
  Copier(ShellContext& sc, client::FileSystem* fs) : sc(sc), fs(fs) {}

  ShellContext& sc;
  client::FileSystem* fs;
  int64_t from_local_buffer = 8 * kMB;
  int64_t to_local_buffer = 64 * kMB;
  int threads = 1;
  bool preserve = false;
  std::mutex out_mu;  // whole lines from copy threads

  // copyFromLocal's progress bar: on a terminal only (stderr), so scripts and transcripts see
  // exactly Alluxio's lines. Bytes of every file being copied, redrawn at most every 200 ms.
  bool show_progress = ::isatty(STDERR_FILENO) == 1;
  int64_t progress_total = 0;  // GUARDED_BY(out_mu)
  int64_t progress_done = 0;   // GUARDED_BY(out_mu)
  std::chrono::steady_clock::time_point progress_drawn{};
  bool progress_visible = false;  // GUARDED_BY(out_mu)

  void Println(const std::string& line) {
    std::lock_guard<std::mutex> l(out_mu);
    ClearProgressLocked();
    sc.out() << line << "\n";
  }

  void AddProgress(int64_t total, int64_t done) {
    if (!show_progress) return;
    std::lock_guard<std::mutex> l(out_mu);
    progress_total += total;
    progress_done += done;
    auto now = std::chrono::steady_clock::now();
    if (now - progress_drawn < std::chrono::milliseconds(200) && progress_done < progress_total) {
      return;
    }
    progress_drawn = now;
    int pct = progress_total > 0 ? static_cast<int>(progress_done * 100 / progress_total) : 100;
    std::string bar(static_cast<size_t>(pct / 5), '=');
    bar.resize(20, ' ');
    sc.err() << fmt::format("\r[{}] {:3d}% {} / {}", bar, pct, FormatSize(progress_done),
                            FormatSize(progress_total))
             << std::flush;
    progress_visible = true;
  }

  void ClearProgressLocked() {
    if (!progress_visible) return;
    sc.err() << "\r\033[K" << std::flush;
    progress_visible = false;
  }

  Result<bool> IsAlluxioFolder(const std::string& path, bool* exists) {
    Result<FileInfo> f = fs->GetStatus(AlluxioPath(path));
    if (!f.ok()) {
      if (f.status().code() != StatusCode::kNotFound) return f.status();
      *exists = false;
      return false;
    }
    *exists = true;
    return f->folder();
  }

  Status PreserveAttributes(const std::string& src, const std::string& dst) {
    if (!preserve) return Status();
    ASSIGN_OR_RETURN(FileInfo f, fs->GetStatus(AlluxioPath(src)));
    client::fsopts::SetAttributePOptions o;
    o.set_owner(f.owner());
    o.set_group(f.group());
    o.set_mode(f.mode());
    return fs->SetAttribute(AlluxioPath(dst), o);
  }

  // Alluxio paths matching `arg` (FileSystemShellUtils.getAlluxioURIs).
  Result<std::vector<std::string>> Expand(const std::string& arg) {
    std::vector<std::string> paths;
    Status s = ForEachMatch(sc, arg, [&](const std::string& m) -> Status {
      paths.push_back(m);
      return Status();
    });
    if (!s.ok() && s.code() != StatusCode::kNotFound) return s;
    return paths;
  }

  // --- local -> Alluxio ---

  Status CopyFromLocalFile(const std::string& local, std::string dst) {
    if (stdfs::is_directory(local)) {
      return InvalidArgumentError(
          fmt::format("Source {} is not a file.", AbsoluteLocalPath(local)));
    }
    bool exists = false;
    ASSIGN_OR_RETURN(bool folder, IsAlluxioFolder(dst, &exists));
    if (folder) dst = JoinPath(dst, BaseName(local));
    std::ifstream in(local, std::ios::binary);
    if (!in) {
      return NotFoundError(fmt::format("{} (No such file or directory)", local));
    }
    // As Alluxio's CpCommand: missing parent directories are created.
    client::fsopts::CreateFilePOptions create;
    create.set_recursive(true);
    ASSIGN_OR_RETURN(std::unique_ptr<client::FileOutStream> out,
                     fs->Create(AlluxioPath(dst), create));
    std::string buf(static_cast<size_t>(from_local_buffer), '\0');
    std::error_code size_ec;
    AddProgress(static_cast<int64_t>(stdfs::file_size(local, size_ec)), 0);
    Status s;
    while (s.ok() && in) {
      in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      std::streamsize n = in.gcount();
      if (n > 0) s = out->Write(std::string_view(buf.data(), static_cast<size_t>(n)));
      if (n > 0 && s.ok()) AddProgress(0, n);
    }
    if (s.ok() && in.bad()) s = InternalError(fmt::format("Failed to read {}", local));
    if (s.ok()) s = out->Close();
    if (!s.ok()) {
      {
        std::lock_guard<std::mutex> l(out_mu);
        ClearProgressLocked();
      }
      // No incomplete file is left behind.
      out->Cancel();
      Result<bool> still = fs->Exists(AlluxioPath(dst));
      if (still.ok() && *still) fs->Delete(AlluxioPath(dst)).IgnoreError();  // best effort
    }
    return s;
  }

  struct LocalTask {
    std::string src;  // local path
    std::string dst;  // Alluxio path
  };

  // asyncCopyLocalPath: directories are created now, files become tasks.
  void PlanLocalPath(const std::string& src, const std::string& dst, std::vector<LocalTask>* tasks,
                     std::vector<std::string>* errors) {
    if (!stdfs::is_directory(src)) {
      tasks->push_back({src, dst});
      return;
    }
    client::fsopts::CreateDirectoryPOptions o;
    if (Status s = fs->CreateDirectory(AlluxioPath(dst), o); !s.ok()) {
      errors->push_back(fmt::format("Failed to copy file://{} to {}: {}", src, dst, s.message()));
      return;
    }
    std::vector<std::string> children;
    std::error_code ec;
    for (const auto& e : stdfs::directory_iterator(src, ec)) children.push_back(e.path().string());
    if (ec) {
      errors->push_back(fmt::format("Failed to copy file://{} to {}: Failed to list directory {}.",
                                    src, dst, src));
      return;
    }
    std::sort(children.begin(), children.end());
    for (const std::string& c : children)
      PlanLocalPath(c, JoinPath(dst, BaseName(c)), tasks, errors);
  }

  Status CopyFromLocal(const Uri& src, const std::string& dst) {
    std::vector<std::string> srcs;
    if (src.path.find('*') != std::string::npos) {
      glob_t g{};
      if (glob(src.path.c_str(), 0, nullptr, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc; ++i) srcs.push_back(g.gl_pathv[i]);
      }
      globfree(&g);
      if (srcs.empty()) return NotFoundError(fmt::format("Path {} does not exist", src.text));
    } else if (stdfs::is_directory(src.path)) {
      std::error_code ec;
      for (const auto& e : stdfs::directory_iterator(src.path, ec)) {
        srcs.push_back(e.path().string());
      }
      if (ec) {
        return InternalError(fmt::format("Failed to list files for directory {}", src.path));
      }
      std::sort(srcs.begin(), srcs.end());
    } else {
      srcs.push_back(src.path);
    }
    if (srcs.size() == 1) {
      RETURN_IF_ERROR(CopyFromLocalFile(srcs[0], dst));
    } else {
      RETURN_IF_ERROR(CopyFromLocalList(srcs, dst));
    }
    Println(fmt::format("Copied {} to {}", src.text, dst));
    return Status();
  }

  // Several sources: copied by `threads` threads; each success prints a line, each failure goes
  // to stderr and into the final error. A destination directory created here is removed again
  // when nothing landed in it.
  Status CopyFromLocalList(const std::vector<std::string>& srcs, const std::string& dst) {
    ASSIGN_OR_RETURN(bool existed, fs->Exists(AlluxioPath(dst)));
    std::vector<std::string> errors;
    Status s = [&]() -> Status {
      client::fsopts::CreateDirectoryPOptions o;
      Status c = fs->CreateDirectory(AlluxioPath(dst), o);
      if (!c.ok() && c.code() != StatusCode::kAlreadyExists) return c;
      ASSIGN_OR_RETURN(FileInfo f, fs->GetStatus(AlluxioPath(dst)));
      if (!f.folder()) return InvalidArgumentError(kDestinationCannotBeFile);
      std::vector<LocalTask> tasks;
      for (const std::string& src : srcs) {
        PlanLocalPath(src, JoinPath(dst, BaseName(src)), &tasks, &errors);
      }
      for (const std::string& e : errors) {
        std::lock_guard<std::mutex> l(out_mu);
        sc.err() << e << "\n";
      }
      std::mutex mu;
      size_t next = 0;
      auto work = [&] {
        while (true) {
          LocalTask t;
          {
            std::lock_guard<std::mutex> l(mu);
            if (next == tasks.size()) return;
            t = tasks[next++];
          }
          Status r = CopyFromLocalFile(t.src, t.dst);
          if (r.ok()) {
            Println(fmt::format("Copied file://{} to {}", t.src, t.dst));
            continue;
          }
          std::string msg =
              fmt::format("Failed to copy file://{} to {}: {}", t.src, t.dst, r.message());
          {
            std::lock_guard<std::mutex> l(out_mu);
            sc.err() << msg << "\n";
          }
          std::lock_guard<std::mutex> l(mu);
          errors.push_back(std::move(msg));
        }
      };
      std::vector<std::thread> pool;
      for (int i = 1; i < threads && static_cast<size_t>(i) < tasks.size(); ++i) {
        pool.emplace_back(work);
      }
      work();
      for (std::thread& t : pool) t.join();
      return Status();
    }();
    if (!existed) {
      Result<std::vector<FileInfo>> children = fs->ListStatus(AlluxioPath(dst));
      if (children.ok() && children->empty()) {
        if (Status d = fs->Delete(AlluxioPath(dst)); !d.ok()) {
          errors.push_back(fmt::format("Failed to delete path {}: {}", dst, d.message()));
        }
      }
    }
    RETURN_IF_ERROR(s);
    if (errors.empty()) return Status();
    std::string all = "ERRORS:";
    for (const std::string& e : errors) all += "\n" + e;
    return InternalError(all);
  }

  // --- Alluxio -> local ---

  Status CopyFileToLocal(const std::string& src, const std::string& dst) {
    std::string output = stdfs::is_directory(dst) ? JoinPath(dst, BaseName(AlluxioPath(src))) : dst;
    static const char kAlnum[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    std::random_device rd;
    std::string suffix = ".";
    for (int i = 0; i < 8; ++i) suffix += kAlnum[rd() % (sizeof(kAlnum) - 1)];
    const std::string tmp = output + suffix + "_copyToLocal_";
    Status s = [&]() -> Status {
      ASSIGN_OR_RETURN(std::unique_ptr<client::FileInStream> in, fs->Open(AlluxioPath(src)));
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      if (!out) return NotFoundError(fmt::format("{} (No such file or directory)", tmp));
      std::string buf(static_cast<size_t>(to_local_buffer), '\0');
      while (true) {
        ASSIGN_OR_RETURN(size_t n, in->Read(buf.data(), buf.size()));
        if (n == 0) break;
        out.write(buf.data(), static_cast<std::streamsize>(n));
        if (!out) return InternalError(fmt::format("Failed to write {}", tmp));
      }
      out.close();
      if (!out) return InternalError(fmt::format("Failed to write {}", tmp));
      RETURN_IF_ERROR(in->Close());
      std::error_code ec;
      stdfs::rename(tmp, output, ec);
      if (ec) {
        return InternalError(fmt::format("Failed to rename {} to destination {}", tmp, output));
      }
      sc.out() << "Copied " << src << " to file://" << output << "\n";
      return Status();
    }();
    std::error_code ignored;
    stdfs::remove(tmp, ignored);
    return s;
  }

  Status CopyToLocal(const std::string& src, const std::string& dst) {
    ASSIGN_OR_RETURN(FileInfo f, fs->GetStatus(AlluxioPath(src)));
    if (!f.folder()) return CopyFileToLocal(src, dst);
    if (!stdfs::exists(dst)) {
      std::error_code ec;
      if (!stdfs::create_directories(dst, ec)) {
        return InternalError(fmt::format("mkdir failure for directory: file://{}", dst));
      }
      sc.out() << "Create directory: file://" << dst << "\n";
    }
    ASSIGN_OR_RETURN(std::vector<FileInfo> children, fs->ListStatus(AlluxioPath(src)));
    const std::string authority = src.substr(0, src.size() - AlluxioPath(src).size());
    std::string errors;
    for (const FileInfo& c : children) {
      Status s = CopyToLocal(authority + c.path(), JoinPath(AbsoluteLocalPath(dst), c.name()));
      if (!s.ok()) errors += (errors.empty() ? "" : "\n") + std::string(s.message());
    }
    return errors.empty() ? Status() : InternalError(errors);
  }

  Status CopyWildcardToLocal(const std::vector<std::string>& srcs, const std::string& dst) {
    if (stdfs::exists(dst) && !stdfs::is_directory(dst)) {
      return InvalidArgumentError(kDestinationCannotBeFile);
    }
    if (!stdfs::exists(dst)) {
      std::error_code ec;
      if (!stdfs::create_directories(dst, ec)) {
        return InternalError(fmt::format("Fail to create directory: file://{}", dst));
      }
      sc.out() << "Create directory: file://" << dst << "\n";
    }
    std::string errors;
    for (const std::string& src : srcs) {
      Status s = CopyToLocal(src, JoinPath(AbsoluteLocalPath(dst), BaseName(AlluxioPath(src))));
      if (!s.ok()) errors += (errors.empty() ? "" : "\n") + std::string(s.message());
    }
    return errors.empty() ? Status() : InternalError(errors);
  }

  // --- Alluxio -> Alluxio ---

  Status CopyFile(const std::string& src, const std::string& dst) {
    ASSIGN_OR_RETURN(std::unique_ptr<client::FileInStream> in, fs->Open(AlluxioPath(src)));
    // As Alluxio's CpCommand: missing parent directories are created.
    client::fsopts::CreateFilePOptions create;
    create.set_recursive(true);
    ASSIGN_OR_RETURN(std::unique_ptr<client::FileOutStream> out,
                     fs->Create(AlluxioPath(dst), create));
    std::string buf(static_cast<size_t>(8 * kMB), '\0');
    Status s;
    while (s.ok()) {
      Result<size_t> n = in->Read(buf.data(), buf.size());
      if (!n.ok()) {
        s = n.status();
      } else if (*n == 0) {
        break;
      } else {
        s = out->Write(std::string_view(buf.data(), *n));
      }
    }
    if (s.ok()) s = out->Close();
    if (!s.ok()) {
      out->Cancel();
      client::fsopts::DeletePOptions o;
      o.set_unchecked(true);
      fs->Delete(AlluxioPath(dst), o).IgnoreError();  // best effort: no incomplete file remains
      return s;
    }
    RETURN_IF_ERROR(in->Close());
    sc.out() << "Copied " << src << " to " << dst << "\n";
    return PreserveAttributes(src, dst);
  }

  Status Copy(const std::string& src, std::string dst, bool recursive) {
    ASSIGN_OR_RETURN(FileInfo s, fs->GetStatus(AlluxioPath(src)));
    bool dst_exists = false;
    ASSIGN_OR_RETURN(bool dst_folder, IsAlluxioFolder(dst, &dst_exists));
    if (!s.folder()) {
      if (dst_folder) dst = JoinPath(AlluxioPath(dst), BaseName(AlluxioPath(src)));
      return CopyFile(src, dst);
    }
    if (!recursive) {
      return InvalidArgumentError(fmt::format(
          "{} is a directory, to copy it please use \"cp -R <src> <dst>\"", AlluxioPath(src)));
    }
    ASSIGN_OR_RETURN(std::vector<FileInfo> children, fs->ListStatus(AlluxioPath(src)));
    if (dst_exists) {
      if (!dst_folder) return InvalidArgumentError(kDestinationCannotBeFile);
      // Copying a directory into an existing one makes it a subdirectory there.
      dst = JoinPath(AlluxioPath(dst), BaseName(AlluxioPath(src)));
    }
    RETURN_IF_ERROR(fs->CreateDirectory(AlluxioPath(dst)));
    sc.out() << "Created directory: " << dst << "\n";
    RETURN_IF_ERROR(PreserveAttributes(src, dst));
    const std::string authority = src.substr(0, src.size() - AlluxioPath(src).size());
    std::string errors;
    for (const FileInfo& c : children) {
      Status r = Copy(authority + c.path(), JoinPath(dst, c.name()), recursive);
      if (!r.ok()) errors += (errors.empty() ? "" : "\n") + std::string(r.message());
    }
    return errors.empty() ? Status() : InternalError(errors);
  }

  Status CopyWildcard(const std::vector<std::string>& srcs, const std::string& dst,
                      bool recursive) {
    bool exists = false;
    ASSIGN_OR_RETURN(bool folder, IsAlluxioFolder(dst, &exists));
    if (exists && !folder) return InvalidArgumentError(kDestinationCannotBeFile);
    if (!exists) {
      RETURN_IF_ERROR(fs->CreateDirectory(AlluxioPath(dst)));
      sc.out() << "Created directory: " << dst << "\n";
    }
    std::string errors;
    for (const std::string& src : srcs) {
      Status r = Copy(src, JoinPath(dst, BaseName(AlluxioPath(src))), recursive);
      if (!r.ok()) errors += (errors.empty() ? "" : "\n") + std::string(r.message());
    }
    return errors.empty() ? Status() : InternalError(errors);
  }

  Status Run(const std::string& src_arg, const std::string& dst_arg, bool recursive) {
    Uri src = ParseUri(src_arg), dst = ParseUri(dst_arg);
    if (dst.kind == Uri::Kind::kAlluxio && src.kind == Uri::Kind::kLocal) {
      return CopyFromLocal(src, dst.text);
    }
    if (src.kind == Uri::Kind::kAlluxio && dst.kind == Uri::Kind::kLocal) {
      ASSIGN_OR_RETURN(std::vector<std::string> srcs, Expand(src.text));
      if (srcs.empty()) return NotFoundError(fmt::format("Path {} does not exist", src.text));
      if (src.text.find('*') != std::string::npos) return CopyWildcardToLocal(srcs, dst.path);
      return CopyToLocal(src.text, dst.path);
    }
    if (src.kind == Uri::Kind::kAlluxio && dst.kind == Uri::Kind::kAlluxio) {
      ASSIGN_OR_RETURN(std::vector<std::string> srcs, Expand(src.text));
      if (srcs.empty()) return NotFoundError(fmt::format("Path {} does not exist", src.path));
      if (src.text.find('*') != std::string::npos) return CopyWildcard(srcs, dst.text, recursive);
      return Copy(src.text, dst.text, recursive);
    }
    return InvalidArgumentError(
        "Schemes must be either file or alluxio, and at most one file scheme is allowed.");
  }
};

Result<int> RunCopy(ShellContext& sc, const ParsedArgs& p, std::string src, std::string dst) {
  ASSIGN_OR_RETURN(client::FileSystem * fs, sc.fs());
  Copier c(sc, fs);
  c.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()) * 2);
  int64_t buffer = -1;
  RETURN_IF_ERROR(ParseCopyOptions(p, &buffer, &c.threads));
  if (buffer >= 0) c.from_local_buffer = c.to_local_buffer = std::max<int64_t>(buffer, 1);
  c.preserve = p.Has("p");
  RETURN_IF_ERROR(c.Run(src, dst, p.Has("R") || p.Has("r")));
  return 0;
}

Status ValidateCopy(const ParsedArgs& p) {
  int64_t buffer = 0;
  int threads = 1;
  return ParseCopyOptions(p, &buffer, &threads);
}

const OptionSpec kThreadOption{
    "", "thread", true,
    "Number of threads used to copy files in parallel, default value is CPU cores * 2"};
const OptionSpec kBufferSizeOption{
    "", "buffersize", true,
    "Read buffer size in bytes, default is 8MB when copying from local, and 64MB when copying "
    "to local"};

}  // namespace

Status ParseCopyOptions(const ParsedArgs& p, int64_t* buffer_size, int* threads) {
  // commons-cli Number options: a decimal integer (a fraction is truncated).
  auto parse = [&](const std::string& name, int64_t* v) -> Status {
    const std::string s = p.Get(name);
    size_t used = 0;
    try {
      *v = static_cast<int64_t>(std::stod(s, &used));
    } catch (...) {
      used = std::string::npos;
    }
    if (s.empty() || used != s.size()) {
      return InvalidArgumentError(fmt::format("Failed to parse option {} into an integer", name));
    }
    return Status();
  };
  if (p.Has("buffersize")) {
    int64_t v = 0;
    RETURN_IF_ERROR(parse("buffersize", &v));
    if (v < 0) return InvalidArgumentError("buffersize must be > 0");
    *buffer_size = v;
  }
  if (p.Has("thread")) {
    int64_t v = 0;
    RETURN_IF_ERROR(parse("thread", &v));
    if (v <= 0) return InvalidArgumentError("thread must be > 0");
    *threads = static_cast<int>(std::min<int64_t>(v, 1024));
  }
  return Status();
}

void AddCopyCommands(std::vector<FsCommand>* c) {
  c->push_back(FsCommand{
      "cp",
      "cp [-R] [--buffersize <bytes>] <src> <dst>",
      "Copies a file or a directory in the Alluxio filesystem or between local filesystem and "
      "Alluxio filesystem. The -R flag is needed to copy directories in the Alluxio filesystem. "
      "Local Path with schema \"file\".",
      {{"R", "", false, "copy files in subdirectories recursively"},
       {"r", "", false, "copy files in subdirectories recursively"},
       kThreadOption,
       kBufferSizeOption,
       {"p", "preserve", false,
        "Preserve file permission attributes when copying files. All ownership, permissions and "
        "ACLs will be preserved"}},
      2,
      2,
      [](ShellContext& sc, const ParsedArgs& p) { return RunCopy(sc, p, p.args[0], p.args[1]); },
      ValidateCopy});
  c->push_back(FsCommand{
      "copyFromLocal",
      "copyFromLocal [--thread <num>] [--buffersize <bytes>] <src> <remoteDst>",
      "Copies a file or a directory from local filesystem to Alluxio filesystem in parallel at "
      "file level.",
      {kThreadOption, kBufferSizeOption},
      2,
      2,
      [](ShellContext& sc, const ParsedArgs& p) {
        return RunCopy(sc, p, "file://" + AbsoluteLocalPath(p.args[0]), p.args[1]);
      },
      ValidateCopy});
  c->push_back(
      FsCommand{"copyToLocal",
                "copyToLocal [--buffersize <bytes>]  <src> <localDst>",
                "Copies a file or a directory from the Alluxio filesystem to the local filesystem.",
                {kBufferSizeOption},
                2,
                2,
                [](ShellContext& sc, const ParsedArgs& p) {
                  return RunCopy(sc, p, p.args[0], "file://" + AbsoluteLocalPath(p.args[1]));
                },
                ValidateCopy});
}

}  // namespace alluxio::cli::fs
