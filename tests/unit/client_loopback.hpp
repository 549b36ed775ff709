#pragma once

// Shared helpers for the client tests that run a hand-written broker on a loopback port in the
// test's own io_context.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <functional>
#include <optional>

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

} // namespace mqtk::test
