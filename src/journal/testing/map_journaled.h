// SPDX-License-Identifier: Apache-2.0
// MapJournaled: a tiny Journaled for journal tests. Its state is a map<string, string>:
//   inode_directory {name, owner}  puts name -> owner
//   cluster_info {cluster_id}      puts "cluster_id" -> cluster_id
//   delete_mount_point {path}      erases path
//   a batch                        applies its children in order
// Other payloads are accepted and ignored. Put() applies and appends under the state lock, the
// way a master operation does, so snapshots are consistent with sequence numbers.
//
// Thread-safety: thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "journal/journal.h"

namespace alluxio::journal {

// inode_directory {name = key, owner = value}.
JournalEntry PutEntry(const std::string& key, const std::string& value);

class MapJournaled;

// Imports "cluster_id" -> `cluster_id` and the puts k<from>..k<to - 1> -> v<from>.. the way a
// restore from a backup does: applies each entry to `state` and stages its framed record with
// `journal`'s importer, then (if `commit`) commits with the cluster-info entry as the marker.
// Returns the first error.
Status ImportPuts(Journal* journal, MapJournaled* state, const std::string& cluster_id, int from,
                  int to, bool commit = true);

class MapJournaled final : public Journaled {
 public:
  // Applies the put, then appends it, both under the state lock. Does not wait for durability.
  Result<SequenceNumber> Put(Journal* journal, const std::string& key, const std::string& value);

  std::map<std::string, std::string> contents() const;
  // Entries applied since the last Reset.
  int64_t applied() const;

  // Apply fails with Internal for a put of `key`.
  void FailApplyOnKey(std::string key);
  // Called at the start of every StateSnapshot::WriteTo (e.g. to hold a checkpoint midway).
  void SetWriteToHook(std::function<void()> hook);

  Status Apply(const JournalEntry& entry) override;
  void Reset() override;
  std::unique_ptr<StateSnapshot> Snapshot(Journal* journal) override;

 private:
  Status ApplyLocked(const JournalEntry& entry);  // REQUIRES: mu_ held.

  mutable std::mutex mu_;
  std::map<std::string, std::string> map_;  // GUARDED_BY(mu_)
  int64_t applied_ = 0;                     // GUARDED_BY(mu_)
  std::string fail_key_;                    // GUARDED_BY(mu_)
  std::function<void()> write_to_hook_;     // GUARDED_BY(mu_)
};

}  // namespace alluxio::journal
