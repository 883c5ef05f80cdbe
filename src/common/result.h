// SPDX-License-Identifier: Apache-2.0
// Result<T>: a T or a non-OK Status, shaped like std::expected. Thread-compatible.
#pragma once

#include <cassert>
#include <cstdlib>
#include <utility>
#include <variant>

#include "common/status.h"

namespace alluxio {

template <typename T>
class [[nodiscard]] Result {
 public:
  // REQUIRES: !status.ok().
  Result(Status status) : v_(std::move(status)) {  // NOLINT(runtime/explicit)
    if (std::get<Status>(v_).ok()) std::abort();
  }
  Result(T value) : v_(std::move(value)) {}  // NOLINT(runtime/explicit)
  template <typename U,
            typename = std::enable_if_t<
                std::is_constructible_v<T, U&&> && !std::is_same_v<std::decay_t<U>, Status> &&
                !std::is_same_v<std::decay_t<U>, T> && !std::is_same_v<std::decay_t<U>, Result>>>
  Result(U&& value) : v_(T(std::forward<U>(value))) {}  // NOLINT(runtime/explicit)

  bool ok() const { return std::holds_alternative<T>(v_); }
  bool has_value() const { return ok(); }
  explicit operator bool() const { return ok(); }

  // OK when a value is held.
  Status status() const { return ok() ? Status() : std::get<Status>(v_); }
  const Status& error() const& { return std::get<Status>(v_); }

  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  template <typename U>
  T value_or(U&& other) const& {
    return ok() ? value() : T(std::forward<U>(other));
  }

 private:
  std::variant<Status, T> v_;
};

}  // namespace alluxio

// Evaluates `rexpr` (a Result<T>); returns its status on error, else moves the value into `lhs`
// (which may be a declaration: ASSIGN_OR_RETURN(auto x, F());).
#define ASSIGN_OR_RETURN(lhs, rexpr) \
  ALLUXIO_ASSIGN_OR_RETURN_IMPL_(ALLUXIO_CONCAT_(_alluxio_result_, __LINE__), lhs, rexpr)
#define ALLUXIO_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                   \
  if (!tmp.ok()) return tmp.error();                    \
  lhs = std::move(tmp).value()
