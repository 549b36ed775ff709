#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string_view>

namespace mqtk::protocol {

// A read-only view of raw bytes (payloads, binary properties, wire data).
using bytes_view = std::span<const std::uint8_t>;

// Monotonic time as passed into the session; the protocol core never reads a clock.
using time_point = std::chrono::steady_clock::time_point;

// Protocol level byte of CONNECT: 3 = MQTT 3.1, 4 = MQTT 3.1.1, 5 = MQTT 5.0.
enum class protocol_version : std::uint8_t { v31 = 3, v311 = 4, v5 = 5 };

// Quality of service of a PUBLISH or a subscription.
enum class qos : std::uint8_t { at_most_once = 0, at_least_once = 1, exactly_once = 2 };

// The control packet type in the high nibble of the fixed header.
enum class packet_type : std::uint8_t {
  connect = 1,
  connack = 2,
  publish = 3,
  puback = 4,
  pubrec = 5,
  pubrel = 6,
  pubcomp = 7,
  subscribe = 8,
  suback = 9,
  unsubscribe = 10,
  unsuback = 11,
  pingreq = 12,
  pingresp = 13,
  disconnect = 14,
  auth = 15,
};

// Upper-case name of a packet type ("PUBLISH"), "UNKNOWN" for other values.
std::string_view packet_type_name(packet_type type);

// Views a string's bytes as binary data.
inline bytes_view as_bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t *>(text.data()), text.size()};
}

// Views binary data as characters (no validation).
inline std::string_view as_chars(bytes_view data) {
  return {reinterpret_cast<const char *>(data.data()), data.size()};
}

} // namespace mqtk::protocol
