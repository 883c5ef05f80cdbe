// SPDX-License-Identifier: Apache-2.0
// FileSystemMasterService over real gRPC on loopback, with a real LocalJournal: the callback
// handlers answer only once what they journaled is durable, map errors, and answer (with the
// journal's error, never hanging) when the journal fails.
#include "master/service/file_system_master_service.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "env/testing/fault_injecting_env.h"
#include "journal/local/local_journal.h"
#include "journal/local/test_util.h"
#include "rpc/channel.h"
#include "rpc/server.h"
#include "ufs/memory/memory_ufs.h"

namespace alluxio::master {
namespace {

namespace gf = ::alluxio::grpc::file;

class FileSystemMasterServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    authority_ = "fsmservice" + std::to_string(counter++);
    ufs::MemoryUfs::Shared(authority_);
    ASSERT_TRUE(journal::FormatLocalJournal(env::Env::Default(), folder_.path()).ok());
    Start();
  }
  void TearDown() override { Stop(); }

  void Start() {
    journal_ = std::make_unique<journal::LocalJournal>(
        journal::testing::TestOptions(folder_.path(), &env_));
    FileSystemMasterOptions o;
    o.root_ufs = "memory://" + authority_ + "/";
    o.superuser = "admin";
    auto m = FileSystemMaster::Create(o, journal_.get());
    ASSERT_TRUE(m.ok()) << m.status();
    master_ = std::move(*m);
    ASSERT_TRUE(journal_->Start(master_.get()).ok());
    ASSERT_TRUE(master_->Initialize().ok());
    service_ = std::make_unique<FileSystemMasterService>(master_.get());
    auto server = rpc::RpcServer::Start("127.0.0.1", 0, {service_.get()});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    stub_ = gf::FileSystemMasterClientService::NewStub(
        rpc::CreateChannel("127.0.0.1:" + std::to_string(server_->port())));
  }
  void Stop() {
    if (server_) server_->Shutdown();
    server_.reset();
    if (master_) master_->Stop();
    if (journal_) journal_->Stop().IgnoreError();
    master_.reset();
    journal_.reset();
  }

  ::grpc::Status Mkdir(const std::string& path) {
    ::grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    gf::CreateDirectoryPRequest req;
    req.set_path(path);
    gf::CreateDirectoryPResponse resp;
    return stub_->CreateDirectory(&ctx, req, &resp);
  }
  ::grpc::Status Stat(const std::string& path) {
    ::grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    gf::GetStatusPRequest req;
    req.set_path(path);
    gf::GetStatusPResponse resp;
    return stub_->GetStatus(&ctx, req, &resp);
  }

  journal::testing::TempFolder folder_;
  env::FaultInjectingEnv env_{env::Env::Default()};
  std::string authority_;
  std::unique_ptr<journal::LocalJournal> journal_;
  std::unique_ptr<FileSystemMaster> master_;
  std::unique_ptr<FileSystemMasterService> service_;
  std::unique_ptr<rpc::RpcServer> server_;
  std::unique_ptr<gf::FileSystemMasterClientService::Stub> stub_;
};

// Concurrent journaled calls are each answered once durable: everything acknowledged is there
// after a restart, and errors keep their codes.
TEST_F(FileSystemMasterServiceTest, AcknowledgedCallsAreDurableAndErrorsKeepTheirCodes) {
  constexpr int kThreads = 8, kPerThread = 50;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; t++) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; i++) {
        if (!Mkdir("/d" + std::to_string(t) + "_" + std::to_string(i)).ok()) failures++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Mkdir("/d0_0").error_code(), ::grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(Stat("/missing").error_code(), ::grpc::StatusCode::NOT_FOUND);

  Stop();
  Start();
  for (int t = 0; t < kThreads; t++) {
    for (int i = 0; i < kPerThread; i++) {
      std::string p = "/d" + std::to_string(t) + "_" + std::to_string(i);
      EXPECT_TRUE(Stat(p).ok()) << p;
    }
  }
}

// A journal that cannot sync answers the waiting call with its error (no hang, no success), and
// every later journaled call too; reads go on.
TEST_F(FileSystemMasterServiceTest, AFailedJournalAnswersWithItsError) {
  ASSERT_TRUE(Mkdir("/before").ok());
  env_.FailNthCall(env::FaultOp::kSync, 1, InternalError("disk on fire"));
  ::grpc::Status s = Mkdir("/doomed");
  EXPECT_EQ(s.error_code(), ::grpc::StatusCode::INTERNAL) << s.error_message();
  EXPECT_NE(s.error_message().find("disk on fire"), std::string::npos) << s.error_message();
  ::grpc::Status later = Mkdir("/later");
  EXPECT_FALSE(later.ok());
  EXPECT_NE(later.error_code(), ::grpc::StatusCode::DEADLINE_EXCEEDED) << later.error_message();
  EXPECT_TRUE(Stat("/before").ok());
}

// Runs `count` calls (`call(i)`, on threads of their own) whose under-store work blocks on paths
// containing "slow", checks that a getStatus served from memory answers within 5 s meanwhile,
// then lets the under-store go on and waits for the calls.
void ExpectOtherCallsAnswerWhileTheUfsStalls(gf::FileSystemMasterClientService::Stub* stub,
                                             ufs::MemoryUfs* ufs, int count,
                                             const std::function<void(int)>& call) {
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  std::atomic<int> waiting{0};
  ufs->SetMetadataHookForTest([&](const std::string& path) {
    if (path.find("slow") == std::string::npos) return;
    ++waiting;
    std::unique_lock<std::mutex> l(mu);
    cv.wait(l, [&] { return release; });
  });
  std::vector<std::thread> slow;
  for (int i = 0; i < count; ++i) slow.emplace_back([&, i] { call(i); });
  // gRPC runs callbacks on as few threads as the machine has cores (2 here): before the UFS work
  // moved to a pool of its own, two such calls stalled every callback method of the master.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (waiting < 2 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  EXPECT_GE(waiting.load(), 2);

  ::grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  gf::GetStatusPRequest req;
  req.set_path("/known");
  gf::GetStatusPResponse resp;
  ::grpc::Status known = stub->GetStatus(&ctx, req, &resp);
  EXPECT_TRUE(known.ok()) << known.error_code() << " " << known.error_message();

  {
    std::lock_guard<std::mutex> l(mu);
    release = true;
  }
  cv.notify_all();
  for (auto& t : slow) t.join();
  ufs->SetMetadataHookForTest(nullptr);
}

// A GetStatus that has to ask the UFS (a path Alluxio has not loaded yet) runs off gRPC's callback
// threads: however many calls wait on a slow under-store, calls served from memory still answer.
TEST_F(FileSystemMasterServiceTest, SlowUfsLoadsDoNotHoldUpOtherCalls) {
  ASSERT_TRUE(Mkdir("/known").ok());
  constexpr int kSlow = 48;
  std::atomic<int> not_found{0};
  ExpectOtherCallsAnswerWhileTheUfsStalls(
      stub_.get(), ufs::MemoryUfs::Shared(authority_).get(), kSlow, [&](int i) {
        if (Stat("/slow" + std::to_string(i)).error_code() == ::grpc::StatusCode::NOT_FOUND) {
          ++not_found;
        }
      });
  EXPECT_EQ(not_found.load(), kSlow);
}

// The same for a mutation that writes to the under-store (a persisted mkdir, as CACHE_THROUGH
// and THROUGH clients ask for).
TEST_F(FileSystemMasterServiceTest, SlowUfsWritesDoNotHoldUpOtherCalls) {
  ASSERT_TRUE(Mkdir("/known").ok());
  constexpr int kSlow = 8;
  std::atomic<int> created{0};
  ExpectOtherCallsAnswerWhileTheUfsStalls(stub_.get(), ufs::MemoryUfs::Shared(authority_).get(),
                                          kSlow, [&](int i) {
                                            if (Mkdir("/slow" + std::to_string(i)).ok())
                                              ++created;  // persist: the UFS mkdir waits
                                          });
  EXPECT_EQ(created.load(), kSlow);
  EXPECT_TRUE(Stat("/slow0").ok());
}

}  // namespace
}  // namespace alluxio::master
