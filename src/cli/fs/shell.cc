// SPDX-License-Identifier: Apache-2.0
// The `alluxio fs` dispatcher: option parsing, argument-count checks and error reporting as in
// Alluxio's AbstractShell (messages on stdout, exit 255 on any error).
#include "cli/fs/shell.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <ctime>
#include <regex>
#include <set>

#include <fmt/format.h>

namespace alluxio::cli::fs {

namespace {

const OptionSpec* FindOption(const FsCommand& cmd, const std::string& name, bool long_form) {
  for (const OptionSpec& o : cmd.options) {
    if ((long_form && o.long_name == name) || (!long_form && o.short_name == name)) return &o;
  }
  // Alluxio's parser also accepts a long option with one dash ("-action free").
  if (!long_form) {
    for (const OptionSpec& o : cmd.options) {
      if (!o.long_name.empty() && o.long_name == name) return &o;
    }
  }
  return nullptr;
}

std::string Key(const OptionSpec& o) { return o.short_name.empty() ? o.long_name : o.short_name; }

Result<ParsedArgs> Parse(const FsCommand& cmd, const std::vector<std::string>& argv) {
  ParsedArgs out;
  auto fail = [&](const std::string& why) {
    return InvalidArgumentError(fmt::format("Failed to parse args for {}: {}", cmd.name, why));
  };
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a.size() < 2 || a[0] != '-' || a == "--") {
      out.args.push_back(a);
      continue;
    }
    if (a.rfind("--", 0) == 0) {
      std::string name = a.substr(2), value;
      bool has_value = false;
      if (size_t eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
        has_value = true;
      }
      const OptionSpec* o = FindOption(cmd, name, true);
      if (o == nullptr) return fail("Unrecognized option: " + a);
      if (o->has_arg) {
        if (!has_value) {
          if (i + 1 >= argv.size()) return fail("Missing argument for option: " + name);
          value = argv[++i];
        }
        out.options[Key(*o)].push_back(value);
      } else {
        out.options[Key(*o)];
      }
      continue;
    }
    std::string body = a.substr(1);
    if (const OptionSpec* o = FindOption(cmd, body, false); o != nullptr) {
      if (o->has_arg) {
        if (i + 1 >= argv.size()) return fail("Missing argument for option: " + body);
        out.options[Key(*o)].push_back(argv[++i]);
      } else {
        out.options[Key(*o)];
      }
      continue;
    }
    // Bundled short flags: -pR.
    for (size_t j = 0; j < body.size(); ++j) {
      const OptionSpec* o = FindOption(cmd, std::string(1, body[j]), false);
      if (o == nullptr) return fail("Unrecognized option: -" + std::string(1, body[j]));
      if (o->has_arg) {
        std::string value = body.substr(j + 1);
        if (value.empty()) {
          if (i + 1 >= argv.size()) return fail("Missing argument for option: " + o->short_name);
          value = argv[++i];
        }
        out.options[Key(*o)].push_back(value);
        break;
      }
      out.options[Key(*o)];
    }
  }
  return out;
}

Status CheckArgCount(const FsCommand& cmd, size_t n) {
  if (cmd.min_args == cmd.max_args && static_cast<int>(n) != cmd.min_args) {
    return InvalidArgumentError(
        fmt::format("Command {} takes {} arguments, not {}", cmd.name, cmd.min_args, n));
  }
  if (static_cast<int>(n) < cmd.min_args) {
    return InvalidArgumentError(fmt::format(
        "Command {} requires at least {} arguments ({} provided)", cmd.name, cmd.min_args, n));
  }
  if (cmd.max_args >= 0 && static_cast<int>(n) > cmd.max_args) {
    return InvalidArgumentError(fmt::format(
        "Command {} requires at most {} arguments ({} provided)", cmd.name, cmd.max_args, n));
  }
  return Status();
}

void PrintUsage(std::ostream& out, const std::vector<FsCommand>& commands) {
  out << "Usage: alluxio fs [generic options]\n";
  std::vector<const FsCommand*> sorted;
  for (const FsCommand& c : commands) sorted.push_back(&c);
  std::sort(sorted.begin(), sorted.end(),
            [](const FsCommand* a, const FsCommand* b) { return a->name < b->name; });
  for (const FsCommand* c : sorted) out << fmt::format("{:<60}\n", "\t [" + c->usage + "]");
}

// Apache commons-cli HelpFormatter (what Alluxio's help uses), at its 80-column default.
constexpr size_t kHelpWidth = 80;

// HelpFormatter.findWrapPos: where to break `text` (from `start`) to fit `width`; npos if it fits.
size_t FindWrapPos(const std::string& text, size_t width, size_t start) {
  size_t pos = text.find('\n', start);
  if (pos != std::string::npos && pos <= width) return pos + 1;
  pos = text.find('\t', start);
  if (pos != std::string::npos && pos <= width) return pos + 1;
  if (start + width >= text.size()) return std::string::npos;
  for (pos = start + width; pos > start; --pos) {
    char c = text[pos];
    if (c == ' ' || c == '\n' || c == '\r') break;
  }
  if (pos > start) return pos;
  pos = start + width;
  return pos == text.size() ? std::string::npos : pos;
}

std::string Rtrim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

std::string Trim(const std::string& s) {
  size_t b = 0;
  while (b < s.size() && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  return Rtrim(s.substr(b));
}

// HelpFormatter.renderWrappedText.
std::string WrapText(std::string text, size_t width, size_t next_line_tab_stop) {
  std::string out;
  size_t pos = FindWrapPos(text, width, 0);
  if (pos == std::string::npos) return Rtrim(text);
  out += Rtrim(text.substr(0, pos)) + "\n";
  if (next_line_tab_stop >= width) next_line_tab_stop = 1;
  const std::string padding(next_line_tab_stop, ' ');
  while (true) {
    text = padding + Trim(text.substr(pos));
    pos = FindWrapPos(text, width, 0);
    if (pos == std::string::npos) return out + text;
    if (text.size() > width && pos == next_line_tab_stop - 1) pos = width;
    out += Rtrim(text.substr(0, pos)) + "\n";
  }
}

void PrintCommandHelp(std::ostream& out, const FsCommand& c) {
  out << WrapText(c.name + ": " + c.description, kHelpWidth, 0) << "\n";
  size_t arg_pos = c.usage.find(' ') + 1;  // 0 when the usage has no space
  out << WrapText("usage: " + c.usage, kHelpWidth, 7 + arg_pos) << "\n";
  if (c.options.empty()) return;
  std::vector<const OptionSpec*> sorted;
  for (const OptionSpec& o : c.options) sorted.push_back(&o);
  auto key = [](const OptionSpec* o) {
    std::string k = o->short_name.empty() ? o->long_name : o->short_name;
    std::transform(k.begin(), k.end(), k.begin(), ::tolower);
    return k;
  };
  std::stable_sort(sorted.begin(), sorted.end(),
                   [&](const OptionSpec* a, const OptionSpec* b) { return key(a) < key(b); });
  std::vector<std::string> prefixes;
  size_t max = 0;
  for (const OptionSpec* o : sorted) {
    std::string prefix =
        o->short_name.empty()
            ? "    --" + o->long_name
            : " -" + o->short_name + (o->long_name.empty() ? "" : ",--" + o->long_name);
    if (o->has_arg) prefix += " <arg>";
    max = std::max(max, prefix.size());
    prefixes.push_back(std::move(prefix));
  }
  std::string all;
  for (size_t i = 0; i < sorted.size(); ++i) {
    std::string line =
        prefixes[i] + std::string(max - prefixes[i].size(), ' ') + "   " + sorted[i]->description;
    if (i > 0) all += "\n";
    all += WrapText(line, kHelpWidth, max + 3);
  }
  out << all << "\n";
}

}  // namespace

std::vector<FsCommand> AllCommands() {
  std::vector<FsCommand> commands;
  AddLsCommands(&commands);
  AddNamespaceCommands(&commands);
  AddAttributeCommands(&commands);
  AddMountCommands(&commands);
  AddDataCommands(&commands);
  AddCopyCommands(&commands);
  return commands;
}

int RunFsShell(CommandContext& ctx, const std::vector<std::string>& args) {
  std::vector<FsCommand> commands = AllCommands();
  FsCommand help{"help",
                 "help [<command>]",
                 "Prints help message for the given command. If there isn't given command, prints "
                 "help messages for all supported commands.",
                 {},
                 0,
                 1,
                 nullptr};
  help.run = [&commands](ShellContext& sc, const ParsedArgs& p) -> Result<int> {
    std::vector<const FsCommand*> sorted;
    for (const FsCommand& c : commands) sorted.push_back(&c);
    std::sort(sorted.begin(), sorted.end(),
              [](const FsCommand* a, const FsCommand* b) { return a->name < b->name; });
    if (p.args.empty()) {
      for (const FsCommand* c : sorted) {
        PrintCommandHelp(sc.out(), *c);
        sc.out() << "\n";
      }
      return 0;
    }
    for (const FsCommand* c : sorted) {
      if (c->name == p.args[0]) {
        PrintCommandHelp(sc.out(), *c);
        return 0;
      }
    }
    sc.out() << p.args[0] << " is an unknown command.\n";
    return 255;
  };
  commands.push_back(help);
  std::ostream& out = *ctx.out;
  if (args.empty()) {
    PrintUsage(out, commands);
    return 255;
  }
  std::string name = args[0] == "umount" ? "unmount" : args[0];
  auto it = std::find_if(commands.begin(), commands.end(),
                         [&](const FsCommand& c) { return c.name == name; });
  if (it == commands.end()) {
    *ctx.err << name << " is an unknown command.\n";
    PrintUsage(out, commands);
    return 255;
  }
  return RunCommand(ctx, *it, std::vector<std::string>(args.begin() + 1, args.end()));
}

int RunCommand(CommandContext& ctx, const FsCommand& cmd, const std::vector<std::string>& args) {
  std::ostream& out = *ctx.out;
  Result<ParsedArgs> parsed = Parse(cmd, args);
  Status check = parsed.ok() ? CheckArgCount(cmd, parsed->args.size()) : parsed.status();
  if (check.ok() && cmd.validate) check = cmd.validate(*parsed);
  if (!check.ok()) {
    out << check.message() << "\n";
    out << "Usage: " << cmd.usage << "\n";
    out << cmd.description << "\n";
    return 255;
  }
  std::unique_ptr<client::FileSystem> fs;
  ShellContext sc{&ctx, [&]() -> Result<client::FileSystem*> {
                    if (!fs) {
                      ASSIGN_OR_RETURN(fs, client::FileSystem::Create(*ctx.conf));
                    }
                    return fs.get();
                  }};
  Result<int> rc = cmd.run(sc, *parsed);
  if (!rc.ok()) {
    out << rc.status().message() << "\n";
    return 255;
  }
  return *rc;
}

// --- helpers ---

Status ForEachMatch(ShellContext& sc, const std::string& arg,
                    const std::function<Status(const std::string& path)>& fn) {
  std::vector<std::string> paths;
  size_t star = arg.find('*');
  if (star == std::string::npos) {
    paths.push_back(arg);
  } else {
    const std::string path = AlluxioPath(arg);
    const std::string authority = arg.substr(0, arg.size() - path.size());  // "alluxio://h:p"
    size_t path_star = path.find('*');
    size_t slash = path.rfind('/', path_star);
    std::string base = slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
    // Alluxio's getAlluxioURIs: list a directory; a child that matches is taken (and not
    // descended into); a directory that does not match is descended into when the pattern's
    // leading components at its depth match it.
    auto to_regex = [](std::string_view glob) {
      std::string pattern;
      for (char c : glob) {
        if (c == '*') {
          pattern += ".*";
        } else if (std::string("\\^$.|?+()[]{}").find(c) != std::string::npos) {
          pattern += '\\';
          pattern += c;
        } else {
          pattern += c;
        }
      }
      return std::regex(pattern);
    };
    const std::regex full = to_regex(path);
    std::vector<std::string_view> comps;
    for (size_t i = 1; i <= path.size();) {
      size_t j = path.find('/', i);
      if (j == std::string::npos) j = path.size();
      comps.push_back(std::string_view(path).substr(i, j - i));
      i = j + 1;
    }
    auto leading = [&](size_t depth) {
      std::string p;
      for (size_t k = 0; k < depth && k < comps.size(); ++k) p += "/" + std::string(comps[k]);
      return p;
    };
    ASSIGN_OR_RETURN(client::FileSystem * fs, sc.fs());
    std::vector<std::string> dirs{base};
    while (!dirs.empty()) {
      std::string dir = std::move(dirs.back());
      dirs.pop_back();
      Result<std::vector<client::FileInfo>> children = fs->ListStatus(dir);
      if (!children.ok()) continue;
      for (const client::FileInfo& f : *children) {
        if (std::regex_match(f.path(), full)) {
          paths.push_back(authority + f.path());
        } else if (f.folder()) {
          size_t depth = static_cast<size_t>(std::count(f.path().begin(), f.path().end(), '/'));
          if (depth < comps.size() && std::regex_match(f.path(), to_regex(leading(depth)))) {
            dirs.push_back(f.path());
          }
        }
      }
    }
    if (paths.empty()) return NotFoundError(arg + " does not exist.");
    std::sort(paths.begin(), paths.end());
  }
  Status first;
  std::string messages;
  for (const std::string& p : paths) {
    Status s = fn(p);
    if (s.ok()) continue;
    if (first.ok()) first = s;
    if (!messages.empty()) messages += "\n";
    messages += std::string(s.message());
  }
  return first.ok() ? Status() : Status(first.code(), messages);
}

std::string AlluxioPath(const std::string& arg) {
  if (arg.rfind("alluxio://", 0) == 0) {
    size_t slash = arg.find('/', 10);
    return slash == std::string::npos ? "/" : arg.substr(slash);
  }
  return arg;
}

namespace {
// Java's %.2f: HALF_UP on the decimal expansion (fmt rounds ties to even on the binary value).
std::string TwoDecimals(double v) {
  double rounded = std::floor(v * 100.0 + 0.5 + 1e-9) / 100.0;
  return fmt::format("{:.2f}", rounded);
}
}  // namespace

std::string FormatSize(int64_t bytes) {
  double ret = static_cast<double>(bytes);
  if (ret <= 1024 * 5) return fmt::format("{}B", bytes);
  static const char* kUnits[] = {"KB", "MB", "GB", "TB"};
  for (const char* unit : kUnits) {
    ret /= 1024;
    if (ret <= 1024 * 5) return TwoDecimals(ret) + unit;
  }
  ret /= 1024;
  return TwoDecimals(ret) + "PB";
}

std::string FormatDate(int64_t ms, const std::string& pattern) {
  time_t secs = static_cast<time_t>(ms / 1000);
  struct tm tm {};
  localtime_r(&secs, &tm);
  int millis = static_cast<int>(ms % 1000);
  std::string out;
  for (size_t i = 0; i < pattern.size();) {
    char c = pattern[i];
    size_t j = i;
    while (j < pattern.size() && pattern[j] == c) ++j;
    size_t n = j - i;
    switch (c) {
      case 'y':
        out += n == 2 ? fmt::format("{:02}", (tm.tm_year + 1900) % 100)
                      : fmt::format("{:0{}}", tm.tm_year + 1900, n);
        break;
      case 'M':
        out += fmt::format("{:0{}}", tm.tm_mon + 1, n);
        break;
      case 'd':
        out += fmt::format("{:0{}}", tm.tm_mday, n);
        break;
      case 'H':
        out += fmt::format("{:0{}}", tm.tm_hour, n);
        break;
      case 'm':
        out += fmt::format("{:0{}}", tm.tm_min, n);
        break;
      case 's':
        out += fmt::format("{:0{}}", tm.tm_sec, n);
        break;
      case 'S':
        out += fmt::format("{:0{}}", millis, n);
        break;
      default:
        out.append(n, c);
    }
    i = j;
  }
  return out;
}

std::string FormatPermission(int32_t mode, bool directory) {
  static const char* kBits[] = {"---", "--x", "-w-", "-wx", "r--", "r-x", "rw-", "rwx"};
  std::string s = directory ? "d" : "-";
  s += kBits[(mode >> 6) & 7];
  s += kBits[(mode >> 3) & 7];
  s += kBits[mode & 7];
  return s;
}

bool SecurityEnabled(const conf::Configuration& conf) {
  auto auth = conf.GetEnum(conf::keys::kSecurityAuthenticationType);
  auto enabled = conf.GetBool(conf::keys::kSecurityAuthorizationPermissionEnabled);
  return auth.ok() && *auth != "NOSASL" && enabled.ok() && *enabled;
}

namespace {
// WorkerNetAddress.toString(). Our address has no container host; the tiered identity is the
// default one Alluxio derives from the host name.
std::string WorkerNetAddressString(const ::alluxio::grpc::WorkerNetAddress& a) {
  return fmt::format(
      "WorkerNetAddress{{host={}, containerHost=, rpcPort={}, dataPort={}, webPort={}, "
      "domainSocketPath={}, tieredIdentity=TieredIdentity(node={}, rack=null)}}",
      a.host(), a.rpc_port(), a.data_port(), a.web_port(), a.domain_socket_path(), a.host());
}
}  // namespace

std::string BlockInfoString(const ::alluxio::grpc::BlockInfo& info) {
  std::string locations;
  for (const ::alluxio::grpc::BlockLocation& l : info.locations()) {
    if (!locations.empty()) locations += ", ";
    locations += fmt::format(
        "BlockLocation{{workerId={}, address={}, tierAlias={}, mediumType={}}}", l.worker_id(),
        WorkerNetAddressString(l.worker_address()), l.tier_alias(), l.medium_type());
  }
  return fmt::format("BlockInfo{{id={}, length={}, locations=[{}]}}", info.block_id(),
                     info.length(), locations);
}

std::string FileBlockInfoString(const ::alluxio::grpc::FileBlockInfo& info) {
  std::string ufs;
  for (const std::string& u : info.ufs_locations()) ufs += (ufs.empty() ? "" : ", ") + u;
  return fmt::format("FileBlockInfo{{blockInfo={}, offset={}, ufsLocations=[{}]}}",
                     BlockInfoString(info.block_info()), info.offset(), ufs);
}

Result<std::vector<::alluxio::grpc::BlockInfo>> BlocksOf(client::FileSystem* fs,
                                                         const client::FileInfo& f) {
  std::vector<::alluxio::grpc::BlockInfo> blocks;
  if (f.file_block_infos_size() == f.block_ids_size()) {
    for (const ::alluxio::grpc::FileBlockInfo& b : f.file_block_infos()) {
      blocks.push_back(b.block_info());
    }
    return blocks;
  }
  for (int64_t id : f.block_ids()) {
    ASSIGN_OR_RETURN(::alluxio::grpc::BlockInfo info, fs->GetBlockInfo(id));
    blocks.push_back(std::move(info));
  }
  return blocks;
}

}  // namespace alluxio::cli::fs
