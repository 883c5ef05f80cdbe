// SPDX-License-Identifier: Apache-2.0
// chmod, chown, chgrp, setTtl, unsetTtl, pin, unpin.
#include <algorithm>
#include <regex>

#include <fmt/format.h>

#include "cli/fs/shell.h"

namespace alluxio::cli::fs {

namespace {

// Alluxio's ModeParser: octal ("755", "0755") or symbolic "u=rwx,g=rx,o=rx" (only '=').
Result<int32_t> ParseMode(const std::string& value) {
  if (value.find_first_not_of(" \t") == std::string::npos) {
    return InvalidArgumentError(fmt::format("Invalid mode {}", value));
  }
  {
    std::string v = value;
    if (!v.empty() && (v[0] == '+' || v[0] == '-')) v = v.substr(1);
    if (!v.empty() && v.size() <= 6 && v.find_first_not_of("01234567") == std::string::npos) {
      long parsed = std::stol(v, nullptr, 8);
      if (parsed <= 077777) return static_cast<int32_t>(parsed & 0777);
    }
  }
  int32_t mode = 0;
  size_t start = 0;
  while (start <= value.size()) {
    size_t comma = value.find(',', start);
    std::string seg =
        value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    size_t eq = seg.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == seg.size() ||
        seg.find('=', eq + 1) != std::string::npos) {
      return InvalidArgumentError(
          fmt::format("Invalid mode {} - contains invalid segment {}", value, seg));
    }
    std::string targets = seg.substr(0, eq), perms = seg.substr(eq + 1);
    int bits = 0;
    for (char c : perms) {
      if (c == 'r')
        bits |= 4;
      else if (c == 'w')
        bits |= 2;
      else if (c == 'x')
        bits |= 1;
      else {
        return InvalidArgumentError(fmt::format(
            "Invalid mode {} - contains invalid segment {} which has invalid permissions {}", value,
            seg, perms));
      }
    }
    for (char c : targets) {
      if (c == 'u')
        mode |= bits << 6;
      else if (c == 'g')
        mode |= bits << 3;
      else if (c == 'o')
        mode |= bits;
      else if (c == 'a')
        mode |= bits << 6 | bits << 3 | bits;
      else {
        return InvalidArgumentError(fmt::format(
            "Invalid mode {} - contains invalid segment {} which has invalid targets {}", value,
            seg, targets));
      }
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return mode;
}

// FormatUtils.parseTimeSize: integer with optional unit.
Result<int64_t> ParseTtl(std::string value) {
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
      value.back() == value.front()) {
    value = value.substr(1, value.size() - 2);
  }
  static const std::regex kRe("([-]?[0-9]*)([a-zA-Z]*)");
  std::smatch m;
  if (!std::regex_match(value, m, kRe) || m[1].str().empty() || m[1].str() == "-") {
    return InvalidArgumentError(fmt::format("{} is not valid time", value));
  }
  std::string unit = m[2].str();
  std::transform(unit.begin(), unit.end(), unit.begin(), ::tolower);
  int64_t mult;
  if (unit.empty() || unit == "ms" || unit == "millisecond")
    mult = 1;
  else if (unit == "s" || unit == "sec" || unit == "second")
    mult = 1000;
  else if (unit == "m" || unit == "min" || unit == "minute")
    mult = 60000;
  else if (unit == "h" || unit == "hr" || unit == "hour")
    mult = 3600000;
  else if (unit == "d" || unit == "day")
    mult = 86400000;
  else
    return InvalidArgumentError(fmt::format("{} is not valid time", value));
  try {
    return std::stoll(m[1].str()) * mult;
  } catch (...) {
    return InvalidArgumentError(fmt::format("{} is not valid time", value));
  }
}

Result<int> RunChmod(ShellContext& sc, const ParsedArgs& p) {
  ASSIGN_OR_RETURN(int32_t mode, ParseMode(p.args[0]));
  ASSIGN_OR_RETURN(client::FileSystem * fs, sc.fs());
  client::fsopts::SetAttributePOptions o;
  o.set_mode(mode);
  o.set_recursive(p.Has("R"));
  RETURN_IF_ERROR(ForEachMatch(sc, p.args[1], [&](const std::string& path) -> Status {
    RETURN_IF_ERROR(fs->SetAttribute(AlluxioPath(path), o));
    sc.out() << fmt::format("Changed permission of {} to {:o}\n", path, mode);
    return Status();
  }));
  return 0;
}

Result<int> RunChown(ShellContext& sc, const ParsedArgs& p) {
  static const std::regex kRe(
      R"(([A-Za-z0-9_][A-Za-z0-9_-]*\$?)(:([A-Za-z0-9_][A-Za-z0-9_-]*\$?))?)");
  std::smatch m;
  if (!std::regex_match(p.args[0], m, kRe)) {
    sc.out() << "Failed to parse " << p.args[0] << " as user or user:group\n";
    return 255;
  }
  ASSIGN_OR_RETURN(client::FileSystem * fs, sc.fs());
  client::fsopts::SetAttributePOptions o;
  o.set_owner(m[1].str());
  std::string group = m[3].str();
  if (!group.empty()) o.set_group(group);
  o.set_recursive(p.Has("R"));
  const std::string owner = m[1].str();
  RETURN_IF_ERROR(ForEachMatch(sc, p.args[1], [&](const std::string& path) -> Status {
    Status s = fs->SetAttribute(AlluxioPath(path), o);
    if (!group.empty()) {
      if (!s.ok()) {
        return Status(s.code(), fmt::format("Could not update owner:group for {} to {}:{}. {}",
                                            path, owner, group, s.message()));
      }
      sc.out() << fmt::format("Changed owner:group of {} to {}:{}.\n", path, owner, group);
      return Status();
    }
    RETURN_IF_ERROR(s);
    sc.out() << fmt::format("Changed owner of {} to {}\n", path, owner);
    return Status();
  }));
  return 0;
}

Result<int> RunChgrp(ShellContext& sc, const ParsedArgs& p) {
  ASSIGN_OR_RETURN(client::FileSystem * fs, sc.fs());
  client::fsopts::SetAttributePOptions o;
  o.set_group(p.args[0]);
  o.set_recursive(p.Has("R"));
  RETURN_IF_ERROR(ForEachMatch(sc, p.args[1], [&](const std::string& path) -> Status {
    RETURN_IF_ERROR(fs->SetAttribute(AlluxioPath(path), o));
    sc.out() << fmt::format("Changed group of {} to {}\n", path, p.args[0]);
    return Status();
  }));
  return 0;
}

// The --action of setTtl, case-insensitive (Alluxio's TtlAction.valueOf on the upper case).
Result<::alluxio::grpc::TtlAction> ParseTtlAction(const ParsedArgs& p) {
  std::string action = p.Get("action", "DELETE");
  std::string upper = action;
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  ::alluxio::grpc::TtlAction ttl_action;
  if (!::alluxio::grpc::TtlAction_Parse(upper, &ttl_action)) {
    return InvalidArgumentError(fmt::format("TTL action should be DELETE OR FREE, not {}", action));
  }
  return ttl_action;
}

Status ValidateSetTtl(const ParsedArgs& p) { return ParseTtlAction(p).status(); }

Result<int> RunSetTtl(ShellContext& sc, const ParsedArgs& p) {
  ASSIGN_OR_RETURN(::alluxio::grpc::TtlAction ttl_action, ParseTtlAction(p));
  const std::string& upper = ::alluxio::grpc::TtlAction_Name(ttl_action);
  ASSIGN_OR_RETURN(int64_t ttl, ParseTtl(p.args[1]));
  ASSIGN_OR_RETURN(client::FileSystem * fs, sc.fs());
  client::fsopts::SetAttributePOptions o;
  o.mutable_common_options()->set_ttl(ttl);
  o.mutable_common_options()->set_ttl_action(ttl_action);
  o.set_recursive(true);
  RETURN_IF_ERROR(ForEachMatch(sc, p.args[0], [&](const std::string& path) -> Status {
    RETURN_IF_ERROR(fs->SetAttribute(AlluxioPath(path), o));
    sc.out() << fmt::format(
        "TTL of path '{}' was successfully set to {} milliseconds, with expiry action set to {}\n",
        path, ttl, upper);
    return Status();
  }));
  return 0;
}

Result<int> RunUnsetTtl(ShellContext& sc, const ParsedArgs& p) {
  ASSIGN_OR_RETURN(client::FileSystem * fs, sc.fs());
  client::fsopts::SetAttributePOptions o;
  o.mutable_common_options()->set_ttl(-1);
  o.mutable_common_options()->set_ttl_action(::alluxio::grpc::DELETE);
  RETURN_IF_ERROR(ForEachMatch(sc, p.args[0], [&](const std::string& path) -> Status {
    RETURN_IF_ERROR(fs->SetAttribute(AlluxioPath(path), o));
    sc.out() << "TTL of file '" << path << "' was successfully removed.\n";
    return Status();
  }));
  return 0;
}

Result<int> RunPin(ShellContext& sc, const ParsedArgs& p, bool pin) {
  if (pin && p.args.size() > 1) {
    static const std::vector<std::string> kMedia = {"MEM", "SSD", "HDD"};
    std::vector<std::string> invalid;
    for (size_t i = 1; i < p.args.size(); ++i) {
      if (std::find(kMedia.begin(), kMedia.end(), p.args[i]) == kMedia.end()) {
        invalid.push_back(p.args[i]);
      }
    }
    if (!invalid.empty()) {
      return InvalidArgumentError(fmt::format(
          "Invalid medium to pin the file. {} are invalid. MEM,SSD,HDD are valid medium types",
          fmt::join(invalid, ",")));
    }
  }
  ASSIGN_OR_RETURN(client::FileSystem * fs, sc.fs());
  client::fsopts::SetAttributePOptions o;
  o.set_pinned(pin);
  RETURN_IF_ERROR(ForEachMatch(sc, p.args[0], [&](const std::string& path) -> Status {
    RETURN_IF_ERROR(fs->SetAttribute(AlluxioPath(path), o));
    sc.out() << "File '" << path
             << (pin ? "' was successfully pinned.\n" : "' was successfully unpinned.\n");
    return Status();
  }));
  return 0;
}

}  // namespace

void AddAttributeCommands(std::vector<FsCommand>* c) {
  c->push_back(FsCommand{"chmod",
                         "chmod [-R] <mode> <path>",
                         "Changes the permission of a file or directory specified by args. "
                         "Specify -R to change the permission recursively.",
                         {{"R", "", false, "change mode recursively"}},
                         2,
                         2,
                         RunChmod});
  c->push_back(FsCommand{"chown",
                         "chown [-R] <owner>[:<group>] <path>",
                         "Changes the owner of a file or directory specified by args. Specify -R "
                         "to change the owner recursively.",
                         {{"R", "", false, "change owner recursively"}},
                         2,
                         2,
                         RunChown});
  c->push_back(FsCommand{"chgrp",
                         "chgrp [-R] <group> <path>",
                         "Changes the group of a file or directory specified by args. Specify -R "
                         "to change the group recursively.",
                         {{"R", "", false, "change group recursively"}},
                         2,
                         2,
                         RunChgrp});
  c->push_back(FsCommand{
      "setTtl",
      "setTtl [--action delete|free] <path> <time to live>",
      "Sets a new TTL value for the file at path, performing an action, delete(default)/free "
      "after TTL expiry. The TTL to set can be in one of the unit: ms, millisecond, s, second, "
      "m, min, minute, h, hour, d, day, default to ms",
      {{"", "action", true,
        "Action to take after TTL expiry. Delete (default) or free the target"}},
      2,
      2,
      RunSetTtl,
      ValidateSetTtl});
  c->push_back(FsCommand{"unsetTtl",
                         "unsetTtl <path>",
                         "Unsets the TTL value for the given path.",
                         {},
                         1,
                         1,
                         RunUnsetTtl});
  c->push_back(
      FsCommand{"pin",
                "pin <path> media1 media2 media3 ...",
                "Pins the given file or directory in memory (works recursively for "
                "directories). Pinned files are never evicted from memory, unless TTL is "
                "set.",
                {},
                1,
                -1,
                [](ShellContext& sc, const ParsedArgs& p) { return RunPin(sc, p, true); }});
  c->push_back(
      FsCommand{"unpin",
                "unpin <path>",
                "Unpins the given file or folder from memory (works recursively for a "
                "directory).",
                {},
                1,
                -1,
                [](ShellContext& sc, const ParsedArgs& p) { return RunPin(sc, p, false); }});
}

}  // namespace alluxio::cli::fs
