// Session: Receive Maximum in both directions and topic aliases in both directions.
#include "session_fixture.hpp"

#include "mqtk/protocol/error.hpp"

using namespace mqtk;
using namespace mqtk::test;
using protocol::qos;
using strings = std::vector<std::string>;

TEST_CASE("session: the broker's Receive Maximum bounds our in-flight window") {
  session_fixture f;
  f.connect("20 06 00 00 03 21 0002"); // receive maximum 2
  CHECK(f.s.publish(make_publish("t", "x", qos::at_least_once), f.now).packet_id == 1);
  CHECK(f.s.publish(make_publish("t", "x", qos::exactly_once), f.now).packet_id == 2);
  CHECK_FALSE(f.s.can_publish_qos());
  CHECK(f.s.publish(make_publish("t", "x", qos::at_least_once), f.now).error == protocol::errc::would_block);
  CHECK(f.s.publish(make_publish("t", "x", qos::at_most_once), f.now).error == std::error_code{}); // QoS 0 is not counted
  f.broker_sends("40 02 0001");
  CHECK(f.s.can_publish_qos());
  CHECK(f.s.publish(make_publish("t", "x", qos::at_least_once), f.now).packet_id == 3);
}

TEST_CASE("session: our max_inflight bounds the window too") {
  auto o = session_fixture::defaults();
  o.max_inflight = 1;
  session_fixture f(o);
  f.connect();
  CHECK_FALSE(f.s.publish(make_publish("t", "x", qos::at_least_once), f.now).error);
  CHECK(f.s.publish(make_publish("t", "x", qos::at_least_once), f.now).error == protocol::errc::would_block);
}

TEST_CASE("session: a broker exceeding our Receive Maximum gets DISCONNECT 0x93") {
  auto o = session_fixture::defaults();
  o.receive_maximum = 1;
  session_fixture f(o);
  f.connect();
  f.broker_sends("34 08 0001 74 0001 00 6869"); // QoS 2 id 1, topic "t"
  CHECK(f.sent() == strings{"50 02 00 01"});
  f.broker_sends("34 08 0001 74 0002 00 6869"); // QoS 2 id 2 before PUBREL of id 1
  CHECK(f.handler.kinds() == "connack message error");
  CHECK(f.handler.events[2].error == protocol::errc::receive_maximum_exceeded);
  CHECK(f.sent() == strings{"E0 01 93"});
}

TEST_CASE("session: inbound topic aliases") {
  auto o = session_fixture::defaults();
  o.topic_alias_maximum = 2;
  session_fixture f(o);
  f.connect();
  f.broker_sends("30 0B 0003 612F62 03 23 0001 6869"); // "a/b", alias 1
  f.broker_sends("30 08 0000 03 23 0001 6A6F");        // alias 1 only
  REQUIRE(f.handler.kinds() == "connack message message");
  CHECK(f.handler.events[1].topic == "a/b");
  CHECK(f.handler.events[2].topic == "a/b");
  CHECK(f.handler.events[2].payload == "jo");
  SUBCASE("alias above our maximum: 0x94") {
    f.broker_sends("30 08 0000 03 23 0003 6869");
    CHECK(f.handler.events.back().error == protocol::errc::topic_alias_invalid);
    CHECK(f.sent() == strings{"E0 01 94"});
  }
  SUBCASE("alias never defined: protocol error") {
    f.broker_sends("30 08 0000 03 23 0002 6869");
    CHECK(f.handler.events.back().error == protocol::errc::protocol_error);
    CHECK(f.sent() == strings{"E0 01 82"});
  }
}

TEST_CASE("session: outbound topic aliases for repeated topics") {
  auto o = session_fixture::defaults();
  o.outbound_topic_aliases = true;
  session_fixture f(o);
  f.connect("20 06 00 00 03 22 0001"); // topic alias maximum 1
  f.s.publish(make_publish("a/b", "hi", qos::at_most_once), f.now);
  f.s.publish(make_publish("a/b", "hi", qos::at_most_once), f.now);
  f.s.publish(make_publish("c", "hi", qos::at_most_once), f.now);
  CHECK(f.sent() == strings{"30 0B 00 03 61 2F 62 03 23 00 01 68 69", // topic + alias 1
                            "30 08 00 00 03 23 00 01 68 69",          // alias 1 only
                            "30 06 00 01 63 00 68 69"});              // no alias left: plain
}

TEST_CASE("session: SUBSCRIBE and UNSUBSCRIBE") {
  session_fixture f;
  f.connect();
  protocol::subscribe sub;
  protocol::subscribe_options options;
  options.max_qos = qos::at_least_once;
  options.no_local = true;
  sub.subscriptions.push_back({"a/#", options});
  auto r = f.s.subscribe(sub, f.now);
  CHECK(r.packet_id == 1);
  CHECK(f.sent() == strings{"82 09 00 01 00 00 03 61 2F 23 05"}); // id 1, no props, "a/#", QoS 1 + no local
  SUBCASE("SUBACK reaches the handler") {
    f.broker_sends("90 04 0001 00 01");
    CHECK(f.handler.kinds() == "connack suback");
    CHECK(f.handler.events[1].reason == protocol::reason_code::granted_qos_1);
  }
  SUBCASE("SUBACK with the wrong number of codes is a protocol error") {
    f.broker_sends("90 05 0001 00 01 01");
    CHECK(f.handler.kinds() == "connack error");
  }
  SUBCASE("UNSUBSCRIBE") {
    protocol::unsubscribe unsub;
    unsub.filters.push_back("a/#");
    CHECK(f.s.unsubscribe(unsub, f.now).packet_id == 2);
    CHECK(f.sent() == strings{"A2 08 00 02 00 00 03 61 2F 23"});
    f.broker_sends("B0 04 0002 00 00");
    CHECK(f.handler.kinds() == "connack unsuback");
  }
  SUBCASE("invalid filters are refused") {
    protocol::subscribe bad;
    bad.subscriptions.push_back({"a/#/b", {}});
    CHECK(f.s.subscribe(bad, f.now).error == protocol::errc::invalid_argument);
  }
}
