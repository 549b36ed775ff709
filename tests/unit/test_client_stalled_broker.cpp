// The client against a loopback broker that stops reading (TCP zero window): the keepalive failure,
// the write timeout, disconnect() and the CONNACK deadline each end the connection in bounded time
// although a write is pending, instead of waiting for that write forever.
#include "client_loopback.hpp"
#include "mqtk/client/client.hpp"
#include "mqtk/net/url.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <doctest/doctest.h>

#include <array>
#include <optional>

using namespace std::chrono_literals;
namespace asio = boost::asio;
using clock_type = std::chrono::steady_clock;
using mqtk::client::close_kind;
using mqtk::client::close_reason;

using mqtk::test::run_until;

namespace {

// Accepts one connection with a small receive buffer, reads the first bytes (the start of
// CONNECT), answers with a CONNACK (unless told not to) and never reads again.
struct stalled_broker {
  stalled_broker(asio::io_context &io, bool send_connack) : acceptor(io), socket(io), connack_(send_connack) {
    mqtk::test::listen_on_loopback(acceptor, 4096);
    acceptor.async_accept(socket, [this](const boost::system::error_code &ec) {
      if (!ec && connack_)
        socket.async_read_some(asio::buffer(first_),
                               [this](const boost::system::error_code &rec, std::size_t) {
                                 if (!rec)
                                   asio::async_write(socket, asio::buffer(connack_bytes_),
                                                     [](const boost::system::error_code &, std::size_t) {});
                               });
    });
  }
  std::uint16_t port() const { return acceptor.local_endpoint().port(); }

  asio::ip::tcp::acceptor acceptor;
  asio::ip::tcp::socket socket;

private:
  bool connack_;
  std::array<std::uint8_t, 16> first_{};
  std::array<std::uint8_t, 5> connack_bytes_{0x20, 0x03, 0x00, 0x00, 0x00}; // CONNACK 5.0, success
};

struct handler final : mqtk::client::client_handler {
  bool connected = false;
  std::optional<close_reason> closed;
  clock_type::time_point closed_at{};
  void on_connected(const mqtk::protocol::connack &, bool) override { connected = true; }
  void on_closed(const close_reason &why) override {
    closed = why;
    closed_at = clock_type::now();
  }
};

mqtk::client::client_options options_for(std::uint16_t port, std::uint16_t keep_alive) {
  mqtk::client::client_options o;
  o.endpoint = mqtk::net::parse_url("mqtt://127.0.0.1:" + std::to_string(port)).value;
  o.session.client_id = "stalled";
  o.session.keep_alive = keep_alive;
  o.version_pinned = true;
  o.reconnect.enabled = false;
  o.transport.connect_timeout = 5s;
  return o;
}


// A QoS 0 message larger than both sides' socket buffers: its write cannot complete.
mqtk::protocol::publish big_message(const std::vector<std::uint8_t> &payload) {
  mqtk::protocol::publish p;
  p.topic = "stalled/big";
  p.payload = {payload.data(), payload.size()};
  return p;
}

const std::vector<std::uint8_t> payload(32 * 1024 * 1024, 'x');

} // namespace

TEST_CASE(
    "client stalled broker: a keepalive failure ends the connection within a short grace despite the pending write") {
  asio::io_context io;
  stalled_broker broker(io, true);
  handler h;
  auto o = options_for(broker.port(), 1);
  o.write_timeout = 1h; // only the keepalive can notice
  mqtk::client::client c(io, o, h);
  c.start();
  REQUIRE(run_until(
      io, [&] { return h.connected || h.closed; }, 5s));
  REQUIRE(h.connected);
  const auto sent_at = clock_type::now();
  REQUIRE_FALSE(c.publish(big_message(payload)).error);
  // PINGREQ is due 1 s after the last packet, PINGRESP 1 s after that.
  REQUIRE(run_until(
      io, [&] { return h.closed.has_value(); }, 5s));
  CHECK(h.closed_at - sent_at < 3s);
  CHECK(h.closed->kind == close_kind::lost);
  CHECK(h.closed->message == "connection lost: no PINGRESP within the keepalive interval");
}

TEST_CASE("client stalled broker: a write pending for 1.5 x the keepalive loses the connection") {
  asio::io_context io;
  stalled_broker broker(io, true);
  handler h;
  mqtk::client::client c(io, options_for(broker.port(), 1), h);
  c.start();
  REQUIRE(run_until(
      io, [&] { return h.connected || h.closed; }, 5s));
  REQUIRE(h.connected);
  const auto sent_at = clock_type::now();
  REQUIRE_FALSE(c.publish(big_message(payload)).error);
  REQUIRE(run_until(
      io, [&] { return h.closed.has_value(); }, 5s));
  CHECK(h.closed_at - sent_at >= 1400ms);
  CHECK(h.closed_at - sent_at < 2500ms);
  CHECK(h.closed->kind == close_kind::lost);
  CHECK(h.closed->message ==
        "connection lost: connection to 127.0.0.1:" + std::to_string(broker.port()) +
            " lost: the broker stopped reading (a write did not complete within 1500 ms)");
}

TEST_CASE("client stalled broker: disconnect() gives up on a write the broker does not take after linger") {
  asio::io_context io;
  stalled_broker broker(io, true);
  handler h;
  auto o = options_for(broker.port(), 60);
  o.linger = 500ms;
  mqtk::client::client c(io, o, h);
  c.start();
  REQUIRE(run_until(
      io, [&] { return h.connected || h.closed; }, 5s));
  REQUIRE(h.connected);
  REQUIRE_FALSE(c.publish(big_message(payload)).error);
  run_until(
      io, [] { return false; }, 200ms); // the socket buffers fill up
  const auto asked_at = clock_type::now();
  c.disconnect();
  REQUIRE(run_until(
      io, [&] { return h.closed.has_value(); }, 5s));
  CHECK(h.closed_at - asked_at >= 400ms);
  CHECK(h.closed_at - asked_at < 1500ms);
  CHECK(h.closed->kind == close_kind::normal);
}

TEST_CASE("client stalled broker: the CONNACK deadline ends a connection whose CONNECT cannot be written") {
  asio::io_context io;
  stalled_broker broker(io, false); // never reads, never answers
  handler h;
  auto o = options_for(broker.port(), 60);
  o.transport.connect_timeout = 500ms;
  const std::string value(60'000, 'v'); // a CONNECT larger than the socket buffers: 9 MB of user properties
  for (int i = 0; i < 150; ++i)
    o.session.connect_properties.add_user_property("k", value);
  mqtk::client::client c(io, o, h);
  const auto started_at = clock_type::now();
  c.start();
  REQUIRE(run_until(
      io, [&] { return h.closed.has_value(); }, 5s));
  CHECK(h.closed_at - started_at < 1500ms);
  CHECK(h.closed->kind == close_kind::connect);
  CHECK(h.closed->message == "no CONNACK within the connect timeout");
  CHECK_FALSE(h.connected);
}
