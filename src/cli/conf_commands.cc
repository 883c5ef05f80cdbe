// SPDX-License-Identifier: Apache-2.0
#include "cli/conf_commands.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

#include "common/version.h"
#include "fmt/format.h"

namespace alluxio::cli {
namespace {

constexpr std::string_view kGetConfUsage =
    "usage: getConf [--unit <arg>] [--source] [key]\n"
    "getConf prints the configured value for the given key. If the key is invalid, the exit code "
    "will be nonzero. If the key is valid but isn't set, an empty string is printed. If no key is "
    "specified, all configuration is printed.\n"
    "    --source       source of the configuration property will be printed.\n"
    "    --unit <arg>   unit of the value to return. Values of configuration will be converted to "
    "a quantity in the given unit. E.g., with \"--unit KB\", a configuration value of \"4096B\" "
    "will return 4, and with \"--unit S\", a configuration value of \"5000ms\" will return 5. "
    "Possible unit options include B, KB, MB, GB, TB, PB, MS, S, M, H, D.\n";

constexpr std::string_view kVersionUsage =
    "usage: version\n"
    " -r,--revision <revision_length>   Prints the git revision along with the Alluxio version. "
    "Optionally specify the revision length\n";

struct Unit {
  std::string_view name;
  int64_t scale;
};

// The units of Alluxio's GetConf (ByteUnit and TimeUnit); the names are disjoint.
constexpr Unit kByteUnits[] = {{"B", 1},          {"KB", 1LL << 10}, {"MB", 1LL << 20},
                               {"GB", 1LL << 30}, {"TB", 1LL << 40}, {"PB", 1LL << 50}};
constexpr Unit kTimeUnits[] = {
    {"MS", 1},         {"MILLISECOND", 1}, {"S", 1000},       {"SEC", 1000},  {"SECOND", 1000},
    {"M", 60000},      {"MIN", 60000},     {"MINUTE", 60000}, {"H", 3600000}, {"HR", 3600000},
    {"HOUR", 3600000}, {"D", 86400000},    {"DAY", 86400000},
};

template <size_t N>
const Unit* FindUnit(const Unit (&units)[N], std::string_view name) {
  auto it = std::find_if(std::begin(units), std::end(units),
                         [&](const Unit& u) { return u.name == name; });
  return it == std::end(units) ? nullptr : it;
}

int GetConfError(CommandContext& ctx, std::string_view message) {
  // As Alluxio's GetConf.printHelp: the message on stderr, the usage on stdout.
  *ctx.err << message << "\n";
  *ctx.out << kGetConfUsage;
  return 1;
}

// Prints `value` of `key` converted to `unit_arg`; returns the exit code.
int PrintInUnit(CommandContext& ctx, const conf::PropertyKey& key, const std::string& value,
                const std::string& unit_arg) {
  std::string unit = unit_arg;
  std::transform(unit.begin(), unit.end(), unit.begin(), [](char c) {
    return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
  });
  const Unit* bytes = FindUnit(kByteUnits, unit);
  const Unit* time = FindUnit(kTimeUnits, unit);
  const Unit* u = bytes != nullptr ? bytes : time;
  if (u == nullptr) return GetConfError(ctx, fmt::format("{} is not a valid unit", unit));
  Result<int64_t> quantity =
      bytes != nullptr ? conf::ParseBytes(value) : conf::ParseDurationMs(value);
  if (!quantity.ok()) {
    return GetConfError(
        ctx, fmt::format("{} value '{}' cannot be converted to {}", key.name, value, unit));
  }
  *ctx.out << *quantity / u->scale << "\n";
  return 0;
}

}  // namespace

int RunGetConf(CommandContext& ctx, const std::vector<std::string>& args) {
  bool source = false;
  std::optional<std::string> unit;
  size_t i = 0;
  // Options come first: the first other argument ends them, as in Alluxio.
  for (; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      ++i;
      break;
    } else if (arg == "--source") {
      source = true;
    } else if (arg == "--unit") {
      if (i + 1 == args.size()) {
        return GetConfError(ctx, "Unable to parse input args: Missing argument for option: unit");
      }
      unit = args[++i];
    } else if (arg.starts_with("--unit=")) {
      unit = arg.substr(7);
    } else if (arg.size() > 1 && arg[0] == '-') {
      return GetConfError(ctx, "Unable to parse input args: Unrecognized option: " + arg);
    } else {
      break;
    }
  }
  std::vector<std::string> rest(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
  const conf::Configuration& config = *ctx.conf;

  if (rest.empty()) {
    std::vector<const conf::PropertyKey*> keys = conf::AllPropertyKeys();
    std::sort(keys.begin(), keys.end(),
              [](const auto* a, const auto* b) { return a->name < b->name; });
    for (const conf::PropertyKey* key : keys) {
      *ctx.out << key->name << "=" << config.Get(*key);
      if (source) *ctx.out << " (" << conf::SourceName(config.GetSource(*key)) << ")";
      *ctx.out << "\n";
    }
    return 0;
  }
  if (rest.size() > 1) {
    std::string list;
    for (const std::string& a : rest) list += (list.empty() ? "" : ", ") + a;
    return GetConfError(ctx, fmt::format("More arguments than expected. Args: [{}]", list));
  }

  const conf::PropertyKey* key = conf::FindPropertyKey(rest[0]);
  if (key == nullptr) {
    return GetConfError(ctx, fmt::format("{} is not a valid configuration key", rest[0]));
  }
  if (!config.IsSet(*key)) {
    *ctx.out << "\n";
  } else if (source) {
    *ctx.out << conf::SourceName(config.GetSource(*key)) << "\n";
  } else if (unit) {
    return PrintInUnit(ctx, *key, config.Get(*key), *unit);
  } else {
    *ctx.out << config.Get(*key) << "\n";
  }
  return 0;
}

int RunValidateConf(CommandContext& ctx, const std::vector<std::string>& args) {
  *ctx.out << "Validating configuration.\n";
  for (const std::string& warning : ctx.conf->warnings()) *ctx.err << "WARN: " << warning << "\n";
  Status status = ctx.conf->Validate();
  if (!status.ok()) {
    *ctx.err << "Configuration is invalid: " << status.message() << "\n";
    return 1;
  }
  *ctx.out << "Configuration is valid.\n";
  return 0;
}

int RunVersion(CommandContext& ctx, const std::vector<std::string>& args) {
  bool revision = false;
  std::optional<std::string> length_arg;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "-r" || arg == "--revision") {
      revision = true;
      if (i + 1 < args.size() && !args[i + 1].starts_with("-")) length_arg = args[++i];
    } else if (arg.starts_with("--revision=")) {
      revision = true;
      length_arg = std::string(arg.substr(11));
    } else if (arg.starts_with("-r")) {
      revision = true;
      length_arg = std::string(arg.substr(2));
    } else if (arg.starts_with("-")) {
      *ctx.err << "Unrecognized option: " << arg << "\n" << kVersionUsage;
      return 1;
    }  // Other arguments are ignored, as in Alluxio.
  }
  std::string suffix;
  if (revision) {
    size_t length = kRevision.size();
    if (length_arg) {
      int64_t n = 0;
      const char* end = length_arg->data() + length_arg->size();
      auto [ptr, ec] = std::from_chars(length_arg->data(), end, n);
      if (ec != std::errc() || ptr != end || length_arg->empty()) {
        *ctx.err << "Couldn't parse <" << *length_arg << "> as an integer\n" << kVersionUsage;
        return 1;
      }
      length = static_cast<size_t>(std::clamp<int64_t>(n, 0, static_cast<int64_t>(length)));
    }
    suffix = "-" + std::string(kRevision.substr(0, length));
  }
  *ctx.out << kVersion << suffix << "\n";
  return 0;
}

}  // namespace alluxio::cli
