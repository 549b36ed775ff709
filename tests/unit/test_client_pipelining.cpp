// client: what on_connect_queued() publishes goes out in CONNECT's write, and the CONNACK still
// decides how the client ends (publish_before_connack).
#include "client_loopback.hpp"
#include "mqtk/client/client.hpp"
#include "mqtk/net/url.hpp"
#include "mqtk/protocol/error.hpp"

#include <boost/asio/io_context.hpp>
#include <doctest/doctest.h>

#include <optional>
#include <vector>

using namespace std::chrono_literals;
namespace asio = boost::asio;
using mqtk::client::close_kind;
using mqtk::client::close_reason;
using mqtk::test::run_until;
using bytes = std::vector<std::uint8_t>;

namespace {

const bytes connect_v5{0x10, 0x14, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x02, 0x00, 0x3C, 0x00,
                       0x00, 0x07, 'p', 'i', 'p', 'e', 'l', 'i', 'n'};
const bytes publish_qos0{0x30, 0x08, 0x00, 0x03, 'a', '/', 'b', 0x00, 'h', 'i'};
const bytes disconnect_v5{0xE0, 0x00};

// Publishes "hi" on a/b at QoS 0 before the CONNACK, says goodbye after it.
struct handler final : mqtk::client::client_handler {
  mqtk::client::client *c = nullptr;
  std::optional<std::error_code> publish_error;
  int queued_calls = 0;
  bool connected = false;
  std::optional<close_reason> closed;
  void on_connect_queued() override {
    ++queued_calls;
    mqtk::protocol::publish p;
    p.topic = "a/b";
    p.payload = mqtk::protocol::as_bytes(std::string_view("hi"));
    publish_error = c->publish(p).error;
  }
  void on_connected(const mqtk::protocol::connack &, bool) override {
    connected = true;
    c->disconnect();
  }
  void on_closed(const close_reason &why) override { closed = why; }
};

mqtk::client::client_options options_for(std::uint16_t port, bool pipelined) {
  mqtk::client::client_options o;
  o.endpoint = mqtk::net::parse_url("mqtt://127.0.0.1:" + std::to_string(port)).value;
  o.session.client_id = "pipelin";
  o.session.publish_before_connack = pipelined;
  o.version_pinned = true;
  o.reconnect.enabled = false;
  o.linger = 300ms;
  o.transport.connect_timeout = 500ms;
  return o;
}

bytes joined(std::initializer_list<bytes> parts) {
  bytes out;
  for (const bytes &part : parts)
    out.insert(out.end(), part.begin(), part.end());
  return out;
}

// One run against a loopback broker that answers the first read with reply (nothing if empty).
struct run {
  asio::io_context io;
  mqtk::test::loopback_broker broker;
  handler h;
  mqtk::client::client c;
  std::vector<bytes> received_by_read; // what the broker had after each of its reads
  run(bytes reply, bool pipelined)
      : broker(io,
               [this, reply](int n) {
                 received_by_read.push_back(broker.received);
                 return n == 1 ? reply : bytes{};
               }),
        c(io, options_for(broker.port(), pipelined), h) {
    h.c = &c;
    c.start();
    REQUIRE(run_until(io, [&] { return h.closed.has_value(); }, 5s));
  }
};

} // namespace

TEST_CASE("client: a PUBLISH from on_connect_queued shares CONNECT's write") {
  run r(mqtk::test::connack_success, true);
  CHECK(r.h.queued_calls == 1);
  CHECK_FALSE(*r.h.publish_error);
  REQUIRE_FALSE(r.received_by_read.empty());
  CHECK(r.received_by_read[0] == joined({connect_v5, publish_qos0})); // one segment
  CHECK(r.broker.received == joined({connect_v5, publish_qos0, disconnect_v5}));
  CHECK(r.h.connected);
  CHECK(r.h.closed->kind == close_kind::normal); // the broker never closed: linger ended it
}

TEST_CASE("client: a CONNACK refusal after a pipelined PUBLISH ends the client as refused") {
  run r({0x20, 0x03, 0x00, 0x87, 0x00}, true);
  CHECK(r.broker.received == joined({connect_v5, publish_qos0}));
  CHECK_FALSE(r.h.connected);
  CHECK(r.h.closed->kind == close_kind::refused);
}

TEST_CASE("client: a pipelined PUBLISH still waits for the CONNACK, within the connect timeout") {
  run r({}, true);
  CHECK(r.broker.received == joined({connect_v5, publish_qos0}));
  CHECK(r.h.closed->kind == close_kind::connect);
  CHECK(r.h.closed->message.find("no CONNACK") != std::string::npos);
}

TEST_CASE("client: without publish_before_connack nothing goes before the CONNACK") {
  run r(mqtk::test::connack_success, false);
  CHECK(*r.h.publish_error == mqtk::protocol::errc::not_connected);
  REQUIRE_FALSE(r.received_by_read.empty());
  CHECK(r.received_by_read[0] == connect_v5);
  CHECK(r.broker.received == joined({connect_v5, disconnect_v5}));
  CHECK(r.h.connected);
}
