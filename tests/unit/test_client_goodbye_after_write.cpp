// A connection ended by a broker's protocol error while a PUBLISH is still being written: the
// write completes and the DISCONNECT naming the error follows it, instead of a reset that loses
// both.
#include "client_loopback.hpp"
#include "mqtk/client/client.hpp"
#include "mqtk/net/url.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <doctest/doctest.h>

#include <array>
#include <functional>
#include <optional>
#include <vector>

using namespace std::chrono_literals;
namespace asio = boost::asio;
using clock_type = std::chrono::steady_clock;
using mqtk::client::close_kind;
using mqtk::client::close_reason;

using mqtk::test::run_until;

namespace {

// Accepts one connection, answers CONNECT with a CONNACK, and as soon as more bytes arrive (the
// start of a PUBLISH) sends a packet of the reserved type 0, while it keeps reading everything.
struct rude_broker {
  explicit rude_broker(asio::io_context &io) : acceptor(io), socket(io) {
    mqtk::test::listen_on_loopback(acceptor);
    acceptor.async_accept(socket, [this](const boost::system::error_code &ec) {
      if (!ec)
        read();
    });
  }
  std::uint16_t port() const { return acceptor.local_endpoint().port(); }

  void read() {
    socket.async_read_some(asio::buffer(chunk_), [this](const boost::system::error_code &ec, std::size_t n) {
      if (ec) {
        closed = true;
        return;
      }
      received.insert(received.end(), chunk_.begin(), chunk_.begin() + static_cast<std::ptrdiff_t>(n));
      ++reads_;
      if (reads_ == 1)
        asio::async_write(socket, asio::buffer(connack_), [](const boost::system::error_code &, std::size_t) {});
      else if (reads_ == 2)
        asio::async_write(socket, asio::buffer(reserved_), [](const boost::system::error_code &, std::size_t) {});
      read();
    });
  }

  asio::ip::tcp::acceptor acceptor;
  asio::ip::tcp::socket socket;
  std::vector<std::uint8_t> received;
  bool closed = false;

private:
  int reads_ = 0;
  std::array<std::uint8_t, 64 * 1024> chunk_{};
  std::array<std::uint8_t, 5> connack_{0x20, 0x03, 0x00, 0x00, 0x00}; // CONNACK 5.0, success
  std::array<std::uint8_t, 2> reserved_{0x00, 0x00};                  // packet type 0: malformed
};

struct handler final : mqtk::client::client_handler {
  bool connected = false;
  std::optional<close_reason> closed;
  void on_connected(const mqtk::protocol::connack &, bool) override { connected = true; }
  void on_closed(const close_reason &why) override { closed = why; }
};


} // namespace

TEST_CASE("client goodbye: a protocol error during a PUBLISH write sends DISCONNECT 0x81 after it") {
  asio::io_context io;
  rude_broker broker(io);
  handler h;
  mqtk::client::client_options o;
  o.endpoint = mqtk::net::parse_url("mqtt://127.0.0.1:" + std::to_string(broker.port())).value;
  o.session.client_id = "goodbye";
  o.version_pinned = true;
  o.reconnect.enabled = false;
  mqtk::client::client c(io, o, h);
  c.start();
  REQUIRE(run_until(
      io, [&] { return h.connected || h.closed; }, 5s));
  REQUIRE(h.connected);
  const std::vector<std::uint8_t> payload(8 * 1024 * 1024, 'p'); // many reads on the broker's side
  mqtk::protocol::publish p;
  p.topic = "goodbye/big";
  p.payload = {payload.data(), payload.size()};
  REQUIRE_FALSE(c.publish(p).error);
  REQUIRE(run_until(
      io, [&] { return h.closed.has_value() && broker.closed; }, 10s));
  CHECK(h.closed->kind == close_kind::protocol);
  INFO(h.closed->message);
  CHECK(h.closed->message.find("packet type 0") != std::string::npos);
  REQUIRE(broker.received.size() > payload.size());
  // The last packet on the wire is DISCONNECT (0xE0) with reason 0x81 Malformed Packet, whole.
  const std::vector<std::uint8_t> tail(broker.received.end() - 3, broker.received.end());
  CHECK(tail == std::vector<std::uint8_t>{0xE0, 0x01, 0x81});
  CHECK(broker.received.size() > payload.size() + 3);
}
