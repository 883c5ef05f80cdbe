// SPDX-License-Identifier: Apache-2.0
// One page of ListObjects/ListObjectsV2, gathered from a listing that arrives in any order (the
// master streams a directory or a subtree in batches): keys after the marker are kept in key order
// and only the first max-keys + 1 are held, so a bucket of any size lists page by page in bounded
// memory. Keys that contain the delimiter after the prefix roll up into common prefixes, as in S3.
// Thread-safety: not thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

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

 private:
  void Insert(std::string key, bool is_prefix, ::alluxio::grpc::FileInfo* info);

  std::string prefix_, delimiter_, start_after_;
  size_t max_keys_;
  std::map<std::string, Entry> kept_;  // at most max_keys_ + 1, the smallest keys seen
  bool truncated_ = false;
};

}  // namespace alluxio::proxy
