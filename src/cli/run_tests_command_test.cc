// SPDX-License-Identifier: Apache-2.0
#include "cli/run_tests_command.h"

#include <gtest/gtest.h>

namespace alluxio::cli {
namespace {

TEST(RunTestsCommandTest, DefaultsRunEveryCombination) {
  TestRunnerOptions o = *ParseTestRunnerArgs({});
  EXPECT_EQ(o.directory, "/");
  EXPECT_EQ(o.operations, (std::vector<std::string>{"BASIC", "BASIC_NON_BYTE_BUFFER"}));
  EXPECT_EQ(o.read_types, (std::vector<std::string>{"CACHE_PROMOTE", "CACHE", "NO_CACHE"}));
  EXPECT_EQ(o.write_types,
            (std::vector<std::string>{"MUST_CACHE", "CACHE_THROUGH", "THROUGH", "ASYNC_THROUGH"}));
}

TEST(RunTestsCommandTest, OptionsSelectOneValue) {
  TestRunnerOptions o = *ParseTestRunnerArgs({"--directory", "/tmp", "--operation", "BASIC",
                                              "--readType", "CACHE", "--writeType", "THROUGH"});
  EXPECT_EQ(o.directory, "/tmp");
  EXPECT_EQ(o.operations, std::vector<std::string>{"BASIC"});
  EXPECT_EQ(o.read_types, std::vector<std::string>{"CACHE"});
  EXPECT_EQ(o.write_types, std::vector<std::string>{"THROUGH"});
}

TEST(RunTestsCommandTest, BadArguments) {
  EXPECT_EQ(ParseTestRunnerArgs({"--readType", "FAST"}).status().message(),
            "No enum constant alluxio.client.ReadType.FAST");
  EXPECT_EQ(ParseTestRunnerArgs({"--bogus"}).status().message(), "Unknown option: --bogus");
  EXPECT_FALSE(ParseTestRunnerArgs({"--directory"}).ok());
  EXPECT_TRUE(ParseTestRunnerArgs({"-h"})->help);
}

}  // namespace
}  // namespace alluxio::cli
