// SPDX-License-Identifier: Apache-2.0
#include "common/status.h"

#include <ostream>

#include <cerrno>
#include <cstring>

namespace alluxio {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "OK";
    case StatusCode::kCancelled:
      return "CANCELLED";
    case StatusCode::kUnknown:
      return "UNKNOWN";
    case StatusCode::kInvalidArgument:
      return "INVALID_ARGUMENT";
    case StatusCode::kDeadlineExceeded:
      return "DEADLINE_EXCEEDED";
    case StatusCode::kNotFound:
      return "NOT_FOUND";
    case StatusCode::kAlreadyExists:
      return "ALREADY_EXISTS";
    case StatusCode::kPermissionDenied:
      return "PERMISSION_DENIED";
    case StatusCode::kResourceExhausted:
      return "RESOURCE_EXHAUSTED";
    case StatusCode::kFailedPrecondition:
      return "FAILED_PRECONDITION";
    case StatusCode::kAborted:
      return "ABORTED";
    case StatusCode::kOutOfRange:
      return "OUT_OF_RANGE";
    case StatusCode::kUnimplemented:
      return "UNIMPLEMENTED";
    case StatusCode::kInternal:
      return "INTERNAL";
    case StatusCode::kUnavailable:
      return "UNAVAILABLE";
    case StatusCode::kDataLoss:
      return "DATA_LOSS";
    case StatusCode::kUnauthenticated:
      return "UNAUTHENTICATED";
  }
  return "UNKNOWN";
}

Status::Status(StatusCode code, std::string_view message) {
  if (code != StatusCode::kOk) rep_ = std::make_unique<Rep>(Rep{code, std::string(message)});
}

Status::Status(const Status& other) {
  if (other.rep_) rep_ = std::make_unique<Rep>(*other.rep_);
}

Status& Status::operator=(const Status& other) {
  if (this != &other) rep_ = other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr;
  return *this;
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string s(StatusCodeName(rep_->code));
  s += ": ";
  s += rep_->message;
  return s;
}

Status Status::WithContext(std::string_view prefix) const {
  if (ok()) return Status();
  std::string m(prefix);
  m += ": ";
  m += rep_->message;
  return Status(rep_->code, m);
}

#define ALLUXIO_DEFINE_ERROR_(Name, Code) \
  Status Name(std::string_view msg) { return Status(StatusCode::Code, msg); }
ALLUXIO_DEFINE_ERROR_(CancelledError, kCancelled)
ALLUXIO_DEFINE_ERROR_(UnknownError, kUnknown)
ALLUXIO_DEFINE_ERROR_(InvalidArgumentError, kInvalidArgument)
ALLUXIO_DEFINE_ERROR_(DeadlineExceededError, kDeadlineExceeded)
ALLUXIO_DEFINE_ERROR_(NotFoundError, kNotFound)
ALLUXIO_DEFINE_ERROR_(AlreadyExistsError, kAlreadyExists)
ALLUXIO_DEFINE_ERROR_(PermissionDeniedError, kPermissionDenied)
ALLUXIO_DEFINE_ERROR_(ResourceExhaustedError, kResourceExhausted)
ALLUXIO_DEFINE_ERROR_(FailedPreconditionError, kFailedPrecondition)
ALLUXIO_DEFINE_ERROR_(AbortedError, kAborted)
ALLUXIO_DEFINE_ERROR_(OutOfRangeError, kOutOfRange)
ALLUXIO_DEFINE_ERROR_(UnimplementedError, kUnimplemented)
ALLUXIO_DEFINE_ERROR_(InternalError, kInternal)
ALLUXIO_DEFINE_ERROR_(UnavailableError, kUnavailable)
ALLUXIO_DEFINE_ERROR_(DataLossError, kDataLoss)
ALLUXIO_DEFINE_ERROR_(UnauthenticatedError, kUnauthenticated)
#undef ALLUXIO_DEFINE_ERROR_

Status ErrnoToStatus(int err, std::string_view op, std::string_view path) {
  std::string msg(op);
  msg += " ";
  msg += path;
  msg += ": ";
  msg += std::strerror(err);
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      return NotFoundError(msg);
    case EEXIST:
      return AlreadyExistsError(msg);
    case EACCES:
    case EPERM:
    case EROFS:
      return PermissionDeniedError(msg);
    case ENOSPC:
    case EDQUOT:
      return ResourceExhaustedError(msg);
    case ENOTEMPTY:
    case EISDIR:
    case EBUSY:
    case EWOULDBLOCK:
      return FailedPreconditionError(msg);
    case EINVAL:
    case ENAMETOOLONG:
      return InvalidArgumentError(msg);
    default:
      return InternalError(msg);
  }
}

std::ostream& operator<<(std::ostream& os, const Status& s) { return os << s.ToString(); }

}  // namespace alluxio
