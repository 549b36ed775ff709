#pragma once

// Loopback echo servers on the test's io_context: plain TCP or Unix stream (any Asio stream
// protocol) and TLS over TCP. Header-only test support.

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

namespace net_test {

namespace asio = boost::asio;

// Echoes every byte back; closes a connection when the client closes or when close_all() is called.
template <class Socket> class echo_session : public std::enable_shared_from_this<echo_session<Socket>> {
public:
  explicit echo_session(Socket socket) : socket_(std::move(socket)) {}
  // Starts echoing.
  void start() { read(); }
  // Closes the connection (the client sees EOF).
  void close() {
    boost::system::error_code ec;
    socket_.lowest_layer().close(ec);
  }
  Socket &socket() { return socket_; }
  std::size_t bytes = 0; // echoed so far
  std::size_t reads = 0; // read completions

private:
  void read() {
    socket_.async_read_some(asio::buffer(buffer_), [self = this->shared_from_this()](auto ec, std::size_t n) {
      if (ec) {
        self->close();
        return;
      }
      ++self->reads;
      self->bytes += n;
      asio::async_write(self->socket_, asio::buffer(self->buffer_.data(), n), [self](auto wec, std::size_t) {
        if (!wec)
          self->read();
      });
    });
  }

  Socket socket_;
  std::array<std::uint8_t, 65536> buffer_{};
};

// Accepts on a listening acceptor and echoes on each connection.
template <class Protocol> class echo_server {
public:
  using socket_type = typename Protocol::socket;
  // Listens on endpoint.
  echo_server(asio::io_context &io, const typename Protocol::endpoint &endpoint) : acceptor_(io, endpoint) {
    accept();
  }
  // The bound endpoint (port chosen by the OS for port 0).
  typename Protocol::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }
  // Closes every accepted connection.
  void close_all() {
    for (auto &s : sessions)
      s->close();
  }
  std::vector<std::shared_ptr<echo_session<socket_type>>> sessions;

private:
  void accept() {
    acceptor_.async_accept([this](auto ec, socket_type socket) {
      if (ec)
        return;
      auto session = std::make_shared<echo_session<socket_type>>(std::move(socket));
      sessions.push_back(session);
      session->start();
      accept();
    });
  }

  typename Protocol::acceptor acceptor_;
};

// A TCP echo server on 127.0.0.1 with an OS-chosen port.
struct tcp_echo_server : echo_server<asio::ip::tcp> {
  explicit tcp_echo_server(asio::io_context &io)
      : echo_server(io, {asio::ip::make_address("127.0.0.1"), 0}) {}
  // The chosen port.
  std::uint16_t port() const { return local_endpoint().port(); }
};

} // namespace net_test
