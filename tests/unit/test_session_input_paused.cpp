// Session: keepalive while the caller has paused reading (its own output is stalled), and a PINGRESP
// that arrives late behind a backlog of messages, with an injected clock.
#include "session_fixture.hpp"

#include "mqtk/protocol/error.hpp"

using namespace mqtk;
using namespace mqtk::test;
using namespace std::chrono_literals;
using strings = std::vector<std::string>;

TEST_CASE("session: input paused") {
  session_fixture f;
  f.connect();
  const protocol::time_point t0 = f.now;

  SUBCASE("PINGREQ goes out every interval and a missing PINGRESP is no timeout") {
    f.s.set_input_paused(true, f.now);
    CHECK(*f.s.next_deadline() == t0 + 60s);
    for (int round = 1; round <= 3; ++round) {
      f.advance(60s);
      f.s.tick(f.now);
      CHECK(f.sent() == strings{"C0 00"}); // PINGREQ
      CHECK(*f.s.next_deadline() == f.now + 60s);
    }
    CHECK(f.handler.kinds() == "connack");
    CHECK(f.s.state() == protocol::session_state::connected);
  }
  SUBCASE("a PINGREQ already waiting when reading pauses is not held against the connection") {
    f.advance(60s);
    f.s.tick(f.now);
    CHECK(f.sent() == strings{"C0 00"});
    f.advance(30s);
    f.s.set_input_paused(true, f.now); // 90 s: the PINGRESP would be due at 120 s
    f.advance(30s);
    f.s.tick(f.now); // 120 s: one interval after the PINGREQ: another one, no timeout
    CHECK(f.sent() == strings{"C0 00"});
    CHECK(f.handler.kinds() == "connack");
  }
  SUBCASE("on resume an unanswered PINGREQ gets a full interval, then times out") {
    f.s.set_input_paused(true, f.now);
    f.advance(60s);
    f.s.tick(f.now);
    f.sent();
    f.advance(50s);
    f.s.set_input_paused(false, f.now); // 110 s
    CHECK(*f.s.next_deadline() == f.now + 60s);
    f.advance(59s);
    f.s.tick(f.now);
    CHECK(f.handler.kinds() == "connack");
    f.advance(1s);
    f.s.tick(f.now);
    CHECK(f.handler.kinds() == "connack error");
    CHECK(f.handler.events[1].error == protocol::errc::timeout);
  }
  SUBCASE("the PINGRESPs read after a resume clear the wait") {
    f.s.set_input_paused(true, f.now);
    f.advance(60s);
    f.s.tick(f.now);
    f.advance(60s);
    f.s.tick(f.now);
    CHECK(f.sent() == strings{"C0 00", "C0 00"});
    f.s.set_input_paused(false, f.now);
    f.broker_sends("D0 00 D0 00"); // both PINGRESPs
    CHECK(*f.s.next_deadline() == f.now + 60s);
    f.advance(59s);
    f.s.tick(f.now);
    CHECK(f.sent().empty());
    CHECK(f.handler.kinds() == "connack");
  }
}

TEST_CASE("session: a PINGRESP late behind a backlog of messages is no timeout") {
  session_fixture f;
  f.connect();
  f.advance(60s);
  f.s.tick(f.now);
  CHECK(f.sent() == strings{"C0 00"});
  // The broker queued the PINGRESP behind messages the client reads slowly: each one shows the
  // connection alive and moves the deadline.
  for (int i = 0; i < 5; ++i) {
    f.advance(50s);
    f.broker_sends("30 05 0001 61 00 78"); // PUBLISH QoS 0 "a": "x"
    f.s.tick(f.now);
  }
  CHECK(f.handler.kinds() == "connack message message message message message");
  CHECK(*f.s.next_deadline() == f.now + 60s);
  f.advance(60s);
  f.s.tick(f.now);
  CHECK(f.handler.kinds() == "connack message message message message message error");
}
