// Session: keepalive PINGREQ deadlines and the PINGRESP timeout, with an injected clock.
#include "session_fixture.hpp"

#include "mqtk/protocol/error.hpp"

using namespace mqtk;
using namespace mqtk::test;
using namespace std::chrono_literals;
using strings = std::vector<std::string>;

TEST_CASE("session: keepalive") {
  session_fixture f;
  f.connect();
  REQUIRE(f.s.next_deadline());
  CHECK(*f.s.next_deadline() == f.now + 60s);

  f.advance(59s);
  f.s.tick(f.now);
  CHECK(f.sent().empty());

  SUBCASE("traffic both ways moves the deadline") {
    f.s.publish(make_publish("a", "x", protocol::qos::at_most_once), f.now);
    f.sent();
    f.broker_sends("30 05 0001 61 00 78"); // PUBLISH QoS 0 "a": "x"
    f.advance(30s); // 89 s
    f.s.tick(f.now);
    CHECK(f.sent().empty());
    CHECK(*f.s.next_deadline() == protocol::time_point{} + 119s);
  }
  SUBCASE("sending alone does not: a silent broker gets a PINGREQ after the interval") {
    // A QoS 0 publisher writes all the time; without this it would never notice a dead broker.
    f.s.publish(make_publish("a", "x", protocol::qos::at_most_once), f.now);
    f.sent();
    CHECK(*f.s.next_deadline() == protocol::time_point{} + 60s);
    f.advance(1s); // 60 s: nothing received since the CONNACK
    f.s.tick(f.now);
    CHECK(f.sent() == strings{"C0 00"});
  }
  SUBCASE("PINGREQ when due, PINGRESP clears the wait") {
    f.advance(1s); // 60 s
    f.s.tick(f.now);
    CHECK(f.sent() == strings{"C0 00"});
    CHECK(*f.s.next_deadline() == f.now + 60s);
    f.broker_sends("D0 00");
    f.advance(60s);
    f.s.tick(f.now);
    CHECK(f.sent() == strings{"C0 00"});
    CHECK(f.handler.kinds() == "connack");
  }
  SUBCASE("no PINGRESP in time fails with a timeout") {
    f.advance(1s);
    f.s.tick(f.now);
    f.sent();
    f.advance(59s);
    f.s.tick(f.now);
    CHECK(f.handler.kinds() == "connack");
    f.advance(1s);
    f.s.tick(f.now);
    CHECK(f.handler.kinds() == "connack error");
    CHECK(f.handler.events[1].error == protocol::errc::timeout);
    CHECK(f.s.state() == protocol::session_state::closing);
  }
}

TEST_CASE("session: server keep alive overrides ours; zero disables") {
  session_fixture f;
  f.connect("20 06 00 00 03 13 0000"); // server keep alive 0
  CHECK_FALSE(f.s.next_deadline());
  f.advance(1000s);
  f.s.tick(f.now);
  CHECK(f.sent().empty());
}
