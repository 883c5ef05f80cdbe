// SPDX-License-Identifier: Apache-2.0
#include "proxy/listing.h"

#include <algorithm>
#include <random>
#include <set>

#include <fmt/format.h>

#include <gtest/gtest.h>

namespace alluxio::proxy {
namespace {

std::vector<std::string> Keys(const std::vector<ListingPage::Entry>& entries) {
  std::vector<std::string> out;
  for (const auto& e : entries) out.push_back(e.is_prefix ? "P:" + e.key : e.key);
  return out;
}

TEST(ListingPageTest, PagesInKeyOrderWhateverTheOfferOrder) {
  std::vector<std::string> all;
  for (int i = 0; i < 1000; ++i) all.push_back("k" + std::to_string(i));
  std::vector<std::string> sorted = all;
  std::sort(sorted.begin(), sorted.end());
  std::mt19937 rng(7);
  std::string marker;
  std::vector<std::string> seen;
  for (int pages = 0;; ++pages) {
    ASSERT_LT(pages, 20);
    std::shuffle(all.begin(), all.end(), rng);
    ListingPage page("", "", marker, 64);
    for (const std::string& k : all) page.OfferObject(k, {});
    auto entries = page.Take();
    for (auto& k : Keys(entries)) seen.push_back(k);
    if (!page.truncated()) break;
    EXPECT_EQ(entries.size(), 64u);
    marker = entries.back().key;
  }
  EXPECT_EQ(seen, sorted);
}

TEST(ListingPageTest, PrefixDelimiterAndCommonPrefixes) {
  ListingPage page("photos/", "/", "", 1000);
  for (const char* k : {"photos/2024/a.jpg", "photos/2024/b.jpg", "photos/x.jpg", "photos/2023/c",
                        "other/y", "photos/"}) {
    page.OfferObject(k, {});
  }
  page.OfferPrefix("photos/2025/");
  page.OfferPrefix("else/");
  EXPECT_EQ(Keys(page.Take()),
            (std::vector<std::string>{"photos/", "P:photos/2023/", "P:photos/2024/",
                                      "P:photos/2025/", "photos/x.jpg"}));
  EXPECT_FALSE(page.truncated());
}

TEST(ListingPageTest, CommonPrefixesCountAgainstMaxKeysAndMarkersSkipThem) {
  ListingPage first("", "/", "", 2);
  for (const char* k : {"a/1", "a/2", "b/1", "c", "d/1"}) first.OfferObject(k, {});
  EXPECT_EQ(Keys(first.Take()), (std::vector<std::string>{"P:a/", "P:b/"}));
  EXPECT_TRUE(first.truncated());
  ListingPage second("", "/", "b/", 2);
  for (const char* k : {"a/1", "a/2", "b/1", "c", "d/1"}) second.OfferObject(k, {});
  EXPECT_EQ(Keys(second.Take()), (std::vector<std::string>{"c", "P:d/"}));
  EXPECT_FALSE(second.truncated());
}

TEST(ListingPageTest, ZeroMaxKeysListsNothing) {
  ListingPage page("", "", "", 0);
  page.OfferObject("a", {});
  EXPECT_TRUE(page.Take().empty());
  EXPECT_TRUE(page.truncated());
}

}  // namespace
}  // namespace alluxio::proxy

namespace alluxio::proxy {
namespace {

// A bucket as a tree of directories, listed the way the master does (children in name order).
class FakeBucket {
 public:
  explicit FakeBucket(const std::vector<std::string>& keys) {
    dirs_["/b"];
    for (const std::string& k : keys) {
      std::string dir = "/b";
      size_t start = 0;
      for (size_t slash; (slash = k.find('/', start)) != std::string::npos; start = slash + 1) {
        std::string name = k.substr(start, slash - start);
        Add(dir, name, true);
        dir += "/" + name;
      }
      Add(dir, k.substr(start), false);
    }
  }
  Status List(const std::string& dir, const std::string& from, int64_t limit,
              std::vector<::alluxio::grpc::FileInfo>* out) {
    auto d = dirs_.find(dir);
    if (d == dirs_.end()) return NotFoundError(dir);
    for (auto it = d->second.lower_bound(from); it != d->second.end(); ++it) {
      if (limit > 0 && static_cast<int64_t>(out->size()) == limit) break;
      ::alluxio::grpc::FileInfo f;
      f.set_name(it->first);
      f.set_path(dir + "/" + it->first);
      f.set_folder(it->second);
      if (it->second) f.set_child_count(static_cast<int64_t>(dirs_[dir + "/" + it->first].size()));
      out->push_back(std::move(f));
      ++listed_;
    }
    return Status();
  }
  int64_t listed() const { return listed_; }

 private:
  void Add(const std::string& dir, const std::string& name, bool folder) {
    dirs_[dir][name] = folder;
    if (folder) dirs_[dir + "/" + name];
  }
  std::map<std::string, std::map<std::string, bool>> dirs_;  // dir -> name -> is directory
  int64_t listed_ = 0;
};

// What S3 lists, computed from all keys at once.
std::vector<std::string> Expected(std::vector<std::string> keys, const std::string& prefix,
                                  const std::string& delimiter) {
  std::sort(keys.begin(), keys.end());
  std::vector<std::string> out;
  for (const std::string& k : keys) {
    if (k.compare(0, prefix.size(), prefix) != 0) continue;
    size_t d = delimiter.empty() ? std::string::npos : k.find(delimiter, prefix.size());
    std::string e = d == std::string::npos ? k : "P:" + k.substr(0, d + delimiter.size());
    if (out.empty() || out.back() != e) out.push_back(e);
  }
  return out;
}

std::vector<std::string> ListAll(FakeBucket* bucket, const std::string& prefix,
                                 const std::string& delimiter, int max_keys, int* pages) {
  std::vector<std::string> seen;
  std::string marker;
  for (*pages = 1;; ++*pages) {
    ListingPage page(prefix, delimiter, marker, max_keys);
    ListingWalker walker(
        [bucket](const std::string& dir, const std::string& from, int64_t limit,
                 std::vector<::alluxio::grpc::FileInfo>* out) {
          return bucket->List(dir, from, limit, out);
        },
        [](const ::alluxio::grpc::FileInfo&) { return false; }, &page, prefix, delimiter, marker,
        "hidden", max_keys + 2);
    EXPECT_TRUE(walker.Run("/b").ok());
    auto entries = page.Take();
    for (auto& k : Keys(entries)) seen.push_back(k);
    if (!page.truncated() || entries.empty() || *pages > 10000) break;
    marker = entries.back().key;
  }
  return seen;
}

TEST(ListingWalkerTest, PagesMatchS3OrderOnRandomTrees) {
  const std::string alphabet = "ab-.!z0";
  for (uint32_t seed = 1; seed <= 30; ++seed) {
    SCOPED_TRACE(seed);
    std::mt19937 rng(seed);
    std::vector<std::string> keys;
    std::set<std::string> files, dirs;
    for (int i = 0; i < 60; ++i) {
      std::string k;
      int depth = 1 + static_cast<int>(rng() % 3);
      for (int c = 0; c < depth; ++c) {
        if (c > 0) k += '/';
        int len = 1 + static_cast<int>(rng() % 3);
        for (int j = 0; j < len; ++j) k += alphabet[rng() % alphabet.size()];
      }
      // A name cannot be both a file and a directory; keep the first use.
      bool clash = files.contains(k) || dirs.contains(k);
      for (size_t s = k.find('/'); s != std::string::npos && !clash; s = k.find('/', s + 1)) {
        clash = files.contains(k.substr(0, s));
      }
      if (clash) continue;
      files.insert(k);
      for (size_t s = k.find('/'); s != std::string::npos; s = k.find('/', s + 1)) {
        dirs.insert(k.substr(0, s));
      }
      keys.push_back(k);
    }
    FakeBucket bucket(keys);
    for (const std::string& prefix : {std::string(""), std::string("a"), std::string("a/"),
                                      std::string("b-"), std::string("z/a")}) {
      for (const std::string& delimiter : {std::string(""), std::string("/"), std::string("-")}) {
        for (int max_keys : {1, 3, 1000}) {
          int pages = 0;
          EXPECT_EQ(ListAll(&bucket, prefix, delimiter, max_keys, &pages),
                    Expected(keys, prefix, delimiter))
              << "prefix=" << prefix << " delimiter=" << delimiter << " max_keys=" << max_keys;
        }
      }
    }
  }
}

TEST(ListingWalkerTest, APageListsAboutMaxKeysEntriesOfAHugeFlatBucket) {
  std::vector<std::string> keys;
  for (int i = 0; i < 100000; ++i) keys.push_back(fmt::format("k{:06}", i));
  FakeBucket bucket(keys);
  ListingPage page("", "", "k050000", 1000);
  ListingWalker walker(
      [&bucket](const std::string& dir, const std::string& from, int64_t limit,
                std::vector<::alluxio::grpc::FileInfo>* out) {
        return bucket.List(dir, from, limit, out);
      },
      [](const ::alluxio::grpc::FileInfo&) { return false; }, &page, "", "", "k050000", "", 1002);
  ASSERT_TRUE(walker.Run("/b").ok());
  auto entries = page.Take();
  ASSERT_EQ(entries.size(), 1000u);
  EXPECT_EQ(entries.front().key, "k050001");
  EXPECT_TRUE(page.truncated());
  EXPECT_LE(bucket.listed(), 2004) << "listed far more than a page";
  EXPECT_LE(walker.calls(), 2);
}

}  // namespace
}  // namespace alluxio::proxy
