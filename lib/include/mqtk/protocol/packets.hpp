#pragma once

#include "mqtk/protocol/properties.hpp"
#include "mqtk/protocol/reason_code.hpp"
#include "mqtk/protocol/types.hpp"

#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

// One struct per control packet, shared by MQTT 3.1, 3.1.1 and 5.0. Fields that a version does not
// carry (properties and reason codes before 5.0) are ignored when encoding for it and left at their
// defaults when decoding. Strings and binary fields are views: into the decoder's buffer for decoded
// packets (valid until the decoder is next called), into the caller's storage for packets to encode.
namespace mqtk::protocol {

// The Last Will and Testament carried in CONNECT.
struct will_message {
  std::string_view topic;
  bytes_view payload;
  enum qos qos = qos::at_most_once;
  bool retain = false;
  properties props; // will properties (5.0 only)
};

// CONNECT (client to server).
struct connect {
  protocol_version version = protocol_version::v5;
  std::string_view client_id;
  bool clean_start = true;
  std::uint16_t keep_alive = 60;
  std::optional<std::string_view> username;
  std::optional<bytes_view> password;
  std::optional<will_message> will;
  properties props;
};

// CONNACK (server to client). For 3.x the return code 0..5 is mapped to its 5.0 reason code.
struct connack {
  bool session_present = false;
  reason_code reason = reason_code::success;
  properties props;
  std::optional<std::uint8_t> return_code; // decoded 3.x CONNACK: the return code as on the wire
};

// PUBLISH (both directions). packet_id is 0 for QoS 0.
struct publish {
  std::string_view topic;
  bytes_view payload;
  enum qos qos = qos::at_most_once;
  bool retain = false;
  bool dup = false;
  std::uint16_t packet_id = 0;
  properties props;
};

// The shared shape of PUBACK, PUBREC, PUBREL and PUBCOMP.
template <packet_type Type> struct publish_response {
  static constexpr packet_type type = Type;
  std::uint16_t packet_id = 0;
  reason_code reason = reason_code::success;
  properties props;
};

// PUBACK: acknowledges a QoS 1 PUBLISH.
using puback = publish_response<packet_type::puback>;
// PUBREC: first answer to a QoS 2 PUBLISH.
using pubrec = publish_response<packet_type::pubrec>;
// PUBREL: answer to PUBREC.
using pubrel = publish_response<packet_type::pubrel>;
// PUBCOMP: answer to PUBREL, ends the QoS 2 flow.
using pubcomp = publish_response<packet_type::pubcomp>;

// Subscription options byte of SUBSCRIBE (spec 3.8.3.1); only max_qos exists before 5.0.
struct subscribe_options {
  enum qos max_qos = qos::at_most_once;
  bool no_local = false;
  bool retain_as_published = false;
  std::uint8_t retain_handling = 0; // 0 send retained, 1 only for new subscriptions, 2 never
  friend bool operator==(const subscribe_options &, const subscribe_options &) = default;
};

// One topic filter with its options in a SUBSCRIBE.
struct subscription {
  std::string_view filter;
  subscribe_options options;
  friend bool operator==(const subscription &, const subscription &) = default;
};

// SUBSCRIBE (client to server). Subscription identifier goes in props.subscription_identifiers.
struct subscribe {
  std::uint16_t packet_id = 0;
  std::vector<subscription> subscriptions;
  properties props;
};

// SUBACK (server to client): one reason code per filter (3.x: 0x00..0x02 granted, 0x80 failure).
struct suback {
  std::uint16_t packet_id = 0;
  std::vector<reason_code> reasons;
  properties props;
};

// UNSUBSCRIBE (client to server).
struct unsubscribe {
  std::uint16_t packet_id = 0;
  std::vector<std::string_view> filters;
  properties props;
};

// UNSUBACK (server to client): one reason code per filter in 5.0, none in 3.x.
struct unsuback {
  std::uint16_t packet_id = 0;
  std::vector<reason_code> reasons;
  properties props;
};

// PINGREQ (client to server).
struct pingreq {};
// PINGRESP (server to client).
struct pingresp {};

// DISCONNECT (client to server; also server to client in 5.0).
struct disconnect {
  reason_code reason = reason_code::success;
  properties props;
};

// AUTH (5.0 only, both directions): enhanced authentication exchange.
struct auth {
  reason_code reason = reason_code::success;
  properties props;
};

// Any control packet. Alternative order follows packet_type minus one.
using packet = std::variant<connect, connack, publish, puback, pubrec, pubrel, pubcomp, subscribe, suback,
                            unsubscribe, unsuback, pingreq, pingresp, disconnect, auth>;

// The packet type of a packet variant.
inline packet_type type_of(const packet &p) { return static_cast<packet_type>(p.index() + 1); }

} // namespace mqtk::protocol
