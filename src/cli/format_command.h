// SPDX-License-Identifier: Apache-2.0
// `alluxio format [-s]`, `formatJournal`, `formatMasters`, `formatWorker` (reference §2.1), on this
// host. The scripts (bin/alluxio) run `format` and `formatMasters` across the hosts of
// conf/workers and conf/masters; the binary formats the local storage only.
//
// Beyond Alluxio: every command refuses, touching nothing, while a process of this cluster runs on
// this host: a pid file under ${alluxio.work.dir}/run names a live alluxio-master / alluxio-worker,
// or (journal commands) a master holds the journal's lock. The refusal names the process and exits
// 1. Design: docs/design/operations.md.
#pragma once

#include "cli/command.h"

namespace alluxio::cli {

// Wipes and recreates the master journal (alluxio.master.journal.folder). Exit 255 on failure.
int RunFormatJournal(CommandContext& ctx, const std::vector<std::string>& args);
// Wipes and recreates `<dir>/<alluxio.worker.data.folder>` (mode 1777) in every tier directory.
int RunFormatWorker(CommandContext& ctx, const std::vector<std::string>& args);
// formatWorker, then formatJournal; `-s`: only when the root UFS is local and does not exist yet.
int RunFormat(CommandContext& ctx, const std::vector<std::string>& args);

}  // namespace alluxio::cli
