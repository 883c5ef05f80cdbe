# SPDX-License-Identifier: Apache-2.0
# getConf, validateConf, version. Included from src/cli/CMakeLists.txt.
alluxio_library(cli_conf SRCS conf_commands.cc PUBLIC_DEPS alluxio_common)
alluxio_test(cli_conf_test SRCS conf_commands_test.cc DEPS alluxio_cli_conf)
