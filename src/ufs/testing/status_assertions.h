// SPDX-License-Identifier: Apache-2.0
// gtest assertion helpers for Status and Result, used by the UFS tests:
//   ASSERT_TRUE(IsOk(ufs->Mkdirs(...)));
//   EXPECT_TRUE(HasCode(ufs->GetStatus(p), StatusCode::kNotFound));
// Failures print the status. Header-only; test code only. Thread-compatible.
#pragma once

#include <gtest/gtest.h>

#include "common/result.h"

namespace alluxio::ufs {

inline const Status& StatusOf(const Status& s) { return s; }
template <typename T>
Status StatusOf(const Result<T>& r) {
  return r.status();
}

template <typename S>
::testing::AssertionResult IsOk(const S& s) {
  Status status = StatusOf(s);
  if (status.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "expected OK, got " << status.ToString();
}

template <typename S>
::testing::AssertionResult HasCode(const S& s, StatusCode code) {
  Status status = StatusOf(s);
  if (status.code() == code) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "expected " << StatusCodeName(code) << ", got " << status.ToString();
}

}  // namespace alluxio::ufs
