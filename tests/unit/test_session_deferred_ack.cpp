// Session: inbound QoS 1/2 acknowledgements deferred until the caller has handled the message
// (defer_inbound_acks, mqtk-sub --ack-after-exec), Receive Maximum, and resends after a reconnect.
#include "session_fixture.hpp"

#include "mqtk/protocol/error.hpp"

using namespace mqtk;
using namespace mqtk::test;
using strings = std::vector<std::string>;

namespace {

// Client "c1", MQTT 5.0, a kept session (expiry 3600 s), acknowledgements deferred, Receive Maximum 2.
protocol::session_options deferring() {
  auto o = session_fixture::defaults();
  o.session_expiry = 3600;
  o.defer_inbound_acks = true;
  o.receive_maximum = 2;
  return o;
}

constexpr const char *publish_q1_id5 = "32 0A 0003 612F62 0005 00 6869"; // PUBLISH QoS 1 "a/b" id 5 "hi"
constexpr const char *resend_q1_id5 = "3A 0A 0003 612F62 0005 00 6869";  // the same with DUP
constexpr const char *publish_q2_id6 = "34 0A 0003 612F62 0006 00 6869"; // PUBLISH QoS 2 "a/b" id 6 "hi"

} // namespace

TEST_CASE("deferred ack: QoS 1 is delivered at once, PUBACK only when acknowledged") {
  session_fixture f(deferring());
  f.connect();
  f.broker_sends(publish_q1_id5);
  CHECK(f.handler.kinds() == "connack message");
  CHECK(f.sent().empty()); // no PUBACK yet
  CHECK(f.s.deferred_inbound() == 1);
  CHECK_FALSE(f.s.acknowledge_inbound(5, f.now));
  CHECK(f.sent() == strings{"40 02 00 05"}); // PUBACK id 5
  CHECK(f.s.deferred_inbound() == 0);
  CHECK(f.s.acknowledge_inbound(5, f.now) == protocol::errc::invalid_argument); // only once
  CHECK(f.sent().empty());
}

TEST_CASE("deferred ack: QoS 2 sends PUBREC when acknowledged, then PUBCOMP for PUBREL") {
  session_fixture f(deferring());
  f.connect();
  f.broker_sends(publish_q2_id6);
  CHECK(f.sent().empty());
  f.broker_sends(publish_q2_id6); // a duplicate before the acknowledgement: not delivered again
  CHECK(f.handler.kinds() == "connack message");
  CHECK(f.sent().empty());
  CHECK_FALSE(f.s.acknowledge_inbound(6, f.now));
  CHECK(f.sent() == strings{"50 02 00 06"}); // PUBREC id 6
  f.broker_sends(publish_q2_id6);            // PUBREC lost: repeated, still not delivered twice
  CHECK(f.sent() == strings{"50 02 00 06"});
  f.broker_sends("62 02 0006"); // PUBREL
  CHECK(f.sent() == strings{"70 02 00 06"}); // PUBCOMP id 6
  CHECK(f.handler.kinds() == "connack message");
}

TEST_CASE("deferred ack: QoS 0 and unknown ids are not acknowledged") {
  session_fixture f(deferring());
  f.connect();
  f.broker_sends("30 08 0003 612F62 00 6869"); // QoS 0
  CHECK(f.handler.kinds() == "connack message");
  CHECK(f.s.deferred_inbound() == 0);
  CHECK(f.s.acknowledge_inbound(0, f.now) == protocol::errc::invalid_argument);
  CHECK(f.s.acknowledge_inbound(9, f.now) == protocol::errc::invalid_argument);
  CHECK(f.sent().empty());
}

TEST_CASE("deferred ack: unacknowledged messages count against our Receive Maximum") {
  session_fixture f(deferring());
  f.connect();
  f.broker_sends(publish_q1_id5);
  f.broker_sends(publish_q2_id6);
  CHECK(f.handler.kinds() == "connack message message");
  SUBCASE("a third one while two wait is a protocol violation by the broker") {
    f.broker_sends("32 0A 0003 612F62 0007 00 6869");
    CHECK(f.handler.kinds() == "connack message message error");
    CHECK(f.handler.events.back().error == protocol::errc::receive_maximum_exceeded);
    CHECK(f.sent() == strings{"E0 01 93"}); // DISCONNECT 0x93 Receive Maximum exceeded
  }
  SUBCASE("acknowledging one makes room (the QoS 2 one until its PUBREL)") {
    CHECK_FALSE(f.s.acknowledge_inbound(5, f.now));
    f.sent();
    f.broker_sends("32 0A 0003 612F62 0007 00 6869");
    CHECK(f.handler.kinds() == "connack message message message");
    CHECK(f.sent().empty());
  }
}

TEST_CASE("deferred ack: after a reconnect with session present the resend is not delivered twice") {
  session_fixture f(deferring());
  f.connect();
  f.broker_sends(publish_q1_id5);
  f.s.connection_closed(f.now);
  SUBCASE("still being handled: the resend is swallowed, the later acknowledgement answers it") {
    f.s.start(f.now);
    f.sent();
    f.broker_sends("20 03 01 00 00"); // session present
    f.broker_sends(resend_q1_id5);
    CHECK(f.handler.kinds() == "connack message connack");
    CHECK(f.sent().empty());
    CHECK_FALSE(f.s.acknowledge_inbound(5, f.now));
    CHECK(f.sent() == strings{"40 02 00 05"});
  }
  SUBCASE("acknowledged while disconnected: the resend is answered with PUBACK at once") {
    CHECK_FALSE(f.s.acknowledge_inbound(5, f.now));
    CHECK(f.sent().empty()); // nothing to write to
    f.s.start(f.now);
    f.sent();
    f.broker_sends("20 03 01 00 00");
    f.broker_sends(resend_q1_id5);
    CHECK(f.handler.kinds() == "connack message connack");
    CHECK(f.sent() == strings{"40 02 00 05"});
    CHECK(f.s.deferred_inbound() == 0);
  }
  SUBCASE("the broker did not keep the session: the id is forgotten") {
    f.s.start(f.now);
    f.sent();
    f.broker_sends("20 03 00 00 00"); // no session
    CHECK(f.s.deferred_inbound() == 0);
    CHECK(f.s.acknowledge_inbound(5, f.now) == protocol::errc::invalid_argument);
    CHECK(f.sent().empty());
  }
}

TEST_CASE("deferred ack: off by default, PUBACK goes out before delivery as before") {
  session_fixture f;
  f.connect();
  f.broker_sends(publish_q1_id5);
  CHECK(f.sent() == strings{"40 02 00 05"});
  CHECK(f.s.acknowledge_inbound(5, f.now) == protocol::errc::invalid_argument);
}

TEST_CASE("deferred ack: a released message is not acknowledged and frees its Receive Maximum slot") {
  session_fixture f(deferring()); // Receive Maximum 2
  f.connect();
  f.broker_sends(publish_q1_id5);
  f.broker_sends(publish_q2_id6);
  CHECK(f.s.deferred_inbound() == 2);
  CHECK_FALSE(f.s.release_inbound(5));
  CHECK_FALSE(f.s.release_inbound(6));
  CHECK(f.s.release_inbound(5) == protocol::errc::invalid_argument); // only once
  CHECK(f.s.acknowledge_inbound(6, f.now) == protocol::errc::invalid_argument);
  CHECK(f.sent().empty()); // neither PUBACK nor PUBREC
  f.broker_sends("32 0A 0003 612F62 0007 00 6869");
  f.broker_sends("32 0A 0003 612F62 0008 00 6869"); // two more fit: the released ones do not count
  CHECK(f.handler.kinds() == "connack message message message message");
  CHECK(f.s.state() == protocol::session_state::connected);
}
