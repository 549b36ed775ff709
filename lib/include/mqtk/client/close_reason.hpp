#pragma once

#include "mqtk/protocol/reason_code.hpp"

#include <cstdint>
#include <string>
#include <system_error>

namespace mqtk::client {

// Why a client stopped for good; the apps map it to the exit statuses of GUIDE §4.
enum class close_kind {
  normal,        // our DISCONNECT was sent (or the caller closed before connecting): exit 0
  setup,         // unusable local TLS material: exit 2
  connect,       // DNS, TCP, WebSocket handshake or connect timeout: exit 3
  tls,           // TLS handshake or certificate verification: exit 4
  refused,       // CONNACK with a failure reason: exit 5
  lost,          // an established connection was lost and reconnecting gave up (or the broker kept
                 // closing it on one message): exit 3, or 7 with QoS >= 1 messages unacknowledged
  protocol,      // the broker sent a malformed packet or broke the protocol: exit 8
  broker_disconnect, // the broker sent DISCONNECT and reconnecting is not allowed: exit 3 or 7
  no_response,   // a request waited the response timeout for its acknowledgement: exit 9, or 7 with
                 // QoS >= 1 messages unacknowledged
};

// The final outcome of a client: kind, one human line, and the broker's reason code when it gave one.
struct close_reason {
  close_kind kind = close_kind::normal;
  std::string message;
  protocol::reason_code reason = protocol::reason_code::success;
  std::uint16_t poison_packet_id = 0; // kind lost: the message the broker kept closing the connection on
  std::error_code code{}; // connect, tls, lost: the transport's error (e.g. EADDRNOTAVAIL, EMFILE); else empty
  bool goodbye_unsent = false; // kind normal: the connection failed or timed out before our DISCONNECT was written
};

} // namespace mqtk::client
