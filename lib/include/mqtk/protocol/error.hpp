#pragma once

#include "mqtk/protocol/reason_code.hpp"

#include <system_error>

namespace mqtk::protocol {

// Client-side error conditions of the protocol core and the client (category "mqtk").
enum class errc {
  malformed_packet = 1,   // bytes that do not form a valid packet (0x81)
  protocol_error,         // a valid packet where it is not allowed (0x82)
  packet_too_large,       // over the negotiated Maximum Packet Size (0x95)
  receive_maximum_exceeded, // the peer sent more QoS>0 PUBLISH than our Receive Maximum (0x93)
  topic_alias_invalid,    // alias 0, above our maximum, or unknown (0x94)
  timeout,                // keepalive PINGRESP or an operation deadline passed
  connection_refused,     // CONNACK with a failure reason
  not_connected,          // an operation that needs an open session
  would_block,            // in-flight window full; retry after an acknowledgement
  invalid_argument,       // caller input the protocol cannot carry (bad topic, property for 3.x)
  connection_closed,      // the transport closed
  session_lost,           // reconnect without session present: in-flight messages lost
  qos_not_supported,      // a PUBLISH QoS above the broker's Maximum QoS (CONNACK)
  retain_not_supported,   // a retained PUBLISH although the broker's Retain Available is 0 (CONNACK)
  topic_alias_above_maximum, // an outbound topic alias above the broker's Topic Alias Maximum (CONNACK)
  not_mqtt,               // the peer answered with something that is not MQTT (an HTTP response)
  no_response,            // a QoS 1/2 PUBLISH, SUBSCRIBE or UNSUBSCRIBE got no acknowledgement in time
};

// The std::error_category of errc.
const std::error_category &mqtk_category() noexcept;

// Builds a std::error_code in mqtk_category().
inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), mqtk_category()}; }

// The MQTT 5.0 reason code a client sends in DISCONNECT for an error (0x81, 0x82, 0x93, 0x94, 0x95;
// unspecified_error otherwise).
reason_code disconnect_reason_for(std::error_code ec);

} // namespace mqtk::protocol

template <> struct std::is_error_code_enum<mqtk::protocol::errc> : std::true_type {};
