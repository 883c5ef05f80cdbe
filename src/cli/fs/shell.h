// SPDX-License-Identifier: Apache-2.0
// The `alluxio fs` shell: a table of commands with Alluxio's names, usages, options, messages and
// exit codes (reference §2.2). Each command family lives in its own file; this header holds the
// small framework they share.
// Thread-safety: a shell runs one command on one thread.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/command.h"
#include "client/api/file_system.h"

namespace alluxio::cli::fs {

struct OptionSpec {
  std::string short_name;  // "R" (may be empty)
  std::string long_name;   // "sort" (may be empty)
  bool has_arg = false;
  std::string description;
};

struct ParsedArgs {
  std::map<std::string, std::vector<std::string>> options;  // by short or long name
  std::vector<std::string> args;
  bool Has(const std::string& name) const { return options.count(name) > 0; }
  std::string Get(const std::string& name, const std::string& dflt = "") const {
    auto it = options.find(name);
    return it == options.end() || it->second.empty() ? dflt : it->second.back();
  }
  size_t option_count() const { return options.size(); }
};

struct ShellContext {
  CommandContext* base;
  // Created on first use (commands like help need no master).
  std::function<Result<client::FileSystem*>()> fs;
  std::ostream& out() { return *base->out; }
  std::ostream& err() { return *base->err; }
  const conf::Configuration& conf() { return *base->conf; }
};

struct FsCommand {
  std::string name;
  std::string usage;
  std::string description;
  std::vector<OptionSpec> options;
  int min_args = 0;
  int max_args = 0;  // -1: unbounded
  // Returns the exit code; a non-OK Status prints its message and exits 255.
  std::function<Result<int>(ShellContext&, const ParsedArgs&)> run;
  // Optional argument validation (Alluxio's validateArgs): an error prints the message, the usage
  // and the description.
  std::function<Status(const ParsedArgs&)> validate = nullptr;
};

// Command families, registered by the shell.
void AddLsCommands(std::vector<FsCommand>* commands);         // ls, count, du, stat
void AddNamespaceCommands(std::vector<FsCommand>* commands);  // mkdir, touch, rm, mv, test
void AddAttributeCommands(std::vector<FsCommand>* commands);  // chmod, chown, chgrp, setTtl, ...
void AddMountCommands(std::vector<FsCommand>* commands);      // mount, unmount, masterInfo, leader
void AddDataCommands(std::vector<FsCommand>* commands);  // cat, head, tail, checksum, location, ...
void AddCopyCommands(std::vector<FsCommand>* commands);  // cp, copyFromLocal, copyToLocal

// Runs `alluxio fs <args>`.
int RunFsShell(CommandContext& ctx, const std::vector<std::string>& args);
// Runs one command of a table (also used by `alluxio fsadmin`): parses `args` (the arguments after
// the command name), checks their count and `cmd.validate` (on error: the message, the usage and
// the description, exit 255), then runs it; a failed run prints its message and exits 255.
int RunCommand(CommandContext& ctx, const FsCommand& cmd, const std::vector<std::string>& args);

// --- helpers shared by command files ---
// Alluxio's runWildCardCmd: a '*' in `arg` matches any characters ('/' included); the matches are
// sorted and `fn` runs on each (the path as the user sees it, scheme and authority kept), going on
// after failures; the error messages are joined with newlines. An argument without '*' runs `fn`
// once, unchecked. No match: "<arg> does not exist.".
Status ForEachMatch(ShellContext& sc, const std::string& arg,
                    const std::function<Status(const std::string& path)>& fn);
// Strips "alluxio://host:port" from a path argument.
std::string AlluxioPath(const std::string& arg);
// FormatUtils.getSizeFromBytes: "5120B", "5.00KB", "9.26MB".
std::string FormatSize(int64_t bytes);
// Formats epoch ms in local time with a Java SimpleDateFormat pattern (y M d H m s S tokens).
std::string FormatDate(int64_t ms, const std::string& pattern);
// "drwxr-xr-x".
std::string FormatPermission(int32_t mode, bool directory);
// `authType != NOSASL && permission.enabled`.
bool SecurityEnabled(const conf::Configuration& conf);
// Java toString() of Alluxio's wire types, as `stat` and `fsadmin getBlockInfo` print them:
// "BlockInfo{id=1, length=2, locations=[BlockLocation{workerId=3, address=WorkerNetAddress{...},
// tierAlias=MEM, mediumType=MEM}]}".
std::string BlockInfoString(const ::alluxio::grpc::BlockInfo& info);
// "FileBlockInfo{blockInfo=BlockInfo{...}, offset=0, ufsLocations=[]}".
std::string FileBlockInfoString(const ::alluxio::grpc::FileBlockInfo& info);
// URIStatus.toString() of Alluxio (the second line of `stat`).
std::string FileInfoString(const client::FileInfo& f);
// The block part of `stat` for a file: "This file does not contain any blocks." or
// "Containing the following blocks: " and one BlockInfoString line per block.
std::string StatBlocksOutput(const std::vector<::alluxio::grpc::BlockInfo>& blocks);
// One line of `du` (DuCommand.printInfo): the In Memory column with -m, the worker host with -g.
std::string DuLine(const std::string& size, const std::string& in_alluxio, const std::string& path,
                   const std::optional<std::string>& in_memory,
                   const std::optional<std::string>& worker_host);
// The blocks of a file with their locations: FileInfo.file_block_infos when the master filled
// them (one per block id), else one GetBlockInfo call per block.
Result<std::vector<::alluxio::grpc::BlockInfo>> BlocksOf(client::FileSystem* fs,
                                                         const client::FileInfo& f);

}  // namespace alluxio::cli::fs
