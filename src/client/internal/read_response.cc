// SPDX-License-Identifier: Apache-2.0
#include "client/internal/read_response.h"

#include <algorithm>
#include <cstdint>

#include "alluxio/grpc/block_worker.pb.h"

namespace alluxio::client::internal {

namespace {

namespace pb = ::alluxio::grpc::block;

// Reads protobuf wire format from a message held in several slices, without copying.
class SliceCursor {
 public:
  explicit SliceCursor(const std::vector<::grpc::Slice>& slices) : slices_(slices) {
    for (const ::grpc::Slice& s : slices) remaining_ += s.size();
    Settle();
  }
  size_t remaining() const { return remaining_; }

  bool ReadVarint(uint64_t* v) {
    *v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (remaining_ == 0) return false;
      const uint8_t b = slices_[slice_].begin()[offset_];
      Advance(1);
      *v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return true;
    }
    return false;
  }
  // Skips `n` bytes, appending them to `pieces` as views unless it is null.
  bool Take(uint64_t n, std::vector<std::string_view>* pieces) {
    if (n > remaining_) return false;
    while (n > 0) {
      const ::grpc::Slice& s = slices_[slice_];
      const size_t k = std::min<uint64_t>(n, s.size() - offset_);
      if (pieces != nullptr) {
        pieces->emplace_back(reinterpret_cast<const char*>(s.begin()) + offset_, k);
      }
      Advance(k);
      n -= k;
    }
    return true;
  }

 private:
  void Advance(size_t n) {
    offset_ += n;
    remaining_ -= n;
    Settle();
  }
  void Settle() {  // moves past exhausted (and empty) slices
    while (slice_ < slices_.size() && offset_ == slices_[slice_].size()) {
      ++slice_;
      offset_ = 0;
    }
  }

  const std::vector<::grpc::Slice>& slices_;
  size_t slice_ = 0;
  size_t offset_ = 0;
  size_t remaining_ = 0;
};

// Skips the value of a field of wire type `type`; false for groups (3, 4) and unknown types.
bool SkipField(SliceCursor* in, uint64_t type) {
  uint64_t v = 0;
  switch (type) {
    case 0:
      return in->ReadVarint(&v);
    case 1:
      return in->Take(8, nullptr);
    case 2:
      return in->ReadVarint(&v) && in->Take(v, nullptr);
    case 5:
      return in->Take(4, nullptr);
    default:
      return false;
  }
}

}  // namespace

bool FindChunkData(const std::vector<::grpc::Slice>& slices, std::vector<std::string_view>* data) {
  constexpr uint64_t kLengthDelimited = 2;
  data->clear();
  SliceCursor in(slices);
  while (in.remaining() > 0) {
    uint64_t tag = 0;
    if (!in.ReadVarint(&tag) || (tag >> 3) == 0) return false;
    if (tag != ((pb::ReadResponse::kChunkFieldNumber << 3) | kLengthDelimited)) {
      if (!SkipField(&in, tag & 7)) return false;
      continue;
    }
    uint64_t chunk_length = 0;
    if (!in.ReadVarint(&chunk_length) || chunk_length > in.remaining()) return false;
    const size_t chunk_end = in.remaining() - chunk_length;
    while (in.remaining() > chunk_end) {
      if (!in.ReadVarint(&tag) || (tag >> 3) == 0) return false;
      if (tag != ((pb::Chunk::kDataFieldNumber << 3) | kLengthDelimited)) {
        if (!SkipField(&in, tag & 7)) return false;
        continue;
      }
      uint64_t length = 0;
      if (!in.ReadVarint(&length)) return false;
      data->clear();
      if (!in.Take(length, data)) return false;
    }
    if (in.remaining() != chunk_end) return false;  // a field ran past the end of the chunk
  }
  return true;
}

}  // namespace alluxio::client::internal
