// SPDX-License-Identifier: Apache-2.0
#include "journal/raft/raft_journal.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <deque>
#include <utility>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <uv.h>
#include <xxhash.h>
#include <zlib.h>

extern "C" {
#include <raft.h>
#include <raft/uv.h>
}

#include "env/env.h"
#include "env/string_file.h"
#include "journal/local/checkpoint.h"
#include "journal/local/record_format.h"

namespace alluxio::journal {

namespace {

// Every Raft command we write (docs/formats/raft-journal.md) is
//   u8 format version | 3 zero bytes | u32 payload length (LE) | payload | zero padding
// and a multiple of 8 bytes long: libraft 0.15 pads entries to 8 bytes on disk and on the wire
// but does not always account for the padding when it reads them back.
constexpr uint8_t kCommandFormatVersion = 1;
constexpr size_t kCommandHeaderBytes = 8;

// Copies an encoded command into a raft_malloc'd buffer (libraft takes ownership).
raft_buffer NewCommand(const std::string& encoded) {
  void* base = raft_malloc(encoded.size());
  if (base == nullptr) return raft_buffer{nullptr, 0};
  std::memcpy(base, encoded.data(), encoded.size());
  return raft_buffer{base, encoded.size()};
}

// Largest command we build; more queued entries go into further commands.
constexpr size_t kMaxCommandBytes = 4 << 20;
constexpr uint64_t kTickMs = 5;

enum EventKind { kGained = 1, kLost = 2 };

// The thread-local stamp of the last Append, so that WaitForDurable knows in which primacy epoch
// its entry was appended (a later epoch may reuse the sequence number for another entry).
struct AppendStamp {
  const void* journal = nullptr;
  SequenceNumber sn = -1;
  uint64_t epoch = 0;
};
thread_local AppendStamp tls_stamp;

Result<std::string> ResolveAddress(const std::string& address) {
  size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) {
    return InvalidArgumentError(
        fmt::format("Invalid embedded journal address '{}': expected host:port", address));
  }
  std::string host = address.substr(0, colon);
  std::string port = address.substr(colon + 1);
  char* end = nullptr;
  long p = std::strtol(port.c_str(), &end, 10);
  if (*end != '\0' || p <= 0 || p > 65535) {
    return InvalidArgumentError(
        fmt::format("Invalid port in embedded journal address '{}'", address));
  }
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int rc = getaddrinfo(host.c_str(), nullptr, &hints, &res);
  if (rc != 0 || res == nullptr) {
    return InvalidArgumentError(
        fmt::format("Cannot resolve embedded journal address '{}': {}", address, gai_strerror(rc)));
  }
  char ip[INET_ADDRSTRLEN] = {0};
  inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(res->ai_addr)->sin_addr, ip, sizeof(ip));
  freeaddrinfo(res);
  return fmt::format("{}:{}", ip, p);
}

Status RaftError(int rv, const std::string& what, const char* errmsg = nullptr) {
  std::string detail = errmsg != nullptr && errmsg[0] != '\0' ? errmsg : raft_strerror(rv);
  return UnavailableError(fmt::format("Embedded journal: {} failed: {}", what, detail));
}

}  // namespace

std::string EncodeCommand(const JournalEntry& batch) {
  size_t payload = batch.ByteSizeLong();
  std::string out((kCommandHeaderBytes + payload + 7) & ~size_t{7}, '\0');
  out[0] = static_cast<char>(kCommandFormatVersion);
  for (int i = 0; i < 4; i++) out[4 + i] = static_cast<char>((payload >> (8 * i)) & 0xff);
  batch.SerializeWithCachedSizesToArray(reinterpret_cast<uint8_t*>(out.data()) +
                                        kCommandHeaderBytes);
  return out;
}

Status DecodeCommand(std::string_view data, JournalEntry* batch) {
  if (data.size() < kCommandHeaderBytes) return DataLossError("Embedded journal: short command");
  const auto* u = reinterpret_cast<const uint8_t*>(data.data());
  if (u[0] != kCommandFormatVersion) {
    return FailedPreconditionError(fmt::format(
        "Embedded journal command format version {} is not supported by this master (it reads "
        "version {}); it was written by a newer Alluxio",
        static_cast<int>(u[0]), kCommandFormatVersion));
  }
  size_t payload = static_cast<size_t>(u[4]) | (static_cast<size_t>(u[5]) << 8) |
                   (static_cast<size_t>(u[6]) << 16) | (static_cast<size_t>(u[7]) << 24);
  if (payload > data.size() - kCommandHeaderBytes ||
      !batch->ParseFromArray(data.data() + kCommandHeaderBytes, static_cast<int>(payload))) {
    return DataLossError("Embedded journal: a committed command cannot be parsed");
  }
  return Status::OK();
}

// One incarnation of the Raft server: its libuv loop, I/O, transport and raft instance, driven
// by the loop thread. Everything here except `stop_requested` belongs to the loop thread once
// the thread runs.
struct RaftJournal::Node {
  RaftJournal* journal = nullptr;
  uv_loop_t loop{};
  uv_async_t wake{};
  uv_timer_t tick{};
  raft_uv_transport transport{};
  raft_io io{};
  raft_fsm fsm{};
  struct raft raft {};
  std::thread thread;
  std::atomic<bool> stop_requested{false};
  bool raft_initialized = false;
  bool was_leader = false;
  bool closing = false;
  // Checkpoint requests: the loop lowers the snapshot threshold and commits barriers until a
  // snapshot covers `checkpoint_index`.
  uint64_t checkpoint_serving = 0;
  uint64_t checkpoint_finished = 0;
  raft_index checkpoint_index = 0;
  bool checkpoint_barrier_pending = false;
  std::chrono::steady_clock::time_point checkpoint_barrier_time;
};

struct ApplyRequest {
  struct raft_apply req;
  RaftJournal::Node* node;
  SequenceNumber last_sn;
};

// A no-op command (no entries) standing in for raft_barrier, whose entries Debian's libraft 0.15
// writes with a checksum it later rejects when the segment is loaded (docs/design/journal.md).
struct BarrierRequest {
  struct raft_apply req;
  RaftJournal::Node* node;
  bool checkpoint;
};

// C callbacks into the journal (friend of RaftJournal).
struct NodeCallbacks {
  static RaftJournal::Node* NodeOf(raft_fsm* fsm) {
    return static_cast<RaftJournal::Node*>(fsm->data);
  }

  static int Apply(raft_fsm* fsm, const raft_buffer* buf, void** result) {
    *result = nullptr;
    RaftJournal* j = NodeOf(fsm)->journal;
    Status s = j->ApplyCommand(static_cast<const char*>(buf->base), buf->len);
    if (!s.ok()) j->Fail(s);
    // A failed journal ignores every later command; libraft itself carries on.
    return 0;
  }

  // Runs on the loop thread (Debian's libraft 0.15 has no asynchronous snapshots): captures the
  // state and serializes it as a checkpoint stream.
  static int Snapshot(raft_fsm* fsm, raft_buffer* bufs[], unsigned* n_bufs) {
    RaftJournal::Node* node = NodeOf(fsm);
    RaftJournal* j = node->journal;
    *bufs = nullptr;
    *n_bufs = 0;
    if (raft_state(&node->raft) == RAFT_LEADER && node->raft.configuration.n > 1 &&
        node->checkpoint_serving == node->checkpoint_finished &&
        node->raft.last_applied - node->raft.log.snapshot.last_index <
            4 * static_cast<raft_index>(j->options_.snapshot_threshold)) {
      // The followers snapshot; the leader's loop keeps heartbeating instead of serializing.
      return RAFT_BUSY;
    }
    {
      std::lock_guard<std::mutex> l(j->mu_);
      if (j->failed_ || j->next_sn_ != j->applied_next_) return RAFT_BUSY;
    }
    std::unique_ptr<StateSnapshot> snap = j->state_->Snapshot(j);
    {
      std::lock_guard<std::mutex> l(j->mu_);
      // The primary's state may hold entries not committed yet: only a state equal to the
      // applied log may be a Raft snapshot. libraft tries again after the next commit.
      if (snap->next_sequence_number() != j->applied_next_) return RAFT_BUSY;
    }
    auto file = std::make_unique<env::StringWritableFile>();
    env::StringWritableFile* out = file.get();
    std::unique_ptr<CheckpointWriter> writer =
        CheckpointWriter::Create(std::move(file), snap->next_sequence_number());
    Status s = snap->WriteTo(writer.get());
    if (s.ok()) s = writer->Finish();
    if (!s.ok()) {
      spdlog::error("Embedded journal snapshot failed: {}", s.ToString());
      return RAFT_BUSY;
    }
    std::string& data = out->data();
    auto* array = static_cast<raft_buffer*>(raft_malloc(sizeof(raft_buffer)));
    void* base = raft_malloc(data.size());
    if (array == nullptr || base == nullptr) {
      raft_free(array);
      raft_free(base);
      return RAFT_NOMEM;
    }
    std::memcpy(base, data.data(), data.size());
    array[0].base = base;
    array[0].len = data.size();
    *bufs = array;
    *n_bufs = 1;
    spdlog::info("Embedded journal snapshot of {} entries up to sequence number {} ({} bytes)",
                 writer->entry_count(), snap->next_sequence_number(), data.size());
    return 0;
  }

  static int SnapshotFinalize(raft_fsm*, raft_buffer* bufs[], unsigned* n_bufs) {
    if (*bufs != nullptr) {
      for (unsigned i = 0; i < *n_bufs; i++) raft_free((*bufs)[i].base);
      raft_free(*bufs);
    }
    *bufs = nullptr;
    *n_bufs = 0;
    return 0;
  }

  static int Restore(raft_fsm* fsm, raft_buffer* buf) {
    RaftJournal* j = NodeOf(fsm)->journal;
    Status s = j->RestoreSnapshot(static_cast<const char*>(buf->base), buf->len);
    raft_free(buf->base);
    if (!s.ok()) {
      if (j->starting_node_.load()) {
        // Loaded by raft_start: StartNode returns it (the master refuses to start, with the
        // reason) instead of failing the process from inside libraft.
        j->start_error_ = s;
      } else {
        j->Fail(s);
      }
      return RAFT_CORRUPT;
    }
    return 0;
  }

  static void OnApplied(struct raft_apply* req, int status, void*) {
    auto* a = static_cast<ApplyRequest*>(req->data);
    RaftJournal* j = a->node->journal;
    if (status == 0) {
      std::lock_guard<std::mutex> l(j->mu_);
      j->durable_next_ = std::max(j->durable_next_, a->last_sn + 1);
      j->cv_.notify_all();
    } else if (!a->node->closing) {
      spdlog::warn("Embedded journal: entries up to {} were not committed: {}", a->last_sn,
                   raft_strerror(status));
      j->PostEvent(kLost);
    }
    delete a;
  }

  static void OnBarrier(struct raft_apply* req, int status, void*) {
    auto* b = static_cast<BarrierRequest*>(req->data);
    RaftJournal::Node* node = b->node;
    if (b->checkpoint) {
      node->checkpoint_barrier_pending = false;
      if (status == 0)
        node->checkpoint_index = std::max(node->checkpoint_index, node->raft.last_applied);
    } else if (status == 0 && !node->closing && raft_state(&node->raft) == RAFT_LEADER) {
      // Every entry of earlier terms is applied: this node may serve.
      node->journal->PostEvent(kGained);
    } else if (!node->closing) {
      node->was_leader = false;  // try again on the next tick if still leader
    }
    delete b;
  }

  static void SubmitBarrier(RaftJournal::Node* node, bool checkpoint) {
    auto* b = new BarrierRequest{{}, node, checkpoint};
    b->req.data = b;
    raft_buffer buf = NewCommand(EncodeCommand(JournalEntry()));  // no entries
    int rv = RAFT_NOMEM;
    if (buf.base != nullptr) {
      rv = raft_apply(&node->raft, &b->req, &buf, 1, OnBarrier);
      if (rv != 0) raft_free(buf.base);
    }
    if (rv != 0) {
      delete b;
      if (!checkpoint) node->was_leader = false;
      return;
    }
    if (checkpoint) {
      node->checkpoint_barrier_pending = true;
      node->checkpoint_barrier_time = std::chrono::steady_clock::now();
    }
  }

  // Publishes the quorum as this node sees it (RaftJournal::Quorum).
  static void RefreshQuorum(RaftJournal::Node* node, int state) {
    RaftJournal* j = node->journal;
    raft_id leader_id = 0;
    const char* leader_address = nullptr;
    raft_leader(&node->raft, &leader_id, &leader_address);
    std::vector<QuorumMember> quorum;
    for (unsigned i = 0; i < node->raft.configuration.n; i++) {
      const raft_server& s = node->raft.configuration.servers[i];
      QuorumMember m;
      m.id = s.id;
      m.leader = s.id == leader_id;
      m.self = s.id == node->raft.id;
      m.available = m.self || m.leader;
      if (state == RAFT_LEADER && !m.self && node->raft.leader_state.progress != nullptr) {
        m.available = node->raft.leader_state.progress[i].recent_recv;
      }
      for (const std::string& a : j->options_.addresses) {
        if (RaftJournal::NodeId(a) == s.id) m.address = a;
      }
      if (m.address.empty()) m.address = s.address;
      quorum.push_back(std::move(m));
    }
    std::lock_guard<std::mutex> l(j->mu_);
    j->quorum_ = std::move(quorum);
  }

  static void OnTick(uv_timer_t* t) {
    auto* node = static_cast<RaftJournal::Node*>(t->data);
    if (node->closing) return;
    RaftJournal* j = node->journal;
    int state = raft_state(&node->raft);
    if (state == RAFT_LEADER && !node->was_leader) {
      node->was_leader = true;
      SubmitBarrier(node, false);
    } else if (state != RAFT_LEADER && node->was_leader) {
      node->was_leader = false;
      j->PostEvent(kLost);
    }
    RefreshQuorum(node, state);
    uint64_t requested;
    {
      std::lock_guard<std::mutex> l(j->mu_);
      requested = j->checkpoint_requested_;
    }
    Checkpoints(node, requested);
  }

  // Drives Checkpoint() requests: snapshot threshold 1, then barriers until a snapshot covers
  // the index applied when the request was seen.
  static void Checkpoints(RaftJournal::Node* node, uint64_t requested) {
    RaftJournal* j = node->journal;
    if (requested > node->checkpoint_serving) {
      node->checkpoint_serving = requested;
      node->checkpoint_index = node->raft.last_applied + 1;  // the barrier's index at least
      raft_set_snapshot_threshold(&node->raft, 1);
      SubmitBarrier(node, true);
      return;
    }
    if (node->checkpoint_serving == 0 || node->checkpoint_finished == node->checkpoint_serving) {
      return;
    }
    if (node->raft.log.snapshot.last_index >= node->checkpoint_index &&
        !node->checkpoint_barrier_pending) {
      raft_set_snapshot_threshold(&node->raft,
                                  static_cast<unsigned>(j->options_.snapshot_threshold));
      node->checkpoint_finished = node->checkpoint_serving;
      std::lock_guard<std::mutex> l(j->mu_);
      j->checkpoint_done_ = std::max(j->checkpoint_done_, node->checkpoint_serving);
      j->cv_.notify_all();
      return;
    }
    // The snapshot was skipped (appends in flight): commit another barrier to retry.
    if (!node->checkpoint_barrier_pending && raft_state(&node->raft) == RAFT_LEADER &&
        std::chrono::steady_clock::now() - node->checkpoint_barrier_time >
            std::chrono::milliseconds(20)) {
      SubmitBarrier(node, true);
    }
  }

  static void OnWake(uv_async_t* h) {
    auto* node = static_cast<RaftJournal::Node*>(h->data);
    if (node->closing) return;
    if (node->stop_requested.load()) {
      BeginClose(node);
      return;
    }
    RaftJournal* j = node->journal;
    std::vector<JournalEntry> entries;
    std::vector<std::function<void(RaftJournal::Node*)>> tasks;
    {
      std::lock_guard<std::mutex> l(j->mu_);
      entries.swap(j->queue_);
      tasks.swap(j->tasks_);
    }
    for (auto& task : tasks) task(node);
    size_t i = 0;
    while (i < entries.size()) {
      JournalEntry command;
      size_t bytes = 0;
      command.set_sequence_number(entries[i].sequence_number());
      SequenceNumber last = entries[i].sequence_number();
      while (i < entries.size() && (bytes == 0 || bytes < kMaxCommandBytes)) {
        bytes += entries[i].ByteSizeLong();
        last = entries[i].sequence_number();
        *command.add_journal_entries() = std::move(entries[i]);
        i++;
      }
      raft_buffer buf = NewCommand(EncodeCommand(command));
      if (buf.base == nullptr) {
        j->Fail(ResourceExhaustedError("Embedded journal: out of memory for a command"));
        return;
      }
      auto* a = new ApplyRequest{{}, node, last};
      a->req.data = a;
      int rv = raft_apply(&node->raft, &a->req, &buf, 1, OnApplied);
      if (rv != 0) {
        raft_free(buf.base);
        delete a;
        spdlog::warn("Embedded journal: cannot append entries up to {}: {}", last,
                     raft_strerror(rv));
        j->PostEvent(kLost);
        return;
      }
    }
  }

  struct TransferRequest {
    struct raft_transfer req;
    RaftJournal::Node* node;
    std::function<void(Status)> done;
  };
  static void OnTransferred(struct raft_transfer* req) {
    auto* t = static_cast<TransferRequest*>(req->data);
    raft_id leader = 0;
    const char* address = nullptr;
    raft_leader(&t->node->raft, &leader, &address);
    t->done(leader == req->id ? Status::OK()
                              : UnavailableError("The target did not become the leader within an "
                                                 "election timeout"));
    delete t;
  }

  struct ChangeRequest {
    struct raft_change req;
    RaftJournal::Node* node;
    std::function<void(Status)> done;
  };
  static void OnChanged(struct raft_change* req, int status) {
    auto* c = static_cast<ChangeRequest*>(req->data);
    RefreshQuorum(c->node, raft_state(&c->node->raft));
    c->done(status == 0 ? Status::OK() : RaftError(status, "changing the quorum"));
    delete c;
  }

  static void BeginClose(RaftJournal::Node* node) {
    node->closing = true;
    uv_timer_stop(&node->tick);
    uv_close(reinterpret_cast<uv_handle_t*>(&node->tick), nullptr);
    if (node->raft_initialized) {
      raft_close(&node->raft, OnRaftClosed);
    } else {
      uv_close(reinterpret_cast<uv_handle_t*>(&node->wake), nullptr);
    }
  }

  static void OnRaftClosed(struct raft* r) {
    auto* node = static_cast<RaftJournal::Node*>(r->data);
    raft_uv_close(&node->io);
    raft_uv_tcp_close(&node->transport);
    uv_close(reinterpret_cast<uv_handle_t*>(&node->wake), nullptr);
  }
};

RaftJournal::RaftJournal(RaftJournalOptions options) : options_(std::move(options)) {}

RaftJournal::~RaftJournal() { Stop().IgnoreError(); }

uint64_t RaftJournal::NodeId(const std::string& address) {
  return XXH64(address.data(), address.size(), 0) | 1;  // never 0 (not a valid raft id)
}

Status RaftJournal::Start(Journaled* state) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (started_) return FailedPreconditionError("The embedded journal is already started");
  }
  if (options_.addresses.empty()) {
    return InvalidArgumentError("No embedded journal addresses configured");
  }
  if (std::find(options_.addresses.begin(), options_.addresses.end(), options_.local_address) ==
      options_.addresses.end()) {
    return InvalidArgumentError(fmt::format(
        "This master's embedded journal address {} is not one of the configured addresses ({})",
        options_.local_address, fmt::join(options_.addresses, ",")));
  }
  // libuv writes to peer sockets with write(2): a peer that went away must be an error, not a
  // SIGPIPE that kills the master.
  std::signal(SIGPIPE, SIG_IGN);
  env::Env* env = env::Env::Default();
  if (!env->FileExists(options_.folder)) {
    return FailedPreconditionError("Journal " + options_.folder + " has not been formatted!");
  }
  RETURN_IF_ERROR(env->CreateDirs(options_.folder + "/raft"));
  Result<std::unique_ptr<env::FileLock>> lock = env->LockFile(options_.folder + "/LOCK");
  if (!lock.ok()) return lock.status().WithContext("Cannot start journal " + options_.folder);
  lock_ = std::move(lock).value();
  state_ = state;
  RETURN_IF_ERROR(StartNode());
  {
    std::lock_guard<std::mutex> l(mu_);
    started_ = true;
    stopping_ = false;
  }
  role_thread_ = std::thread([this] { RoleLoop(); });
  return Status::OK();
}

Status RaftJournal::StartNode() {
  std::vector<std::string> resolved;
  std::string local_resolved;
  for (const std::string& a : options_.addresses) {
    ASSIGN_OR_RETURN(std::string r, ResolveAddress(a));
    if (a == options_.local_address) local_resolved = r;
    resolved.push_back(std::move(r));
  }
  auto node = std::make_unique<Node>();
  Node* n = node.get();
  n->journal = this;
  std::string dir = options_.folder + "/raft";
  if (uv_loop_init(&n->loop) != 0) return InternalError("uv_loop_init failed");
  uv_async_init(&n->loop, &n->wake, &NodeCallbacks::OnWake);
  n->wake.data = n;
  uv_timer_init(&n->loop, &n->tick);
  n->tick.data = n;
  // Tears down what was set up when a later step fails, running the loop until closed.
  auto abandon = [&](Status s) {
    NodeCallbacks::BeginClose(n);
    uv_run(&n->loop, UV_RUN_DEFAULT);
    uv_loop_close(&n->loop);
    return s;
  };
  int rv = raft_uv_tcp_init(&n->transport, &n->loop);
  if (rv != 0) return abandon(RaftError(rv, "raft_uv_tcp_init"));
  rv = raft_uv_init(&n->io, &n->loop, dir.c_str(), &n->transport);
  if (rv != 0) {
    Status s = RaftError(rv, "opening " + dir, n->io.errmsg);
    raft_uv_tcp_close(&n->transport);
    return abandon(s);
  }
  raft_uv_set_connect_retry_delay(&n->io, 50);
  if (options_.segment_size_bytes >= (1 << 20)) {
    raft_uv_set_segment_size(&n->io,
                             static_cast<size_t>(options_.segment_size_bytes) & ~size_t{4095});
  }
  n->fsm.version = 2;
  n->fsm.data = n;
  n->fsm.apply = &NodeCallbacks::Apply;
  n->fsm.snapshot = &NodeCallbacks::Snapshot;
  n->fsm.restore = &NodeCallbacks::Restore;
  n->fsm.snapshot_finalize = &NodeCallbacks::SnapshotFinalize;
  uint64_t id = NodeId(options_.local_address);
  rv = raft_init(&n->raft, &n->io, &n->fsm, id, local_resolved.c_str());
  if (rv != 0) {
    Status s = RaftError(rv, "raft_init", n->raft.errmsg);
    raft_uv_close(&n->io);
    raft_uv_tcp_close(&n->transport);
    return abandon(s);
  }
  n->raft.data = n;
  n->raft_initialized = true;
  unsigned election = static_cast<unsigned>(std::max<int64_t>(options_.election_timeout_ms, 20));
  unsigned heartbeat = static_cast<unsigned>(options_.heartbeat_timeout_ms > 0
                                                 ? options_.heartbeat_timeout_ms
                                                 : std::max<int64_t>(election / 10, 10));
  raft_set_election_timeout(&n->raft, election);
  raft_set_heartbeat_timeout(&n->raft, heartbeat);
  raft_set_pre_vote(&n->raft, true);
  raft_set_snapshot_threshold(&n->raft, static_cast<unsigned>(std::clamp<int64_t>(
                                            options_.snapshot_threshold, 1, UINT32_MAX)));
  raft_set_snapshot_trailing(&n->raft, static_cast<unsigned>(std::clamp<int64_t>(
                                           options_.snapshot_trailing, 0, UINT32_MAX)));
  struct raft_configuration conf;
  raft_configuration_init(&conf);
  for (size_t i = 0; i < options_.addresses.size(); i++) {
    rv = raft_configuration_add(&conf, NodeId(options_.addresses[i]), resolved[i].c_str(),
                                RAFT_VOTER);
    if (rv != 0) {
      raft_configuration_close(&conf);
      return abandon(InvalidArgumentError(
          fmt::format("Embedded journal address {} is listed twice or invalid: {}",
                      options_.addresses[i], raft_strerror(rv))));
    }
  }
  rv = raft_bootstrap(&n->raft, &conf);
  raft_configuration_close(&conf);
  if (rv != 0 && rv != RAFT_CANTBOOTSTRAP) {
    return abandon(RaftError(rv, "bootstrapping " + dir, n->raft.errmsg));
  }
  start_error_ = Status();
  starting_node_.store(true);
  rv = raft_start(&n->raft);
  starting_node_.store(false);
  if (rv != 0) {
    // A snapshot or log that does not read back: libraft's own checks (LZ4 frames, segment
    // checksums) or ours (the checkpoint stream inside the snapshot).
    std::string detail = !start_error_.ok()          ? std::string(start_error_.message())
                         : n->raft.errmsg[0] != '\0' ? std::string(n->raft.errmsg)
                                                     : std::string(raft_strerror(rv));
    bool corrupt = !start_error_.ok() || rv == RAFT_CORRUPT ||
                   detail.find("decompress") != std::string::npos ||
                   detail.find("checksum") != std::string::npos ||
                   detail.find("corrupt") != std::string::npos;
    if (corrupt) {
      return abandon(DataLossError(fmt::format(
          "The embedded journal in {} is corrupt (its snapshot or log does not read back: {}). "
          "Wipe this master's journal (alluxio formatJournal) so that it catches up from the "
          "other masters, or restore a backup (alluxio-start.sh -i <backup>)",
          dir, detail)));
    }
    return abandon(RaftError(rv, "starting the node in " + dir, n->raft.errmsg));
  }
  uv_timer_start(&n->tick, &NodeCallbacks::OnTick, kTickMs, kTickMs);
  {
    std::lock_guard<std::mutex> l(mu_);
    wake_ = &n->wake;
  }
  n->thread = std::thread([n] {
    uv_run(&n->loop, UV_RUN_DEFAULT);
    uv_loop_close(&n->loop);
  });
  node_ = std::move(node);
  return Status::OK();
}

void RaftJournal::StopNode() {
  if (!node_) return;
  {
    std::lock_guard<std::mutex> l(mu_);
    node_->stop_requested.store(true);
    if (wake_ != nullptr) uv_async_send(wake_);
    wake_ = nullptr;
  }
  node_->thread.join();
  node_.reset();
  // Requests the loop did not run fail now rather than time out.
  std::vector<std::function<void(Node*)>> tasks;
  {
    std::lock_guard<std::mutex> l(mu_);
    tasks.swap(tasks_);
  }
  for (auto& task : tasks) task(nullptr);
}

Status RaftJournal::Stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!started_) return Status::OK();
    stopping_ = true;
    writable_ = false;
    epoch_++;
    lost_durable_next_ = durable_next_;
    cv_.notify_all();
  }
  if (role_thread_.joinable()) role_thread_.join();
  StopNode();
  std::thread notifier;
  {
    std::lock_guard<std::mutex> l(mu_);
    notifier_exit_ = true;
    notifier.swap(notifier_);
    cv_.notify_all();
  }
  if (notifier.joinable()) notifier.join();  // it resolves every callback before it exits
  std::lock_guard<std::mutex> l(mu_);
  started_ = false;
  queue_.clear();
  events_.clear();
  lock_.reset();
  cv_.notify_all();
  return Status::OK();
}

void RaftJournal::PostEvent(int kind) {
  std::lock_guard<std::mutex> l(mu_);
  if (kind == kLost) {
    // Stop acknowledging at once (the role thread may be busy in on_primacy_change): waiters of
    // entries not committed yet are failed now; the rebuild follows on the role thread.
    std::erase(events_, static_cast<int>(kGained));
    if (writable_) {
      writable_ = false;
      epoch_++;
      lost_durable_next_ = durable_next_;
      queue_.clear();
      rebuild_pending_ = true;
      spdlog::warn(
          "Embedded journal: this master ({}) lost its leadership; entries from sequence number "
          "{} on were not committed and are dropped; rebuilding the state",
          options_.local_address, durable_next_);
    }
  }
  events_.push_back(kind);
  cv_.notify_all();
}

void RaftJournal::Fail(const Status& s) {
  bool first = false;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!failed_) {
      failed_ = true;
      failure_ = s;
      writable_ = false;
      first = true;
      cv_.notify_all();
    }
  }
  if (!first) return;
  spdlog::critical("Embedded journal failed: {}", s.ToString());
  if (options_.on_fatal_error) options_.on_fatal_error(s);
}

void RaftJournal::RoleLoop() {
  while (true) {
    int event;
    {
      std::unique_lock<std::mutex> l(mu_);
      cv_.wait(l, [&] { return stopping_ || !events_.empty(); });
      if (stopping_) return;
      event = events_.front();
      events_.erase(events_.begin());
      if (failed_) continue;
      if (event == kGained) {
        if (writable_) continue;
        writable_ = true;
        epoch_++;
        durable_next_ = next_sn_;
        spdlog::info("Embedded journal: this master ({}) is the primary; next sequence number {}",
                     options_.local_address, next_sn_);
      } else {
        if (!rebuild_pending_) continue;  // was never writable: nothing uncommitted to drop
        rebuild_pending_ = false;
      }
    }
    if (options_.on_primacy_change) options_.on_primacy_change(event == kGained);
    if (event == kGained) continue;
    // Rebuild: forget everything, reload the snapshot and the log (entries applied here but not
    // committed are gone), and rejoin as a follower.
    StopNode();
    state_->Reset();
    {
      std::lock_guard<std::mutex> l(mu_);
      next_sn_ = applied_next_ = durable_next_ = 0;
      events_.clear();
      rebuilds_++;
    }
    Status s = StartNode();
    if (!s.ok()) Fail(s.WithContext("Embedded journal: cannot restart after losing leadership"));
  }
}

Result<SequenceNumber> RaftJournal::Append(JournalEntry entry) {
  std::lock_guard<std::mutex> l(mu_);
  if (!writable_) {
    if (failed_) return failure_;
    return UnavailableError(
        fmt::format("This master ({}) is not the primary: its embedded journal is not writable",
                    options_.local_address));
  }
  SequenceNumber sn = next_sn_++;
  entry.set_sequence_number(sn);
  queue_.push_back(std::move(entry));
  if (queue_.size() == 1 && wake_ != nullptr) uv_async_send(wake_);
  tls_stamp = {this, sn, epoch_};
  return sn;
}

std::optional<Status> RaftJournal::DurabilityLocked(SequenceNumber sn, uint64_t epoch) const {
  if (epoch_ == epoch && durable_next_ > sn) return Status::OK();
  if (epoch_ == epoch + 1 && sn < lost_durable_next_) return Status::OK();
  if (failed_) return failure_;
  if (epoch_ != epoch) {
    return UnavailableError(
        "The primary master lost its leadership before the entry was committed; the operation "
        "may not have been applied");
  }
  return std::nullopt;
}

void RaftJournal::OnDurable(SequenceNumber sn, std::function<void(Status)> done) {
  std::optional<Status> now;
  {
    std::lock_guard<std::mutex> l(mu_);
    uint64_t epoch = (tls_stamp.journal == this && tls_stamp.sn == sn) ? tls_stamp.epoch : epoch_;
    if (epoch == epoch_ && !writable_ && durable_next_ <= sn) {
      now = failed_ ? failure_
                    : UnavailableError("The embedded journal is not writable on this master");
    } else {
      now = DurabilityLocked(sn, epoch);
    }
    if (!now && (!started_ || stopping_)) now = UnavailableError("The embedded journal stopped");
    if (!now) {
      callbacks_.push_back({sn, epoch, std::move(done)});
      if (!notifier_.joinable()) {
        notifier_exit_ = false;
        notifier_ = std::thread([this] { NotifierLoop(); });
      }
      return;
    }
  }
  done(std::move(*now));
}

void RaftJournal::NotifierLoop() {
  std::unique_lock<std::mutex> l(mu_);
  std::vector<std::pair<std::function<void(Status)>, Status>> ready;
  while (true) {
    for (size_t i = 0; i < callbacks_.size();) {
      std::optional<Status> s = DurabilityLocked(callbacks_[i].sn, callbacks_[i].epoch);
      if (!s && notifier_exit_) s = UnavailableError("The embedded journal stopped");
      if (s) {
        ready.emplace_back(std::move(callbacks_[i].done), std::move(*s));
        callbacks_[i] = std::move(callbacks_.back());
        callbacks_.pop_back();
      } else {
        i++;
      }
    }
    if (!ready.empty()) {
      l.unlock();
      for (auto& [done, status] : ready) done(std::move(status));
      ready.clear();
      l.lock();
      continue;
    }
    if (notifier_exit_) return;
    cv_.wait(l);
  }
}

Status RaftJournal::WaitForDurable(SequenceNumber sn) {
  std::unique_lock<std::mutex> l(mu_);
  uint64_t epoch = (tls_stamp.journal == this && tls_stamp.sn == sn) ? tls_stamp.epoch : epoch_;
  if (epoch == epoch_ && !writable_ && durable_next_ <= sn) {
    return failed_ ? failure_
                   : UnavailableError("The embedded journal is not writable on this master");
  }
  cv_.wait(l, [&] { return durable_next_ > sn || epoch_ != epoch || failed_; });
  if (epoch_ == epoch && durable_next_ > sn) return Status::OK();
  if (epoch_ == epoch + 1 && sn < lost_durable_next_) return Status::OK();
  if (failed_) return failure_;
  return UnavailableError(
      "The primary master lost its leadership before the entry was committed; the operation "
      "may not have been applied");
}

SequenceNumber RaftJournal::NextSequenceNumber() const {
  std::lock_guard<std::mutex> l(mu_);
  return next_sn_;
}

Status RaftJournal::Checkpoint() {
  std::unique_lock<std::mutex> l(mu_);
  if (!writable_) {
    return FailedPreconditionError(
        "Only the primary master takes a checkpoint of the embedded journal");
  }
  uint64_t mine = ++checkpoint_requested_;
  uint64_t epoch = epoch_;
  bool done = cv_.wait_for(l, std::chrono::minutes(5),
                           [&] { return checkpoint_done_ >= mine || failed_ || epoch_ != epoch; });
  if (checkpoint_done_ >= mine) return Status::OK();
  if (failed_) return failure_;
  if (!done)
    return DeadlineExceededError("The embedded journal checkpoint did not finish in 5 minutes");
  return UnavailableError(
      "This master stopped being the primary before the embedded journal checkpoint finished");
}

Status RaftJournal::ApplyImportedRecords(const proto::journal::ImportedRecordsEntry& chunk) {
  constexpr int64_t kMaxChunkBytes = 64 << 20;
  if (chunk.length() < 0 || chunk.length() > kMaxChunkBytes) {
    return DataLossError(
        fmt::format("a chunk of imported records claims {} bytes", chunk.length()));
  }
  std::string records(static_cast<size_t>(chunk.length()), '\0');
  uLongf got = static_cast<uLongf>(records.size());
  if (uncompress(reinterpret_cast<Bytef*>(records.data()), &got,
                 reinterpret_cast<const Bytef*>(chunk.zlib_records().data()),
                 static_cast<uLong>(chunk.zlib_records().size())) != Z_OK ||
      got != records.size()) {
    return DataLossError("a chunk of imported records does not decompress");
  }
  env::StringSequentialFile file(records);
  RecordReader reader(&file, 0);
  JournalEntry entry;
  while (true) {
    ASSIGN_OR_RETURN(RecordReader::Outcome outcome, reader.Next());
    if (outcome == RecordReader::Outcome::kEof) return Status::OK();
    if (outcome != RecordReader::Outcome::kRecord ||
        ParseEntry(reader.payload(), &entry) != EntryParse::kOk) {
      return DataLossError(fmt::format("a chunk of imported records is damaged at offset {}",
                                       reader.record_offset()));
    }
    RETURN_IF_ERROR(state_->Apply(entry));
  }
}

class RaftJournal::Importer final : public StateImporter {
 public:
  // Records per chunk, before compression (about 1 MiB after: a Raft log segment is 8 MiB).
  static constexpr size_t kChunkBytes = 4 << 20;

  Importer(RaftJournal* journal, std::string path, std::unique_ptr<env::WritableFile> file)
      : journal_(journal), path_(std::move(path)), file_(std::move(file)) {}
  ~Importer() override {
    file_.reset();
    env::Env::Default()->RemoveFile(path_).IgnoreError();
  }

  // The staging file holds chunks: u32 length | that many bytes of a serialized
  // ImportedRecordsEntry. Called on the restore's reader thread, so compression overlaps with
  // the state's Apply.
  Status Add(std::string_view header, std::string_view payload) override {
    chunk_.append(header);
    chunk_.append(payload);
    return chunk_.size() >= kChunkBytes ? FlushChunk() : Status::OK();
  }

  Status Commit(JournalEntry marker) override {
    RETURN_IF_ERROR(FlushChunk());
    RETURN_IF_ERROR(file_->Close());
    file_.reset();
    if (journal_->NextSequenceNumber() != 0) {
      return FailedPreconditionError(
          "The embedded journal is not empty: a state can only be imported into an empty journal");
    }
    ASSIGN_OR_RETURN(SequenceNumber last, journal_->Append(std::move(marker)));
    ASSIGN_OR_RETURN(std::unique_ptr<env::SequentialFile> in,
                     env::Env::Default()->NewSequentialFile(path_));
    std::string scratch;
    int64_t chunks = 0;
    std::deque<SequenceNumber> in_flight;  // bounds what waits in memory for Raft
    while (true) {
      ASSIGN_OR_RETURN(std::string_view got, ReadExactly(in.get(), 4, &scratch));
      if (got.empty()) break;
      const uint32_t len = DecodeFixed32(got.data());
      ASSIGN_OR_RETURN(got, ReadExactly(in.get(), len, &scratch));
      if (got.size() != len) return DataLossError("the import staging file " + path_ + " is short");
      JournalEntry e;
      if (!e.mutable_imported_records()->ParseFromArray(got.data(), static_cast<int>(got.size()))) {
        return DataLossError("the import staging file " + path_ + " is damaged");
      }
      ASSIGN_OR_RETURN(last, journal_->Append(std::move(e)));
      chunks++;
      in_flight.push_back(last);
      if (in_flight.size() > 32) {
        RETURN_IF_ERROR(journal_->WaitForDurable(in_flight.front()));
        in_flight.pop_front();
      }
    }
    RETURN_IF_ERROR(journal_->WaitForDurable(last));
    spdlog::info("Embedded journal: the imported state is committed ({} chunks)", chunks);
    return Status::OK();
  }

 private:
  Status FlushChunk() {
    if (chunk_.empty()) return Status::OK();
    uLongf size = compressBound(static_cast<uLong>(chunk_.size()));
    compressed_.resize(size);
    if (compress2(reinterpret_cast<Bytef*>(compressed_.data()), &size,
                  reinterpret_cast<const Bytef*>(chunk_.data()), static_cast<uLong>(chunk_.size()),
                  1) != Z_OK) {
      return InternalError("zlib failed to compress imported records");
    }
    compressed_.resize(size);
    proto::journal::ImportedRecordsEntry entry;
    entry.set_length(static_cast<int64_t>(chunk_.size()));
    entry.set_zlib_records(std::move(compressed_));
    std::string out;
    PutFixed32(&out, static_cast<uint32_t>(entry.ByteSizeLong()));
    entry.AppendToString(&out);
    RETURN_IF_ERROR(file_->Append(out));
    chunk_.clear();
    compressed_.clear();
    return Status::OK();
  }
  // Reads n bytes (fewer only at the end of the file).
  static Result<std::string_view> ReadExactly(env::SequentialFile* in, size_t n,
                                              std::string* scratch) {
    scratch->resize(n);
    size_t have = 0;
    while (have < n) {
      ASSIGN_OR_RETURN(std::string_view got, in->Read(n - have, scratch->data() + have));
      if (got.empty()) break;
      if (got.data() != scratch->data() + have)
        std::memcpy(scratch->data() + have, got.data(), got.size());
      have += got.size();
    }
    return std::string_view(scratch->data(), have);
  }

  RaftJournal* const journal_;
  const std::string path_;
  std::unique_ptr<env::WritableFile> file_;
  std::string chunk_;
  std::string compressed_;
};

Result<std::unique_ptr<StateImporter>> RaftJournal::BeginImport() {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!writable_) {
      return FailedPreconditionError(
          "Only the primary master imports a state into the embedded "
          "journal");
    }
    if (next_sn_ != 0) {
      return FailedPreconditionError(
          "The embedded journal is not empty: a state can only be imported into an empty journal");
    }
  }
  std::string path = options_.folder + "/import.tmp";
  ASSIGN_OR_RETURN(std::unique_ptr<env::WritableFile> file,
                   env::Env::Default()->NewWritableFile(path));
  return std::unique_ptr<StateImporter>(new Importer(this, std::move(path), std::move(file)));
}

bool RaftJournal::IsPrimary() const {
  std::lock_guard<std::mutex> l(mu_);
  return writable_;
}

std::vector<QuorumMember> RaftJournal::Quorum() const {
  std::lock_guard<std::mutex> l(mu_);
  return quorum_;
}

SequenceNumber RaftJournal::AppliedSequenceNumber() const {
  std::lock_guard<std::mutex> l(mu_);
  return applied_next_;
}

int64_t RaftJournal::rebuilds() const {
  std::lock_guard<std::mutex> l(mu_);
  return rebuilds_;
}

int64_t RaftJournal::snapshots_restored() const {
  std::lock_guard<std::mutex> l(mu_);
  return snapshots_restored_;
}

Status RaftJournal::RunOnLoop(std::function<void(Node*, std::function<void(Status)>)> task,
                              int64_t timeout_ms) {
  struct Shared {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    Status status;
  };
  auto shared = std::make_shared<Shared>();
  auto done = [shared](Status s) {
    std::lock_guard<std::mutex> l(shared->mu);
    if (shared->done) return;
    shared->done = true;
    shared->status = std::move(s);
    shared->cv.notify_all();
  };
  {
    std::lock_guard<std::mutex> l(mu_);
    if (wake_ == nullptr) return UnavailableError("The embedded journal is not running");
    tasks_.push_back([task = std::move(task), done](Node* node) { task(node, done); });
    uv_async_send(wake_);
  }
  std::unique_lock<std::mutex> l(shared->mu);
  if (!shared->cv.wait_for(l, std::chrono::milliseconds(timeout_ms),
                           [&] { return shared->done; })) {
    return DeadlineExceededError("The embedded journal did not complete the request in time");
  }
  return shared->status;
}

Status RaftJournal::TransferLeadership(const std::string& address) {
  if (std::find(options_.addresses.begin(), options_.addresses.end(), address) ==
      options_.addresses.end()) {
    return NotFoundError(fmt::format("{} is not a member of the embedded journal quorum ({})",
                                     address, fmt::join(options_.addresses, ",")));
  }
  uint64_t id = NodeId(address);
  return RunOnLoop(
      [id](Node* node, std::function<void(Status)> done) {
        if (node == nullptr) {
          done(UnavailableError("The embedded journal stopped"));
          return;
        }
        if (raft_state(&node->raft) != RAFT_LEADER) {
          done(FailedPreconditionError("This master is not the leader of the quorum"));
          return;
        }
        if (id == node->raft.id) {
          done(Status::OK());  // already the leader
          return;
        }
        auto* t = new NodeCallbacks::TransferRequest{{}, node, std::move(done)};
        t->req.data = t;
        int rv = raft_transfer(&node->raft, &t->req, id, &NodeCallbacks::OnTransferred);
        if (rv != 0) {
          t->done(rv == RAFT_BADID
                      ? FailedPreconditionError("The target is not a voting member of the quorum")
                      : RaftError(rv, "transferring the leadership"));
          delete t;
        }
      },
      10 * std::max<int64_t>(options_.election_timeout_ms, 100));
}

Status RaftJournal::RemoveServer(const std::string& address) {
  if (address == options_.local_address) {
    return FailedPreconditionError(
        "The primary master cannot remove itself from the quorum: elect another master first");
  }
  uint64_t id = NodeId(address);
  return RunOnLoop(
      [id, address](Node* node, std::function<void(Status)> done) {
        if (node == nullptr) {
          done(UnavailableError("The embedded journal stopped"));
          return;
        }
        if (raft_state(&node->raft) != RAFT_LEADER) {
          done(FailedPreconditionError("This master is not the leader of the quorum"));
          return;
        }
        bool member = false;
        for (unsigned i = 0; i < node->raft.configuration.n; i++) {
          member = member || node->raft.configuration.servers[i].id == id;
        }
        if (!member) {
          done(NotFoundError(fmt::format("{} is not a member of the quorum", address)));
          return;
        }
        auto* c = new NodeCallbacks::ChangeRequest{{}, node, std::move(done)};
        c->req.data = c;
        int rv = raft_remove(&node->raft, &c->req, id, &NodeCallbacks::OnChanged);
        if (rv != 0) {
          c->done(RaftError(rv, "removing " + address + " from the quorum"));
          delete c;
        }
      },
      30000);
}

Status RaftJournal::ApplyCommand(const char* data, size_t len) {
  JournalEntry command;
  RETURN_IF_ERROR(DecodeCommand(std::string_view(data, len), &command));
  for (const JournalEntry& e : command.journal_entries()) {
    SequenceNumber sn = e.sequence_number();
    bool pre_applied;
    {
      std::lock_guard<std::mutex> l(mu_);
      if (failed_) return Status::OK();
      if (sn != applied_next_) {
        return DataLossError(fmt::format(
            "Embedded journal: committed entry has sequence number {} but {} was expected", sn,
            applied_next_));
      }
      pre_applied = sn < next_sn_;
    }
    if (!pre_applied) {
      Status s =
          e.has_imported_records() ? ApplyImportedRecords(e.imported_records()) : state_->Apply(e);
      if (!s.ok()) {
        return Status(s.code(), fmt::format("Embedded journal: committed entry {} cannot be "
                                            "applied: {}",
                                            sn, s.message()));
      }
    }
    std::lock_guard<std::mutex> l(mu_);
    applied_next_ = sn + 1;
    if (!pre_applied) next_sn_ = sn + 1;
    durable_next_ = std::max(durable_next_, applied_next_);
  }
  return Status::OK();
}

Status RaftJournal::RestoreSnapshot(const char* data, size_t len) {
  state_->Reset();
  env::StringSequentialFile file(std::string_view(data, len));
  CheckpointInfo info;
  Status s = ReadCheckpoint(
      &file, "embedded journal snapshot", [&](const JournalEntry& e) { return state_->Apply(e); },
      &info, nullptr);
  if (!s.ok()) return s;
  std::lock_guard<std::mutex> l(mu_);
  next_sn_ = applied_next_ = info.sequence_number;
  durable_next_ = std::max(durable_next_, applied_next_);
  snapshots_restored_++;
  spdlog::info("Embedded journal: restored a snapshot of {} entries up to sequence number {}",
               info.entry_count, info.sequence_number);
  return Status::OK();
}

}  // namespace alluxio::journal
