// Session: publish_before_connack, a PUBLISH queued right behind CONNECT (pipelining).
#include "session_fixture.hpp"

#include "mqtk/protocol/error.hpp"

using namespace mqtk;
using namespace mqtk::test;
using protocol::qos;
using protocol::session_state;
using strings = std::vector<std::string>;

namespace {

constexpr const char *connect_c1 = "10 0F 00 04 4D 51 54 54 05 02 00 3C 00 00 02 63 31";
constexpr const char *publish_qos0 = "30 08 00 03 61 2F 62 00 68 69";
constexpr const char *publish_qos1_id1 = "32 0A 00 03 61 2F 62 00 01 00 68 69";
constexpr const char *disconnect_v5 = "E0 00";

protocol::session_options pipelined() {
  auto o = session_fixture::defaults();
  o.publish_before_connack = true;
  return o;
}

} // namespace

TEST_CASE("session: without publish_before_connack a publish while connecting is refused") {
  session_fixture f;
  f.s.start(f.now);
  CHECK(f.s.publish(make_publish("a/b", "hi", qos::at_most_once), f.now).error == protocol::errc::not_connected);
  CHECK(f.sent() == strings{connect_c1});
}

TEST_CASE("session: a QoS 1 publish goes right behind CONNECT and completes after CONNACK") {
  session_fixture f(pipelined());
  f.s.start(f.now);
  CHECK(f.s.can_publish_qos());
  const auto sent = f.s.publish(make_publish("a/b", "hi", qos::at_least_once), f.now);
  REQUIRE_FALSE(sent.error);
  CHECK(sent.packet_id == 1);
  CHECK(f.sent() == strings{connect_c1, publish_qos1_id1});
  f.broker_sends("20 03 00 00 00 40 02 00 01"); // CONNACK and PUBACK in one read
  CHECK(f.handler.kinds() == "connack done");
  CHECK(f.sent().empty()); // not resent: it went out on this connection
  CHECK(f.s.inflight() == 0);
}

TEST_CASE("session: a message sent before a CONNACK with session present is not resent with DUP") {
  auto options = pipelined();
  options.clean_start = false;
  options.session_expiry = 60;
  session_fixture f(options);
  f.s.start(f.now);
  f.s.publish(make_publish("a/b", "hi", qos::at_least_once), f.now);
  f.sent();
  f.broker_sends("20 03 01 00 00");
  CHECK(f.sent().empty());
  CHECK(f.s.inflight() == 1);
  CHECK(f.handler.kinds() == "connack");
}

TEST_CASE("session: a QoS 0 publish goes behind CONNECT; the DISCONNECT waits for the CONNACK") {
  session_fixture f(pipelined());
  f.s.start(f.now);
  REQUIRE_FALSE(f.s.publish(make_publish("a/b", "hi", qos::at_most_once), f.now).error);
  CHECK(f.sent() == strings{connect_c1, publish_qos0});
  f.broker_sends("20 03 00 00 00");
  CHECK(f.s.state() == session_state::connected);
  f.s.disconnect({}, f.now);
  CHECK(f.sent() == strings{disconnect_v5});
}

TEST_CASE("session: disconnect() before the CONNACK sends nothing, pipelining or not") {
  session_fixture f(pipelined());
  f.s.start(f.now);
  f.sent();
  f.s.disconnect({}, f.now);
  CHECK(f.s.state() == session_state::closing);
  CHECK(f.sent().empty());
  CHECK(f.s.publish(make_publish("a/b", "hi", qos::at_most_once), f.now).error == protocol::errc::not_connected);
}

TEST_CASE("session: a refused CONNECT forgets the messages sent behind it, without reporting them lost") {
  session_fixture f(pipelined());
  f.s.start(f.now);
  f.s.publish(make_publish("a/b", "hi", qos::at_least_once), f.now);
  f.sent();
  f.broker_sends("20 03 00 84 00"); // unsupported protocol version
  f.s.connection_closed(f.now);
  CHECK(f.handler.kinds() == "connack");
  CHECK(f.s.inflight() == 0);
  f.s.set_version(protocol::protocol_version::v311);
  f.s.start(f.now);
  const auto again = f.s.publish(make_publish("a/b", "hi", qos::at_least_once), f.now);
  CHECK(again.packet_id == 2); // the pool moves on; id 1 is free again, not in flight
  CHECK(f.sent() == strings{"10 0E 00 04 4D 51 54 54 04 02 00 3C 00 02 63 31", "32 09 00 03 61 2F 62 00 02 68 69"});
  f.broker_sends("20 02 00 00");
  CHECK(f.s.inflight() == 1);
  CHECK(f.sent().empty());
}

TEST_CASE("session: a connection lost before CONNACK forgets the early messages too") {
  session_fixture f(pipelined());
  f.s.start(f.now);
  f.s.publish(make_publish("a/b", "hi", qos::exactly_once), f.now);
  f.s.connection_closed(f.now);
  CHECK(f.s.inflight() == 0);
  CHECK(f.handler.kinds().empty());
}

TEST_CASE("session: no publish before CONNACK with enhanced authentication") {
  session_fixture f(pipelined());
  f.s.start(f.now, "SCRAM-SHA-256", protocol::as_bytes("n,,n=u,r=x"));
  CHECK_FALSE(f.s.can_publish_qos());
  CHECK(f.s.publish(make_publish("a/b", "hi", qos::at_most_once), f.now).error == protocol::errc::not_connected);
  CHECK(f.sent().size() == 1); // CONNECT only
}

TEST_CASE("session: no publish before CONNACK while an earlier connection's message waits for its resend") {
  auto options = pipelined();
  options.session_expiry = 60;
  session_fixture f(options);
  f.connect();
  f.s.publish(make_publish("a/b", "hi", qos::at_least_once), f.now);
  f.sent();
  f.s.connection_closed(f.now);
  f.s.start(f.now);
  CHECK(f.s.publish(make_publish("a/b", "hi", qos::at_least_once), f.now).error == protocol::errc::not_connected);
  f.sent();
  f.broker_sends("20 03 01 00 00");
  CHECK(f.sent() == strings{"3A 0A 00 03 61 2F 62 00 01 00 68 69"}); // the resend, DUP
}

TEST_CASE("session: limit_refusal names what the CONNACK forbids for a message already sent") {
  session_fixture f(pipelined());
  f.s.start(f.now);
  f.sent();
  f.broker_sends("20 0C 00 00 09 24 01 25 00 27 00 00 00 10"); // Maximum QoS 1, no retain, 16-byte packets
  REQUIRE(f.s.state() == session_state::connected);
  CHECK_FALSE(f.s.limit_refusal(make_publish("a/b", "hi", qos::at_least_once)));
  CHECK(f.s.limit_refusal(make_publish("a/b", "hi", qos::exactly_once)) == protocol::errc::qos_not_supported);
  auto retained = make_publish("a/b", "hi", qos::at_most_once);
  retained.retain = true;
  CHECK(f.s.limit_refusal(retained) == protocol::errc::retain_not_supported);
  CHECK(f.s.limit_refusal(make_publish("a/b", "nine byte", qos::at_most_once)) == protocol::errc::packet_too_large);
  CHECK_FALSE(f.s.limit_refusal(make_publish("a/b", "eight by", qos::at_most_once))); // 16 bytes
  CHECK(f.s.limit_refusal(make_publish("a/b", "eight by", qos::at_least_once)) == protocol::errc::packet_too_large);
}
