#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mqtk::protocol {

// An MQTT 5.0 reason code (spec 2.4). Values below 0x80 report success, the rest failure.
// MQTT 3.x CONNACK return codes and SUBACK results are mapped onto these by the codec.
enum class reason_code : std::uint8_t {
  success = 0x00, // also normal_disconnection and granted_qos_0
  granted_qos_1 = 0x01,
  granted_qos_2 = 0x02,
  disconnect_with_will_message = 0x04,
  no_matching_subscribers = 0x10,
  no_subscription_existed = 0x11,
  continue_authentication = 0x18,
  re_authenticate = 0x19,
  unspecified_error = 0x80,
  malformed_packet = 0x81,
  protocol_error = 0x82,
  implementation_specific_error = 0x83,
  unsupported_protocol_version = 0x84,
  client_identifier_not_valid = 0x85,
  bad_user_name_or_password = 0x86,
  not_authorized = 0x87,
  server_unavailable = 0x88,
  server_busy = 0x89,
  banned = 0x8A,
  server_shutting_down = 0x8B,
  bad_authentication_method = 0x8C,
  keep_alive_timeout = 0x8D,
  session_taken_over = 0x8E,
  topic_filter_invalid = 0x8F,
  topic_name_invalid = 0x90,
  packet_identifier_in_use = 0x91,
  packet_identifier_not_found = 0x92,
  receive_maximum_exceeded = 0x93,
  topic_alias_invalid = 0x94,
  packet_too_large = 0x95,
  message_rate_too_high = 0x96,
  quota_exceeded = 0x97,
  administrative_action = 0x98,
  payload_format_invalid = 0x99,
  retain_not_supported = 0x9A,
  qos_not_supported = 0x9B,
  use_another_server = 0x9C,
  server_moved = 0x9D,
  shared_subscriptions_not_supported = 0x9E,
  connection_rate_exceeded = 0x9F,
  maximum_connect_time = 0xA0,
  subscription_identifiers_not_supported = 0xA1,
  wildcard_subscriptions_not_supported = 0xA2,
};

// True for failure codes (>= 0x80).
constexpr bool is_error(reason_code code) { return static_cast<std::uint8_t>(code) >= 0x80; }

// The spec's name of a reason code in the context of a packet type ("Not authorized"); codes whose
// name depends on the packet (0x00) use the generic "Success". Unknown values give "Unknown".
std::string_view reason_code_name(reason_code code);

// The name and the value for messages: "Not authorized (0x87)".
std::string reason_code_text(reason_code code);

// Maps an MQTT 3.x CONNACK return code (0..5) to the matching 5.0 reason code.
reason_code from_v3_connack_return_code(std::uint8_t code);

// Maps a 5.0 CONNACK reason code to the closest 3.x return code (used when encoding for 3.x).
std::uint8_t to_v3_connack_return_code(reason_code code);

// The 3.1.1 name of a CONNACK return code ("not authorized" for 5); "unknown" above 5.
std::string_view v3_connack_return_code_name(std::uint8_t code);

// A CONNACK result for messages. 5.0: reason_code_text ("Not authorized (0x87)"). A 3.x return code
// shows the wire value first, then the 5.0 meaning it maps to: "return code 5, not authorized
// (read as Not authorized (0x87))".
std::string connack_result_text(reason_code reason, std::optional<std::uint8_t> return_code);

} // namespace mqtk::protocol
