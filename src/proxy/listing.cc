// SPDX-License-Identifier: Apache-2.0
#include "proxy/listing.h"

#include <utility>

namespace alluxio::proxy {

ListingPage::ListingPage(std::string prefix, std::string delimiter, std::string start_after,
                         int max_keys)
    : prefix_(std::move(prefix)),
      delimiter_(std::move(delimiter)),
      start_after_(std::move(start_after)),
      max_keys_(max_keys < 0 ? 0 : static_cast<size_t>(max_keys)) {}

void ListingPage::OfferObject(std::string key, ::alluxio::grpc::FileInfo info) {
  if (key.compare(0, prefix_.size(), prefix_) != 0) return;
  if (!delimiter_.empty()) {
    size_t d = key.find(delimiter_, prefix_.size());
    if (d != std::string::npos) {
      Insert(key.substr(0, d + delimiter_.size()), true, nullptr);
      return;
    }
  }
  Insert(std::move(key), false, &info);
}

void ListingPage::OfferPrefix(std::string common_prefix) {
  if (common_prefix.compare(0, prefix_.size(), prefix_) != 0) return;
  Insert(std::move(common_prefix), true, nullptr);
}

void ListingPage::Insert(std::string key, bool is_prefix, ::alluxio::grpc::FileInfo* info) {
  if (key <= start_after_) return;
  // Full and not smaller than the largest kept key: it cannot be on this page (and the page is
  // known to be truncated already, since max_keys_ + 1 entries are kept).
  if (kept_.size() > max_keys_ && key >= kept_.rbegin()->first) return;
  auto [it, inserted] = kept_.try_emplace(key);
  if (!inserted) return;  // a common prefix seen before
  it->second.key = std::move(key);
  it->second.is_prefix = is_prefix;
  if (info != nullptr) it->second.info = std::move(*info);
  if (kept_.size() > max_keys_ + 1) kept_.erase(std::prev(kept_.end()));
}

std::vector<ListingPage::Entry> ListingPage::Take() {
  truncated_ = kept_.size() > max_keys_;
  std::vector<Entry> out;
  out.reserve(std::min(kept_.size(), max_keys_));
  for (auto& [k, e] : kept_) {
    if (out.size() == max_keys_) break;
    out.push_back(std::move(e));
  }
  kept_.clear();
  return out;
}

}  // namespace alluxio::proxy
