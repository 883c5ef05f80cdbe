// SPDX-License-Identifier: Apache-2.0
#include "proxy/listing.h"

#include <algorithm>
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

ListingWalker::ListingWalker(ListFn list, FolderFn is_folder, ListingPage* page, std::string prefix,
                             std::string delimiter, std::string marker, std::string skip,
                             int64_t batch)
    : list_(std::move(list)),
      is_folder_(std::move(is_folder)),
      page_(page),
      prefix_(std::move(prefix)),
      delimiter_(std::move(delimiter)),
      marker_(std::move(marker)),
      skip_(std::move(skip)),
      batch_(std::max<int64_t>(batch, 2)),
      // With another delimiter a key past the page's bound may still roll up into a common
      // prefix below it: walk everything then (memory stays bounded by the page).
      can_stop_(delimiter_.empty() || delimiter_ == "/") {}

Status ListingWalker::Run(const std::string& bucket_dir) {
  // Start in the deepest directory the prefix names; its children must start with the rest.
  const size_t slash = prefix_.rfind('/');
  const std::string base = slash == std::string::npos ? "" : prefix_.substr(0, slash + 1);
  const std::string dir = base.empty() ? bucket_dir : bucket_dir + "/" + base.substr(0, slash);
  Status s = Walk(dir, base, prefix_.substr(base.size()));
  return s.code() == StatusCode::kNotFound ? Status() : s;
}

Status ListingWalker::Walk(const std::string& dir, const std::string& base,
                           const std::string& name_prefix) {
  // Children named below `from` hold only keys at or before the marker: skip them. That is every
  // name below the marker's component here, cut before its first character <= '/' (a directory
  // "a" holds keys "a/..." which sort after "a-b").
  std::string from = name_prefix;
  if (marker_.size() > base.size() && marker_.compare(0, base.size(), base) == 0) {
    size_t k = base.size();
    while (k < marker_.size() && static_cast<unsigned char>(marker_[k]) > '/') ++k;
    from = std::max(from, marker_.substr(base.size(), k - base.size()));
  }
  // Directories wait here, keyed "name/", until no name that sorts before their keys can follow.
  std::map<std::string, ::alluxio::grpc::FileInfo> pending;
  auto flush_before = [&](const std::string* name) -> Status {
    while (!pending.empty() && !stop_ && (name == nullptr || pending.begin()->first < *name)) {
      auto node = pending.extract(pending.begin());
      std::string d = node.key();
      d.pop_back();
      RETURN_IF_ERROR(Directory(dir, base, d, node.mapped()));
    }
    return Status();
  };
  std::string start = from;
  for (bool more = true; more && !stop_;) {
    std::vector<::alluxio::grpc::FileInfo> batch;
    ++calls_;
    Status s = list_(dir, start, batch_, &batch);
    if (s.code() == StatusCode::kNotFound && !base.empty()) return Status();  // removed meanwhile
    RETURN_IF_ERROR(s);
    // A master that predates start_from/limit returns the whole directory: take it as the last
    // batch (and skip what is before `start`).
    const std::string from_here = start;
    more = static_cast<int64_t>(batch.size()) == batch_ &&
           (batch.empty() || batch.front().name() >= from_here);
    if (!batch.empty()) start = batch.back().name() + std::string(1, '\0');  // after the last
    for (::alluxio::grpc::FileInfo& f : batch) {
      const std::string name = f.name();
      if (name < from_here) continue;
      if (base.empty() && name == skip_) continue;
      if (name.compare(0, name_prefix.size(), name_prefix) != 0) {
        if (name > name_prefix) {  // past every name with the prefix
          more = false;
          break;
        }
        continue;
      }
      RETURN_IF_ERROR(flush_before(&name));
      if (stop_) return Status();
      if (can_stop_ && page_->full() && base + name > page_->bound()) {
        stop_ = true;  // every key from here on sorts after the page
        return Status();
      }
      if (f.folder()) {
        pending.emplace(name + "/", std::move(f));
      } else {
        page_->OfferObject(base + name, std::move(f));
      }
    }
  }
  return flush_before(nullptr);
}

Status ListingWalker::Directory(const std::string& dir, const std::string& base,
                                const std::string& name, const ::alluxio::grpc::FileInfo& info) {
  const std::string key = base + name + "/";
  if (can_stop_ && page_->full() && key > page_->bound()) {
    stop_ = true;
    return Status();
  }
  if (delimiter_ == "/") {
    // A common prefix when it holds something (or is itself an object).
    if (info.child_count() > 0 || is_folder_(info)) page_->OfferPrefix(key);
    return Status();
  }
  if (is_folder_(info)) page_->OfferObject(key, info);
  return Walk(dir + "/" + name, key, "");
}

}  // namespace alluxio::proxy
