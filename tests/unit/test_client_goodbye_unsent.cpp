// A connection we are closing ends normally either way, but the close reason says whether our
// DISCONNECT was written first: a broker that reset the connection before it never saw the
// goodbye (for it the connection was lost, and it publishes the will), and mqtk-bench counts it
// as lost.
#include "client_loopback.hpp"
#include "mqtk/client/client.hpp"
#include "mqtk/net/url.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <doctest/doctest.h>

#include <optional>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
namespace asio = boost::asio;
using mqtk::client::close_kind;
using mqtk::client::close_reason;
using mqtk::test::run_until;

namespace {

// Answers CONNECT with a CONNACK, then only reads.
std::vector<std::uint8_t> connack_only(int read_number) {
  return read_number == 1 ? mqtk::test::connack_success : std::vector<std::uint8_t>{};
}

struct handler final : mqtk::client::client_handler {
  bool connected = false;
  std::optional<close_reason> closed;
  void on_connected(const mqtk::protocol::connack &, bool) override { connected = true; }
  void on_closed(const close_reason &why) override { closed = why; }
};

mqtk::client::client_options options_for(std::uint16_t port) {
  mqtk::client::client_options o;
  o.endpoint = mqtk::net::parse_url("mqtt://127.0.0.1:" + std::to_string(port)).value;
  o.session.client_id = "goodbye-unsent";
  o.version_pinned = true;
  o.reconnect.enabled = false;
  return o;
}

// A client connected to a loopback broker that answers with connack_only, for one test case.
struct connected_client {
  asio::io_context io;
  mqtk::test::loopback_broker broker{io, connack_only};
  handler h;
  mqtk::client::client c{io, options_for(broker.port()), h};
  connected_client() {
    c.start();
    REQUIRE(run_until(io, [&] { return h.connected || h.closed; }, 5s));
    REQUIRE(h.connected);
  }
};

} // namespace

TEST_CASE("client goodbye: a DISCONNECT written before the broker closes is a plain normal close") {
  connected_client t;
  t.c.disconnect();
  REQUIRE(run_until(t.io, [&] { return t.h.closed.has_value() && t.broker.closed; }, 5s));
  CHECK(t.h.closed->kind == close_kind::normal);
  CHECK_FALSE(t.h.closed->goodbye_unsent);
  REQUIRE(t.broker.received.size() >= 2);
  CHECK(std::vector<std::uint8_t>(t.broker.received.end() - 2, t.broker.received.end()) ==
        std::vector<std::uint8_t>{0xE0, 0x00});
}

TEST_CASE("client goodbye: a reset that arrived before our DISCONNECT was written is marked unsent") {
  connected_client t;
  t.broker.reset();
  std::this_thread::sleep_for(50ms); // the RST reaches the client's socket; its loop has not seen it yet
  t.c.disconnect();
  REQUIRE(run_until(t.io, [&] { return t.h.closed.has_value(); }, 5s));
  CHECK(t.h.closed->kind == close_kind::normal);
  CHECK(t.h.closed->goodbye_unsent);
}
