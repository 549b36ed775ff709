#pragma once

#include "mqtk/client/close_reason.hpp"

namespace mqtk::apps {

// The exit statuses every tool shares (GUIDE §4, documented in each man page).
enum exit_status : int {
  exit_ok = 0,
  exit_internal = 1,          // unexpected internal error
  exit_usage = 2,             // bad flag or value, invalid topic, unreadable input (nothing sent)
  exit_connect = 3,           // DNS, TCP, WebSocket handshake, connect timeout
  exit_tls = 4,               // TLS handshake or certificate verification
  exit_refused = 5,           // CONNACK failure
  exit_operation_refused = 6, // SUBACK failure, PUBACK/PUBREC reason >= 0x80
  exit_incomplete = 7,        // connection lost with QoS >= 1 messages unacknowledged
  exit_protocol = 8,          // the broker sent a malformed packet or broke the protocol
  exit_timeout = 9,           // -W elapsed, or an expected message never came
  exit_check_failed = 10,     // a verification failed
  exit_interrupted = 130,     // SIGINT
};

// The exit status for a client's final close reason; unacknowledged tells whether QoS >= 1 messages
// were still waiting for acknowledgement (turns a lost connection, or a reconnect that failed to
// connect, into exit 7).
exit_status exit_status_for(const client::close_reason &reason, bool unacknowledged);

} // namespace mqtk::apps
