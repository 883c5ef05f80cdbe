// SPDX-License-Identifier: Apache-2.0
// data_bench: the data path against the machine's own baselines, measured in the same run.
//
// An in-process cluster (master + one worker whose MEM tier is on /dev/shm) and a client:
//   write     MUST_CACHE write of --size bytes (short-circuit)      vs  writing a /dev/shm file
//   read-sc   sequential read of the cached file, short-circuit    vs  reading its block files
//             (or the packed file holding them)
//   read-rpc  the same through ReadBlock streams (no short-circuit) vs  one loopback TCP stream,
//             and vs a bare gRPC stream (gRPC's own ceiling here: a server in this process sends
//             the same ReadResponse messages from one ready 1 MiB slice, no file read and no
//             copy; the client receives them as the block reader does and copies them once),
//             and vs a TCP stream whose sender preads the block files a chunk at a time (what
//             any server must at least do: read the block, then send it)
//   cold      read of a UFS-only file through the worker (CACHE)   vs  reading that file directly,
//             and vs copying it into a /dev/shm file (what any read-through cache must at least
//             do: 2 MiB reads and writes on one thread, like `dd bs=2M`)
//   pread     4 KiB random positioned reads, short-circuit, IOPS   vs  pread on the block files
// --chunk sets alluxio.user.streaming.reader.chunk.size.bytes (and the worker's cap); --drop_caches
// makes the cold read cold (the UFS file leaves the page cache first, for both; needs root); its
// baseline is the faster of a direct read before and one after it.
// --ramdisk=DIR puts the worker's MEM tier and the /dev/shm baselines' files in DIR instead of
// /dev/shm (e.g. a ramdisk mounted as `alluxio-start.sh ... Mount` mounts it).
// --phases picks phases (the write always runs: the reads need its file), e.g. --phases=read-rpc to
// profile the remote read alone. Each figure is printed with its baseline and the ratio.
//
// Usage: data_bench [--size=1073741824] [--block=67108864] [--preads=200000] [--buffer=4194304]
//                   [--chunk=1048576] [--drop_caches] [--phases=read-sc,read-rpc,cold,pread]
//                   [--ramdisk=/dev/shm] [--repeat=1]
//        data_bench --restart_blocks=1000000   (a worker restart with that many cached blocks:
//                   time until it is registered and serving; baseline: listing + stat of them)
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <google/protobuf/io/coded_stream.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/method_handler.h>

#include "alluxio/grpc/block_worker.grpc.pb.h"
#include "bench/bench_util.h"
#include "client/api/file_system.h"
#include "rpc/channel.h"
#include "rpc/server.h"
#include "tests/minicluster/mini_cluster.h"

namespace alluxio::bench {
namespace {

void Die(const Status& s, const char* what) {
  std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
  std::exit(1);
}

double Gib(int64_t bytes, double secs) { return bytes / secs / (1 << 30); }

// Writes `size` bytes to `path` with `buffer`-sized writes; seconds.
double WriteLocal(const std::string& path, int64_t size, const std::string& buffer) {
  auto t0 = Clock::now();
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  for (int64_t done = 0; done < size;) {
    size_t n = std::min<int64_t>(buffer.size(), size - done);
    if (::write(fd, buffer.data(), n) != static_cast<ssize_t>(n)) std::exit(1);
    done += n;
  }
  ::close(fd);
  return SecondsSince(t0);
}

// CPU seconds (user + system) this process (master, worker and client) has used so far.
double CpuSeconds() {
  struct rusage ru;
  ::getrusage(RUSAGE_SELF, &ru);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return secs(ru.ru_utime) + secs(ru.ru_stime);
}

// Reads the files in order with `buffer`-sized reads; seconds.
double ReadLocal(const std::vector<std::string>& paths, std::string* buffer) {
  auto t0 = Clock::now();
  for (const std::string& p : paths) {
    int fd = ::open(p.c_str(), O_RDONLY);
    while (::read(fd, buffer->data(), buffer->size()) > 0) {
    }
    ::close(fd);
  }
  return SecondsSince(t0);
}

// One loopback TCP stream of `size` bytes; seconds.
// One loopback TCP stream of `size` bytes read `chunk` bytes at a time: the sender writes one
// `chunk`-sized buffer over and over or, given `files`, preads them in order `piece` bytes at a
// time and writes each piece (what any server must at least do to send a block from its file).
double LoopbackTcp(int64_t size, size_t chunk, const std::vector<std::string>* files = nullptr,
                   size_t piece = 0) {
  int ls = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(ls, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  socklen_t len = sizeof(a);
  ::getsockname(ls, reinterpret_cast<sockaddr*>(&a), &len);
  ::listen(ls, 1);
  std::thread sender([&] {
    int s = ::accept(ls, nullptr, nullptr);
    std::string buf(files == nullptr ? chunk : piece, 'x');
    if (files == nullptr) {
      for (int64_t done = 0; done < size;) {
        ssize_t n = ::write(s, buf.data(), std::min<int64_t>(chunk, size - done));
        if (n <= 0) break;
        done += n;
      }
    }
    for (size_t i = 0; files != nullptr && i < files->size(); ++i) {
      int fd = ::open((*files)[i].c_str(), O_RDONLY);
      if (fd < 0) bench::Die("open " + (*files)[i]);
      for (off_t pos = 0;;) {
        ssize_t n = ::pread(fd, buf.data(), buf.size(), pos);
        if (n <= 0) break;
        pos += n;
        for (ssize_t sent = 0; sent < n;) {
          ssize_t w = ::write(s, buf.data() + sent, static_cast<size_t>(n - sent));
          if (w <= 0) bench::Die("write to the loopback stream");
          sent += w;
        }
      }
      ::close(fd);
    }
    ::close(s);
  });
  int c = ::socket(AF_INET, SOCK_STREAM, 0);
  ::connect(c, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  std::string buf(chunk, '\0');
  auto t0 = Clock::now();
  int64_t got = 0;
  while (got < size) {
    ssize_t n = ::read(c, buf.data(), buf.size());
    if (n <= 0) break;
    got += n;
  }
  double secs = SecondsSince(t0);
  sender.join();
  ::close(c);
  ::close(ls);
  return secs;
}

// The bare gRPC stream (see the top): ReadBlock served from one ready slice.
class BareReadService final : public ::alluxio::grpc::block::BlockWorker::Service {
 public:
  using Stream = ::grpc::ServerReaderWriter<::grpc::ByteBuffer, ::grpc::ByteBuffer>;
  explicit BareReadService(size_t chunk) : payload_(std::string(chunk, 'x')) {
    MarkMethodStreamed(
        0, new ::grpc::internal::BidiStreamingHandler<BareReadService, ::grpc::ByteBuffer,
                                                      ::grpc::ByteBuffer>(
               [](BareReadService* s, ::grpc::ServerContext*, Stream* stream) {
                 return s->Serve(stream);
               },
               this));
  }

 private:
  ::grpc::Status Serve(Stream* stream) {
    ::grpc::ByteBuffer raw;
    ::alluxio::grpc::block::ReadRequest req;
    if (!stream->Read(&raw) ||
        !::grpc::SerializationTraits<::alluxio::grpc::block::ReadRequest>::Deserialize(&raw, &req)
             .ok()) {
      return ::grpc::Status(::grpc::StatusCode::INVALID_ARGUMENT, "bad request");
    }
    using google::protobuf::io::CodedOutputStream;
    for (int64_t sent = 0; sent < req.length();) {
      const uint64_t n = std::min<uint64_t>(payload_.size(), req.length() - sent);
      // ReadResponse{chunk: {data: n bytes}}: the keys and lengths, then the bytes (a reference).
      uint8_t head[32];
      uint8_t* p = CodedOutputStream::WriteVarint32ToArray((1 << 3) | 2, head);
      p = CodedOutputStream::WriteVarint64ToArray(1 + CodedOutputStream::VarintSize64(n) + n, p);
      p = CodedOutputStream::WriteVarint32ToArray((1 << 3) | 2, p);
      p = CodedOutputStream::WriteVarint64ToArray(n, p);
      const ::grpc::Slice slices[2] = {::grpc::Slice(head, static_cast<size_t>(p - head)),
                                       n == payload_.size() ? payload_ : payload_.sub(0, n)};
      if (!stream->Write(::grpc::ByteBuffer(slices, 2))) break;
      sent += static_cast<int64_t>(n);
    }
    return ::grpc::Status::OK;
  }

  const ::grpc::Slice payload_;
};

// Seconds to receive `size` bytes over a bare gRPC stream into `buffer` (copied once, as the
// block reader copies into the caller's buffer).
double BareGrpcStream(int64_t size, size_t chunk, std::string* buffer) {
  BareReadService service(chunk);
  auto server = rpc::RpcServer::Start("127.0.0.1", 0, {&service});
  CheckOk(server.status(), "bare gRPC server");
  auto channel = rpc::CreateChannel(fmt::format("127.0.0.1:{}", (*server)->port()));
  static const ::grpc::internal::RpcMethod method("/alluxio.grpc.block.BlockWorker/ReadBlock",
                                                  ::grpc::internal::RpcMethod::BIDI_STREAMING);
  auto t0 = Clock::now();
  for (int64_t done = 0; done < size;) {  // one stream per 64 MiB, as per block
    const int64_t len = std::min<int64_t>(64 << 20, size - done);
    ::grpc::ClientContext ctx;
    std::unique_ptr<::grpc::ClientReaderWriter<::grpc::ByteBuffer, ::grpc::ByteBuffer>> stream(
        ::grpc::internal::ClientReaderWriterFactory<::grpc::ByteBuffer, ::grpc::ByteBuffer>::Create(
            channel.get(), method, &ctx));
    ::alluxio::grpc::block::ReadRequest req;
    req.set_length(len);
    ::grpc::ByteBuffer raw;
    bool own = false;
    CheckOk(
        ::grpc::SerializationTraits<::alluxio::grpc::block::ReadRequest>::Serialize(req, &raw, &own)
                .ok()
            ? Status()
            : InternalError("serialize"),
        "request");
    stream->Write(raw);
    std::vector<::grpc::Slice> slices;
    size_t at = 0;
    while (stream->Read(&raw)) {
      slices.clear();
      (void)raw.Dump(&slices);
      for (const ::grpc::Slice& sl : slices) {
        const size_t n = std::min(sl.size(), buffer->size() - at);
        std::memcpy(buffer->data() + at, sl.begin(), n);
        at = (at + n) % buffer->size();
      }
    }
    stream->WritesDone();
    CheckOk(stream->Finish().ok() ? Status() : InternalError("stream failed"), "bare stream");
    done += len;
  }
  double secs = SecondsSince(t0);
  (*server)->Shutdown();
  return secs;
}

// Seconds to copy `from` into a new file `to` with `piece`-sized reads and writes.
double CopyLocal(const std::string& from, const std::string& to, size_t piece) {
  int in = ::open(from.c_str(), O_RDONLY);
  int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (in < 0 || out < 0) bench::Die("open " + from + " or " + to);
  std::string buf(piece, '\0');
  auto t0 = Clock::now();
  for (;;) {
    ssize_t n = ::read(in, buf.data(), buf.size());
    if (n < 0) bench::Die("read " + from);
    if (n == 0) break;
    if (::write(out, buf.data(), static_cast<size_t>(n)) != n) bench::Die("write " + to);
  }
  double secs = SecondsSince(t0);
  ::close(in);
  ::close(out);
  return secs;
}

double ReadAll(client::FileSystem* fs, const std::string& path, ::alluxio::grpc::ReadPType type,
               std::string* buffer) {
  client::fsopts::OpenFilePOptions o;
  o.set_read_type(type);
  auto t0 = Clock::now();
  auto in = fs->Open(path, o);
  if (!in.ok()) Die(in.status(), "open");
  for (;;) {
    auto n = (*in)->Read(buffer->data(), buffer->size());
    if (!n.ok()) Die(n.status(), "read");
    if (*n == 0) break;
  }
  return SecondsSince(t0);
}

}  // namespace
}  // namespace alluxio::bench

int main(int argc, char** argv) {
  using namespace alluxio;
  using namespace alluxio::bench;
  Flags flags(argc, argv);
  const int64_t size = flags.GetInt("size", int64_t{1} << 30);
  const int64_t block = flags.GetInt("block", int64_t{64} << 20);
  const int64_t preads = flags.GetInt("preads", 200000);
  std::string buffer(static_cast<size_t>(flags.GetInt("buffer", 4 << 20)), 'a');
  const std::vector<std::string> phases = flags.GetList("phases", "read-sc,read-rpc,cold,pread");
  const std::string ramdisk = flags.Get("ramdisk", "/dev/shm");
  auto run = [&](const char* phase) {
    return std::find(phases.begin(), phases.end(), phase) != phases.end();
  };
  {
    std::mt19937_64 rng(1);
    for (char& c : buffer) c = static_cast<char>(rng());
  }

  if (const int64_t n = flags.GetInt("restart_blocks", 0); n > 0) {
    testing::MiniClusterOptions ro;
    ro.num_workers = 1;
    ro.worker_quota = "64GB";
    ro.worker_storage_root = "/dev/shm";
    auto c = testing::MiniCluster::Start(ro);
    if (!c.ok()) Die(c.status(), "cluster");
    Status s = (*c)->StopWorker(0);
    std::string data_dir = (*c)->worker_dir(0) + "/alluxioworker";
    std::filesystem::create_directories(data_dir);
    for (int64_t i = 1; i <= n; ++i) {
      std::string p = fmt::format("{}/{}", data_dir, (i << 24));
      int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd < 0 || ::write(fd, "x", 1) != 1) Die(InternalError(p), "create block file");
      ::close(fd);
    }
    auto t_list = Clock::now();
    int64_t listed = 0;
    for (const auto& e : std::filesystem::directory_iterator(data_dir)) {
      listed += e.is_regular_file() && e.file_size() > 0 ? 1 : 0;
    }
    double list_secs = SecondsSince(t_list);
    auto t0 = Clock::now();
    s = (*c)->StartWorker(0, /*wait_registered=*/false);  // block store open, RPCs served
    if (!s.ok()) Die(s, "start worker");
    double serving = SecondsSince(t0);
    std::printf(
        "worker restart with %lld blocks: serving after %.2f s (%.0f blocks/s); "
        "listing+stat of the files alone: %.2f s. Registration with the master follows "
        "(the worker logs \"registered with the master\"); the synthetic blocks belong "
        "to no file, so the master then frees them all.\n",
        static_cast<long long>(listed), serving, n / serving, list_secs);
    std::fflush(stdout);
    (*c)->worker(0)->WaitRegistered(60000).IgnoreError();
    return 0;
  }

  testing::MiniClusterOptions o;
  o.num_workers = 1;
  o.worker_quota = fmt::format("{}B", 3 * size + (256 << 20));
  o.worker_storage_root = ramdisk;
  o.properties["alluxio.user.block.size.bytes.default"] = std::to_string(block);
  const int64_t chunk = flags.GetInt("chunk", 1 << 20);
  o.properties["alluxio.user.streaming.reader.chunk.size.bytes"] = std::to_string(chunk);
  o.worker_properties["alluxio.worker.network.reader.max.chunk.size.bytes"] =
      std::to_string(std::max<int64_t>(chunk, 2 << 20));
  auto cluster = testing::MiniCluster::Start(o);
  if (!cluster.ok()) Die(cluster.status(), "cluster");
  client::FileSystem* fs = (*cluster)->client();
  auto remote_fs = (*cluster)->NewClient({{"alluxio.user.short.circuit.enabled", "false"}});
  if (!remote_fs.ok()) Die(remote_fs.status(), "client");

  std::printf("data_bench: size %.2f GiB, block %lld MiB, buffer %zu KiB\n", size / double(1 << 30),
              static_cast<long long>(block >> 20), buffer.size() >> 10);

  // write
  std::string shm = ramdisk + "/data_bench_baseline";
  double base_w = WriteLocal(shm, size, buffer);
  std::filesystem::remove(shm);
  base_w = std::min(base_w, WriteLocal(shm, size, buffer));
  std::filesystem::remove(shm);
  auto t0 = Clock::now();
  {
    client::fsopts::CreateFilePOptions co;
    co.set_write_type(::alluxio::grpc::MUST_CACHE);
    auto out = fs->Create("/cached", co);
    if (!out.ok()) Die(out.status(), "create");
    for (int64_t done = 0; done < size;) {
      size_t n = std::min<int64_t>(buffer.size(), size - done);
      Status s = (*out)->Write(std::string_view(buffer.data(), n));
      if (!s.ok()) Die(s, "write");
      done += n;
    }
    Status s = (*out)->Close();
    if (!s.ok()) Die(s, "close");
  }
  double w = SecondsSince(t0);
  std::printf("write MUST_CACHE     %6.2f GiB/s   /dev/shm write %6.2f GiB/s   ratio %.2f\n",
              Gib(size, w), Gib(size, base_w), base_w / w);

  // Where the cached file's blocks are (block files, or ranges of one packed file), for the
  // direct baselines: each distinct file read once, and positioned reads at each block's offset.
  auto st = fs->GetStatus("/cached");
  if (!st.ok()) Die(st.status(), "status");
  std::vector<std::string> files;
  std::vector<std::pair<std::string, int64_t>> blocks;  // path, offset
  for (int64_t id : st->block_ids()) {
    auto info = (*cluster)->worker(0)->block_store()->GetBlockInfo(id);
    if (!info.ok()) Die(info.status(), "block info");
    if (files.empty() || files.back() != info->path) files.push_back(info->path);
    blocks.emplace_back(info->path, info->offset);
  }
  if (run("read-sc")) {
    double base_r = ReadLocal(files, &buffer);
    double sc = ReadAll(fs, "/cached", ::alluxio::grpc::CACHE, &buffer);
    base_r = std::min(base_r, ReadLocal(files, &buffer));
    std::printf("read short-circuit   %6.2f GiB/s   block files    %6.2f GiB/s   ratio %.2f\n",
                Gib(size, sc), Gib(size, base_r), base_r / sc);
  }

  // --repeat=N measures the remote and the cold read N times, each right after its baselines,
  // and ends with the median of each ratio: this VM's figures swing by a third from one second
  // to the next, and one pair of runs says little.
  const int repeat = static_cast<int>(std::max<int64_t>(1, flags.GetInt("repeat", 1)));
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.size() % 2 == 1 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
  };
  if (run("read-rpc")) {
    const int64_t chunk_bytes = flags.GetInt("chunk", 1 << 20);
    std::vector<double> to_tcp, to_bare, to_tcp_file;
    for (int r = 0; r < repeat; ++r) {
      double tcp = LoopbackTcp(size, buffer.size());
      double rpc = ReadAll(remote_fs->get(), "/cached", ::alluxio::grpc::CACHE, &buffer);
      std::printf("read remote (gRPC)   %6.2f GiB/s   loopback TCP   %6.2f GiB/s   ratio %.2f\n",
                  Gib(size, rpc), Gib(size, tcp), tcp / rpc);
      double bare = BareGrpcStream(size, static_cast<size_t>(chunk_bytes), &buffer);
      std::printf(
          "  bare gRPC stream   %6.2f GiB/s   (%.2f of TCP; the remote read is %.2f of it)\n",
          Gib(size, bare), tcp / bare, bare / rpc);
      double tcp_file = LoopbackTcp(size, buffer.size(), &files, static_cast<size_t>(chunk_bytes));
      std::printf(
          "  TCP from the block files %6.2f GiB/s   (%.2f of TCP: %lld KiB preads sent as they "
          "come; the remote read is %.2f of it)\n",
          Gib(size, tcp_file), tcp / tcp_file, static_cast<long long>(chunk_bytes >> 10),
          tcp_file / rpc);
      to_tcp.push_back(tcp / rpc);
      to_bare.push_back(bare / rpc);
      to_tcp_file.push_back(tcp_file / rpc);
    }
    if (repeat > 1) {
      std::printf(
          "  median of %d: remote read %.2f of TCP, %.2f of the bare gRPC stream, %.2f of TCP "
          "from the block files\n",
          repeat, median(to_tcp), median(to_bare), median(to_tcp_file));
    }
  }

  // cold: a file only in the UFS (a new one for each repeat, deleted after it)
  if (run("cold")) {
    const bool drop = flags.GetBool("drop_caches");
    auto drop_caches = [&] {
      if (!drop) return;
      ::sync();
      std::ofstream("/proc/sys/vm/drop_caches") << "1\n";
    };
    std::vector<double> to_direct;
    for (int r = 0; r < repeat; ++r) {
      const std::string name = r == 0 ? "/cold" : fmt::format("/cold{}", r);
      const std::string ufs_file = (*cluster)->ufs_root() + name;
      WriteLocal(ufs_file, size, buffer);
      // The direct read is timed before and after the read through the worker and the faster
      // of the two is the baseline: a disk shared with other machines' I/O varies by 2-3x from
      // one second to the next, and the faster figure is the stricter one.
      drop_caches();
      double base_c = ReadLocal({ufs_file}, &buffer);
      drop_caches();
      const double cpu0 = CpuSeconds();
      double cold = ReadAll(fs, name, ::alluxio::grpc::CACHE, &buffer);
      double cold_cpu = CpuSeconds() - cpu0;
      drop_caches();
      base_c = std::min(base_c, ReadLocal({ufs_file}, &buffer));
      std::printf("cold read (CACHE)    %6.2f GiB/s   UFS file%s %6.2f GiB/s   ratio %.2f\n",
                  Gib(size, cold), drop ? " (disk)" : "       ", Gib(size, base_c), base_c / cold);
      // Whether the read through the worker is bound by the CPU (2 cores here) or waits: CPU
      // seconds of the whole process (master, worker, client) per second.
      std::printf("  cpu: cold read %.2f cores (%.2f s)\n", cold_cpu / cold, cold_cpu);
      const std::string copy = ramdisk + "/data_bench_copy";
      drop_caches();
      double base_copy = CopyLocal(ufs_file, copy, 2 << 20);
      std::filesystem::remove(copy);
      std::printf(
          "  UFS file copied into the ramdisk %6.2f GiB/s (%.2f of the direct read; the cold "
          "read is %.2f of the copy)\n",
          Gib(size, base_copy), base_c / base_copy, base_copy / cold);
      to_direct.push_back(base_c / cold);
      Status d = fs->Delete(name);  // the UFS file and the cached blocks
      if (!d.ok()) Die(d, "delete");
    }
    if (repeat > 1) {
      std::printf("  median of %d: cold read %.2f of the direct read\n", repeat, median(to_direct));
    }
  }

  // 4 KiB random preads
  if (run("pread")) {
    auto in = fs->Open("/cached");
    if (!in.ok()) Die(in.status(), "open");
    std::mt19937_64 rng(7);
    char buf[4096];
    auto t1 = Clock::now();
    for (int64_t i = 0; i < preads; ++i) {
      int64_t pos = static_cast<int64_t>(rng() % (size - 4096)) & ~int64_t{4095};
      auto n = (*in)->PositionedRead(pos, buf, sizeof(buf));
      if (!n.ok()) Die(n.status(), "pread");
    }
    double ours = preads / SecondsSince(t1);
    std::vector<int> fds;
    for (const auto& [path, offset] : blocks) fds.push_back(::open(path.c_str(), O_RDONLY));
    auto t2 = Clock::now();
    for (int64_t i = 0; i < preads; ++i) {
      int64_t pos = static_cast<int64_t>(rng() % (size - 4096)) & ~int64_t{4095};
      const auto b = static_cast<size_t>(pos / block);
      if (::pread(fds[b], buf, sizeof(buf), blocks[b].second + pos % block) < 0) std::exit(1);
    }
    double direct = preads / SecondsSince(t2);
    for (int fd : fds) ::close(fd);
    std::printf("4KiB pread           %8.0f IOPS   block files  %8.0f IOPS   ratio %.2f\n", ours,
                direct, ours / direct);
  }
  return 0;
}
