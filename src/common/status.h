// SPDX-License-Identifier: Apache-2.0
// Status: the one error type of the project. A code (gRPC's numbering, abseil's meanings) and a
// message. The OK status holds no allocation. Thread-compatible (a const Status may be shared).
//
// Code meanings (abseil):
//   kUnavailable        retry this call (not primary, server restarting)
//   kAborted            retry a larger step (conflict, term changed)
//   kFailedPrecondition do not retry until the state changes (directory not empty)
//   kDataLoss           unrecoverable corruption of durable data
#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace alluxio {

enum class StatusCode : int {
  kOk = 0,
  kCancelled = 1,
  kUnknown = 2,
  kInvalidArgument = 3,
  kDeadlineExceeded = 4,
  kNotFound = 5,
  kAlreadyExists = 6,
  kPermissionDenied = 7,
  kResourceExhausted = 8,
  kFailedPrecondition = 9,
  kAborted = 10,
  kOutOfRange = 11,
  kUnimplemented = 12,
  kInternal = 13,
  kUnavailable = 14,
  kDataLoss = 15,
  kUnauthenticated = 16,
};

// Returns "NOT_FOUND" etc.
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string_view message);
  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

  static Status OK() { return Status(); }

  bool ok() const { return rep_ == nullptr; }
  StatusCode code() const { return rep_ ? rep_->code : StatusCode::kOk; }
  // The message, without the code name. Empty for OK.
  std::string_view message() const { return rep_ ? std::string_view(rep_->message) : ""; }
  // "NOT_FOUND: message" or "OK".
  std::string ToString() const;

  // Returns a copy whose message is "<prefix>: <message>". OK stays OK.
  Status WithContext(std::string_view prefix) const;

  // Marks a deliberate drop of a non-OK status; keep the call searchable.
  void IgnoreError() const {}

  friend bool operator==(const Status& a, const Status& b) {
    return a.code() == b.code() && a.message() == b.message();
  }

 private:
  struct Rep {
    StatusCode code;
    std::string message;
  };
  std::unique_ptr<Rep> rep_;
};

Status CancelledError(std::string_view msg);
Status UnknownError(std::string_view msg);
Status InvalidArgumentError(std::string_view msg);
Status DeadlineExceededError(std::string_view msg);
Status NotFoundError(std::string_view msg);
Status AlreadyExistsError(std::string_view msg);
Status PermissionDeniedError(std::string_view msg);
Status ResourceExhaustedError(std::string_view msg);
Status FailedPreconditionError(std::string_view msg);
Status AbortedError(std::string_view msg);
Status OutOfRangeError(std::string_view msg);
Status UnimplementedError(std::string_view msg);
Status InternalError(std::string_view msg);
Status UnavailableError(std::string_view msg);
Status DataLossError(std::string_view msg);
Status UnauthenticatedError(std::string_view msg);

// A Status from errno, naming the failed operation and the path: "open /x: No such file or
// directory". ENOENT -> NotFound, EEXIST -> AlreadyExists, EACCES/EPERM -> PermissionDenied,
// ENOSPC/EDQUOT -> ResourceExhausted, ENOTEMPTY -> FailedPrecondition, else Internal.
Status ErrnoToStatus(int err, std::string_view op, std::string_view path);

// Prints ToString() (for test failure messages and logs).
std::ostream& operator<<(std::ostream& os, const Status& s);

}  // namespace alluxio

#define ALLUXIO_CONCAT_INNER_(a, b) a##b
#define ALLUXIO_CONCAT_(a, b) ALLUXIO_CONCAT_INNER_(a, b)

// Returns the status from the current function if it is not OK.
#define RETURN_IF_ERROR(expr)                          \
  do {                                                 \
    ::alluxio::Status _alluxio_status = (expr);        \
    if (!_alluxio_status.ok()) return _alluxio_status; \
  } while (0)
