// SPDX-License-Identifier: Apache-2.0
// ls, count, du, stat: commands that list and describe paths (formats from Alluxio's LsCommand,
// CountCommand, DuCommand, StatCommand).
#include <algorithm>
#include <map>
#include <optional>
#include <regex>

#include <fmt/format.h>

#include "cli/fs/shell.h"

namespace alluxio::cli::fs {

namespace {

using client::FileInfo;

int64_t Timestamp(const FileInfo& f, const std::string& which) {
  if (which == "creationTime") return f.creation_time_ms();
  if (which == "lastAccessTime") return f.last_access_time_ms();
  return f.last_modification_time_ms();
}

std::string LsLine(const conf::Configuration& conf, const FileInfo& f, bool human,
                   const std::string& timestamp) {
  std::string size = f.folder() ? std::to_string(f.length())
                                : (human ? FormatSize(f.length()) : std::to_string(f.length()));
  std::string state = f.folder() ? "DIR" : fmt::format("{}%", f.in_alluxio_percentage());
  std::string date =
      FormatDate(Timestamp(f, timestamp), conf.Get(conf::keys::kUserDateFormatPattern));
  if (SecurityEnabled(conf)) {
    return fmt::format("{:<12}{:<15}{:<15}{:>15}{:>16}{:>24}{:>5} {:<5}\n",
                       FormatPermission(f.mode(), f.folder()), f.owner(), f.group(), size,
                       f.persistence_state(), date, state, f.path());
  }
  return fmt::format("{:>15}{:>16}{:>24}{:>5} {:<5}\n", size, f.persistence_state(), date, state,
                     f.path());
}

Status ValidateLs(const ParsedArgs& p) {
  const std::string timestamp = p.Get("timestamp", "lastModificationTime");
  if (timestamp != "creationTime" && timestamp != "lastAccessTime" &&
      timestamp != "lastModificationTime") {
    return InvalidArgumentError(fmt::format("Unrecognized timestamp option {}", timestamp));
  }
  return Status();
}

Result<int> RunLs(ShellContext& sc, const ParsedArgs& p) {
  const std::string timestamp = p.Get("timestamp", "lastModificationTime");
  std::string sort = p.Get("sort");
  static const std::vector<std::string> kSorts = {"creationTime",
                                                  "inMemoryPercentage",
                                                  "lastAccessTime",
                                                  "lastModificationTime",
                                                  "name",
                                                  "path",
                                                  "size"};
  if (p.Has("sort") && std::find(kSorts.begin(), kSorts.end(), sort) == kSorts.end()) {
    return InvalidArgumentError(fmt::format("Invalid sort option `{}` for --sort", sort));
  }
  ASSIGN_OR_RETURN(client::FileSystem * fs, sc.fs());
  auto list_one = [&](const std::string& match) -> Status {
    std::string path = AlluxioPath(match);
    std::vector<FileInfo> infos;
    if (p.Has("d")) {
      ASSIGN_OR_RETURN(FileInfo f, fs->GetStatus(path));
      infos.push_back(std::move(f));
    } else {
      client::fsopts::ListStatusPOptions o;
      o.set_recursive(p.Has("R"));
      if (p.Has("f")) o.set_load_metadata_type(::alluxio::grpc::ALWAYS);
      if (sort.empty()) {
        // Stream in server order: a huge directory is printed as it arrives.
        const bool human = p.Has("h");
        RETURN_IF_ERROR(fs->IterateStatus(path, o, [&](FileInfo&& f) {
          if (!p.Has("p") || f.pinned()) sc.out() << LsLine(sc.conf(), f, human, timestamp);
        }));
        return Status();
      }
      ASSIGN_OR_RETURN(infos, fs->ListStatus(path, o));
    }
    if (!sort.empty()) {
      auto key_less = [&](const FileInfo& a, const FileInfo& b) {
        if (sort == "name") {
          return std::lexicographical_compare(
              a.name().begin(), a.name().end(), b.name().begin(), b.name().end(),
              [](char x, char y) { return std::tolower(x) < std::tolower(y); });
        }
        if (sort == "path") return a.path() < b.path();
        if (sort == "size") return a.length() < b.length();
        if (sort == "creationTime") return a.creation_time_ms() < b.creation_time_ms();
        if (sort == "lastAccessTime") return a.last_access_time_ms() < b.last_access_time_ms();
        if (sort == "inMemoryPercentage")
          return a.in_memory_percentage() < b.in_memory_percentage();
        return a.last_modification_time_ms() < b.last_modification_time_ms();
      };
      std::stable_sort(infos.begin(), infos.end(), key_less);
      if (p.Has("r")) std::reverse(infos.begin(), infos.end());
    }
    for (const FileInfo& f : infos) {
      if (p.Has("p") && !f.pinned()) continue;
      sc.out() << LsLine(sc.conf(), f, p.Has("h"), timestamp);
    }
    return Status();
  };
  for (const std::string& arg : p.args) RETURN_IF_ERROR(ForEachMatch(sc, arg, list_one));
  return 0;
}

Result<int> RunCount(ShellContext& sc, const ParsedArgs& p) {
  ASSIGN_OR_RETURN(client::FileSystem * fs, sc.fs());
  int64_t files = 0, folders = 0, bytes = 0;
  client::fsopts::ListStatusPOptions o;
  o.set_recursive(true);
  RETURN_IF_ERROR(fs->IterateStatus(AlluxioPath(p.args[0]), o, [&](FileInfo&& f) {
    if (f.folder()) {
      ++folders;
    } else {
      ++files;
      bytes += f.length();
    }
  }));
  sc.out() << fmt::format("{:<25}{:<25}{:<15}\n", "File Count", "Folder Count", "Folder Size");
  sc.out() << fmt::format("{:<25}{:<25}{:<15}\n", files, folders,
                          p.Has("h") ? FormatSize(bytes) : std::to_string(bytes));
  return 0;
}

}  // namespace

std::string DuLine(const std::string& size, const std::string& in_alluxio, const std::string& path,
                   const std::optional<std::string>& in_memory,
                   const std::optional<std::string>& worker_host) {
  if (in_memory && worker_host) {
    return fmt::format("{:<13} {:<16} {:<16} {:<25} {}\n", size, in_alluxio, *in_memory,
                       *worker_host, path);
  }
  if (in_memory)
    return fmt::format("{:<13} {:<16} {:<16} {}\n", size, in_alluxio, *in_memory, path);
  if (worker_host) {
    return fmt::format("{:<13} {:<16} {:<25} {}\n", size, in_alluxio, *worker_host, path);
  }
  return fmt::format("{:<13} {:<16} {}\n", size, in_alluxio, path);
}

namespace {

std::string ValueAndPercent(bool human, int64_t value, int64_t total) {
  int pct = total == 0 ? 0 : static_cast<int>(value * 100 / total);
  return fmt::format("{} ({}%)", human ? FormatSize(value) : std::to_string(value), pct);
}

// Bytes of cached block copies per worker host (DuCommand.fillDistributionMap).
void AddDistribution(const FileInfo& f, std::map<std::string, int64_t>* by_host) {
  for (const ::alluxio::grpc::FileBlockInfo& fb : f.file_block_infos()) {
    for (const ::alluxio::grpc::BlockLocation& l : fb.block_info().locations()) {
      (*by_host)[l.worker_address().host()] += fb.block_info().length();
    }
  }
}

Result<int> RunDu(ShellContext& sc, const ParsedArgs& p) {
  const bool human = p.Has("h"), memory = p.Has("m"), group = p.Has("g");
  auto size_str = [&](int64_t v) { return human ? FormatSize(v) : std::to_string(v); };
  sc.out() << DuLine("File Size", "In Alluxio", "Path",
                     memory ? std::optional<std::string>("In Memory") : std::nullopt,
                     group ? std::optional<std::string>("Worker Host Name") : std::nullopt);
  ASSIGN_OR_RETURN(client::FileSystem * fs, sc.fs());
  const std::optional<std::string> total_host =
      group ? std::optional<std::string>("total") : std::nullopt;
  // Per-worker lines leave the In Memory column empty.
  const std::optional<std::string> mem_placeholder =
      memory ? std::optional<std::string>("") : std::nullopt;
  auto print_hosts = [&](const std::map<std::string, int64_t>& by_host) {
    for (const auto& [host, bytes] : by_host) {
      sc.out() << DuLine("", size_str(bytes), "", mem_placeholder, host);
    }
  };
  // The header comes first, once, even if a path then fails (as in Alluxio).
  RETURN_IF_ERROR(ForEachMatch(sc, p.args[0], [&](const std::string& arg) -> Status {
    client::fsopts::ListStatusPOptions o;
    o.set_recursive(true);
    ASSIGN_OR_RETURN(std::vector<FileInfo> infos, fs->ListStatus(AlluxioPath(arg), o));
    if (p.Has("s")) {
      int64_t total = 0, in_alluxio = 0, in_mem = 0;
      std::map<std::string, int64_t> by_host;
      for (const FileInfo& f : infos) {
        if (group) AddDistribution(f, &by_host);
        if (f.folder()) continue;
        total += f.length();
        in_alluxio += f.length() * f.in_alluxio_percentage();
        in_mem += f.length() * f.in_memory_percentage();
      }
      sc.out() << DuLine(
          size_str(total), ValueAndPercent(human, in_alluxio / 100, total), arg,
          memory ? std::optional<std::string>(ValueAndPercent(human, in_mem / 100, total))
                 : std::nullopt,
          total_host);
      print_hosts(by_host);
      return Status();
    }
    std::sort(infos.begin(), infos.end(),
              [](const FileInfo& a, const FileInfo& b) { return a.path() < b.path(); });
    for (const FileInfo& f : infos) {
      if (f.folder()) continue;
      int64_t len = f.length();
      sc.out() << DuLine(size_str(len),
                         ValueAndPercent(human, f.in_alluxio_percentage() * len / 100, len),
                         f.path(),
                         memory ? std::optional<std::string>(ValueAndPercent(
                                      human, f.in_memory_percentage() * len / 100, len))
                                : std::nullopt,
                         total_host);
      std::map<std::string, int64_t> by_host;
      if (group) AddDistribution(f, &by_host);
      print_hosts(by_host);
    }
    return Status();
  }));
  return 0;
}

std::string JoinIds(const FileInfo& f) {
  std::string s = "[";
  for (int i = 0; i < f.block_ids_size(); ++i)
    s += (i ? ", " : "") + std::to_string(f.block_ids(i));
  return s + "]";
}

}  // namespace

std::string FileInfoString(const FileInfo& f) {
  auto b = [](bool v) { return v ? "true" : "false"; };
  auto acl = [&] {
    static const char* kBits[] = {"---", "--x", "-w-", "-wx", "r--", "r-x", "rw-", "rwx"};
    return fmt::format("user::{},group::{},other::{}", kBits[(f.mode() >> 6) & 7],
                       kBits[(f.mode() >> 3) & 7], kBits[f.mode() & 7]);
  };
  auto block_infos = [&] {
    std::string out;
    for (const ::alluxio::grpc::FileBlockInfo& fb : f.file_block_infos()) {
      out += (out.empty() ? "" : ", ") + FileBlockInfoString(fb);
    }
    return out;
  };
  static const char* kTtlActions[] = {"DELETE", "FREE", "DELETE_ALLUXIO"};
  return fmt::format(
      "URIStatus{{info=FileInfo{{fileId={}, name={}, path={}, ufsPath={}, length={}, "
      "blockSizeBytes={}, creationTimeMs={}, completed={}, folder={}, pinned={}, "
      "pinnedlocation=[], cacheable={}, persisted={}, blockIds={}, inMemoryPercentage={}, "
      "lastModificationTimesMs={}, ttl={}, lastAccessTimesMs={}, ttlAction={}, owner={}, "
      "group={}, mode={}, persistenceState={}, mountPoint={}, replicationMax=-1, "
      "replicationMin=0, fileBlockInfos=[{}], mountId={}, inAlluxioPercentage={}, "
      "ufsFingerprint={}, acl={}, defaultAcl=}}, cacheContext=null}}",
      f.file_id(), f.name(), f.path(), f.ufs_path(), f.length(), f.block_size_bytes(),
      f.creation_time_ms(), b(f.completed()), b(f.folder()), b(f.pinned()), b(f.cacheable()),
      b(f.persisted()), JoinIds(f), f.in_memory_percentage(), f.last_modification_time_ms(),
      f.ttl(), f.last_access_time_ms(), kTtlActions[f.ttl_action() % 3], f.owner(), f.group(),
      f.mode(), f.persistence_state(), b(f.mount_point()), block_infos(), f.mount_id(),
      f.in_alluxio_percentage(), f.ufs_fingerprint(), acl());
}

std::string StatBlocksOutput(const std::vector<::alluxio::grpc::BlockInfo>& blocks) {
  if (blocks.empty()) return "This file does not contain any blocks.\n";
  std::string out = "Containing the following blocks: \n";
  for (const ::alluxio::grpc::BlockInfo& b : blocks) out += BlockInfoString(b) + "\n";
  return out;
}

namespace {

Status StatOne(ShellContext& sc, const ParsedArgs& p, const std::string& arg);

Result<int> RunStat(ShellContext& sc, const ParsedArgs& p) {
  RETURN_IF_ERROR(ForEachMatch(
      sc, p.args[0], [&](const std::string& arg) -> Status { return StatOne(sc, p, arg); }));
  return 0;
}

Status StatOne(ShellContext& sc, const ParsedArgs& p, const std::string& arg) {
  ASSIGN_OR_RETURN(client::FileSystem * fs, sc.fs());
  ASSIGN_OR_RETURN(FileInfo f, fs->GetStatus(AlluxioPath(arg)));
  if (p.Has("f")) {
    std::string format = p.Get("f");
    std::string out;
    for (size_t i = 0; i < format.size(); ++i) {
      if (format[i] == '%' && i + 1 < format.size() &&
          std::string("bguyzNY").find(format[i + 1]) != std::string::npos) {
        char c = format[++i];
        switch (c) {
          case 'N':
            out += f.name();
            break;
          case 'z':
            out += f.folder() ? "NA" : std::to_string(f.length());
            break;
          case 'b':
            out += f.folder() ? "NA" : std::to_string(f.block_ids_size());
            break;
          case 'u':
            out += f.owner();
            break;
          case 'g':
            out += f.group();
            break;
          case 'y':
            out += FormatDate(f.last_modification_time_ms(), "yyyy-MM-dd HH:mm:ss");
            break;
          case 'Y':
            out += std::to_string(f.last_modification_time_ms());
            break;
        }
        continue;
      }
      out += format[i];
    }
    sc.out() << out << "\n";
    return Status();
  }
  sc.out() << arg << (f.folder() ? " is a directory path.\n" : " is a file path.\n");
  sc.out() << FileInfoString(f) << "\n";
  if (!f.folder()) {
    ASSIGN_OR_RETURN(std::vector<::alluxio::grpc::BlockInfo> blocks, BlocksOf(fs, f));
    sc.out() << StatBlocksOutput(blocks);
  }
  return Status();
}

}  // namespace

void AddLsCommands(std::vector<FsCommand>* c) {
  c->push_back(FsCommand{
      "ls",
      "ls [-d|-f|-p|-R|-h|--sort=option|--timestamp=option|-r] <path> ...",
      "Displays information for all files and directories directly under the specified paths, "
      "including permission, owner, group, size (bytes for files or the number of children for "
      "directories, persistence state, last modified time, the percentage of content already in "
      "Alluxio and the path in order.",
      {{"d", "", false, "list directories as plain files"},
       {"f", "", false, "force to load metadata for immediate children in a directory"},
       {"h", "", false, "print human-readable format sizes"},
       {"p", "", false, "list all pinned files"},
       {"R", "", false, "list subdirectories recursively"},
       {"r", "", false, "reverse order while sorting"},
       {"", "sort", true,
        "sort statuses by the given field {size|creationTime|inMemoryPercentage|lastAccessTime|"
        "lastModificationTime|name|path}"},
       {"", "timestamp", true,
        "display specific timestamp(default is last modification time) "
        "{creationTime|lastAccessTime|lastModificationTime}"}},
      1,
      -1,
      RunLs,
      ValidateLs});
  c->push_back(
      FsCommand{"count",
                "count [-h] <path>",
                "Displays the number of files and directories matching the specified "
                "prefix.",
                {{"h", "", false, "print sizes in human readable format (e.g. 1KB 234MB 2GB)"}},
                1,
                1,
                RunCount});
  c->push_back(FsCommand{
      "du",
      "du [-h|-s|-g|-m] <path>",
      "Displays the total size and the in Alluxio size of the specified file or directory.",
      {{"g", "", false,
        "display information for In-Alluxio data size under the path, grouped by worker."},
       {"h", "", false, "print sizes in human readable format (e.g., 1KB 234MB 2GB)"},
       {"m", "memory", false, "display the in memory size and in memory percentage"},
       {"s", "", false, "display the aggregate summary of file lengths being displayed"}},
      1,
      1,
      RunDu});
  c->push_back(FsCommand{
      "stat",
      "stat [-f <format>] <path>",
      "Displays info for the specified path both file and directory. Specify -f to display info "
      "in given format:   \"%N\": name of the file;   \"%z\": size of file in bytes;   \"%u\": "
      "owner;   \"%g\": group name of owner;   \"%y\" or \"%Y\": modification time, %y shows "
      "'yyyy-MM-dd HH:mm:ss' (the UTC date), %Y it shows milliseconds since January 1, 1970 UTC;"
      "   \"%b\": Number of blocks allocated for file",
      {{"f", "", true, "format"}},
      1,
      1,
      RunStat});
}

}  // namespace alluxio::cli::fs
