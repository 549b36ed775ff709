// Session: the response timeout. A broker that keeps the connection (answers PINGREQ) but never
// acknowledges a QoS 1/2 PUBLISH, SUBSCRIBE or UNSUBSCRIBE fails the session with no_response; the
// clock runs only while nothing of ours is being written and while we read.
#include "session_fixture.hpp"

#include "mqtk/protocol/error.hpp"

using namespace mqtk;
using namespace mqtk::test;
using namespace std::chrono_literals;
using strings = std::vector<std::string>;

namespace {

protocol::session_options with_timeout(std::chrono::milliseconds timeout, std::uint16_t keep_alive = 60) {
  auto o = session_fixture::defaults();
  o.response_timeout = timeout;
  o.keep_alive = keep_alive;
  return o;
}

// Publishes a QoS 1 message and completes its write at the fixture's current time.
void publish_written(session_fixture &f) {
  REQUIRE_FALSE(f.s.publish(make_publish("a", "x", protocol::qos::at_least_once), f.now).error);
  f.sent();
  f.s.output_written(f.now);
}

} // namespace

TEST_CASE("session response timeout: an unacknowledged QoS 1 PUBLISH fails the session") {
  session_fixture f(with_timeout(30s));
  f.connect();
  CHECK(*f.s.next_deadline() == f.now + 60s); // nothing awaited: only the keepalive
  publish_written(f);
  CHECK(f.s.awaiting_response());
  REQUIRE(f.s.next_deadline());
  CHECK(*f.s.next_deadline() == f.now + 30s);
  f.advance(29'999ms);
  f.s.tick(f.now);
  CHECK(f.handler.kinds() == "connack");
  f.advance(1ms);
  f.s.tick(f.now);
  CHECK(f.handler.kinds() == "connack error");
  CHECK(f.handler.events[1].error == protocol::errc::no_response);
  CHECK(f.sent() == strings{"E0 01 80"}); // DISCONNECT, unspecified error
}

TEST_CASE("session response timeout: an acknowledgement restarts the clock") {
  session_fixture f(with_timeout(30s));
  f.connect();
  publish_written(f); // packet id 1 at 0 s
  f.advance(20s);
  publish_written(f); // packet id 2 at 20 s: a written request restarts the clock too
  f.advance(25s);
  f.broker_sends("40 02 00 01"); // PUBACK 1 at 45 s
  f.s.tick(f.now);
  CHECK(*f.s.next_deadline() == f.now + 30s);
  f.advance(29s);
  f.s.tick(f.now);
  CHECK(f.handler.kinds() == "connack done");
  f.advance(1s);
  f.s.tick(f.now);
  CHECK(f.handler.kinds() == "connack done error");
}

TEST_CASE("session response timeout: the clock stops while our output is being written") {
  session_fixture f(with_timeout(30s, 0));
  f.connect();
  REQUIRE_FALSE(f.s.publish(make_publish("a", std::string(1000, 'x'), protocol::qos::at_least_once), f.now).error);
  f.sent(); // taken by the transport, the write still in progress
  CHECK_FALSE(f.s.next_deadline());
  f.advance(50s);
  f.s.tick(f.now);
  CHECK(f.handler.kinds() == "connack");
  f.s.output_written(f.now); // 50 s
  CHECK(*f.s.next_deadline() == f.now + 30s);
}

TEST_CASE("session response timeout: PINGREQ traffic does not keep an unanswered request alive") {
  session_fixture f(with_timeout(30s, 10));
  f.connect();
  publish_written(f);
  for (int i = 0; i < 2; ++i) { // PINGREQ at 10 s and 20 s, each answered
    f.advance(10s);
    f.s.tick(f.now);
    CHECK(f.sent() == strings{"C0 00"});
    f.s.output_written(f.now);
    f.broker_sends("D0 00");
  }
  f.advance(10s); // 30 s
  f.s.tick(f.now);
  CHECK(f.handler.kinds() == "connack error");
}

TEST_CASE("session response timeout: paused reading stops the clock, resuming restarts it") {
  session_fixture f(with_timeout(30s));
  f.connect();
  publish_written(f);
  f.advance(10s);
  f.s.set_input_paused(true, f.now);
  f.advance(100s);
  f.s.tick(f.now);
  CHECK(f.sent() == strings{"C0 00"}); // PINGREQ while paused
  f.s.output_written(f.now);
  CHECK(f.handler.kinds() == "connack");
  f.s.set_input_paused(false, f.now);
  f.advance(29s);
  f.s.tick(f.now);
  CHECK(f.handler.kinds() == "connack");
  f.advance(1s);
  f.s.tick(f.now);
  CHECK(f.handler.kinds() == "connack error");
}

TEST_CASE("session response timeout: SUBSCRIBE without SUBACK, and 0 meaning no limit") {
  SUBCASE("no SUBACK") {
    session_fixture f(with_timeout(5s, 0));
    f.connect();
    protocol::subscribe request;
    request.subscriptions.push_back({"a/#", {}});
    REQUIRE_FALSE(f.s.subscribe(request, f.now).error);
    f.sent();
    CHECK_FALSE(f.s.next_deadline()); // the write is not complete yet, no keepalive
    f.s.output_written(f.now);
    CHECK(*f.s.next_deadline() == f.now + 5s);
    f.advance(5s);
    f.s.tick(f.now);
    CHECK(f.handler.kinds() == "connack error");
    CHECK(f.handler.events[1].error == protocol::errc::no_response);
  }
  SUBCASE("no limit") {
    session_fixture f(with_timeout(0s, 0));
    f.connect();
    publish_written(f);
    CHECK_FALSE(f.s.next_deadline());
    f.advance(24h);
    f.s.tick(f.now);
    CHECK(f.handler.kinds() == "connack");
  }
}
