// Session: what the client asks about in-flight messages to recognise a poison message: the oldest
// unacknowledged PUBLISH and its kept bytes (golden), across acknowledgements and a resend.
#include "session_fixture.hpp"

using namespace mqtk;
using namespace mqtk::test;
using protocol::qos;
using strings = std::vector<std::string>;

namespace {

std::string kept(const protocol::session &s, std::uint16_t id) {
  const auto view = s.inflight_publish(id);
  return to_hex(bytes(view.begin(), view.end()));
}

} // namespace

TEST_CASE("session: the oldest unacknowledged PUBLISH") {
  session_fixture f;
  f.connect();
  CHECK_FALSE(f.s.oldest_unacknowledged_publish());
  f.s.publish(make_publish("a", "1", qos::at_least_once), f.now);
  f.s.publish(make_publish("b", "2", qos::exactly_once), f.now);
  f.s.publish(make_publish("c", "3", qos::at_least_once), f.now);
  f.sent();
  CHECK(f.s.oldest_unacknowledged_publish() == 1);

  SUBCASE("an acknowledgement moves it to the next message") {
    f.broker_sends("40 02 0001"); // PUBACK id 1
    CHECK(f.s.oldest_unacknowledged_publish() == 2);
  }
  SUBCASE("a QoS 2 message past PUBREC no longer counts") {
    f.broker_sends("40 02 0001"); // PUBACK id 1
    f.broker_sends("50 02 0002"); // PUBREC id 2: only PUBREL/PUBCOMP left
    CHECK(f.s.oldest_unacknowledged_publish() == 3);
    f.broker_sends("40 02 0003");
    CHECK_FALSE(f.s.oldest_unacknowledged_publish());
  }
  SUBCASE("acknowledged out of order, the oldest stays") {
    f.broker_sends("40 02 0003");
    CHECK(f.s.oldest_unacknowledged_publish() == 1);
  }
}

TEST_CASE("session: the kept bytes of an in-flight PUBLISH") {
  auto options = session_fixture::defaults();
  options.session_expiry = 3600; // a reconnect resumes the session
  session_fixture f(options);
  f.connect();
  const auto r = f.s.publish(make_publish("a/b", "hi", qos::at_least_once), f.now);
  CHECK(f.sent() == strings{"32 0A 00 03 61 2F 62 00 01 00 68 69"});
  CHECK(kept(f.s, r.packet_id) == "32 0A 00 03 61 2F 62 00 01 00 68 69"); // PUBLISH QoS 1 "a/b", id 1, "hi"
  CHECK(f.s.inflight_publish(7).empty());

  SUBCASE("after a resend the kept copy carries DUP") {
    f.s.connection_closed(f.now);
    f.s.start(f.now);
    f.sent();
    f.broker_sends("20 03 01 00 00");                                  // CONNACK, session present
    CHECK(f.sent() == strings{"3A 0A 00 03 61 2F 62 00 01 00 68 69"}); // resent with DUP
    CHECK(kept(f.s, r.packet_id) == "3A 0A 00 03 61 2F 62 00 01 00 68 69");
    CHECK(f.s.oldest_unacknowledged_publish() == r.packet_id);
  }
  SUBCASE("gone once acknowledged") {
    f.broker_sends("40 02 0001");
    CHECK(f.s.inflight_publish(r.packet_id).empty());
  }
}
