// The encoder refuses what it cannot write correctly, and leaves its output untouched when it does.
#include "test_codec_helpers.hpp"

#include <string>

using namespace codec_test;

namespace {

constexpr auto v311 = protocol_version::v311;
constexpr auto v5 = protocol_version::v5;

// CHECKs that encoding p fails with code and that out keeps its earlier content.
void check_refused(const packet &p, errc code, protocol_version version = v5,
                   std::uint32_t maximum_packet_size = max_packet_size) {
  bytes out{0xAA, 0xBB};
  const std::error_code ec = encode(p, {version, maximum_packet_size}, out);
  CHECK_MESSAGE(ec == code, ec.message());
  CHECK(out == bytes{0xAA, 0xBB});
}

publish sample_publish() {
  publish p;
  p.topic = "a/b";
  p.payload = bin("hi");
  return p;
}

} // namespace

TEST_CASE("codec encode errors: PUBLISH") {
  publish p = sample_publish();
  SUBCASE("QoS 3") {
    p.qos = static_cast<qos>(3);
    p.packet_id = 1;
    check_refused(p, errc::invalid_argument);
  }
  SUBCASE("packet id 0 with QoS > 0") {
    p.qos = qos::at_least_once;
    check_refused(p, errc::invalid_argument);
    p.qos = qos::exactly_once;
    check_refused(p, errc::invalid_argument, v311);
  }
  SUBCASE("DUP with QoS 0") {
    p.dup = true;
    check_refused(p, errc::invalid_argument);
  }
  SUBCASE("wildcards and invalid UTF-8 in the topic") {
    p.topic = "a/+";
    check_refused(p, errc::invalid_argument);
    p.topic = "a/#";
    check_refused(p, errc::invalid_argument);
    p.topic = "a\xC3";
    check_refused(p, errc::invalid_argument);
    p.topic = std::string_view("a\0b", 3);
    check_refused(p, errc::invalid_argument);
  }
  SUBCASE("empty topic: only in 5.0 with a topic alias") {
    p.topic = "";
    check_refused(p, errc::invalid_argument, v311);
    check_refused(p, errc::invalid_argument, v5);
    p.props.topic_alias = 1;
    check_refused(p, errc::invalid_argument, v311);
    CHECK(hex(encode_ok(p, v5)) == "30 08 00 00 03 23 00 01 68 69");
  }
  SUBCASE("a topic over 65,535 bytes") {
    const std::string topic(65'536, 'a');
    p.topic = topic;
    check_refused(p, errc::invalid_argument);
    const std::string longest(65'535, 'a');
    p.topic = longest;
    CHECK(encode_ok(p).size() == 1 + 3 + 2 + 65'535 + 1 + 2);
  }
  SUBCASE("properties PUBLISH may not carry, or with bad values") {
    p.props.session_expiry_interval = 1;
    check_refused(p, errc::invalid_argument);
    p.props.session_expiry_interval.reset();
    p.props.payload_format_indicator = 2;
    check_refused(p, errc::invalid_argument);
    p.props.payload_format_indicator.reset();
    p.props.subscription_identifiers = {0};
    check_refused(p, errc::invalid_argument);
    p.props.subscription_identifiers = {268'435'456};
    check_refused(p, errc::invalid_argument);
    p.props.subscription_identifiers.clear();
    p.props.user_properties = {{"k", "\xFF"}};
    check_refused(p, errc::invalid_argument);
    p.props.user_properties.clear();
    p.props.response_topic = "r/#";
    check_refused(p, errc::invalid_argument);
  }
  SUBCASE("properties are ignored for 3.1.1") {
    p.props.session_expiry_interval = 1;
    CHECK(hex(encode_ok(p, v311)) == "30 07 00 03 61 2F 62 68 69");
  }
}

TEST_CASE("codec encode errors: packet too large") {
  const publish p = sample_publish(); // 9 bytes on the wire in 3.1.1
  check_refused(p, errc::packet_too_large, v311, 8);
  bytes out;
  CHECK_FALSE(encode(p, {v311, 9}, out));
  CHECK(out.size() == 9);
  SUBCASE("the limit counts the whole packet, properties included") {
    publish q = sample_publish();
    q.props.user_properties = {{"k", "v"}};
    bytes five;
    CHECK_FALSE(encode(q, {v5, 17}, five));
    CHECK(five.size() == 17);
    check_refused(q, errc::packet_too_large, v5, 16);
  }
}

TEST_CASE("codec encode errors: CONNECT") {
  connect p;
  p.client_id = "c";
  SUBCASE("strings and binary data over 65,535 bytes") {
    const std::string big(65'536, 'x');
    p.client_id = big;
    check_refused(p, errc::invalid_argument);
    p.client_id = "c";
    p.username = big;
    check_refused(p, errc::invalid_argument);
    p.username = "u";
    p.password = as_bytes(big);
    check_refused(p, errc::invalid_argument);
    p.password.reset();
    p.will = will_message{"w", as_bytes(big), qos::at_most_once, false, {}};
    check_refused(p, errc::invalid_argument);
  }
  SUBCASE("will topic, QoS and properties") {
    p.will = will_message{"", bin("x"), qos::at_most_once, false, {}};
    check_refused(p, errc::invalid_argument);
    p.will->topic = "w/+";
    check_refused(p, errc::invalid_argument);
    p.will->topic = "w";
    p.will->qos = static_cast<qos>(3);
    check_refused(p, errc::invalid_argument);
    p.will->qos = qos::exactly_once;
    p.will->props.topic_alias = 1;
    check_refused(p, errc::invalid_argument);
    p.will->props.topic_alias.reset();
    p.will->props.will_delay_interval = 10;
    CHECK_FALSE(encode_ok(p).empty());
  }
  SUBCASE("3.x needs a user name for a password") {
    p.password = bin("pw");
    p.version = v311;
    check_refused(p, errc::invalid_argument);
    p.version = protocol_version::v31;
    check_refused(p, errc::invalid_argument);
    p.version = v5;
    CHECK_FALSE(encode_ok(p).empty());
  }
  SUBCASE("an unknown protocol version") {
    p.version = static_cast<protocol_version>(6);
    check_refused(p, errc::invalid_argument);
  }
  SUBCASE("CONNECT properties") {
    p.props.maximum_qos = 1;
    check_refused(p, errc::invalid_argument);
    p.props.maximum_qos.reset();
    p.props.receive_maximum = 0;
    check_refused(p, errc::invalid_argument);
    p.props.receive_maximum = 1;
    p.props.authentication_data = bin("d");
    check_refused(p, errc::invalid_argument); // data needs a method
    p.props.authentication_method = "m";
    CHECK_FALSE(encode_ok(p).empty());
  }
}

TEST_CASE("codec encode errors: CONNACK") {
  check_refused(connack{true, reason_code::not_authorized, {}, {}}, errc::invalid_argument);
  check_refused(connack{true, reason_code::not_authorized, {}, {}}, errc::invalid_argument, v311);
  check_refused(connack{false, reason_code::granted_qos_1, {}, {}}, errc::invalid_argument);
  check_refused(connack{false, reason_code::server_shutting_down, {}, {}}, errc::invalid_argument);
  connack p;
  p.props.topic_alias = 1;
  check_refused(p, errc::invalid_argument);
}

TEST_CASE("codec encode errors: acknowledgements") {
  check_refused(puback{0, reason_code::success, {}}, errc::invalid_argument);
  check_refused(pubrec{0, reason_code::success, {}}, errc::invalid_argument, v311);
  check_refused(pubrel{0, reason_code::success, {}}, errc::invalid_argument);
  check_refused(pubcomp{0, reason_code::success, {}}, errc::invalid_argument);
  check_refused(puback{1, reason_code::packet_identifier_not_found, {}}, errc::invalid_argument);
  check_refused(pubrel{1, reason_code::unspecified_error, {}}, errc::invalid_argument);
  puback p{1, reason_code::success, {}};
  p.props.topic_alias = 1;
  check_refused(p, errc::invalid_argument);
  CHECK(hex(encode_ok(puback{1, reason_code::packet_identifier_not_found, {}}, v311)) == "40 02 00 01");
}

TEST_CASE("codec encode errors: SUBSCRIBE and UNSUBSCRIBE") {
  subscribe s;
  s.packet_id = 1;
  check_refused(s, errc::invalid_argument); // no subscription
  s.subscriptions = {{"a", {}}};
  s.packet_id = 0;
  check_refused(s, errc::invalid_argument);
  s.packet_id = 1;
  s.subscriptions = {{"", {}}};
  check_refused(s, errc::invalid_argument);
  s.subscriptions = {{"a", {static_cast<qos>(3)}}};
  check_refused(s, errc::invalid_argument);
  s.subscriptions = {{"a", {qos::at_most_once, false, false, 3}}};
  check_refused(s, errc::invalid_argument);
  s.subscriptions = {{"a", {}}};
  s.props.subscription_identifiers = {1, 2};
  check_refused(s, errc::invalid_argument);
  s.props.subscription_identifiers = {1};
  CHECK(hex(encode_ok(s)) == "82 09 00 01 02 0B 01 00 01 61 00");

  unsubscribe u;
  u.packet_id = 1;
  check_refused(u, errc::invalid_argument);
  u.filters = {""};
  check_refused(u, errc::invalid_argument);
  u.filters = {"a"};
  u.packet_id = 0;
  check_refused(u, errc::invalid_argument);
  u.packet_id = 1;
  u.props.reason_string = "r";
  check_refused(u, errc::invalid_argument);
}

TEST_CASE("codec encode errors: SUBACK and UNSUBACK") {
  check_refused(suback{1, {}, {}}, errc::invalid_argument);
  check_refused(suback{0, {reason_code::success}, {}}, errc::invalid_argument);
  check_refused(suback{1, {reason_code::no_subscription_existed}, {}}, errc::invalid_argument);
  check_refused(suback{1, {reason_code::no_matching_subscribers}, {}}, errc::invalid_argument, v311);
  check_refused(unsuback{1, {}, {}}, errc::invalid_argument);
  check_refused(unsuback{1, {reason_code::granted_qos_1}, {}}, errc::invalid_argument);
  check_refused(unsuback{0, {reason_code::success}, {}}, errc::invalid_argument, v311);
  CHECK(hex(encode_ok(unsuback{1, {}, {}}, v311)) == "B0 02 00 01");
}

TEST_CASE("codec encode errors: DISCONNECT and AUTH") {
  check_refused(disconnect{reason_code::granted_qos_1, {}}, errc::invalid_argument);
  disconnect d;
  d.props.topic_alias = 1;
  check_refused(d, errc::invalid_argument);
  check_refused(auth{}, errc::invalid_argument, v311);
  check_refused(auth{}, errc::invalid_argument, protocol_version::v31);
  check_refused(auth{reason_code::unspecified_error, {}}, errc::invalid_argument);
  auth a{reason_code::re_authenticate, {}};
  a.props.user_properties = {{"k", "v"}};
  CHECK(hex(encode_ok(a)) == "F0 09 19 07 26 00 01 6B 00 01 76");
}

TEST_CASE("codec encode: appends to what out already holds") {
  bytes out{0x01};
  CHECK_FALSE(encode(pingreq{}, {}, out));
  CHECK_FALSE(encode(packet{pingresp{}}, {}, out));
  CHECK(hex(out) == "01 C0 00 D0 00");
}
