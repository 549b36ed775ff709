// Session: QoS 0/1/2 flows in both directions, duplicate suppression, packet ids.
#include "session_fixture.hpp"

#include "mqtk/protocol/error.hpp"
#include "mqtk/protocol/packet_id_pool.hpp"

#include <set>

using namespace mqtk;
using namespace mqtk::test;
using protocol::qos;
using protocol::reason_code;
using strings = std::vector<std::string>;

TEST_CASE("session: outbound QoS 0, 1 and 2") {
  session_fixture f;
  f.connect();
  SUBCASE("QoS 0 is sent and forgotten") {
    auto r = f.s.publish(make_publish("a/b", "hi", qos::at_most_once), f.now);
    CHECK_FALSE(r.error);
    CHECK(r.packet_id == 0);
    CHECK(f.sent() == strings{"30 08 00 03 61 2F 62 00 68 69"}); // PUBLISH "a/b", no properties, "hi"
    CHECK(f.s.inflight() == 0);
  }
  SUBCASE("QoS 1 completes on PUBACK") {
    auto r = f.s.publish(make_publish("a/b", "hi", qos::at_least_once), f.now);
    CHECK(r.packet_id == 1);
    CHECK(f.sent() == strings{"32 0A 00 03 61 2F 62 00 01 00 68 69"}); // PUBLISH QoS 1, id 1
    CHECK(f.s.inflight() == 1);
    f.broker_sends("40 02 0001");
    CHECK(f.handler.kinds() == "connack done");
    CHECK(f.handler.events[1].packet_id == 1);
    CHECK(f.s.inflight() == 0);
  }
  SUBCASE("QoS 1 with a failure reason is reported") {
    f.s.publish(make_publish("a/b", "hi", qos::at_least_once), f.now);
    f.broker_sends("40 03 0001 87"); // not authorized
    REQUIRE(f.handler.events.size() == 2);
    CHECK(f.handler.events[1].reason == reason_code::not_authorized);
  }
  SUBCASE("QoS 2 goes PUBLISH, PUBREC, PUBREL, PUBCOMP") {
    auto r = f.s.publish(make_publish("a/b", "hi", qos::exactly_once), f.now);
    CHECK(f.sent() == strings{"34 0A 00 03 61 2F 62 00 01 00 68 69"});
    f.broker_sends("50 02 0001");
    CHECK(f.sent() == strings{"62 02 00 01"}); // PUBREL id 1
    CHECK(f.handler.kinds() == "connack");
    f.broker_sends("50 02 0001"); // a repeated PUBREC is answered again
    CHECK(f.sent() == strings{"62 02 00 01"});
    f.broker_sends("70 02 0001");
    CHECK(f.handler.kinds() == "connack done");
    CHECK(f.handler.events[1].packet_id == r.packet_id);
    CHECK(f.s.inflight() == 0);
  }
  SUBCASE("QoS 2 refused at PUBREC ends the flow without PUBREL") {
    f.s.publish(make_publish("a/b", "hi", qos::exactly_once), f.now);
    f.sent();
    f.broker_sends("50 03 0001 97"); // quota exceeded
    CHECK(f.sent().empty());
    CHECK(f.handler.kinds() == "connack done");
    CHECK(f.handler.events[1].reason == reason_code::quota_exceeded);
  }
  SUBCASE("unknown acknowledgements are ignored") {
    f.broker_sends("40 02 0009");
    f.broker_sends("70 02 0009");
    CHECK(f.handler.kinds() == "connack");
    CHECK(f.s.state() == protocol::session_state::connected);
  }
  SUBCASE("an invalid topic is refused before anything is sent") {
    CHECK(f.s.publish(make_publish("a/+", "x", qos::at_most_once), f.now).error ==
          protocol::errc::invalid_argument);
    CHECK(f.s.publish(make_publish("", "x", qos::at_most_once), f.now).error == protocol::errc::invalid_argument);
    CHECK(f.sent().empty());
  }
}

TEST_CASE("session: an acknowledgement that contradicts the message's QoS is a protocol error") {
  session_fixture f;
  f.connect();
  auto expect_protocol_error = [&] {
    CHECK(f.handler.kinds() == "connack error");
    CHECK(f.handler.events.back().error == protocol::errc::protocol_error);
    CHECK(f.sent() == strings{"E0 01 82"}); // DISCONNECT, protocol error; no PUBREL
    CHECK(f.s.state() == protocol::session_state::closing);
  };
  SUBCASE("PUBACK for a QoS 2 message") {
    f.s.publish(make_publish("a/b", "hi", qos::exactly_once), f.now);
    CHECK(f.sent() == strings{"34 0A 00 03 61 2F 62 00 01 00 68 69"}); // PUBLISH QoS 2, id 1
    f.broker_sends("40 02 0001");                                      // PUBACK id 1
    expect_protocol_error();
  }
  SUBCASE("PUBREC for a QoS 1 message") {
    f.s.publish(make_publish("a/b", "hi", qos::at_least_once), f.now);
    CHECK(f.sent() == strings{"32 0A 00 03 61 2F 62 00 01 00 68 69"}); // PUBLISH QoS 1, id 1
    f.broker_sends("50 02 0001");                                      // PUBREC id 1
    expect_protocol_error();
  }
  SUBCASE("PUBCOMP for a QoS 1 message") {
    f.s.publish(make_publish("a/b", "hi", qos::at_least_once), f.now);
    f.sent();
    f.broker_sends("70 02 0001"); // PUBCOMP id 1
    expect_protocol_error();
  }
  SUBCASE("PUBCOMP before PUBREC") {
    f.s.publish(make_publish("a/b", "hi", qos::exactly_once), f.now);
    f.sent();
    f.broker_sends("70 02 0001"); // PUBCOMP id 1, no PUBREC yet
    expect_protocol_error();
  }
  SUBCASE("a failing PUBREC after a successful one") {
    f.s.publish(make_publish("a/b", "hi", qos::exactly_once), f.now);
    f.sent();
    f.broker_sends("50 02 0001");
    CHECK(f.sent() == strings{"62 02 00 01"}); // PUBREL id 1
    f.broker_sends("50 03 0001 80");           // PUBREC id 1, unspecified error
    expect_protocol_error();
  }
  SUBCASE("the other messages in flight are not completed") {
    f.s.publish(make_publish("a/b", "hi", qos::at_least_once), f.now);
    f.s.publish(make_publish("a/b", "hi", qos::exactly_once), f.now);
    f.sent();
    f.broker_sends("40 02 0002 40 02 0001"); // PUBACK for the QoS 2 id 2, then a valid one for id 1
    expect_protocol_error();                 // processing stops at the first
  }
}

TEST_CASE("session: 3.1.1 PUBACK for a QoS 2 message closes without DISCONNECT") {
  session_fixture f(session_fixture::defaults(protocol::protocol_version::v311));
  f.connect("20 02 00 00");
  f.s.publish(make_publish("a/b", "hi", qos::exactly_once), f.now);
  CHECK(f.sent() == strings{"34 09 00 03 61 2F 62 00 01 68 69"});
  f.broker_sends("40 02 0001");
  CHECK(f.handler.kinds() == "connack error");
  CHECK(f.handler.events[1].error == protocol::errc::protocol_error);
  CHECK(f.sent().empty()); // 3.1.1 has no client DISCONNECT with a reason: just close
  CHECK(f.s.state() == protocol::session_state::closing);
}

TEST_CASE("session: a PUBREC for an id not in flight is answered, not an error") {
  session_fixture f;
  f.connect();
  f.broker_sends("50 02 0009");
  CHECK(f.sent() == strings{"62 02 00 09"}); // PUBREL id 9 (what Mosquitto's client does too)
  f.broker_sends("50 03 0009 80");           // a failing one ends nothing
  CHECK(f.sent().empty());
  CHECK(f.handler.kinds() == "connack");
  CHECK(f.s.state() == protocol::session_state::connected);
}

TEST_CASE("session: inbound QoS 0, 1 and 2") {
  session_fixture f;
  f.connect();
  SUBCASE("QoS 0 is delivered") {
    f.broker_sends("30 08 0003 612F62 00 6869");
    CHECK(f.handler.kinds() == "connack message");
    CHECK(f.handler.events[1].topic == "a/b");
    CHECK(f.handler.events[1].payload == "hi");
    CHECK(f.sent().empty());
  }
  SUBCASE("QoS 1 is delivered and acknowledged") {
    f.broker_sends("32 0A 0003 612F62 0007 00 6869");
    CHECK(f.handler.kinds() == "connack message");
    CHECK(f.sent() == strings{"40 02 00 07"});
  }
  SUBCASE("QoS 2 is delivered once; duplicates get PUBREC only") {
    f.broker_sends("34 0A 0003 612F62 0007 00 6869");
    CHECK(f.sent() == strings{"50 02 00 07"});
    f.broker_sends("3C 0A 0003 612F62 0007 00 6869"); // DUP resend before PUBREL
    CHECK(f.sent() == strings{"50 02 00 07"});
    CHECK(f.handler.kinds() == "connack message");
    f.broker_sends("62 02 0007");
    CHECK(f.sent() == strings{"70 02 00 07"});
    f.broker_sends("34 0A 0003 612F62 0007 00 6869"); // same id after the flow ended: a new message
    CHECK(f.handler.kinds() == "connack message message");
  }
  SUBCASE("PUBREL for an unknown id gets PUBCOMP 0x92") {
    f.broker_sends("62 02 0009");
    CHECK(f.sent() == strings{"70 03 00 09 92"});
  }
}

TEST_CASE("session: 3.1.1 QoS 1 has no properties") {
  session_fixture f(session_fixture::defaults(protocol::protocol_version::v311));
  f.connect("20 02 00 00");
  f.s.publish(make_publish("a/b", "hi", qos::at_least_once), f.now);
  CHECK(f.sent() == strings{"32 09 00 03 61 2F 62 00 01 68 69"});
  f.broker_sends("62 02 0004");
  CHECK(f.sent() == strings{"70 02 00 04"}); // 3.1.1 PUBCOMP has no reason code
}

TEST_CASE("session: packet ids are never reused while in flight") {
  session_fixture f;
  f.connect();
  std::set<std::uint16_t> ids;
  for (int i = 0; i < 300; ++i)
    ids.insert(f.s.publish(make_publish("t", "x", qos::at_least_once), f.now).packet_id);
  CHECK(ids.size() == 300);
  CHECK(ids.count(0) == 0);
  f.broker_sends("40 02 0001"); // free id 1
  auto next = f.s.publish(make_publish("t", "x", qos::at_least_once), f.now).packet_id;
  CHECK(next == 301); // cycling: the freed id is not handed out at once
}

TEST_CASE("packet_id_pool: exhausts at 65535 and reuses released ids") {
  protocol::packet_id_pool pool;
  std::set<std::uint16_t> seen;
  for (int i = 0; i < 65535; ++i) {
    auto id = pool.acquire();
    REQUIRE(id);
    seen.insert(*id);
  }
  CHECK(seen.size() == 65535);
  CHECK_FALSE(pool.acquire());
  pool.release(5);
  CHECK_FALSE(pool.in_use(5));
  CHECK(pool.acquire() == std::optional<std::uint16_t>(5));
  CHECK_FALSE(pool.claim(5));
  pool.clear();
  CHECK(pool.claim(5));
}
