// SPDX-License-Identifier: Apache-2.0
#include "fuse/kernel_passthrough.h"

#include <linux/fuse.h>

#include <cstring>
#include <future>
#include <map>

#include <gtest/gtest.h>

namespace alluxio::fuse {
namespace {

constexpr uint32_t kPassthroughFlag2 = 1u << 5;  // FUSE_PASSTHROUGH (1 << 37) in flags2
constexpr uint32_t kOpenPassthrough = 1u << 7;   // FOPEN_PASSTHROUGH

// The kernel's INIT request: protocol 7.40, offering passthrough when `offer`.
std::string InitRequest(uint64_t unique, bool offer) {
  struct fuse_in_header h;
  struct fuse_init_in in;
  std::memset(&h, 0, sizeof(h));
  std::memset(&in, 0, sizeof(in));
  h.opcode = FUSE_INIT;
  h.unique = unique;
  h.len = sizeof(h) + sizeof(in);
  in.major = FUSE_KERNEL_VERSION;
  in.minor = 40;
  in.flags = FUSE_INIT_EXT | FUSE_ASYNC_READ;
  in.flags2 = offer ? kPassthroughFlag2 : 0;
  std::string buf(sizeof(h) + sizeof(in), '\0');
  std::memcpy(buf.data(), &h, sizeof(h));
  std::memcpy(buf.data() + sizeof(h), &in, sizeof(in));
  return buf;
}

struct InitReply {
  struct fuse_out_header h;
  struct fuse_init_out out;
  struct iovec iov[2];

  InitReply(uint64_t unique, uint32_t flags) {
    std::memset(&h, 0, sizeof(h));
    std::memset(&out, 0, sizeof(out));
    h.unique = unique;
    out.major = FUSE_KERNEL_VERSION;
    out.minor = 38;  // libfuse 3.14's
    out.flags = flags;
    iov[0] = {&h, sizeof(h)};
    iov[1] = {&out, sizeof(out)};
  }
  uint32_t max_stack_depth() const { return out.unused[0]; }
};

struct OpenReply {
  struct fuse_out_header h;
  struct fuse_open_out out;
  struct iovec iov[2];

  explicit OpenReply(int32_t error = 0) {
    std::memset(&h, 0, sizeof(h));
    std::memset(&out, 0, sizeof(out));
    h.unique = 99;
    h.error = error;
    out.fh = 1234;
    out.open_flags = FOPEN_KEEP_CACHE | FOPEN_NONSEEKABLE;
    iov[0] = {&h, sizeof(h)};
    iov[1] = {&out, sizeof(out)};
  }
};

// A passthrough that went through INIT with a kernel offering it.
std::unique_ptr<KernelPassthrough> Negotiated(
    std::chrono::milliseconds drain = std::chrono::milliseconds(50)) {
  auto p = std::make_unique<KernelPassthrough>(true, drain);
  std::string req = InitRequest(7, true);
  p->OnRequest(req.data(), req.size());
  InitReply reply(7, FUSE_ASYNC_READ);
  p->OnReply(reply.iov, 2);
  return p;
}

TEST(KernelPassthroughTest, TheInitReplyTakesPassthroughWhenTheKernelOffersIt) {
  KernelPassthrough p(true);
  std::string req = InitRequest(7, true);
  p.OnRequest(req.data(), req.size());
  EXPECT_FALSE(p.active());
  InitReply other(8, FUSE_ASYNC_READ);  // not INIT's reply
  p.OnReply(other.iov, 2);
  EXPECT_EQ(other.out.flags2, 0u);
  InitReply reply(7, FUSE_ASYNC_READ);
  p.OnReply(reply.iov, 2);
  EXPECT_TRUE(p.active());
  EXPECT_EQ(reply.out.flags2 & kPassthroughFlag2, kPassthroughFlag2);
  EXPECT_NE(reply.out.flags & FUSE_INIT_EXT, 0u);
  EXPECT_NE(reply.out.flags & FUSE_ASYNC_READ, 0u);  // libfuse's choices stay
  EXPECT_EQ(reply.max_stack_depth(), 1u);
  EXPECT_EQ(reply.out.minor, 38u);
}

TEST(KernelPassthroughTest, NothingChangesWithoutTheKernelOrTheWish) {
  struct Case {
    bool wanted;
    bool offered;
    uint32_t reply_flags;
  };
  for (const Case& c :
       {Case{true, false, 0}, Case{false, true, 0}, Case{true, true, FUSE_WRITEBACK_CACHE}}) {
    KernelPassthrough p(c.wanted);
    std::string req = InitRequest(3, c.offered);
    p.OnRequest(req.data(), req.size());
    InitReply reply(3, c.reply_flags);
    p.OnReply(reply.iov, 2);
    EXPECT_FALSE(p.active());
    EXPECT_EQ(reply.out.flags2, 0u);
    EXPECT_EQ(reply.max_stack_depth(), 0u);
    // Opens are plain; nothing is kept.
    int asked = 0;
    auto t = p.BeginRead("/f", 1, [&] {
      ++asked;
      return Result<int>(5);
    });
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->backing_id, 0);
    EXPECT_EQ(t->entry, nullptr);
    EXPECT_EQ(asked, 0);
  }
}

TEST(KernelPassthroughTest, TheNextOpenReplyOfTheThreadCarriesTheBacking) {
  KernelPassthrough::SetReplyBacking(5);
  OpenReply reply;
  KernelPassthrough p(true);
  p.OnReply(reply.iov, 2);
  // Only flags the kernel allows with passthrough stay (keep_cache would fail the open).
  EXPECT_EQ(reply.out.open_flags, kOpenPassthrough);
  EXPECT_EQ(reply.out.padding, 5u);  // backing_id
  EXPECT_EQ(reply.out.fh, 1234u);
  OpenReply next;  // consumed: the next reply is untouched
  p.OnReply(next.iov, 2);
  EXPECT_EQ(next.out.open_flags, static_cast<uint32_t>(FOPEN_KEEP_CACHE | FOPEN_NONSEEKABLE));
  EXPECT_EQ(next.out.padding, 0u);

  KernelPassthrough::SetReplyBacking(6);  // an error reply consumes it too
  OpenReply error(-EIO);
  p.OnReply(error.iov, 2);
  OpenReply after;
  p.OnReply(after.iov, 2);
  EXPECT_EQ(after.out.padding, 0u);
  // Another thread's reply is never given this thread's backing.
  KernelPassthrough::SetReplyBacking(7);
  OpenReply elsewhere;
  std::async(std::launch::async, [&] { p.OnReply(elsewhere.iov, 2); }).get();
  EXPECT_EQ(elsewhere.out.padding, 0u);
  OpenReply mine;
  p.OnReply(mine.iov, 2);
  EXPECT_EQ(mine.out.padding, 7u);
}

// Backing ids from a fake device: descriptor d -> id d + 100; closes are counted.
struct FakeDevice {
  std::map<int, int> opened;  // id -> times
  std::map<int, int> closed;
  void Attach(KernelPassthrough* p) {
    p->SetBackingOpsForTest(
        [this](int fd) {
          ++opened[fd + 100];
          return fd + 100;
        },
        [this](int id) { ++closed[id]; });
  }
};

Result<int> Fd(int fd) { return fd; }

TEST(KernelPassthroughTest, ReadersOfOneFileShareOneBackingUntilTheLastIsReleased) {
  auto p = Negotiated();
  FakeDevice dev;
  dev.Attach(p.get());
  int asked = 0;
  auto local = [&] {
    ++asked;
    return Fd(3);
  };
  auto a = p->BeginRead("/f", 11, local);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->backing_id, 103);
  p->Commit(*a, 1);
  auto b = p->BeginRead("/f", 11, local);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->backing_id, 103);
  p->Commit(*b, 2);
  EXPECT_EQ(asked, 1);
  EXPECT_EQ(p->passthrough_opens(), 2);
  p->Release(1);
  EXPECT_TRUE(dev.closed.empty());
  p->Release(2);
  EXPECT_EQ(dev.closed[103], 1);
  EXPECT_EQ(p->passthrough_opens(), 0);
  p->Release(2);  // unknown handles are ignored
  EXPECT_EQ(dev.closed[103], 1);
}

TEST(KernelPassthroughTest, CachedOpensKeepTheFileCachedAndWaitForPassthroughOnes) {
  auto p = Negotiated(std::chrono::milliseconds(50));
  FakeDevice dev;
  dev.Attach(p.get());
  // Not local: cached. A later reader of the same path stays cached (no descriptor asked).
  auto a = p->BeginRead("/c", 1, [] { return Result<int>(NotFoundError("not local")); });
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->backing_id, 0);
  p->Commit(*a, 1);
  int asked = 0;
  auto b = p->BeginRead("/c", 1, [&] {
    ++asked;
    return Fd(4);
  });
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->backing_id, 0);
  EXPECT_EQ(asked, 0);
  p->Abort(*b);
  p->Release(1);
  // Nothing open any more: the next reader passes through.
  auto c = p->BeginRead("/c", 1, [] { return Fd(4); });
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->backing_id, 104);
  p->Commit(*c, 3);
  // A writer (or a reader of another file at the path) is refused while it stays open...
  auto w = p->BeginCached("/c");
  EXPECT_EQ(w.status().code(), StatusCode::kFailedPrecondition) << w.status();
  auto other = p->BeginRead("/c", 2, [] { return Fd(5); });
  EXPECT_EQ(other.status().code(), StatusCode::kFailedPrecondition);
  // ...and gets in once it is released, even while already waiting.
  auto patient = std::make_unique<KernelPassthrough>(true, std::chrono::seconds(60));
  std::string req = InitRequest(1, true);
  patient->OnRequest(req.data(), req.size());
  InitReply reply(1, 0);
  patient->OnReply(reply.iov, 2);
  dev.Attach(patient.get());
  auto held = patient->BeginRead("/w", 9, [] { return Fd(6); });
  ASSERT_TRUE(held.ok());
  ASSERT_GT(held->backing_id, 0);
  patient->Commit(*held, 7);
  auto writer = std::async(std::launch::async, [&] { return patient->BeginCached("/w"); });
  patient->Release(7);
  auto got = writer.get();
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->backing_id, 0);
  EXPECT_EQ(dev.closed[106], 1);
}

TEST(KernelPassthroughTest, RenamesMoveOpenFilesAndUnlinksForgetThem) {
  auto p = Negotiated(std::chrono::milliseconds(20));
  FakeDevice dev;
  dev.Attach(p.get());
  auto a = p->BeginRead("/d/f", 1, [] { return Fd(1); });
  ASSERT_TRUE(a.ok());
  p->Commit(*a, 1);
  p->Renamed("/d", "/e");
  // The open file is now /e/f: a reader there shares its backing; /d/f is free.
  auto b = p->BeginRead("/e/f", 1, [] { return Fd(2); });
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->backing_id, 101);
  p->Commit(*b, 2);
  auto d = p->BeginCached("/d/f");
  ASSERT_TRUE(d.ok());
  p->Commit(*d, 3);
  // /dx is not under /d.
  auto dx = p->BeginRead("/dx", 5, [] { return Fd(7); });
  ASSERT_TRUE(dx.ok());
  EXPECT_EQ(dx->backing_id, 107);
  p->Commit(*dx, 4);

  // Unlinked: a new file at the path starts afresh, and the old opens end quietly.
  p->Removed("/e/f");
  auto n = p->BeginCached("/e/f");
  ASSERT_TRUE(n.ok()) << n.status();
  p->Commit(*n, 5);
  p->Release(1);
  p->Release(2);
  EXPECT_EQ(dev.closed[101], 1);
  auto again = p->BeginRead("/e/f", 3, [] { return Fd(8); });
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->backing_id, 0);  // the new file is open cached
  p->Abort(*again);

  // Renamed over: what was at the target is forgotten, the source takes its place.
  p->Renamed("/dx", "/d/f");
  auto over = p->BeginRead("/d/f", 5, [] { return Fd(9); });
  ASSERT_TRUE(over.ok());
  EXPECT_EQ(over->backing_id, 107);
  p->Abort(*over);
  p->Release(3);
  p->Release(4);
  p->Release(5);
  EXPECT_EQ(dev.closed[107], 1);
  EXPECT_EQ(p->passthrough_opens(), 0);
}

TEST(KernelPassthroughTest, ARefusedBackingLeavesOpensCached) {
  auto p = Negotiated();
  int closes = 0;
  p->SetBackingOpsForTest([](int) { return 0; }, [&](int) { ++closes; });
  auto a = p->BeginRead("/f", 1, [] { return Fd(3); });
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->backing_id, 0);
  p->Commit(*a, 1);
  p->Release(1);
  EXPECT_EQ(closes, 0);
}

}  // namespace
}  // namespace alluxio::fuse
