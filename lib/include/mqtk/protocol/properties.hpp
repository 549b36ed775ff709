#pragma once

#include "mqtk/protocol/types.hpp"

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace mqtk::protocol {

// MQTT 5.0 property identifiers (spec 2.2.2.2).
enum class property_id : std::uint8_t {
  payload_format_indicator = 0x01,
  message_expiry_interval = 0x02,
  content_type = 0x03,
  response_topic = 0x08,
  correlation_data = 0x09,
  subscription_identifier = 0x0B,
  session_expiry_interval = 0x11,
  assigned_client_identifier = 0x12,
  server_keep_alive = 0x13,
  authentication_method = 0x15,
  authentication_data = 0x16,
  request_problem_information = 0x17,
  will_delay_interval = 0x18,
  request_response_information = 0x19,
  response_information = 0x1A,
  server_reference = 0x1C,
  reason_string = 0x1F,
  receive_maximum = 0x21,
  topic_alias_maximum = 0x22,
  topic_alias = 0x23,
  maximum_qos = 0x24,
  retain_available = 0x25,
  user_property = 0x26,
  maximum_packet_size = 0x27,
  wildcard_subscription_available = 0x28,
  subscription_identifier_available = 0x29,
  shared_subscription_available = 0x2A,
};

// The spec's name of a property in snake_case ("message_expiry_interval"); "unknown" otherwise.
std::string_view property_name(property_id id);

// One User Property: a UTF-8 string pair. Order and repetition are significant.
struct user_property {
  std::string_view key;
  std::string_view value;
  friend bool operator==(const user_property &, const user_property &) = default;
};

// The properties of one packet (or of a will). Absent means not sent. Views point into the
// decoder's buffer (decoded packets) or into the caller's storage (packets to encode). The
// codec decides which properties a packet type may carry; "will" properties live here too.
struct properties {
  std::optional<std::uint8_t> payload_format_indicator;
  std::optional<std::uint32_t> message_expiry_interval;
  std::optional<std::string_view> content_type;
  std::optional<std::string_view> response_topic;
  std::optional<bytes_view> correlation_data;
  std::vector<std::uint32_t> subscription_identifiers;
  std::optional<std::uint32_t> session_expiry_interval;
  std::optional<std::string_view> assigned_client_identifier;
  std::optional<std::uint16_t> server_keep_alive;
  std::optional<std::string_view> authentication_method;
  std::optional<bytes_view> authentication_data;
  std::optional<std::uint8_t> request_problem_information;
  std::optional<std::uint32_t> will_delay_interval;
  std::optional<std::uint8_t> request_response_information;
  std::optional<std::string_view> response_information;
  std::optional<std::string_view> server_reference;
  std::optional<std::string_view> reason_string;
  std::optional<std::uint16_t> receive_maximum;
  std::optional<std::uint16_t> topic_alias_maximum;
  std::optional<std::uint16_t> topic_alias;
  std::optional<std::uint8_t> maximum_qos;
  std::optional<std::uint8_t> retain_available;
  std::vector<user_property> user_properties;
  std::optional<std::uint32_t> maximum_packet_size;
  std::optional<std::uint8_t> wildcard_subscription_available;
  std::optional<std::uint8_t> subscription_identifier_available;
  std::optional<std::uint8_t> shared_subscription_available;

  // Resets every property to absent; keeps the vectors' capacity (no allocation on reuse).
  void clear() noexcept;
  // True when no property is present.
  bool empty() const noexcept;
};

// Compares two property sets by value (byte content of views, order of lists).
bool operator==(const properties &a, const properties &b);

} // namespace mqtk::protocol
