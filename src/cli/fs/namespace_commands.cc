// SPDX-License-Identifier: Apache-2.0
// mkdir, touch, rm, mv, test.
#include <fmt/format.h>

#include "cli/fs/shell.h"

namespace alluxio::cli::fs {

namespace {

Result<int> RunMkdir(ShellContext& sc, const ParsedArgs& p) {
  ASSIGN_OR_RETURN(client::FileSystem * fs, sc.fs());
  for (const std::string& arg : p.args) {
    client::fsopts::CreateDirectoryPOptions o;
    o.set_recursive(true);
    RETURN_IF_ERROR(fs->CreateDirectory(AlluxioPath(arg), o));
    sc.out() << "Successfully created directory " << arg << "\n";
  }
  return 0;
}

Result<int> RunTouch(ShellContext& sc, const ParsedArgs& p) {
  ASSIGN_OR_RETURN(client::FileSystem * fs, sc.fs());
  std::string path = AlluxioPath(p.args[0]);
  client::fsopts::CreateFilePOptions o;
  o.set_recursive(true);
  RETURN_IF_ERROR(fs->CreateFile(path, o).status());
  RETURN_IF_ERROR(fs->CompleteFile(path));
  sc.out() << p.args[0] << " has been created\n";
  return 0;
}

Status RemoveOne(client::FileSystem* fs, ShellContext& sc, const ParsedArgs& p,
                 const std::string& arg);

Result<int> RunRm(ShellContext& sc, const ParsedArgs& p) {
  ASSIGN_OR_RETURN(client::FileSystem * fs, sc.fs());
  RETURN_IF_ERROR(ForEachMatch(
      sc, p.args[0], [&](const std::string& arg) -> Status { return RemoveOne(fs, sc, p, arg); }));
  return 0;
}

Status RemoveOne(client::FileSystem* fs, ShellContext& sc, const ParsedArgs& p,
                 const std::string& arg) {
  std::string path = AlluxioPath(arg);
  ASSIGN_OR_RETURN(bool exists, fs->Exists(path));
  if (!exists) return NotFoundError(fmt::format("Path \"{}\" does not exist.", arg));
  ASSIGN_OR_RETURN(client::FileInfo f, fs->GetStatus(path));
  if (f.folder() && !p.Has("R")) {
    return FailedPreconditionError(
        fmt::format("{} is a directory, to remove it, please use \"rm -R <path>\"", path));
  }
  client::fsopts::DeletePOptions o;
  o.set_recursive(p.Has("R"));
  o.set_alluxio_only(p.Has("alluxioOnly"));
  o.set_unchecked(p.Has("U"));
  RETURN_IF_ERROR(fs->Delete(path, o));
  sc.out() << arg
           << (p.Has("alluxioOnly") ? " has been removed from Alluxio space\n"
                                    : " has been removed\n");
  return Status();
}

Result<int> RunMv(ShellContext& sc, const ParsedArgs& p) {
  ASSIGN_OR_RETURN(client::FileSystem * fs, sc.fs());
  RETURN_IF_ERROR(fs->Rename(AlluxioPath(p.args[0]), AlluxioPath(p.args[1])));
  sc.out() << "Renamed " << p.args[0] << " to " << p.args[1] << "\n";
  return 0;
}

Result<int> RunTest(ShellContext& sc, const ParsedArgs& p) {
  if (p.option_count() != 1) return 255;
  ASSIGN_OR_RETURN(client::FileSystem * fs, sc.fs());
  Result<client::FileInfo> r = fs->GetStatus(AlluxioPath(p.args[0]));
  if (!r.ok()) {
    // Alluxio: a master-side error (including a missing path) is exit 3; a client I/O error 2.
    return r.status().code() == StatusCode::kUnavailable ? 2 : 3;
  }
  const client::FileInfo& f = *r;
  bool result = false;
  if (p.Has("d")) {
    result = f.folder();
  } else if (p.Has("f")) {
    result = !f.folder();
  } else if (p.Has("e")) {
    result = true;
  } else if (p.Has("s")) {
    result = f.folder() && f.length() > 0;
  } else if (p.Has("z")) {
    result = !f.folder() && f.length() == 0;
  }
  return result ? 0 : 1;
}

}  // namespace

void AddNamespaceCommands(std::vector<FsCommand>* c) {
  c->push_back(FsCommand{"mkdir",
                         "mkdir <path1> [path2] ... [pathn]",
                         "Creates the specified directories, including any parent directories "
                         "that are required.",
                         {},
                         1,
                         -1,
                         RunMkdir});
  c->push_back(FsCommand{"touch",
                         "touch <path>",
                         "Creates a 0 byte file. The file will be written to the under file "
                         "system.",
                         {},
                         1,
                         1,
                         RunTouch});
  c->push_back(FsCommand{
      "rm",
      "rm [-R] [-U] [--alluxioOnly] <path>",
      "Removes the specified file. Specify -R to remove file or directory recursively. Specify -U "
      "to remove directories without checking UFS contents are in sync. Specify -alluxioOnly to "
      "remove data and metadata from alluxio space only.",
      {{"R", "", false, "delete files and subdirectories recursively"},
       {"U", "", false, "remove directories without checking UFS contents are in sync"},
       {"", "alluxioOnly", false, "remove data and metadata from Alluxio space only"}},
      1,
      -1,
      RunRm});
  c->push_back(FsCommand{"mv", "mv <src> <dst>", "Renames a file or directory.", {}, 2, 2, RunMv});
  c->push_back(
      FsCommand{"test",
                "test [-d|-f|-e|-s|-z] <path>",
                "Test a property of a path, returning 0 if the property is true, or 1 otherwise.",
                {{"d", "", false, "test whether path is a directory."},
                 {"e", "", false, "test whether path exists."},
                 {"f", "", false, "test whether path is a file."},
                 {"s", "", false, "test whether path is not empty."},
                 {"z", "", false, "test whether file is zero length."}},
                1,
                1,
                RunTest});
}

}  // namespace alluxio::cli::fs
