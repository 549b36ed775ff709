// Session: resend rules on reconnect (session present) and loss reports (no session).
#include "session_fixture.hpp"

using namespace mqtk;
using namespace mqtk::test;
using protocol::qos;
using strings = std::vector<std::string>;

namespace {

// A v5 session with a 3600 s expiry holding: id 1 QoS 1 unacked, id 2 QoS 2 PUBREC'd, id 3 QoS 1.
session_fixture &with_inflight(session_fixture &f) {
  f.connect();
  f.s.publish(make_publish("a/b", "hi", qos::at_least_once), f.now);
  f.s.publish(make_publish("a/b", "hi", qos::exactly_once), f.now);
  f.broker_sends("50 02 0002");
  f.s.publish(make_publish("a/b", "hi", qos::at_least_once), f.now);
  f.sent();
  f.s.connection_closed(f.now);
  return f;
}

protocol::session_options persistent() {
  auto o = session_fixture::defaults();
  o.session_expiry = 3600;
  return o;
}

} // namespace

TEST_CASE("session: reconnect with session present resends in order with DUP") {
  session_fixture f(persistent());
  with_inflight(f);
  f.s.start(f.now);
  CHECK(f.sent() == strings{to_hex(hex("10 14 0004 4D515454 05"
                                       "00"                         // clean start 0: resume
                                       "003C 05 11 00000E10 0002 6331"))});
  f.broker_sends("20 03 01 00 00"); // session present
  CHECK(f.sent() == strings{"3A 0A 00 03 61 2F 62 00 01 00 68 69", // PUBLISH DUP QoS 1 id 1
                            "62 02 00 02",                         // PUBREL id 2
                            "3A 0A 00 03 61 2F 62 00 03 00 68 69"}); // PUBLISH DUP QoS 1 id 3
  CHECK(f.s.inflight() == 3);
  f.broker_sends("40 02 0001 70 02 0002 40 02 0003");
  CHECK(f.handler.kinds() == "connack connack done done done");
  CHECK(f.s.inflight() == 0);
}

TEST_CASE("session: reconnect without session present reports in-flight messages as lost") {
  session_fixture f(persistent());
  with_inflight(f);
  f.s.start(f.now);
  f.sent();
  f.broker_sends("20 03 00 00 00"); // no session
  CHECK(f.handler.kinds() == "connack lost lost lost connack");
  CHECK(f.handler.events[1].packet_id == 1);
  CHECK(f.handler.events[2].packet_id == 2);
  CHECK(f.handler.events[3].packet_id == 3);
  CHECK(f.sent().empty());
  CHECK(f.s.inflight() == 0);
}

TEST_CASE("session: with republish_qos1 a new session sends QoS 1 messages again and reports QoS 2 lost") {
  auto options = persistent();
  options.republish_qos1 = true;
  session_fixture f(options);
  with_inflight(f);
  f.s.start(f.now);
  f.sent();
  f.broker_sends("20 03 00 00 00"); // no session
  CHECK(f.handler.kinds() == "connack lost connack");
  CHECK(f.handler.events[1].packet_id == 2);
  CHECK(f.sent() == strings{"32 0A 00 03 61 2F 62 00 01 00 68 69",   // PUBLISH QoS 1 id 1, DUP 0
                            "32 0A 00 03 61 2F 62 00 03 00 68 69"}); // PUBLISH QoS 1 id 3, DUP 0
  CHECK(f.s.inflight() == 2);
  f.broker_sends("40 02 0001 40 02 0003");
  CHECK(f.handler.kinds() == "connack lost connack done done");
  CHECK(f.s.inflight() == 0);
}

TEST_CASE("session: a message resent with DUP goes out with DUP 0 when a later session is new") {
  auto options = persistent();
  options.republish_qos1 = true;
  session_fixture f(options);
  f.connect();
  f.s.publish(make_publish("a/b", "hi", qos::at_least_once), f.now);
  f.sent();
  f.s.connection_closed(f.now);
  f.s.start(f.now);
  f.sent();
  f.broker_sends("20 03 01 00 00"); // session present: resent with DUP
  CHECK(f.sent() == strings{"3A 0A 00 03 61 2F 62 00 01 00 68 69"});
  f.s.connection_closed(f.now);
  f.s.start(f.now);
  f.sent();
  f.broker_sends("20 03 00 00 00"); // the broker lost it
  CHECK(f.sent() == strings{"32 0A 00 03 61 2F 62 00 01 00 68 69"});
  CHECK(f.handler.kinds() == "connack connack connack");
}

TEST_CASE("session: a clean session reconnects with clean start") {
  session_fixture f;
  f.connect();
  f.s.connection_closed(f.now);
  f.s.start(f.now);
  CHECK(f.sent() == strings{to_hex(hex("10 0F 0004 4D515454 05 02 003C 00 0002 6331"))});
}

TEST_CASE("session: a pending SUBSCRIBE is reported lost when the connection drops") {
  session_fixture f;
  f.connect();
  protocol::subscribe sub;
  sub.subscriptions.push_back({"a/#", {}});
  auto r = f.s.subscribe(sub, f.now);
  f.s.connection_closed(f.now);
  CHECK(f.handler.kinds() == "connack lost");
  CHECK(f.handler.events[1].packet_id == r.packet_id);
}
