// SPDX-License-Identifier: Apache-2.0
#include "cli/conf_commands.h"

#include <algorithm>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/version.h"

namespace alluxio::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class ConfCommandsTest : public ::testing::Test {
 protected:
  int Run(CommandFn fn, std::vector<std::string> args) {
    out_.str("");
    err_.str("");
    CommandContext ctx{&conf_, &out_, &err_};
    return fn(ctx, args);
  }
  int GetConf(std::vector<std::string> args) { return Run(&RunGetConf, std::move(args)); }

  conf::Configuration conf_;
  std::ostringstream out_;
  std::ostringstream err_;
};

// ---- getConf ----

TEST_F(ConfCommandsTest, GetConfPrintsResolvedValue) {
  ASSERT_TRUE(conf_.Set(conf::keys::kHome, "/h").ok());
  EXPECT_EQ(GetConf({"alluxio.master.journal.folder"}), 0);
  EXPECT_EQ(out_.str(), "/h/journal\n");
  EXPECT_EQ(err_.str(), "");
  EXPECT_EQ(GetConf({"alluxio.master.rpc.port"}), 0);
  EXPECT_EQ(out_.str(), "19998\n");
}

TEST_F(ConfCommandsTest, GetConfAcceptsAnAlias) {
  EXPECT_EQ(GetConf({"alluxio.underfs.address"}), 0);
  EXPECT_EQ(out_.str(), "/opt/alluxio/underFSStorage\n");
}

TEST_F(ConfCommandsTest, GetConfOfUnsetKeyPrintsEmptyLine) {
  EXPECT_EQ(GetConf({"alluxio.master.hostname"}), 0);
  EXPECT_EQ(out_.str(), "\n");
  EXPECT_EQ(GetConf({"--source", "alluxio.master.hostname"}), 0);
  EXPECT_EQ(out_.str(), "\n");
}

TEST_F(ConfCommandsTest, GetConfOfUnknownKeyFails) {
  EXPECT_EQ(GetConf({"alluxio.no.such.key"}), 1);
  // Alluxio's GetConf.printHelp: the message on stderr, the usage on stdout.
  EXPECT_EQ(err_.str(), "alluxio.no.such.key is not a valid configuration key\n");
  EXPECT_THAT(out_.str(), StartsWith("usage: getConf"));
}

TEST_F(ConfCommandsTest, GetConfSourcePrintsSource) {
  EXPECT_EQ(GetConf({"--source", "alluxio.master.rpc.port"}), 0);
  EXPECT_EQ(out_.str(), "DEFAULT\n");
  ASSERT_TRUE(conf_.Set(conf::keys::kMasterRpcPort, "1", conf::Source::kSiteProperty).ok());
  EXPECT_EQ(GetConf({"--source", "alluxio.master.rpc.port"}), 0);
  EXPECT_EQ(out_.str(), "SITE_PROPERTY\n");
  ASSERT_TRUE(conf_.Set(conf::keys::kMasterRpcPort, "2", conf::Source::kSystemProperty).ok());
  EXPECT_EQ(GetConf({"--source", "alluxio.master.rpc.port"}), 0);
  EXPECT_EQ(out_.str(), "SYSTEM_PROPERTY\n");
}

TEST_F(ConfCommandsTest, GetConfWithoutKeyPrintsEveryKeySorted) {
  ASSERT_TRUE(conf_.Set("custom.key", "not printed").ok());
  EXPECT_EQ(GetConf({}), 0);
  std::vector<std::string> lines, names;
  std::istringstream in(out_.str());
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
    names.push_back(line.substr(0, line.find('=')));
  }
  EXPECT_EQ(lines.size(), conf::AllPropertyKeys().size());
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(names.front(), "alluxio.conf.dir");
  EXPECT_THAT(lines, testing::Contains("alluxio.master.rpc.port=19998"));
  EXPECT_THAT(lines, testing::Contains("alluxio.master.hostname="));
  EXPECT_THAT(lines, testing::Contains("alluxio.logs.dir=/opt/alluxio/logs"));
  EXPECT_THAT(out_.str(), testing::Not(HasSubstr("custom.key")));
}

TEST_F(ConfCommandsTest, GetConfWithoutKeyAndSourceAppendsSource) {
  ASSERT_TRUE(conf_.Set(conf::keys::kMasterHostname, "m", conf::Source::kSiteProperty).ok());
  EXPECT_EQ(GetConf({"--source"}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("\nalluxio.master.rpc.port=19998 (DEFAULT)\n"));
  EXPECT_THAT(out_.str(), HasSubstr("\nalluxio.master.hostname=m (SITE_PROPERTY)\n"));
}

TEST_F(ConfCommandsTest, GetConfUnitConvertsSizes) {
  const std::pair<const char*, const char*> cases[] = {
      {"B", "67108864"}, {"KB", "65536"}, {"MB", "64"}, {"mb", "64"}, {"GB", "0"}, {"PB", "0"}};
  for (const auto& [unit, want] : cases) {
    EXPECT_EQ(GetConf({"--unit", unit, "alluxio.user.block.size.bytes.default"}), 0) << unit;
    EXPECT_EQ(out_.str(), std::string(want) + "\n") << unit;
  }
  EXPECT_EQ(GetConf({"--unit=KB", "alluxio.master.journal.log.size.bytes.max"}), 0);
  EXPECT_EQ(out_.str(), "10240\n");
}

TEST_F(ConfCommandsTest, GetConfUnitConvertsDurations) {
  const std::pair<const char*, const char*> cases[] = {
      {"MS", "300000"}, {"S", "300"}, {"sec", "300"}, {"M", "5"},
      {"MIN", "5"},     {"H", "0"},   {"HR", "0"},    {"D", "0"}};
  for (const auto& [unit, want] : cases) {
    EXPECT_EQ(GetConf({"--unit", unit, "alluxio.master.journal.flush.timeout"}), 0) << unit;
    EXPECT_EQ(out_.str(), std::string(want) + "\n") << unit;
  }
  EXPECT_EQ(GetConf({"--unit", "DAY", "alluxio.master.ttl.checker.interval"}), 0);
  EXPECT_EQ(out_.str(), "0\n");
  EXPECT_EQ(GetConf({"--unit", "MIN", "alluxio.master.ttl.checker.interval"}), 0);
  EXPECT_EQ(out_.str(), "60\n");
}

TEST_F(ConfCommandsTest, GetConfUnitOnValueThatIsNoQuantityFails) {
  EXPECT_EQ(GetConf({"--unit", "MB", "alluxio.master.journal.type"}), 1);
  EXPECT_THAT(out_.str(), StartsWith("usage: getConf"));
  EXPECT_THAT(
      err_.str(),
      StartsWith("alluxio.master.journal.type value 'EMBEDDED' cannot be converted to MB\n"));
  EXPECT_EQ(GetConf({"--unit", "S", "alluxio.user.block.size.bytes.default"}), 1);
  EXPECT_THAT(err_.str(), HasSubstr("value '64MB' cannot be converted to S"));
}

TEST_F(ConfCommandsTest, GetConfRejectsBadOptions) {
  EXPECT_EQ(GetConf({"--unit", "XB", "alluxio.user.block.size.bytes.default"}), 1);
  EXPECT_THAT(err_.str(), StartsWith("XB is not a valid unit\n"));
  EXPECT_EQ(GetConf({"--unit"}), 1);
  EXPECT_THAT(err_.str(),
              StartsWith("Unable to parse input args: Missing argument for option: unit\n"));
  EXPECT_EQ(GetConf({"--master", "alluxio.master.rpc.port"}), 1);
  EXPECT_THAT(err_.str(), StartsWith("Unable to parse input args: Unrecognized option: --master"));
  EXPECT_EQ(GetConf({"alluxio.master.rpc.port", "alluxio.master.web.port"}), 1);
  EXPECT_THAT(err_.str(), StartsWith("More arguments than expected. Args: "
                                     "[alluxio.master.rpc.port, alluxio.master.web.port]\n"));
  // Options end at the first argument, as in Alluxio.
  EXPECT_EQ(GetConf({"alluxio.master.rpc.port", "--source"}), 1);
  EXPECT_THAT(err_.str(), StartsWith("More arguments than expected."));
  EXPECT_THAT(out_.str(), StartsWith("usage: getConf"));
}

// ---- validateConf ----

TEST_F(ConfCommandsTest, ValidateConfPassesAndPrintsWarnings) {
  std::vector<std::string> no_site_file;
  conf::LoadOptions opts;
  opts.system_properties = {{"alluxio.typo", "1"}};
  std::map<std::string, std::string> env;
  opts.environment = &env;
  opts.site_search_path = &no_site_file;
  Result<conf::Configuration> loaded = conf::Configuration::Load(opts);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  conf_ = *std::move(loaded);
  EXPECT_EQ(Run(&RunValidateConf, {}), 0);
  EXPECT_EQ(out_.str(), "Validating configuration.\nConfiguration is valid.\n");
  EXPECT_EQ(err_.str(), "WARN: Unknown property key alluxio.typo in -D option\n");
}

TEST_F(ConfCommandsTest, ValidateConfFailsOnBadValue) {
  ASSERT_TRUE(conf_.Set("custom.port", "1").ok());
  ASSERT_TRUE(conf_.Set(conf::keys::kMasterWebPort, "${custom.port}").ok());
  ASSERT_TRUE(conf_.Set("custom.port", "x").ok());
  EXPECT_EQ(Run(&RunValidateConf, {}), 1);
  EXPECT_EQ(out_.str(), "Validating configuration.\n");
  EXPECT_THAT(err_.str(), StartsWith("Configuration is invalid: Invalid value 'x' (resolved from "
                                     "'${custom.port}') for alluxio.master.web.port"));
}

// ---- version ----

TEST_F(ConfCommandsTest, VersionPrintsVersion) {
  EXPECT_EQ(Run(&RunVersion, {}), 0);
  EXPECT_EQ(out_.str(), "2.10.0\n");
  EXPECT_EQ(err_.str(), "");
}

TEST_F(ConfCommandsTest, VersionWithRevision) {
  std::string revision(kRevision);
  EXPECT_EQ(Run(&RunVersion, {"-r"}), 0);
  EXPECT_EQ(out_.str(), "2.10.0-" + revision + "\n");
  EXPECT_EQ(Run(&RunVersion, {"--revision", "3"}), 0);
  EXPECT_EQ(out_.str(), "2.10.0-" + revision.substr(0, 3) + "\n");
  EXPECT_EQ(Run(&RunVersion, {"-r2"}), 0);
  EXPECT_EQ(out_.str(), "2.10.0-" + revision.substr(0, 2) + "\n");
  EXPECT_EQ(Run(&RunVersion, {"-r", "100"}), 0);
  EXPECT_EQ(out_.str(), "2.10.0-" + revision + "\n");
}

TEST_F(ConfCommandsTest, VersionRejectsBadArguments) {
  EXPECT_EQ(Run(&RunVersion, {"-r", "abc"}), 1);
  EXPECT_EQ(out_.str(), "");
  EXPECT_THAT(err_.str(), StartsWith("Couldn't parse <abc> as an integer\nusage: version"));
  EXPECT_EQ(Run(&RunVersion, {"--bogus"}), 1);
  EXPECT_THAT(err_.str(), StartsWith("Unrecognized option: --bogus\nusage: version"));
}

}  // namespace
}  // namespace alluxio::cli
