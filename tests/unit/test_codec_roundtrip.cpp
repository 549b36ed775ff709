// Round trips: encode then decode with the receiving side gives the packet back, for every packet
// type and version, every property, remaining lengths at the variable-byte-integer boundaries,
// and a stream of all of them cut at arbitrary points.
#include "test_codec_helpers.hpp"

#include <string>

using namespace codec_test;

namespace {

// A PUBLISH carrying every property PUBLISH may carry (the server-to-client direction).
publish full_publish() {
  publish p;
  p.topic = "a/b/c";
  p.payload = bin("payload \xE2\x82\xAC");
  p.qos = qos::exactly_once;
  p.retain = true;
  p.dup = true;
  p.packet_id = 0xBEEF;
  p.props.payload_format_indicator = 1;
  p.props.message_expiry_interval = 0xFFFFFFFF;
  p.props.content_type = "application/json";
  p.props.response_topic = "reply/here";
  p.props.correlation_data = bin("\x00\x01\x02");
  p.props.subscription_identifiers = {1, 127, 128, 16'383, 16'384, 268'435'455};
  p.props.topic_alias = 65'535;
  p.props.user_properties = {{"k", "v"}, {"k", "v2"}, {"", ""}};
  return p;
}

// A CONNACK carrying every property CONNACK may carry.
connack full_connack() {
  connack p;
  p.session_present = true;
  p.props.session_expiry_interval = 3600;
  p.props.receive_maximum = 65'535;
  p.props.maximum_qos = 0;
  p.props.retain_available = 1;
  p.props.maximum_packet_size = 1'048'576;
  p.props.assigned_client_identifier = "auto-1";
  p.props.topic_alias_maximum = 10;
  p.props.reason_string = "welcome";
  p.props.user_properties = {{"a", "b"}};
  p.props.wildcard_subscription_available = 1;
  p.props.subscription_identifier_available = 0;
  p.props.shared_subscription_available = 1;
  p.props.server_keep_alive = 120;
  p.props.response_information = "resp/";
  p.props.server_reference = "other:1883";
  p.props.authentication_method = "SCRAM-SHA-1";
  p.props.authentication_data = bin("server-first");
  return p;
}

// A CONNECT carrying every CONNECT property and every will property.
connect full_connect() {
  connect p;
  p.client_id = "client-\xC3\xA9";
  p.clean_start = false;
  p.keep_alive = 65'535;
  p.username = "user";
  p.password = bin("\x00secret");
  p.props.session_expiry_interval = 0xFFFFFFFF;
  p.props.receive_maximum = 100;
  p.props.maximum_packet_size = 268'435'460;
  p.props.topic_alias_maximum = 0;
  p.props.request_response_information = 1;
  p.props.request_problem_information = 0;
  p.props.user_properties = {{"x", "y"}};
  p.props.authentication_method = "SCRAM-SHA-1";
  p.props.authentication_data = bin("client-first");
  will_message w;
  w.topic = "will/topic";
  w.payload = bin("gone");
  w.qos = qos::exactly_once;
  w.retain = true;
  w.props.will_delay_interval = 30;
  w.props.payload_format_indicator = 0;
  w.props.message_expiry_interval = 60;
  w.props.content_type = "text/plain";
  w.props.response_topic = "will/reply";
  w.props.correlation_data = bin("id");
  w.props.user_properties = {{"w", "1"}};
  p.will = w;
  return p;
}

// One sample of every packet type for version, valid in that version.
std::vector<packet> all_packets(protocol_version version) {
  const bool v5 = version == protocol_version::v5;
  std::vector<packet> out;
  connect c = v5 ? full_connect() : connect{};
  c.version = version;
  if (!v5) {
    c.client_id = "c";
    c.username = "u";
    c.password = bin("p");
    c.will = will_message{"w", bin("bye"), qos::at_least_once, false, {}};
  }
  out.emplace_back(c);
  out.emplace_back(v5 ? packet{full_connack()}
                      : packet{connack{false, reason_code::bad_user_name_or_password, {}, {}}});
  out.emplace_back(v5 ? packet{full_publish()}
                      : packet{publish{"t", bin("x"), qos::at_least_once, false, false, 5, {}}});
  puback ack{1, v5 ? reason_code::implementation_specific_error : reason_code::success, {}};
  if (v5) {
    ack.props.reason_string = "no";
    ack.props.user_properties = {{"k", "v"}};
  }
  out.emplace_back(ack);
  out.emplace_back(pubrec{2, v5 ? reason_code::no_matching_subscribers : reason_code::success, {}});
  out.emplace_back(pubrel{3, reason_code::success, {}});
  out.emplace_back(pubcomp{4, v5 ? reason_code::packet_identifier_not_found : reason_code::success, {}});
  subscribe s;
  s.packet_id = 5;
  s.subscriptions = {{"a/+/c", {qos::exactly_once}}, {"#", {qos::at_least_once}}};
  if (v5) {
    s.subscriptions[1].options = {qos::at_least_once, true, true, 1};
    s.props.subscription_identifiers = {268'435'455};
    s.props.user_properties = {{"s", "1"}};
  }
  out.emplace_back(s);
  suback sa{5, {reason_code::granted_qos_2, reason_code::unspecified_error}, {}};
  if (v5) {
    sa.reasons.push_back(reason_code::wildcard_subscriptions_not_supported);
    sa.props.reason_string = "partly";
  }
  out.emplace_back(sa);
  unsubscribe u;
  u.packet_id = 6;
  u.filters = {"a/+/c", "#"};
  out.emplace_back(u);
  unsuback ua{6, {}, {}};
  if (v5) {
    ua.reasons = {reason_code::success, reason_code::no_subscription_existed};
  }
  out.emplace_back(ua);
  out.emplace_back(pingreq{});
  out.emplace_back(pingresp{});
  if (v5) {
    disconnect d{reason_code::use_another_server, {}};
    d.props.server_reference = "elsewhere";
    d.props.reason_string = "moving";
    out.emplace_back(d);
    auth a{reason_code::continue_authentication, {}};
    a.props.authentication_method = "SCRAM-SHA-1";
    a.props.authentication_data = bin("\x01\x02");
    a.props.reason_string = "more";
    out.emplace_back(a);
  }
  return out;
}

} // namespace

TEST_CASE("codec roundtrip: every packet type in every version") {
  for (protocol_version version : {protocol_version::v31, protocol_version::v311, protocol_version::v5}) {
    for (const packet &p : all_packets(version)) {
      CAPTURE(static_cast<int>(version));
      CAPTURE(packet_type_name(type_of(p)));
      const bytes wire = encode_ok(p, version);
      check_decodes(wire, p, receiver_of(p), version);
    }
  }
}

TEST_CASE("codec roundtrip: 3.1 CONNECT keeps its version and client identifier") {
  connect c;
  c.version = protocol_version::v31;
  c.client_id = "legacy-client";
  c.clean_start = false;
  const bytes wire = encode_ok(c, protocol_version::v31);
  CHECK(hex(bytes_view(wire).subspan(2, 9)) == "00 06 4D 51 49 73 64 70 03");
  check_decodes(wire, c, role::server, protocol_version::v5);
}

TEST_CASE("codec roundtrip: remaining lengths at the variable byte integer boundaries") {
  struct boundary {
    std::size_t remaining;
    std::string header;
  };
  const std::vector<boundary> boundaries{
      {127, "30 7F"},          {128, "30 80 01"},          {16'383, "30 FF 7F"},
      {16'384, "30 80 80 01"}, {2'097'151, "30 FF FF 7F"}, {2'097'152, "30 80 80 80 01"},
  };
  for (const boundary &b : boundaries) {
    CAPTURE(b.remaining);
    const std::string payload(b.remaining - 3, 'p'); // topic "t" takes 3 bytes (3.1.1)
    const publish p{"t", as_bytes(payload), qos::at_most_once, false, false, 0, {}};
    const bytes wire = encode_ok(p, protocol_version::v311);
    CHECK(hex(bytes_view(wire).first(b.header.size() / 3 + 1)) == b.header);
    CHECK(wire.size() == b.header.size() / 3 + 1 + b.remaining);
    decoded d = decode_one(wire, role::client, protocol_version::v311);
    CHECK(std::get<publish>(d.value).payload.size() == payload.size());
  }
}

TEST_CASE("codec roundtrip: a stream of every packet cut at arbitrary points") {
  for (protocol_version version : {protocol_version::v311, protocol_version::v5}) {
    // Server-to-client packets only, so one client-side decoder reads the whole stream.
    std::vector<packet> sent;
    bytes stream;
    for (const packet &p : all_packets(version)) {
      if (receiver_of(p) == role::client) {
        sent.push_back(p);
        const bytes wire = encode_ok(p, version);
        stream.insert(stream.end(), wire.begin(), wire.end());
      }
    }
    std::uint32_t seed = 12345;
    for (int round = 0; round < 50; ++round) {
      decoder d({role::client, version});
      packet got;
      std::size_t received = 0;
      std::size_t at = 0;
      while (at < stream.size()) {
        seed = seed * 1'103'515'245U + 12'345U;
        const std::size_t chunk = std::min<std::size_t>(1 + (seed >> 16) % 40, stream.size() - at);
        d.feed(bytes_view(stream).subspan(at, chunk));
        at += chunk;
        for (decode_status s = d.next(got); s != decode_status::need_more; s = d.next(got)) {
          REQUIRE_MESSAGE(s == decode_status::ready, std::string(d.error_detail()));
          REQUIRE(received < sent.size());
          CHECK(same(got, sent[received]));
          ++received;
        }
      }
      CHECK(received == sent.size());
    }
  }
}
