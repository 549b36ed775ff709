#pragma once

// Shared helpers for the client tests that run a hand-written broker on a loopback port in the
// test's own io_context.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace mqtk::test {

// Opens acceptor on 127.0.0.1 with a free port (receive_buffer, when given, is set before listen
// so accepted sockets inherit it).
inline void listen_on_loopback(boost::asio::ip::tcp::acceptor &acceptor, std::optional<int> receive_buffer = {}) {
  const boost::asio::ip::tcp::endpoint endpoint(boost::asio::ip::make_address("127.0.0.1"), 0);
  acceptor.open(endpoint.protocol());
  if (receive_buffer)
    acceptor.set_option(boost::asio::socket_base::receive_buffer_size(*receive_buffer));
  acceptor.bind(endpoint);
  acceptor.listen();
}

// Runs io one handler at a time until done() or limit has passed; returns done().
inline bool run_until(boost::asio::io_context &io, const std::function<bool()> &done,
                      std::chrono::milliseconds limit = std::chrono::seconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_one_for(std::chrono::milliseconds(20));
  }
  return done();
}

// A hand-written broker for one connection: keeps reading and recording everything the client
// sends, and after read number n (from 1) writes replies(n) back, when it returns bytes.
struct loopback_broker {
  using replies_fn = std::function<std::vector<std::uint8_t>(int read_number)>;
  loopback_broker(boost::asio::io_context &io, replies_fn replies)
      : acceptor(io), socket(io), replies_(std::move(replies)) {
    listen_on_loopback(acceptor);
    acceptor.async_accept(socket, [this](const boost::system::error_code &ec) {
      if (!ec)
        read();
    });
  }
  std::uint16_t port() const { return acceptor.local_endpoint().port(); }

  // Closes the connection with RST (linger 0), as a cut path or a crashing broker does.
  void reset() {
    socket.set_option(boost::asio::socket_base::linger(true, 0));
    socket.close();
  }

  boost::asio::ip::tcp::acceptor acceptor;
  boost::asio::ip::tcp::socket socket;
  std::vector<std::uint8_t> received;
  bool closed = false;

private:
  void read() {
    socket.async_read_some(boost::asio::buffer(chunk_), [this](const boost::system::error_code &ec, std::size_t n) {
      if (ec) {
        closed = true;
        return;
      }
      received.insert(received.end(), chunk_.begin(), chunk_.begin() + static_cast<std::ptrdiff_t>(n));
      if (auto reply = replies_(++reads_); !reply.empty()) {
        auto bytes = std::make_shared<std::vector<std::uint8_t>>(std::move(reply));
        boost::asio::async_write(socket, boost::asio::buffer(*bytes),
                                 [bytes](const boost::system::error_code &, std::size_t) {});
      }
      read();
    });
  }

  replies_fn replies_;
  int reads_ = 0;
  std::array<std::uint8_t, 64 * 1024> chunk_{};
};

// CONNACK 5.0, success: the first reply of most loopback brokers.
inline const std::vector<std::uint8_t> connack_success{0x20, 0x03, 0x00, 0x00, 0x00};

} // namespace mqtk::test
