// SPDX-License-Identifier: Apache-2.0
// `fsadmin backup` output (Alluxio 2.x BackupCommand) and argument checks that need no master.
#include "cli/fsadmin/backup_command.h"

#include <sstream>

#include <gtest/gtest.h>

#include "cli/fsadmin/fsadmin_shell.h"

namespace alluxio::cli::fsadmin {
namespace {

namespace meta = ::alluxio::grpc::meta;

TEST(BackupCommandTest, CompletedOutputIsAlluxios) {
  meta::BackupPStatus s;
  s.set_backup_state(meta::Completed);
  s.set_backup_host("master-1");
  s.set_backup_uri(
      "hdfs://masters-1:9000/alluxio_backups/alluxio-backup-2020-10-13-1602619110769.gz");
  s.set_entry_count(57);
  EXPECT_EQ(BackupCompletedOutput(s),
            "Successfully backed up journal to "
            "hdfs://masters-1:9000/alluxio_backups/alluxio-backup-2020-10-13-1602619110769.gz\n"
            "Backup Host        : master-1\n"
            "Backup URI         : "
            "hdfs://masters-1:9000/alluxio_backups/alluxio-backup-2020-10-13-1602619110769.gz\n"
            "Backup Entry Count : 57\n");
}

TEST(BackupCommandTest, ProgressLineShowsTheCountOnceRunning) {
  meta::BackupPStatus s;
  s.set_backup_state(meta::Initiating);
  EXPECT_EQ(BackupProgressLine(s), " Backup state: Initiating");
  s.set_backup_state(meta::Running);
  s.set_entry_count(1234);
  EXPECT_EQ(BackupProgressLine(s), " Backup state: Running | Entries processed: 1234");
}

TEST(BackupCommandTest, TooManyArgumentsAreRefused) {
  conf::Configuration conf;
  std::ostringstream out, err;
  CommandContext ctx{&conf, &out, &err};
  EXPECT_EQ(RunFsAdminShell(ctx, {"backup", "a", "b", "c"}), 255);
  EXPECT_NE(out.str().find("backup [directory] [--local]"), std::string::npos) << out.str();
}

}  // namespace
}  // namespace alluxio::cli::fsadmin
