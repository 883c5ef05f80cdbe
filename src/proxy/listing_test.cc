// SPDX-License-Identifier: Apache-2.0
#include "proxy/listing.h"

#include <algorithm>
#include <random>

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
