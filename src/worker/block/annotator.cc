// SPDX-License-Identifier: Apache-2.0
#include "worker/block/annotator.h"

#include <cmath>
#include <list>
#include <tuple>

#include <absl/container/btree_set.h>
#include <absl/container/flat_hash_map.h>

namespace alluxio::worker {
namespace {

class LruAnnotator final : public Annotator {
 public:
  void Insert(BlockId id) override {
    auto it = index_.find(id);
    if (it != index_.end()) {
      order_.splice(order_.end(), order_, it->second);
      return;
    }
    order_.push_back(id);
    index_.emplace(id, std::prev(order_.end()));
  }
  void Access(BlockId id) override {
    auto it = index_.find(id);
    if (it != index_.end()) order_.splice(order_.end(), order_, it->second);
  }
  void Remove(BlockId id) override {
    auto it = index_.find(id);
    if (it == index_.end()) return;
    order_.erase(it->second);
    index_.erase(it);
  }
  void ForEachInEvictionOrder(const std::function<bool(BlockId)>& visit) const override {
    for (BlockId id : order_) {
      if (!visit(id)) return;
    }
  }
  size_t size() const override { return index_.size(); }
  std::string_view name() const override { return AnnotatorClassName(AnnotatorType::kLru); }

 private:
  std::list<BlockId> order_;  // least recently used first
  absl::flat_hash_map<BlockId, std::list<BlockId>::iterator> index_;
};

class LrfuAnnotator final : public Annotator {
 public:
  LrfuAnnotator(double step_factor, double attenuation_factor)
      : step_factor_(step_factor), log_attenuation_(std::log(attenuation_factor)) {}

  void Insert(BlockId id) override {
    if (entries_.contains(id)) {
      Access(id);
      return;
    }
    int64_t now = ++clock_;
    Entry e{1.0, now};
    order_.insert(MakeKey(id, e));
    entries_.emplace(id, e);
  }
  void Access(BlockId id) override {
    auto it = entries_.find(id);
    if (it == entries_.end()) return;
    int64_t now = ++clock_;
    Entry& e = it->second;
    order_.erase(MakeKey(id, e));
    // crf = crf_last * F(now - t_last) + F(0), F(x) = attenuation^(-step * x).
    e.crf = e.crf * std::exp(-step_factor_ * log_attenuation_ * static_cast<double>(now - e.last)) +
            1.0;
    e.last = now;
    order_.insert(MakeKey(id, e));
  }
  void Remove(BlockId id) override {
    auto it = entries_.find(id);
    if (it == entries_.end()) return;
    order_.erase(MakeKey(id, it->second));
    entries_.erase(it);
  }
  void ForEachInEvictionOrder(const std::function<bool(BlockId)>& visit) const override {
    for (const auto& [score, last, id] : order_) {
      if (!visit(id)) return;
    }
  }
  size_t size() const override { return entries_.size(); }
  std::string_view name() const override { return AnnotatorClassName(AnnotatorType::kLrfu); }

 private:
  struct Entry {
    double crf;
    int64_t last;  // clock of the last insert or access
  };
  // ln(crf at clock T) = ln(crf) - step * ln(a) * (T - last) = score - step * ln(a) * T, so
  // ordering by score orders by current CRF. Ties (equal scores) go oldest access first.
  using OrderKey = std::tuple<double, int64_t, BlockId>;
  OrderKey MakeKey(BlockId id, const Entry& e) const {
    return {std::log(e.crf) + step_factor_ * log_attenuation_ * static_cast<double>(e.last), e.last,
            id};
  }

  const double step_factor_;
  const double log_attenuation_;
  int64_t clock_ = 0;
  absl::flat_hash_map<BlockId, Entry> entries_;
  absl::btree_set<OrderKey> order_;  // coldest first
};

}  // namespace

std::unique_ptr<Annotator> NewAnnotator(const StoreOptions& options) {
  switch (options.annotator) {
    case AnnotatorType::kLru:
      return std::make_unique<LruAnnotator>();
    case AnnotatorType::kLrfu:
      return std::make_unique<LrfuAnnotator>(options.lrfu_step_factor,
                                             options.lrfu_attenuation_factor);
  }
  return std::make_unique<LruAnnotator>();
}

}  // namespace alluxio::worker
