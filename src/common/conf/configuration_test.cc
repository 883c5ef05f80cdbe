// SPDX-License-Identifier: Apache-2.0
#include "common/conf/configuration.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace alluxio::conf {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// ---- Registry and defaults ----

TEST(PropertyKeyTest, RegistryIsConsistent) {
  std::set<std::string> names;
  for (const PropertyKey* key : AllPropertyKeys()) {
    // Alluxio's keys, and the S3A credential keys Alluxio also accepts (s3a.accessKeyId).
    EXPECT_TRUE(key->name.starts_with("alluxio.") || key->name.starts_with("s3a.")) << key->name;
    EXPECT_TRUE(names.insert(key->name).second) << "duplicate " << key->name;
    EXPECT_FALSE(key->description.empty()) << key->name;
    EXPECT_EQ(FindPropertyKey(key->name), key);
    EXPECT_EQ(key->type == PropertyType::kEnum, !key->enum_values.empty()) << key->name;
  }
  EXPECT_GE(names.size(), 39u);
}

TEST(PropertyKeyTest, FindResolvesAliasesAndRejectsUnknownNames) {
  EXPECT_EQ(FindPropertyKey("alluxio.underfs.address"), &keys::kMasterMountTableRootUfs);
  EXPECT_EQ(FindPropertyKey("alluxio.master.rpc.port"), &keys::kMasterRpcPort);
  EXPECT_EQ(FindPropertyKey("alluxio.no.such.key"), nullptr);
  EXPECT_EQ(FindPropertyKey(""), nullptr);
}

TEST(ConfigurationDefaultsTest, DefaultsMatchAlluxio) {
  Configuration conf;
  EXPECT_EQ(conf.Get(keys::kHome), "/opt/alluxio");
  EXPECT_EQ(conf.Get(keys::kWorkDir), "/opt/alluxio");
  EXPECT_EQ(conf.Get(keys::kConfDir), "/opt/alluxio/conf");
  EXPECT_EQ(conf.Get(keys::kLogsDir), "/opt/alluxio/logs");
  EXPECT_EQ(conf.Get(keys::kMasterMountTableRootUfs), "/opt/alluxio/underFSStorage");
  EXPECT_EQ(conf.Get(keys::kMasterJournalFolder), "/opt/alluxio/journal");
  EXPECT_EQ(conf.Get(keys::kMasterBindHost), "0.0.0.0");
  EXPECT_EQ(conf.Get(keys::kMasterFormatFilePrefix), "_format_");
  EXPECT_EQ(conf.Get(keys::kUserDateFormatPattern), "MM-dd-yyyy HH:mm:ss:SSS");
  EXPECT_EQ(conf.Get(keys::kSecurityAuthorizationPermissionUmask), "022");
  EXPECT_EQ(conf.Get(keys::kSecurityAuthorizationPermissionSupergroup), "supergroup");
  EXPECT_EQ(*conf.GetInt(keys::kMasterRpcPort), 19998);
  EXPECT_EQ(*conf.GetInt(keys::kMasterWebPort), 19999);
  EXPECT_EQ(*conf.GetInt(keys::kMasterJournalCheckpointPeriodEntries), 2000000);
  EXPECT_EQ(*conf.GetBytes(keys::kMasterJournalLogSizeBytesMax), 10 << 20);
  EXPECT_EQ(*conf.GetBytes(keys::kUserBlockSizeBytesDefault), 64 << 20);
  EXPECT_EQ(*conf.GetDurationMs(keys::kMasterJournalFlushBatchTime), 100);
  EXPECT_EQ(*conf.GetDurationMs(keys::kMasterJournalFlushTimeout), 300000);
  EXPECT_EQ(*conf.GetDurationMs(keys::kMasterTtlCheckerInterval), 3600000);
  EXPECT_EQ(*conf.GetDurationMs(keys::kMasterWorkerConnectWaitTime), 5000);
  EXPECT_EQ(*conf.GetDurationMs(keys::kUserFileMetadataSyncInterval), -1);
  EXPECT_EQ(*conf.GetDurationMs(keys::kUserFileCreateTtl), -1);
  EXPECT_EQ(*conf.GetDurationMs(keys::kUserRpcRetryBaseSleep), 50);
  EXPECT_EQ(*conf.GetDurationMs(keys::kUserRpcRetryMaxSleep), 3000);
  EXPECT_EQ(*conf.GetDurationMs(keys::kUserRpcRetryMaxDuration), 120000);
  EXPECT_EQ(*conf.GetEnum(keys::kMasterJournalType), "EMBEDDED");
  EXPECT_EQ(*conf.GetEnum(keys::kUserFileMetadataLoadType), "ONCE");
  EXPECT_EQ(*conf.GetEnum(keys::kUserFileWriteTypeDefault), "ASYNC_THROUGH");
  EXPECT_EQ(*conf.GetEnum(keys::kUserFileReadTypeDefault), "CACHE");
  EXPECT_EQ(*conf.GetEnum(keys::kUserFileCreateTtlAction), "FREE");
  EXPECT_EQ(*conf.GetEnum(keys::kSecurityAuthenticationType), "SIMPLE");
  EXPECT_FALSE(*conf.GetBool(keys::kMasterMountTableRootReadonly));
  EXPECT_FALSE(*conf.GetBool(keys::kMasterMountTableRootShared));
  EXPECT_FALSE(*conf.GetBool(keys::kMasterJournalTolerateCorruption));
  EXPECT_TRUE(*conf.GetBool(keys::kSecurityAuthorizationPermissionEnabled));
  EXPECT_THAT(*conf.GetList(keys::kTmpDirs), ElementsAre("/tmp"));
  EXPECT_EQ(conf.GetSource(keys::kMasterRpcPort), Source::kDefault);
}

TEST(ConfigurationDefaultsTest, KeysWithoutDefaultAreUnset) {
  Configuration conf;
  for (const PropertyKey* key :
       {&keys::kMasterHostname, &keys::kMasterRpcAddresses, &keys::kSecurityLoginUsername}) {
    EXPECT_FALSE(conf.IsSet(*key)) << key->name;
    EXPECT_EQ(conf.Get(*key), "") << key->name;
  }
  EXPECT_EQ(conf.GetList(keys::kMasterRpcAddresses).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(conf.GetInt(keys::kMasterHostname).status().code(), StatusCode::kNotFound);
}

TEST(ConfigurationDefaultsTest, EveryDefaultIsValid) {
  Configuration conf;
  EXPECT_TRUE(conf.Validate().ok()) << conf.Validate().ToString();
}

TEST(ConfigurationDefaultsTest, SourceNamesAreAlluxios) {
  EXPECT_EQ(SourceName(Source::kDefault), "DEFAULT");
  EXPECT_EQ(SourceName(Source::kSiteProperty), "SITE_PROPERTY");
  EXPECT_EQ(SourceName(Source::kSystemProperty), "SYSTEM_PROPERTY");
  EXPECT_EQ(SourceName(Source::kRuntime), "RUNTIME");
}

// ---- Sizes and durations ----

TEST(ParseTest, Bytes) {
  const std::pair<const char*, int64_t> good[] = {
      {"0", 0},
      {"100", 100},
      {"10B", 10},
      {"4KB", 4096},
      {"4kb", 4096},
      {"4k", 4096},
      {"64MB", 64LL << 20},
      {"64m", 64LL << 20},
      {"1GB", 1LL << 30},
      {"1.5GB", 3LL << 29},
      {"0.5GB", 1LL << 29},
      {"2TB", 2LL << 40},
      {"1PB", 1LL << 50},
      {" 8MB ", 8LL << 20},
      {"9223372036854775807", INT64_MAX},
  };
  for (const auto& [text, want] : good) {
    Result<int64_t> got = ParseBytes(text);
    ASSERT_TRUE(got.ok()) << text << ": " << got.status().ToString();
    EXPECT_EQ(*got, want) << text;
  }
  for (const char* bad : {"", "abc", "MB", "-1", "64 MB", "1.2.3MB", ".5GB", "5.GB", "64XB",
                          "10000PB", "9223372036854775808", "1e3"}) {
    Result<int64_t> got = ParseBytes(bad);
    ASSERT_FALSE(got.ok()) << "'" << bad << "' parsed as " << *got;
    EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(got.status().message(), HasSubstr(std::string("'") + bad + "'"));
  }
}

TEST(ParseTest, Durations) {
  const std::pair<const char*, int64_t> good[] = {
      {"100", 100},         {"100ms", 100},
      {"10sec", 10000},     {"10s", 10000},
      {"10SEC", 10000},     {"1second", 1000},
      {"5min", 300000},     {"2m", 120000},
      {"5minutes", 300000}, {"1hour", 3600000},
      {"1h", 3600000},      {"1hr", 3600000},
      {"1day", 86400000},   {"3days", 3 * 86400000LL},
      {"1d", 86400000},     {"-1", -1},
      {"1.5sec", 1500},     {"0", 0},
  };
  for (const auto& [text, want] : good) {
    Result<int64_t> got = ParseDurationMs(text);
    ASSERT_TRUE(got.ok()) << text << ": " << got.status().ToString();
    EXPECT_EQ(*got, want) << text;
  }
  for (const char* bad : {"", "abc", "sec", "5 min", "5min2", "1week", "--1", "1..5s", "-"}) {
    Result<int64_t> got = ParseDurationMs(bad);
    ASSERT_FALSE(got.ok()) << "'" << bad << "' parsed as " << *got;
    EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument);
  }
}

// ---- Loading ----

class ConfigurationLoadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "conf_test.XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  // Creates root_/<dir> and returns its path.
  std::string Dir(const std::string& dir) {
    std::filesystem::create_directories(root_ / dir);
    return (root_ / dir).string();
  }
  // Writes <dir>/alluxio-site.properties and returns its path.
  std::string WriteSite(const std::string& dir, const std::string& text) {
    std::string path = Dir(dir) + "/alluxio-site.properties";
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  // Loads with the test environment env_ and (unless null) only `search` as site search path.
  Result<Configuration> Load(std::vector<std::pair<std::string, std::string>> props = {},
                             const std::vector<std::string>* search = nullptr) {
    LoadOptions opts;
    opts.system_properties = std::move(props);
    opts.environment = &env_;
    opts.site_search_path = search;
    return Configuration::Load(opts);
  }
  // Loads with `text` as the only site file; returns the file's path in *path.
  Result<Configuration> LoadSite(const std::string& text, std::string* path = nullptr,
                                 std::vector<std::pair<std::string, std::string>> props = {}) {
    std::string p = WriteSite("site", text);
    if (path != nullptr) *path = p;
    search_ = {root_ / "site"};
    return Load(std::move(props), &search_);
  }

  std::filesystem::path root_;
  std::map<std::string, std::string> env_;
  std::vector<std::string> search_;
};

TEST_F(ConfigurationLoadTest, NothingToLoadGivesDefaults) {
  std::vector<std::string> search = {Dir("empty")};
  Result<Configuration> conf = Load({}, &search);
  ASSERT_TRUE(conf.ok()) << conf.status().ToString();
  EXPECT_EQ(conf->site_file(), "");
  EXPECT_THAT(conf->warnings(), IsEmpty());
  EXPECT_EQ(conf->Get(keys::kMasterRpcPort), "19998");
  EXPECT_EQ(conf->GetSource(keys::kMasterRpcPort), Source::kDefault);
}

TEST_F(ConfigurationLoadTest, SiteFileOverridesDefault) {
  std::string path;
  Result<Configuration> conf = LoadSite("alluxio.master.rpc.port=1234\n", &path);
  ASSERT_TRUE(conf.ok()) << conf.status().ToString();
  EXPECT_EQ(conf->site_file(), path);
  EXPECT_EQ(*conf->GetInt(keys::kMasterRpcPort), 1234);
  EXPECT_EQ(conf->GetSource(keys::kMasterRpcPort), Source::kSiteProperty);
  EXPECT_EQ(conf->GetSource(keys::kMasterWebPort), Source::kDefault);
}

TEST_F(ConfigurationLoadTest, EnvironmentOverridesSiteFile) {
  env_ = {{"ALLUXIO_MASTER_HOSTNAME", "env-host"}};
  Result<Configuration> conf =
      LoadSite("alluxio.master.hostname=site-host\nalluxio.master.bind.host=site-bind\n");
  ASSERT_TRUE(conf.ok()) << conf.status().ToString();
  EXPECT_EQ(conf->Get(keys::kMasterHostname), "env-host");
  EXPECT_EQ(conf->GetSource(keys::kMasterHostname), Source::kSystemProperty);
  EXPECT_EQ(conf->Get(keys::kMasterBindHost), "site-bind");
  EXPECT_EQ(conf->GetSource(keys::kMasterBindHost), Source::kSiteProperty);
}

TEST_F(ConfigurationLoadTest, SystemPropertyOverridesEnvironmentAndSiteFile) {
  env_ = {{"ALLUXIO_MASTER_HOSTNAME", "env-host"}, {"ALLUXIO_LOGS_DIR", "/env/logs"}};
  Result<Configuration> conf =
      LoadSite("alluxio.master.hostname=site-host\nalluxio.master.rpc.port=1\n", nullptr,
               {{"alluxio.master.hostname", "d-host"}, {"alluxio.master.rpc.port", "2"}});
  ASSERT_TRUE(conf.ok()) << conf.status().ToString();
  EXPECT_EQ(conf->Get(keys::kMasterHostname), "d-host");
  EXPECT_EQ(conf->Get(keys::kMasterRpcPort), "2");
  EXPECT_EQ(conf->GetSource(keys::kMasterRpcPort), Source::kSystemProperty);
  EXPECT_EQ(conf->Get(keys::kLogsDir), "/env/logs");
}

TEST_F(ConfigurationLoadTest, LaterSystemPropertyWins) {
  std::vector<std::string> search;
  Result<Configuration> conf =
      Load({{"alluxio.master.rpc.port", "1"}, {"alluxio.master.rpc.port", "2"}}, &search);
  ASSERT_TRUE(conf.ok()) << conf.status().ToString();
  EXPECT_EQ(conf->Get(keys::kMasterRpcPort), "2");
}

TEST_F(ConfigurationLoadTest, RuntimeSetOverridesLoadedValue) {
  Result<Configuration> conf = LoadSite("", nullptr, {{"alluxio.master.rpc.port", "1"}});
  ASSERT_TRUE(conf.ok()) << conf.status().ToString();
  ASSERT_TRUE(conf->Set(keys::kMasterRpcPort, "3").ok());
  EXPECT_EQ(conf->Get(keys::kMasterRpcPort), "3");
  EXPECT_EQ(conf->GetSource(keys::kMasterRpcPort), Source::kRuntime);
}

TEST_F(ConfigurationLoadTest, DeprecatedEnvironmentVariableIsUsedOnlyWhenNewOneIsUnset) {
  std::vector<std::string> search;
  env_ = {{"ALLUXIO_UNDERFS_ADDRESS", "hdfs://old/"}};
  Result<Configuration> conf = Load({}, &search);
  ASSERT_TRUE(conf.ok()) << conf.status().ToString();
  EXPECT_EQ(conf->Get(keys::kMasterMountTableRootUfs), "hdfs://old/");

  env_["ALLUXIO_MASTER_MOUNT_TABLE_ROOT_UFS"] = "hdfs://new/";
  conf = Load({}, &search);
  ASSERT_TRUE(conf.ok()) << conf.status().ToString();
  EXPECT_EQ(conf->Get(keys::kMasterMountTableRootUfs), "hdfs://new/");
}

TEST_F(ConfigurationLoadTest, EmptyEnvironmentVariableIsIgnored) {
  std::vector<std::string> search;
  env_ = {{"ALLUXIO_HOME", ""}};
  Result<Configuration> conf = Load({}, &search);
  ASSERT_TRUE(conf.ok()) << conf.status().ToString();
  EXPECT_EQ(conf->Get(keys::kHome), "/opt/alluxio");
  EXPECT_EQ(conf->GetSource(keys::kHome), Source::kDefault);
}

TEST_F(ConfigurationLoadTest, AliasIsStoredUnderKeyName) {
  Result<Configuration> conf = LoadSite("alluxio.underfs.address=s3://bucket/\n");
  ASSERT_TRUE(conf.ok()) << conf.status().ToString();
  EXPECT_THAT(conf->warnings(), IsEmpty());
  EXPECT_EQ(conf->Get(keys::kMasterMountTableRootUfs), "s3://bucket/");
  EXPECT_EQ(conf->Get("alluxio.underfs.address"), "s3://bucket/");
  EXPECT_EQ(conf->GetSource("alluxio.underfs.address"), Source::kSiteProperty);
}

TEST(ExtractSystemPropertiesTest, RemovesDefinitionsFromAnywhere) {
  std::vector<std::string> args = {"fs",    "-Da=1", "ls",      "-D", "b=2",
                                   "/path", "-Dc",   "-Dd=x=y", "-D"};
  auto props = Configuration::ExtractSystemProperties(&args);
  using P = std::pair<std::string, std::string>;
  EXPECT_THAT(props, ElementsAre(P{"a", "1"}, P{"b", "2"}, P{"c", ""}, P{"d", "x=y"}));
  // A trailing "-D" has no definition and is left for the command to reject.
  EXPECT_THAT(args, ElementsAre("fs", "ls", "/path", "-D"));
}

// ---- Site file search path ----

TEST_F(ConfigurationLoadTest, FirstDirectoryWithSiteFileWins) {
  std::string empty = Dir("a");
  std::string second = WriteSite("b", "alluxio.master.rpc.port=2\n");
  WriteSite("c", "alluxio.master.rpc.port=3\n");
  std::vector<std::string> search = {empty, Dir("b"), Dir("c")};
  Result<Configuration> conf = Load({}, &search);
  ASSERT_TRUE(conf.ok()) << conf.status().ToString();
  EXPECT_EQ(conf->site_file(), second);
  EXPECT_EQ(conf->Get(keys::kMasterRpcPort), "2");
}

TEST_F(ConfigurationLoadTest, ConfDirFromEnvironmentIsSearchedBeforeHome) {
  std::string in_conf = WriteSite("conf", "alluxio.master.rpc.port=1\n");
  WriteSite("home/.alluxio", "alluxio.master.rpc.port=2\n");
  env_ = {{"ALLUXIO_CONF_DIR", Dir("conf")}, {"HOME", Dir("home")}};
  Result<Configuration> conf = Load();
  ASSERT_TRUE(conf.ok()) << conf.status().ToString();
  EXPECT_EQ(conf->site_file(), in_conf);
  EXPECT_EQ(conf->Get(keys::kMasterRpcPort), "1");
}

TEST_F(ConfigurationLoadTest, HomeIsSearchedWhenConfDirHasNoSiteFile) {
  std::string in_home = WriteSite("home/.alluxio", "alluxio.master.rpc.port=2\n");
  env_ = {{"ALLUXIO_CONF_DIR", Dir("conf")}, {"HOME", Dir("home")}};
  Result<Configuration> conf = Load();
  ASSERT_TRUE(conf.ok()) << conf.status().ToString();
  EXPECT_EQ(conf->site_file(), in_home);
}

TEST_F(ConfigurationLoadTest, ConfDirFromSystemPropertyBeatsEnvironment) {
  WriteSite("env-conf", "alluxio.master.rpc.port=1\n");
  std::string in_d = WriteSite("d-conf", "alluxio.master.rpc.port=2\n");
  env_ = {{"ALLUXIO_CONF_DIR", Dir("env-conf")}};
  Result<Configuration> conf = Load({{"alluxio.conf.dir", Dir("d-conf")}});
  ASSERT_TRUE(conf.ok()) << conf.status().ToString();
  EXPECT_EQ(conf->site_file(), in_d);
}

TEST_F(ConfigurationLoadTest, ConfDirFollowsAlluxioHome) {
  std::string site = WriteSite("install/conf", "alluxio.master.rpc.port=5\n");
  env_ = {{"ALLUXIO_HOME", Dir("install")}};
  Result<Configuration> conf = Load();
  ASSERT_TRUE(conf.ok()) << conf.status().ToString();
  EXPECT_EQ(conf->site_file(), site);
  EXPECT_EQ(conf->Get(keys::kWorkDir), Dir("install"));
  EXPECT_EQ(conf->Get(keys::kMasterJournalFolder), Dir("install") + "/journal");
}

// ---- Properties syntax ----

TEST_F(ConfigurationLoadTest, ParsesJavaPropertiesSyntax) {
  Result<Configuration> conf = LoadSite(
      "# comment\n"
      "! another comment\n"
      "\n"
      "   \n"
      "alluxio.master.hostname = host1   \n"
      "alluxio.master.bind.host:1.2.3.4\n"
      "alluxio.master.journal.folder   /j/folder\n"
      "   alluxio.user.date.format.pattern=a \\\n"
      "      b \\\n"
      "      c\n"
      "my\\=key=v\\\\\n"
      "custom.unicode=caf\\u00e9\\t!\n"
      "custom.hash=value # not a comment\n"
      "alluxio.master.rpc.port=1\n"
      "alluxio.master.rpc.port=2\n"
      "custom.empty=\n");
  ASSERT_TRUE(conf.ok()) << conf.status().ToString();
  EXPECT_THAT(conf->warnings(), IsEmpty());
  EXPECT_EQ(conf->Get(keys::kMasterHostname), "host1");
  EXPECT_EQ(conf->Get(keys::kMasterBindHost), "1.2.3.4");
  EXPECT_EQ(conf->Get(keys::kMasterJournalFolder), "/j/folder");
  EXPECT_EQ(conf->Get(keys::kUserDateFormatPattern), "a b c");
  EXPECT_EQ(conf->Get("my=key"), "v\\");
  EXPECT_EQ(conf->Get("custom.unicode"), "caf\xc3\xa9\t!");
  EXPECT_EQ(conf->Get("custom.hash"), "value # not a comment");
  EXPECT_EQ(conf->Get(keys::kMasterRpcPort), "2");
  EXPECT_TRUE(conf->IsSet("custom.empty"));
  EXPECT_EQ(conf->Get("custom.empty"), "");
}

TEST_F(ConfigurationLoadTest, AcceptsWindowsLineEndings) {
  Result<Configuration> conf =
      LoadSite("alluxio.master.hostname=h\r\nalluxio.master.rpc.port=7\r\n");
  ASSERT_TRUE(conf.ok()) << conf.status().ToString();
  EXPECT_EQ(conf->Get(keys::kMasterHostname), "h");
  EXPECT_EQ(*conf->GetInt(keys::kMasterRpcPort), 7);
}

// ---- Substitution ----

TEST_F(ConfigurationLoadTest, ResolvesNestedReferences) {
  Result<Configuration> conf = LoadSite(
      "custom.a=${custom.b}/x\ncustom.b=${custom.c}/y\ncustom.c=z\n"
      "custom.two=${custom.c}-${custom.c}\ncustom.open=${custom.c\n",
      nullptr, {{"alluxio.home", "/h"}});
  ASSERT_TRUE(conf.ok()) << conf.status().ToString();
  EXPECT_EQ(conf->Get("custom.a"), "z/y/x");
  EXPECT_EQ(conf->Get("custom.two"), "z-z");
  EXPECT_EQ(conf->Get("custom.open"), "${custom.c");  // unterminated: literal
  // Three levels of defaults: journal.folder -> work.dir -> home.
  EXPECT_EQ(conf->Get(keys::kMasterJournalFolder), "/h/journal");
  EXPECT_EQ(conf->Get(keys::kLogsDir), "/h/logs");
}

TEST_F(ConfigurationLoadTest, ReferenceCycleIsNamed) {
  std::string path;
  Result<Configuration> conf = LoadSite("alluxio.work.dir=${alluxio.logs.dir}\n", &path);
  ASSERT_FALSE(conf.ok());
  EXPECT_EQ(conf.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(conf.status().message(),
              HasSubstr("Invalid value '${alluxio.logs.dir}' for alluxio.work.dir in " + path +
                        ":1: reference cycle alluxio.work.dir -> alluxio.logs.dir -> "
                        "alluxio.work.dir"));
  // Keys that only lead to the cycle (journal folder, root UFS) are not reported.
  EXPECT_THAT(conf.status().message(), Not(HasSubstr("alluxio.master.journal.folder")));
  EXPECT_THAT(conf.status().message(), Not(HasSubstr("underFSStorage")));
}

TEST_F(ConfigurationLoadTest, SelfReferenceIsACycle) {
  std::vector<std::string> search;
  Result<Configuration> conf = Load({{"custom.k", "a${custom.k}"}}, &search);
  ASSERT_FALSE(conf.ok());
  EXPECT_EQ(conf.status().message(),
            "Invalid value 'a${custom.k}' for custom.k in -D option: reference cycle custom.k -> "
            "custom.k");
}

TEST_F(ConfigurationLoadTest, ReferenceToUnsetKeyIsAnError) {
  std::string path;
  Result<Configuration> conf =
      LoadSite("\nalluxio.master.journal.folder=${alluxio.master.hostname}/j\n", &path);
  ASSERT_FALSE(conf.ok());
  EXPECT_EQ(conf.status().message(),
            "Invalid value '${alluxio.master.hostname}/j' for alluxio.master.journal.folder in " +
                path + ":2: ${alluxio.master.hostname} is not set");
}

TEST_F(ConfigurationLoadTest, ResolvedValueIsTypeChecked) {
  Result<Configuration> conf =
      LoadSite("custom.port=abc\nalluxio.master.web.port=${custom.port}\n");
  ASSERT_FALSE(conf.ok());
  EXPECT_THAT(conf.status().message(),
              HasSubstr("Invalid value 'abc' (resolved from '${custom.port}') for "
                        "alluxio.master.web.port in "));
}

// ---- Bad input ----

TEST_F(ConfigurationLoadTest, MalformedIntegerNamesKeyValueFileAndLine) {
  std::string path;
  Result<Configuration> conf =
      LoadSite("# header\nalluxio.master.hostname=h\nalluxio.master.rpc.port=abc\n", &path);
  ASSERT_FALSE(conf.ok());
  EXPECT_EQ(conf.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(conf.status().message(), "Invalid value 'abc' for alluxio.master.rpc.port in " + path +
                                         ":3: expected an integer between 0 and 65535");
}

TEST_F(ConfigurationLoadTest, MalformedValuesOfEachType) {
  struct Case {
    const char* line;
    const char* expected;
  };
  const Case cases[] = {
      {"alluxio.master.journal.checkpoint.period.entries=1x", "expected an integer >= 1"},
      {"alluxio.master.journal.checkpoint.period.entries=0", "expected an integer >= 1"},
      {"alluxio.master.journal.tolerate.corruption=yes", "expected true or false"},
      {"alluxio.master.journal.tolerate.corruption=1", "expected true or false"},
      {"alluxio.user.block.size.bytes.default=64XB", "expected a size such as"},
      {"alluxio.user.block.size.bytes.default=-1", "expected a size such as"},
      {"alluxio.master.journal.flush.timeout=5 min", "expected a duration such as"},
      {"alluxio.master.journal.flush.timeout=soon", "expected a duration such as"},
      {"alluxio.master.journal.type=RAFT", "expected one of UFS, EMBEDDED, NOOP"},
      {"alluxio.user.file.metadata.load.type=", "expected one of NEVER, ONCE, ALWAYS"},
  };
  for (const Case& c : cases) {
    std::string path;
    Result<Configuration> conf = LoadSite(std::string(c.line) + "\n", &path);
    ASSERT_FALSE(conf.ok()) << c.line;
    std::string_view line(c.line);
    std::string key(line.substr(0, line.find('=')));
    std::string value(line.substr(line.find('=') + 1));
    EXPECT_THAT(conf.status().message(), HasSubstr("Invalid value '" + value + "' for " + key +
                                                   " in " + path + ":1: " + c.expected))
        << c.line;
  }
}

TEST_F(ConfigurationLoadTest, PortsMustBeInRange) {
  for (const char* bad : {"65536", "-1", "99999999999999999999"}) {
    Result<Configuration> conf = LoadSite(std::string("alluxio.master.web.port=") + bad + "\n");
    ASSERT_FALSE(conf.ok()) << bad;
    EXPECT_THAT(conf.status().message(), HasSubstr("expected an integer between 0 and 65535"));
  }
  for (const char* good : {"0", "65535"}) {
    Result<Configuration> conf = LoadSite(std::string("alluxio.master.web.port=") + good + "\n");
    ASSERT_TRUE(conf.ok()) << conf.status().ToString();
  }
}

TEST_F(ConfigurationLoadTest, BoolsAndEnumsAreCaseInsensitive) {
  Result<Configuration> conf = LoadSite(
      "alluxio.master.journal.tolerate.corruption=TRUE\nalluxio.master.journal.type=embedded\n");
  ASSERT_TRUE(conf.ok()) << conf.status().ToString();
  EXPECT_TRUE(*conf->GetBool(keys::kMasterJournalTolerateCorruption));
  EXPECT_EQ(conf->Get(keys::kMasterJournalType), "embedded");
  EXPECT_EQ(*conf->GetEnum(keys::kMasterJournalType), "EMBEDDED");
}

TEST_F(ConfigurationLoadTest, BadSystemPropertyNamesItsOrigin) {
  std::vector<std::string> search;
  Result<Configuration> conf = Load({{"alluxio.master.rpc.port", "x"}}, &search);
  ASSERT_FALSE(conf.ok());
  EXPECT_EQ(conf.status().message(),
            "Invalid value 'x' for alluxio.master.rpc.port in -D option: expected an integer "
            "between 0 and 65535");
}

TEST_F(ConfigurationLoadTest, EveryBadValueIsReported) {
  Result<Configuration> conf = LoadSite("alluxio.master.rpc.port=a\nalluxio.master.web.port=b\n");
  ASSERT_FALSE(conf.ok());
  std::string message(conf.status().message());
  EXPECT_THAT(message, HasSubstr("'a' for alluxio.master.rpc.port"));
  EXPECT_THAT(message, HasSubstr("\n"));
  EXPECT_THAT(message, HasSubstr("'b' for alluxio.master.web.port"));
}

TEST_F(ConfigurationLoadTest, UnknownKeyWarnsWithFileAndLineAndIsKept) {
  std::string path;
  Result<Configuration> conf =
      LoadSite("alluxio.master.hostname=h\nalluxio.mater.rpc.port=1\nother.tool.key=2\n", &path,
               {{"alluxio.typo", "3"}});
  ASSERT_TRUE(conf.ok()) << conf.status().ToString();
  EXPECT_THAT(conf->warnings(),
              ElementsAre("Unknown property key alluxio.typo in -D option",
                          "Unknown property key alluxio.mater.rpc.port in " + path + ":2"));
  EXPECT_EQ(conf->Get("alluxio.mater.rpc.port"), "1");
  EXPECT_EQ(conf->GetSource("alluxio.mater.rpc.port"), Source::kSiteProperty);
  EXPECT_EQ(conf->Get("other.tool.key"), "2");
}

TEST_F(ConfigurationLoadTest, LineWithoutSeparatorWarnsAndSetsEmptyValue) {
  std::string path;
  Result<Configuration> conf = LoadSite("alluxio.master.hostname\n", &path);
  ASSERT_TRUE(conf.ok()) << conf.status().ToString();
  EXPECT_THAT(conf->warnings(),
              ElementsAre("Missing '=' in " + path +
                          ":1: alluxio.master.hostname is set to an empty value"));
  EXPECT_TRUE(conf->IsSet(keys::kMasterHostname));
  EXPECT_EQ(conf->Get(keys::kMasterHostname), "");
}

TEST_F(ConfigurationLoadTest, LineWithoutSeparatorForTypedKeyIsAnError) {
  std::string path;
  Result<Configuration> conf = LoadSite("\n\nalluxio.master.rpc.port\n", &path);
  ASSERT_FALSE(conf.ok());
  EXPECT_EQ(conf.status().message(), "Invalid value '' for alluxio.master.rpc.port in " + path +
                                         ":3: expected an integer between 0 and 65535");
}

TEST_F(ConfigurationLoadTest, UnreadableSiteFileIsAnError) {
  // A directory where the file should be: it exists, so it is chosen, but cannot be read.
  std::string path = Dir("site/alluxio-site.properties");
  std::vector<std::string> search = {root_ / "site"};
  Result<Configuration> conf = Load({}, &search);
  ASSERT_FALSE(conf.ok());
  EXPECT_EQ(conf.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(conf.status().message(), HasSubstr(path));
  EXPECT_THAT(conf.status().message(), HasSubstr("Is a directory"));
}

// ---- Set and getters ----

TEST(ConfigurationSetTest, SetValidatesAndKeepsOldValueOnError) {
  Configuration conf;
  ASSERT_TRUE(conf.Set(keys::kMasterRpcPort, "100").ok());
  Status s = conf.Set(keys::kMasterRpcPort, "abc");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "Invalid value 'abc' for alluxio.master.rpc.port: expected an integer between 0 and "
            "65535");
  EXPECT_EQ(conf.Get(keys::kMasterRpcPort), "100");
  EXPECT_FALSE(conf.Set(keys::kMasterHostname, "${alluxio.master.hostname}").ok());
  EXPECT_FALSE(conf.IsSet(keys::kMasterHostname));
}

TEST(ConfigurationSetTest, SetByNameAcceptsAliasesAndCustomKeys) {
  Configuration conf;
  ASSERT_TRUE(conf.Set("alluxio.underfs.address", "hdfs://nn/", Source::kSiteProperty).ok());
  EXPECT_EQ(conf.Get(keys::kMasterMountTableRootUfs), "hdfs://nn/");
  EXPECT_EQ(conf.GetSource(keys::kMasterMountTableRootUfs), Source::kSiteProperty);
  ASSERT_TRUE(conf.Set("my.key", "v").ok());
  EXPECT_EQ(conf.Get("my.key"), "v");
  EXPECT_EQ(conf.GetSource("my.key"), Source::kRuntime);
}

TEST(ConfigurationSetTest, SetRejectsReferencesThatDoNotResolve) {
  Configuration conf;
  EXPECT_EQ(conf.Set("a", "${b}").message(), "Invalid value '${b}' for a: ${b} is not set");
  EXPECT_FALSE(conf.IsSet("a"));
  ASSERT_TRUE(conf.Set("b", "1").ok());
  ASSERT_TRUE(conf.Set("a", "${b}").ok());
  EXPECT_EQ(conf.Set("b", "${a}").message(),
            "Invalid value '${a}' for b: reference cycle b -> a -> b");
  EXPECT_EQ(conf.Get("a"), "1");
}

TEST(ConfigurationGetterTest, ListsAreTrimmedAndSkipEmptyItems) {
  Configuration conf;
  ASSERT_TRUE(conf.Set(keys::kMasterRpcAddresses, " m1:19998, m2:19998,,m3:19998 ,").ok());
  EXPECT_THAT(*conf.GetList(keys::kMasterRpcAddresses),
              ElementsAre("m1:19998", "m2:19998", "m3:19998"));
}

TEST(ConfigurationGetterTest, GettersReportValuesThatBecameInvalid) {
  Configuration conf;
  ASSERT_TRUE(conf.Set("custom.port", "1").ok());
  ASSERT_TRUE(conf.Set(keys::kMasterWebPort, "${custom.port}").ok());
  EXPECT_EQ(*conf.GetInt(keys::kMasterWebPort), 1);
  ASSERT_TRUE(conf.Set("custom.port", "x").ok());
  Result<int64_t> port = conf.GetInt(keys::kMasterWebPort);
  EXPECT_EQ(port.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(port.status().message(),
            "Invalid value 'x' for alluxio.master.web.port: expected an integer between 0 and "
            "65535");
  Status valid = conf.Validate();
  EXPECT_THAT(valid.message(), HasSubstr("Invalid value 'x' (resolved from '${custom.port}') for "
                                         "alluxio.master.web.port: expected an integer"));
}

TEST(ConfigurationGetterTest, KeysWithValuesListsRegisteredThenCustomKeys) {
  Configuration conf;
  ASSERT_TRUE(conf.Set("z.custom", "1").ok());
  ASSERT_TRUE(conf.Set("a.custom", "2").ok());
  std::vector<std::string> names = conf.KeysWithValues();
  ASSERT_GE(names.size(), 3u);
  EXPECT_EQ(names.front(), "alluxio.home");
  EXPECT_EQ(names[names.size() - 2], "a.custom");
  EXPECT_EQ(names.back(), "z.custom");
  EXPECT_EQ(std::count(names.begin(), names.end(), "alluxio.master.hostname"), 0);
}

}  // namespace
}  // namespace alluxio::conf
