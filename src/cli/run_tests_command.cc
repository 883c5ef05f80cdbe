// SPDX-License-Identifier: Apache-2.0
#include "cli/run_tests_command.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "client/api/file_system.h"

namespace alluxio::cli {

namespace {

constexpr char kGreen[] = "\033[32m";
constexpr char kRed[] = "\033[31m";
constexpr char kReset[] = "\033[0m";
constexpr int kNumbers = 20;

const std::vector<std::string> kReadTypes = {"CACHE_PROMOTE", "CACHE", "NO_CACHE"};
const std::vector<std::string> kWriteTypes = {"MUST_CACHE", "CACHE_THROUGH", "THROUGH",
                                              "ASYNC_THROUGH"};
const std::vector<std::string> kOperations = {"BASIC", "BASIC_NON_BYTE_BUFFER"};

client::fsopts::CreateFilePOptions CreateOptions(const std::string& write_type) {
  ::alluxio::grpc::WritePType type = ::alluxio::grpc::MUST_CACHE;
  ::alluxio::grpc::WritePType_Parse(write_type, &type);
  client::fsopts::CreateFilePOptions o;
  o.set_write_type(type);
  o.set_recursive(true);
  return o;
}

client::fsopts::OpenFilePOptions OpenOptions(const std::string& read_type) {
  ::alluxio::grpc::ReadPType type = ::alluxio::grpc::CACHE;
  ::alluxio::grpc::ReadPType_Parse(read_type, &type);
  client::fsopts::OpenFilePOptions o;
  o.set_read_type(type);
  return o;
}

Result<std::string> ReadWhole(client::FileSystem* fs, const std::string& path,
                              const std::string& read_type) {
  ASSIGN_OR_RETURN(std::unique_ptr<client::FileInStream> in,
                   fs->Open(path, OpenOptions(read_type)));
  std::string data(static_cast<size_t>(in->length()), '\0');
  size_t got = 0;
  while (got < data.size()) {
    ASSIGN_OR_RETURN(size_t n, in->Read(data.data() + got, data.size() - got));
    if (n == 0) break;
    got += n;
  }
  data.resize(got);
  RETURN_IF_ERROR(in->Close());
  return data;
}

Status WriteWhole(client::FileSystem* fs, const std::string& path, const std::string& write_type,
                  const std::string& data) {
  ASSIGN_OR_RETURN(std::unique_ptr<client::FileOutStream> out,
                   fs->Create(path, CreateOptions(write_type)));
  RETURN_IF_ERROR(out->Write(data));
  return out->Close();
}

// BasicOperations: 20 ints in native byte order, written in one call and read back in one.
Result<bool> RunBasic(client::FileSystem* fs, const std::string& path, const std::string& read,
                      const std::string& write) {
  std::string data(kNumbers * sizeof(int32_t), '\0');
  for (int32_t k = 0; k < kNumbers; ++k) std::memcpy(&data[k * sizeof(int32_t)], &k, sizeof(k));
  RETURN_IF_ERROR(WriteWhole(fs, path, write, data));
  ASSIGN_OR_RETURN(std::string back, ReadWhole(fs, path, read));
  return back == data;
}

void PutBigEndian(std::string* s, int32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) s->push_back(static_cast<char>((v >> shift) & 0xff));
}

// BasicNonByteBufferOperations: the length then 0..length-1 as big-endian ints (Java's
// DataOutputStream); an existing file is deleted first.
Result<bool> RunNonByteBuffer(client::FileSystem* fs, const std::string& path,
                              const std::string& read, const std::string& write) {
  ASSIGN_OR_RETURN(bool exists, fs->Exists(path));
  if (exists) RETURN_IF_ERROR(fs->Delete(path));
  std::string data;
  PutBigEndian(&data, kNumbers);
  for (int32_t i = 0; i < kNumbers; ++i) PutBigEndian(&data, i);
  RETURN_IF_ERROR(WriteWhole(fs, path, write, data));
  ASSIGN_OR_RETURN(std::string back, ReadWhole(fs, path, read));
  auto int_at = [&](size_t i) {
    uint32_t v = 0;
    for (size_t b = 0; b < 4; ++b) v = (v << 8) | static_cast<unsigned char>(back[i * 4 + b]);
    return static_cast<int32_t>(v);
  };
  if (back.size() < 4) return false;
  const int32_t length = int_at(0);
  if (length < 0 || back.size() < (static_cast<size_t>(length) + 1) * 4) return false;
  for (int32_t i = 0; i < length; ++i) {
    if (int_at(static_cast<size_t>(i) + 1) != i) return false;
  }
  return true;
}

void PrintHelp(std::ostream& out) {
  out << "Usage: TestRunner [options]\n"
         "  Options:\n"
         "    --directory\n"
         "      Alluxio path for the tests working directory.\n"
         "      Default: /\n"
         "    -h, --help\n"
         "      Prints usage information\n"
         "    --operation\n"
         "      The operation to test, either BASIC or BASIC_NON_BYTE_BUFFER. By default both "
         "operations are tested.\n"
         "    --readType\n"
         "      The read type to use. By default all readTypes are tested.\n"
         "    --writeType\n"
         "      The write type to use. By default all writeTypes are tested.\n";
}

}  // namespace

Result<TestRunnerOptions> ParseTestRunnerArgs(const std::vector<std::string>& args) {
  TestRunnerOptions o;
  std::string operation, read_type, write_type;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      o.help = true;
      continue;
    }
    std::string* field = a == "--directory"   ? &o.directory
                         : a == "--operation" ? &operation
                         : a == "--readType"  ? &read_type
                         : a == "--writeType" ? &write_type
                                              : nullptr;
    if (field == nullptr) {
      if (!a.empty() && a[0] == '-') return InvalidArgumentError("Unknown option: " + a);
      return InvalidArgumentError(fmt::format(
          "Was passed main parameter '{}' but no main parameter was defined in your arg class", a));
    }
    if (i + 1 >= args.size()) {
      return InvalidArgumentError(fmt::format("Expected a value after parameter {}", a));
    }
    *field = args[++i];
  }
  auto pick = [](const std::string& given, const std::vector<std::string>& all,
                 const std::string& enum_class) -> Result<std::vector<std::string>> {
    if (given.empty()) return all;
    if (std::find(all.begin(), all.end(), given) == all.end()) {
      return InvalidArgumentError(fmt::format("No enum constant {}.{}", enum_class, given));
    }
    return std::vector<std::string>{given};
  };
  ASSIGN_OR_RETURN(o.operations,
                   pick(operation, kOperations, "alluxio.cli.TestRunner.OperationType"));
  ASSIGN_OR_RETURN(o.read_types, pick(read_type, kReadTypes, "alluxio.client.ReadType"));
  ASSIGN_OR_RETURN(o.write_types, pick(write_type, kWriteTypes, "alluxio.client.WriteType"));
  return o;
}

int RunRunTests(CommandContext& ctx, const std::vector<std::string>& args) {
  Result<TestRunnerOptions> parsed = ParseTestRunnerArgs(args);
  if (!parsed.ok()) {
    *ctx.err << parsed.status().message() << "\n";
    return 1;
  }
  const TestRunnerOptions& o = *parsed;
  if (o.help) {
    PrintHelp(*ctx.out);
    return 0;
  }
  Result<std::unique_ptr<client::FileSystem>> fs = client::FileSystem::Create(*ctx.conf);
  if (!fs.ok()) {
    *ctx.err << fs.status().message() << "\n";
    return 1;
  }
  const std::string dir =
      (o.directory.empty() || o.directory.back() != '/' ? o.directory + "/" : o.directory) +
      "default_tests_files";
  Result<bool> exists = (*fs)->Exists(dir);
  if (exists.ok() && *exists) {
    client::fsopts::DeletePOptions d;
    d.set_recursive(true);
    d.set_unchecked(true);
    if (Status s = (*fs)->Delete(dir, d); !s.ok()) *ctx.err << s.message() << "\n";
  } else if (!exists.ok()) {
    *ctx.err << exists.status().message() << "\n";
    return 1;
  }
  int failed = 0;
  for (const std::string& read : o.read_types) {
    for (const std::string& write : o.write_types) {
      for (const std::string& op : o.operations) {
        *ctx.out << fmt::format("runTest {} {} {}\n", op, read, write);
        const std::string path = fmt::format("{}/{}_{}_{}", dir, op, read, write);
        Result<bool> r = op == "BASIC" ? RunBasic(fs->get(), path, read, write)
                                       : RunNonByteBuffer(fs->get(), path, read, write);
        if (!r.ok()) *ctx.err << "Exception running test: " << r.status().message() << "\n";
        const bool pass = r.ok() && *r;
        *ctx.out << (pass ? kGreen : kRed) << (pass ? "Passed the test!" : "Failed the test!")
                 << kReset << "\n";
        ctx.out->flush();
        if (!pass) ++failed;
      }
    }
  }
  if (failed > 0) *ctx.out << "Number of failed tests: " << failed << "\n";
  return failed;
}

}  // namespace alluxio::cli
