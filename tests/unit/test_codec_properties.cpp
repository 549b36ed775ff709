// MQTT 5.0 properties: where each may appear (spec table 2.2.2.2), repetition, values, unknown
// identifiers, and the properties struct itself.
#include "test_codec_helpers.hpp"

#include <map>
#include <set>

using namespace codec_test;

namespace {

// One sample value of each property, as it appears on the wire after the identifier.
const std::map<property_id, bytes> &samples() {
  static const std::map<property_id, bytes> values{
      {property_id::payload_format_indicator, from_hex("01")},
      {property_id::message_expiry_interval, from_hex("00 00 00 01")},
      {property_id::content_type, from_hex("00 01 61")},
      {property_id::response_topic, from_hex("00 01 61")},
      {property_id::correlation_data, from_hex("00 01 61")},
      {property_id::subscription_identifier, from_hex("01")},
      {property_id::session_expiry_interval, from_hex("00 00 00 01")},
      {property_id::assigned_client_identifier, from_hex("00 01 61")},
      {property_id::server_keep_alive, from_hex("00 01")},
      {property_id::authentication_method, from_hex("00 01 61")},
      {property_id::authentication_data, from_hex("00 01 61")},
      {property_id::request_problem_information, from_hex("01")},
      {property_id::will_delay_interval, from_hex("00 00 00 01")},
      {property_id::request_response_information, from_hex("01")},
      {property_id::response_information, from_hex("00 01 61")},
      {property_id::server_reference, from_hex("00 01 61")},
      {property_id::reason_string, from_hex("00 01 61")},
      {property_id::receive_maximum, from_hex("00 01")},
      {property_id::topic_alias_maximum, from_hex("00 01")},
      {property_id::topic_alias, from_hex("00 01")},
      {property_id::maximum_qos, from_hex("01")},
      {property_id::retain_available, from_hex("01")},
      {property_id::user_property, from_hex("00 01 61 00 01 62")},
      {property_id::maximum_packet_size, from_hex("00 00 00 01")},
      {property_id::wildcard_subscription_available, from_hex("01")},
      {property_id::subscription_identifier_available, from_hex("01")},
      {property_id::shared_subscription_available, from_hex("01")},
  };
  return values;
}

// Where a property list is: a packet, or the will properties of CONNECT.
enum class place {
  connect,
  will,
  connack,
  publish,
  puback,
  pubrec,
  pubrel,
  pubcomp,
  subscribe,
  suback,
  unsubscribe,
  unsuback,
  disconnect,
  auth
};

// The places each property may appear in, written out from spec table 2.2.2.2.
std::set<place> allowed_places(property_id id) {
  using enum place;
  switch (id) {
  case property_id::payload_format_indicator:
  case property_id::message_expiry_interval:
  case property_id::content_type:
  case property_id::response_topic:
  case property_id::correlation_data:
    return {publish, will};
  case property_id::subscription_identifier:
    return {publish, subscribe};
  case property_id::session_expiry_interval:
    return {connect, connack, disconnect};
  case property_id::assigned_client_identifier:
  case property_id::server_keep_alive:
  case property_id::response_information:
  case property_id::maximum_qos:
  case property_id::retain_available:
  case property_id::wildcard_subscription_available:
  case property_id::subscription_identifier_available:
  case property_id::shared_subscription_available:
    return {connack};
  case property_id::authentication_method:
  case property_id::authentication_data:
    return {connect, connack, auth};
  case property_id::request_problem_information:
  case property_id::request_response_information:
    return {connect};
  case property_id::will_delay_interval:
    return {will};
  case property_id::server_reference:
    return {connack, disconnect};
  case property_id::reason_string:
    return {connack, puback, pubrec, pubrel, pubcomp, suback, unsuback, disconnect, auth};
  case property_id::receive_maximum:
  case property_id::topic_alias_maximum:
  case property_id::maximum_packet_size:
    return {connect, connack};
  case property_id::topic_alias:
    return {publish};
  case property_id::user_property:
    return {connect, will,      connack, publish,     puback,   pubrec,     pubrel,
            pubcomp, subscribe, suback,  unsubscribe, unsuback, disconnect, auth};
  }
  return {};
}

bytes with_length(std::uint8_t first, const bytes &body) {
  bytes out{first, static_cast<std::uint8_t>(body.size())};
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

bytes concat(std::initializer_list<bytes> parts) {
  bytes out;
  for (const bytes &p : parts) {
    out.insert(out.end(), p.begin(), p.end());
  }
  return out;
}

// A minimal 5.0 packet carrying the property list props (without its length) at place.
bytes packet_at(place where, const bytes &props) {
  const bytes list = concat({{static_cast<std::uint8_t>(props.size())}, props});
  const bytes mqtt = from_hex("00 04 4D 51 54 54 05");
  switch (where) {
  case place::connect:
    return with_length(0x10, concat({mqtt, from_hex("02 00 0A"), list, from_hex("00 01 63")}));
  case place::will:
    return with_length(0x10, concat({mqtt, from_hex("06 00 0A 00"), from_hex("00 01 63"), list,
                                     from_hex("00 01 77 00 01 78")}));
  case place::connack:
    return with_length(0x20, concat({from_hex("00 00"), list}));
  case place::publish:
    return with_length(0x30, concat({from_hex("00 01 74"), list}));
  case place::puback:
    return with_length(0x40, concat({from_hex("00 01 00"), list}));
  case place::pubrec:
    return with_length(0x50, concat({from_hex("00 01 00"), list}));
  case place::pubrel:
    return with_length(0x62, concat({from_hex("00 01 00"), list}));
  case place::pubcomp:
    return with_length(0x70, concat({from_hex("00 01 00"), list}));
  case place::subscribe:
    return with_length(0x82, concat({from_hex("00 01"), list, from_hex("00 01 61 00")}));
  case place::suback:
    return with_length(0x90, concat({from_hex("00 01"), list, from_hex("00")}));
  case place::unsubscribe:
    return with_length(0xA2, concat({from_hex("00 01"), list, from_hex("00 01 61")}));
  case place::unsuback:
    return with_length(0xB0, concat({from_hex("00 01"), list, from_hex("00")}));
  case place::disconnect:
    return with_length(0xE0, concat({from_hex("00"), list}));
  case place::auth:
    return with_length(0xF0, concat({from_hex("00"), list}));
  }
  return {};
}

// The side that receives packets at where (DISCONNECT: the server, as only a client sends a Session
// Expiry Interval in it).
role receiver(place where) {
  return where == place::connect || where == place::will || where == place::subscribe ||
                 where == place::unsubscribe || where == place::pubrel || where == place::disconnect
             ? role::server
             : role::client;
}

bytes property(property_id id, const bytes &value) {
  return concat({{static_cast<std::uint8_t>(id)}, value});
}

// The property list with id set to value at where; CONNECT's authentication data brings its method.
bytes props_for(property_id id, const bytes &value, place where) {
  bytes props = property(id, value);
  if (id == property_id::authentication_data && where == place::connect) {
    props = concat({property(property_id::authentication_method, from_hex("00 01 61")), props});
  }
  return props;
}

// The first place a property may appear in.
place home_of(property_id id) {
  return *allowed_places(id).begin();
}

} // namespace

TEST_CASE("codec properties: each property is accepted exactly where the spec allows it") {
  const std::vector<place> places{place::connect,    place::will,   place::connack,     place::publish,
                                  place::puback,     place::pubrec, place::pubrel,      place::pubcomp,
                                  place::subscribe,  place::suback, place::unsubscribe, place::unsuback,
                                  place::disconnect, place::auth};
  for (const auto &sample : samples()) { // no structured binding: clang 14 cannot capture one
    const property_id id = sample.first;
    const bytes &value = sample.second;
    const std::set<place> allowed = allowed_places(id);
    for (place where : places) {
      CAPTURE(property_name(id));
      CAPTURE(static_cast<int>(where));
      const bytes data = packet_at(where, props_for(id, value, where));
      if (allowed.contains(where)) {
        check_accepted(data, receiver(where));
      } else {
        check_malformed(data, receiver(where));
      }
    }
  }
}

TEST_CASE("codec properties: duplicates") {
  SUBCASE("every property but User Property appears at most once") {
    for (const auto &sample : samples()) { // no structured binding: clang 14 cannot capture one
      const property_id id = sample.first;
      const bytes &value = sample.second;
      if (id == property_id::user_property) {
        continue;
      }
      CAPTURE(property_name(id));
      const place where = home_of(id);
      const bytes once = props_for(id, value, where);
      const bytes data = packet_at(where, concat({once, property(id, value)}));
      if (id == property_id::subscription_identifier && where == place::publish) {
        check_accepted(data, receiver(where));
      } else {
        check_protocol_error(data, receiver(where));
      }
    }
  }
  SUBCASE("repeated User Properties keep their order") {
    const bytes data = from_hex("40 17 00 01 00 13 26 00 01 6B 00 01 31 26 00 01 6B 00 01 32 26 00 00 00 00");
    decoded d = decode_one(data, role::client);
    const auto &props = std::get<puback>(d.value).props;
    REQUIRE(props.user_properties.size() == 3);
    CHECK(props.user_properties[0] == user_property{"k", "1"});
    CHECK(props.user_properties[1] == user_property{"k", "2"});
    CHECK(props.user_properties[2] == user_property{"", ""});
  }
  SUBCASE("Subscription Identifier twice: fine in PUBLISH, a protocol error in SUBSCRIBE") {
    check_accepted(packet_at(place::publish, from_hex("0B 01 0B 02")), role::client);
    check_protocol_error(packet_at(place::subscribe, from_hex("0B 01 0B 02")), role::server);
    CHECK(decode_failure(packet_at(place::subscribe, from_hex("0B 01 0B 02")), role::server).detail ==
          "SUBSCRIBE property subscription_identifier appears more than once");
  }
}

TEST_CASE("codec properties: values that are a protocol error") {
  check_protocol_error(packet_at(place::publish, from_hex("01 02")), role::client);
  check_protocol_error(packet_at(place::will, from_hex("01 02")), role::server);
  check_protocol_error(packet_at(place::connect, from_hex("17 02")), role::server);
  check_protocol_error(packet_at(place::connect, from_hex("19 02")), role::server);
  check_protocol_error(packet_at(place::connect, from_hex("21 00 00")), role::server);
  check_protocol_error(packet_at(place::connect, from_hex("27 00 00 00 00")), role::server);
  check_protocol_error(packet_at(place::connack, from_hex("24 02")), role::client);
  check_protocol_error(packet_at(place::connack, from_hex("25 02")), role::client);
  check_protocol_error(packet_at(place::connack, from_hex("28 02")), role::client);
  check_protocol_error(packet_at(place::connack, from_hex("29 02")), role::client);
  check_protocol_error(packet_at(place::connack, from_hex("2A 02")), role::client);
  check_protocol_error(packet_at(place::connack, from_hex("21 00 00")), role::client);
  check_protocol_error(packet_at(place::subscribe, from_hex("0B 00")), role::server);
  check_protocol_error(packet_at(place::publish, from_hex("0B 00")), role::client);
  check_protocol_error(packet_at(place::connect, from_hex("16 00 01 61")),
                       role::server); // data without method
  CHECK(decode_failure(packet_at(place::connack, from_hex("24 02"))).detail ==
        "CONNACK property maximum_qos must be 0 or 1");
  CHECK(decode_failure(packet_at(place::will, from_hex("01 02")), role::server).detail ==
        "CONNECT will property payload_format_indicator must be 0 or 1");
  SUBCASE("values the session checks, not the codec") {
    check_accepted(packet_at(place::publish, from_hex("23 00 00")), role::client); // topic alias 0
    check_accepted(packet_at(place::connect, from_hex("22 00 00")), role::server); // topic alias maximum 0
    check_accepted(packet_at(place::connack, from_hex("24 00")), role::client);    // maximum QoS 0
  }
  SUBCASE("Subscription Identifier as a variable byte integer") {
    check_accepted(packet_at(place::subscribe, from_hex("0B FF FF FF 7F")), role::server);
    check_malformed(packet_at(place::subscribe, from_hex("0B 80 80 80 80 01")), role::server);
    check_malformed(packet_at(place::subscribe, from_hex("0B 80")), role::server);
    decoded d = decode_one(packet_at(place::subscribe, from_hex("0B FF FF FF 7F")), role::server);
    CHECK(std::get<subscribe>(d.value).props.subscription_identifiers ==
          std::vector<std::uint32_t>{268'435'455});
  }
}

TEST_CASE("codec properties: unknown identifiers and truncated values") {
  for (int id : {0x00, 0x04, 0x07, 0x0A, 0x10, 0x14, 0x1B, 0x1E, 0x20, 0x2B, 0x7F, 0x80, 0xFF}) {
    CAPTURE(id);
    check_malformed(packet_at(place::puback, bytes{static_cast<std::uint8_t>(id), 0x01}), role::client);
  }
  CHECK(decode_failure(packet_at(place::puback, from_hex("04 01"))).detail ==
        "PUBACK property 0x04 is unknown");
  for (const auto &sample : samples()) { // no structured binding: clang 14 cannot capture one
    const property_id id = sample.first;
    const bytes &value = sample.second;
    CAPTURE(property_name(id));
    const bytes truncated = property(id, bytes(value.begin(), value.end() - 1));
    check_malformed(packet_at(home_of(id), truncated), receiver(home_of(id)));
  }
}

TEST_CASE("codec properties: the properties struct") {
  properties a;
  CHECK(a.empty());
  a.user_properties = {{"k", "v"}, {"k", "w"}};
  a.subscription_identifiers = {1, 2};
  a.correlation_data = bin("abc");
  a.maximum_qos = 1;
  CHECK_FALSE(a.empty());

  SUBCASE("equality compares content, not addresses") {
    const std::string other_storage = "abc";
    properties b;
    b.user_properties = {{"k", "v"}, {"k", "w"}};
    b.subscription_identifiers = {1, 2};
    b.correlation_data = as_bytes(other_storage);
    b.maximum_qos = 1;
    CHECK(a == b);
    b.correlation_data = bin("abd");
    CHECK_FALSE(a == b);
    b.correlation_data = bin("abc");
    b.user_properties = {{"k", "w"}, {"k", "v"}};
    CHECK_FALSE(a == b); // order matters
    b.user_properties = {{"k", "v"}, {"k", "w"}};
    b.maximum_qos.reset();
    CHECK_FALSE(a == b);
  }
  SUBCASE("clear keeps the vectors' capacity") {
    const auto *users = a.user_properties.data();
    const auto *ids = a.subscription_identifiers.data();
    a.clear();
    CHECK(a.empty());
    CHECK(a == properties{});
    CHECK(a.user_properties.capacity() >= 2);
    a.user_properties.push_back({"x", "y"});
    a.subscription_identifiers.push_back(3);
    CHECK(a.user_properties.data() == users);
    CHECK(a.subscription_identifiers.data() == ids);
  }
  SUBCASE("every property counts for empty()") {
    for (const auto &sample : samples()) { // no structured binding: clang 14 cannot capture one
      const property_id id = sample.first;
      const bytes &value = sample.second;
      CAPTURE(property_name(id));
      decoded d =
          decode_one(packet_at(home_of(id), props_for(id, value, home_of(id))), receiver(home_of(id)));
      const properties *props = std::visit(
          [](const auto &p) -> const properties * {
            if constexpr (requires { p.props; }) {
              return &p.props;
            } else {
              return nullptr;
            }
          },
          d.value);
      REQUIRE(props != nullptr);
      const bool in_will = home_of(id) == place::will;
      CHECK(props->empty() == in_will);
      if (in_will) {
        CHECK_FALSE(std::get<connect>(d.value).will->props.empty());
      }
    }
  }
}

TEST_CASE("codec properties: names") {
  CHECK(property_name(property_id::payload_format_indicator) == "payload_format_indicator");
  CHECK(property_name(property_id::subscription_identifier) == "subscription_identifier");
  CHECK(property_name(property_id::user_property) == "user_property");
  CHECK(property_name(property_id::shared_subscription_available) == "shared_subscription_available");
  CHECK(property_name(static_cast<property_id>(0x04)) == "unknown");
  for (const auto &sample : samples()) {
    CHECK(property_name(sample.first) != "unknown");
  }
}
