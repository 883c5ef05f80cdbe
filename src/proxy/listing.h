// SPDX-License-Identifier: Apache-2.0
// One page of ListObjects/ListObjectsV2, gathered from a listing that arrives in any order (the
// master streams a directory or a subtree in batches): keys after the marker are kept in key order
// and only the first max-keys + 1 are held, so a bucket of any size lists page by page in bounded
// memory. Keys that contain the delimiter after the prefix roll up into common prefixes, as in S3.
// Thread-safety: not thread-safe.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/result.h"

#include "alluxio/grpc/common.pb.h"

namespace alluxio::proxy {

class ListingPage {
 public:
  // Keys must start with `prefix` and sort after `start_after` (the V1 marker, the V2
  // continuation token or StartAfter) to be listed.
  ListingPage(std::string prefix, std::string delimiter, std::string start_after, int max_keys);

  // Offers an object. Keys not under the prefix, or not after the marker, are ignored.
  void OfferObject(std::string key, ::alluxio::grpc::FileInfo info);
  // Offers a common prefix directly (a subdirectory of a delimiter "/" listing); it must end with
  // the delimiter.
  void OfferPrefix(std::string common_prefix);

  struct Entry {
    std::string key;  // object key, or the common prefix
    bool is_prefix = false;
    ::alluxio::grpc::FileInfo info;  // objects only
  };
  // The page in key order (at most max-keys entries, objects and prefixes together).
  std::vector<Entry> Take();
  // Whether more entries follow the page (valid after Take).
  bool truncated() const { return truncated_; }
  // Whether the page holds max-keys + 1 entries: an entry can then only get in if its key is below
  // bound().
  bool full() const { return kept_.size() > max_keys_; }
  const std::string& bound() const { return kept_.rbegin()->first; }

 private:
  void Insert(std::string key, bool is_prefix, ::alluxio::grpc::FileInfo* info);

  std::string prefix_, delimiter_, start_after_;
  size_t max_keys_;
  std::map<std::string, Entry> kept_;  // at most max_keys_ + 1, the smallest keys seen
  bool truncated_ = false;
};

// Feeds a ListingPage from a bucket's directories in S3 key order, a bounded batch of one
// directory at a time, and stops as soon as no later key can get on the page: a page costs about
// max-keys entries of listing however large the bucket (plus one batch per directory visited),
// never a listing of the whole bucket. Directory names are ordered as keys ("d/..." after "d-x"),
// which the master's name order differs from only for names below '/', so a few directories wait
// in a small pending set.
class ListingWalker {
 public:
  // Lists up to `limit` children of directory `dir` (an Alluxio path) whose names are >=
  // `start_from`, in name order, into `out`. NotFound when `dir` does not exist.
  using ListFn = std::function<Status(const std::string& dir, const std::string& start_from,
                                      int64_t limit, std::vector<::alluxio::grpc::FileInfo>* out)>;
  // Whether a directory is itself an object (a folder object "key/").
  using FolderFn = std::function<bool(const ::alluxio::grpc::FileInfo&)>;

  // `page` must be made with the same prefix, delimiter and marker. `skip` is a child name of
  // the bucket's directory that is not part of the bucket (the gateway's hidden folder).
  ListingWalker(ListFn list, FolderFn is_folder, ListingPage* page, std::string prefix,
                std::string delimiter, std::string marker, std::string skip, int64_t batch);

  // Walks the bucket whose directory is `bucket_dir`.
  Status Run(const std::string& bucket_dir);
  // Directory batches listed so far (for tests).
  int64_t calls() const { return calls_; }

 private:
  Status Walk(const std::string& dir, const std::string& base, const std::string& name_prefix);
  Status Directory(const std::string& dir, const std::string& base, const std::string& name,
                   const ::alluxio::grpc::FileInfo& info);

  ListFn list_;
  FolderFn is_folder_;
  ListingPage* page_;
  std::string prefix_, delimiter_, marker_, skip_;
  int64_t batch_;
  bool can_stop_;
  bool stop_ = false;
  int64_t calls_ = 0;
};

}  // namespace alluxio::proxy
