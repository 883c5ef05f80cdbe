// SPDX-License-Identifier: Apache-2.0
// The only file that includes Boost.Asio/Beast (they compile slowly). Exceptions of Asio are not
// used: every call takes an error_code.
#include <utility>  // before Asio: Boost 1.74 needs std::exchange under C++20

#include "proxy/http_server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <list>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "common/strings.h"

namespace alluxio::proxy {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

// Bodies this small are read and dropped when a handler answers without reading them, so the
// connection can be kept; larger ones close it.
constexpr uint64_t kMaxDrain = 4 << 20;
// How long a connection may wait for its next request.
constexpr int kIdleTimeoutMs = 60000;

// One connection's state shared by its reader and writer.
struct Exchange {
  tcp::socket* socket;
  boost::beast::flat_buffer* buffer;
  http::request_parser<http::buffer_body>* parser;
  bool expect_continue = false;  // the client waits for "100 Continue" before sending the body
  bool head = false;
  bool keep_alive = true;
  bool started = false;
  bool failed = false;  // the connection is unusable
};

class BeastBodyReader : public BodyReader {
 public:
  explicit BeastBodyReader(Exchange* x) : x_(x) {}

  Result<size_t> Read(char* buf, size_t n) override {
    if (x_->parser->is_done() || n == 0) return size_t{0};
    if (x_->expect_continue) {
      x_->expect_continue = false;
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      boost::system::error_code ec;
      asio::write(*x_->socket, asio::buffer(kContinue.data(), kContinue.size()), ec);
      if (ec) return Fail(ec);
    }
    auto& body = x_->parser->get().body();
    body.data = buf;
    body.size = n;
    boost::system::error_code ec;
    http::read(*x_->socket, *x_->buffer, *x_->parser, ec);
    if (ec == http::error::need_buffer) ec = {};
    if (ec) return Fail(ec);
    return n - body.size;
  }

  int64_t content_length() const override {
    auto len = x_->parser->content_length();
    return len ? static_cast<int64_t>(*len) : -1;
  }

 private:
  Result<size_t> Fail(const boost::system::error_code& ec) {
    x_->failed = true;
    return UnavailableError(fmt::format("reading the request body: {}", ec.message()));
  }
  Exchange* x_;
};

class BeastResponseWriter : public ResponseWriter {
 public:
  explicit BeastResponseWriter(Exchange* x) : x_(x) {}

  Status Send(int status, const Headers& headers, std::string_view body) override {
    RETURN_IF_ERROR(Header(status, headers, static_cast<int64_t>(body.size())));
    if (x_->head || body.empty()) return Flush({});
    return Flush(body);
  }

  Status Begin(int status, const Headers& headers, int64_t content_length) override {
    RETURN_IF_ERROR(Header(status, headers, content_length));
    return Flush({});
  }

  Status Write(std::string_view chunk) override {
    boost::system::error_code ec;
    asio::write(*x_->socket, asio::buffer(chunk.data(), chunk.size()), ec);
    if (ec) {
      x_->failed = true;
      return UnavailableError(fmt::format("writing the response: {}", ec.message()));
    }
    return Status();
  }

  bool started() const override { return x_->started; }

 private:
  Status Header(int status, const Headers& headers, int64_t content_length) {
    if (x_->started) return InternalError("response already started");
    x_->started = true;
    // A body the handler did not read: drop a small one (unless the client still waits for
    // 100 Continue and will not send it), else close the connection after this response.
    if (!x_->parser->is_done()) {
      auto len = x_->parser->content_length_remaining();
      if (!x_->expect_continue && len && *len <= kMaxDrain) {
        std::string sink(64 << 10, '\0');
        while (!x_->parser->is_done()) {
          auto& b = x_->parser->get().body();
          b.data = sink.data();
          b.size = sink.size();
          boost::system::error_code ec;
          http::read(*x_->socket, *x_->buffer, *x_->parser, ec);
          if (ec == http::error::need_buffer) ec = {};
          if (ec) {
            x_->failed = true;
            break;
          }
        }
      }
      if (!x_->parser->is_done()) x_->keep_alive = false;
    }
    auto reason = http::obsolete_reason(http::int_to_status(static_cast<unsigned>(status)));
    header_ =
        fmt::format("HTTP/1.1 {} {}\r\n", status, std::string_view(reason.data(), reason.size()));
    for (const auto& [name, value] : headers) {
      header_ += name;
      header_ += ": ";
      header_ += value;
      header_ += "\r\n";
    }
    const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    header_ += fmt::format("Content-Length: {}\r\nDate: {}\r\nServer: AlluxioProxy\r\n",
                           content_length, HttpDate(now_ms));
    if (!x_->keep_alive) header_ += "Connection: close\r\n";
    header_ += "\r\n";
    return Status();
  }

  Status Flush(std::string_view body) {
    std::array<asio::const_buffer, 2> bufs{asio::buffer(header_.data(), header_.size()),
                                           asio::buffer(body.data(), body.size())};
    boost::system::error_code ec;
    asio::write(*x_->socket, bufs, ec);
    if (ec) {
      x_->failed = true;
      return UnavailableError(fmt::format("writing the response: {}", ec.message()));
    }
    return Status();
  }

  Exchange* x_;
  std::string header_;
};

}  // namespace

struct HttpServer::Impl {
  Options options;
  Handler handler;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  int port = 0;
  std::thread accept_thread;
  std::atomic<bool> stopping{false};

  struct Connection {
    tcp::socket socket;
    std::thread thread;
    std::atomic<bool> done{false};
    explicit Connection(tcp::socket s) : socket(std::move(s)) {}
  };
  std::mutex mu;
  std::list<std::unique_ptr<Connection>> connections;  // GUARDED_BY(mu)

  void AcceptLoop() {
    while (!stopping) {
      boost::system::error_code ec;
      tcp::socket socket(io);
      acceptor.accept(socket, ec);
      if (stopping) break;
      if (ec) {
        if (ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor ||
            ec == asio::error::invalid_argument) {
          break;
        }
        continue;  // e.g. the client went away
      }
      socket.set_option(tcp::no_delay(true), ec);
      std::lock_guard<std::mutex> lock(mu);
      Reap();
      if (connections.size() >= static_cast<size_t>(options.max_connections)) {
        static const std::string kBusyBody =
            "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message>"
            "</Error>";
        static const std::string kBusy = fmt::format(
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/xml\r\n"
            "Content-Length: {}\r\nConnection: close\r\n\r\n{}",
            kBusyBody.size(), kBusyBody);
        asio::write(socket, asio::buffer(kBusy.data(), kBusy.size()), ec);
        socket.shutdown(tcp::socket::shutdown_both, ec);
        continue;
      }
      auto c = std::make_unique<Connection>(std::move(socket));
      Connection* raw = c.get();
      connections.push_back(std::move(c));
      raw->thread = std::thread([this, raw] {
        Serve(raw->socket);
        raw->done = true;
      });
    }
  }

  // Joins finished connection threads. REQUIRES: mu held.
  void Reap() {
    for (auto it = connections.begin(); it != connections.end();) {
      if ((*it)->done) {
        (*it)->thread.join();
        it = connections.erase(it);
      } else {
        ++it;
      }
    }
  }

  void Serve(tcp::socket& socket) {
    boost::beast::flat_buffer buffer;
    for (;;) {
      // An idle keep-alive connection is closed after kIdleTimeoutMs (it holds a thread).
      if (buffer.size() == 0) {
        pollfd p{socket.native_handle(), POLLIN, 0};
        if (::poll(&p, 1, kIdleTimeoutMs) <= 0) break;
      }
      http::request_parser<http::buffer_body> parser;
      parser.body_limit(std::numeric_limits<std::uint64_t>::max());
      parser.header_limit(64 << 10);
      boost::system::error_code ec;
      http::read_header(socket, buffer, parser, ec);
      if (ec) break;  // end of stream, or a request we cannot parse
      auto& msg = parser.get();
      HttpRequest req;
      req.method = std::string(msg.method_string());
      req.target = std::string(msg.target());
      size_t q = req.target.find('?');
      req.path = req.target.substr(0, q);
      if (q != std::string::npos) req.query = req.target.substr(q + 1);
      for (const auto& field : msg) {
        std::string_view v(field.value().data(), field.value().size());
        req.headers.emplace(
            AsciiLower(std::string_view(field.name_string().data(), field.name_string().size())),
            std::string(v));
      }
      Exchange x;
      x.socket = &socket;
      x.buffer = &buffer;
      x.parser = &parser;
      x.head = req.method == "HEAD";
      x.keep_alive = msg.keep_alive();
      x.expect_continue = AsciiLower(req.Header("expect")) == "100-continue";
      BeastBodyReader body(&x);
      BeastResponseWriter writer(&x);
      req.body = &body;
      Status s = handler(req, writer);
      if (!writer.started()) {
        spdlog::error("{} {}: no response ({})", req.method, req.target, s.ToString());
        writer.Send(500, {}, "").IgnoreError();  // the connection closes below anyway
        break;
      }
      if (!s.ok() || x.failed || !x.keep_alive || !parser.is_done()) break;
    }
    // Closed when the Connection is destroyed (after its thread is joined), so that Stop never
    // shuts down a descriptor number that was reused meanwhile.
    boost::system::error_code ec;
    socket.shutdown(tcp::socket::shutdown_both, ec);
  }
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Stop(); }

int HttpServer::port() const { return impl_->port; }

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const Options& options, Handler handler) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->handler = std::move(handler);
  boost::system::error_code ec;
  auto address = asio::ip::make_address(options.bind_host, ec);
  if (ec) {
    return InvalidArgumentError(
        fmt::format("Bad bind address '{}': {}", options.bind_host, ec.message()));
  }
  tcp::endpoint endpoint(address, static_cast<unsigned short>(options.port));
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return UnavailableError(
        fmt::format("Cannot listen on {}:{}: {}", options.bind_host, options.port, ec.message()));
  }
  impl->port = impl->acceptor.local_endpoint().port();
  Impl* raw = impl.get();
  impl->accept_thread = std::thread([raw] { raw->AcceptLoop(); });
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

void HttpServer::Stop() {
  if (!impl_ || impl_->stopping.exchange(true)) return;
  // shutdown() wakes a thread blocked in accept() or read() on the descriptor.
  ::shutdown(impl_->acceptor.native_handle(), SHUT_RDWR);
  if (impl_->accept_thread.joinable()) impl_->accept_thread.join();
  boost::system::error_code ec;
  impl_->acceptor.close(ec);
  std::lock_guard<std::mutex> lock(impl_->mu);
  for (auto& c : impl_->connections) {
    if (!c->done) ::shutdown(c->socket.native_handle(), SHUT_RDWR);
  }
  for (auto& c : impl_->connections) c->thread.join();
  impl_->connections.clear();
}

}  // namespace alluxio::proxy
