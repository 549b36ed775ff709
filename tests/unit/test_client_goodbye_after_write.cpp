// A connection ended by a broker's protocol error while a PUBLISH is still being written: the
// write completes and the DISCONNECT naming the error follows it, instead of a reset that loses
// both.
#include "client_loopback.hpp"
#include "mqtk/client/client.hpp"
#include "mqtk/net/url.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <doctest/doctest.h>

#include <optional>
#include <vector>

using namespace std::chrono_literals;
namespace asio = boost::asio;
using clock_type = std::chrono::steady_clock;
using mqtk::client::close_kind;
using mqtk::client::close_reason;

using mqtk::test::run_until;

namespace {

// Answers CONNECT with a CONNACK, and as soon as more bytes arrive (the start of a PUBLISH) sends a
// packet of the reserved type 0, while it keeps reading everything.
std::vector<std::uint8_t> rude_replies(int read_number) {
  if (read_number == 1)
    return mqtk::test::connack_success;
  if (read_number == 2)
    return {0x00, 0x00}; // packet type 0: malformed
  return {};
}

struct handler final : mqtk::client::client_handler {
  bool connected = false;
  std::optional<close_reason> closed;
  void on_connected(const mqtk::protocol::connack &, bool) override { connected = true; }
  void on_closed(const close_reason &why) override { closed = why; }
};


} // namespace

TEST_CASE("client goodbye: a protocol error during a PUBLISH write sends DISCONNECT 0x81 after it") {
  asio::io_context io;
  mqtk::test::loopback_broker broker(io, rude_replies);
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
