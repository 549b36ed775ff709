#pragma once

#include "mqtk/protocol/packets.hpp"

#include <cstdint>
#include <string_view>
#include <system_error>

namespace mqtk::protocol {

// Receives what a session reports. Every method has an empty default; views are valid only during
// the call. Calls happen from inside session methods (receive, tick, start, ...).
class session_handler {
public:
  virtual ~session_handler() = default;
  // CONNACK arrived: success (session is connected) or a refusal (reason >= 0x80; the session closes).
  virtual void on_connack(const connack &) {}
  // An application message for us (QoS 2: once, at its first PUBLISH; duplicates are suppressed).
  // Topic aliases are already resolved into topic.
  virtual void on_message(const publish &) {}
  // A QoS 1/2 publish ended: PUBACK, PUBCOMP, or a PUBREC with a failure reason.
  virtual void on_publish_done(std::uint16_t /*packet_id*/, reason_code, const properties &) {}
  // A SUBACK for one of our SUBSCRIBEs.
  virtual void on_suback(const suback &) {}
  // An UNSUBACK for one of our UNSUBSCRIBEs.
  virtual void on_unsuback(const unsuback &) {}
  // An AUTH from the broker (enhanced authentication).
  virtual void on_auth(const auth &) {}
  // The broker sent DISCONNECT (5.0); the session is closing.
  virtual void on_disconnect(const disconnect &) {}
  // A request was lost: a reconnect without session present dropped an in-flight PUBLISH, or a
  // connection loss dropped a pending SUBSCRIBE/UNSUBSCRIBE.
  virtual void on_lost(packet_type, std::uint16_t /*packet_id*/) {}
  // The session failed (protocol violation by the broker, keepalive timeout, ...); a DISCONNECT with
  // the matching reason may have been queued. The caller should flush output and close.
  virtual void on_error(std::error_code, std::string_view /*detail*/) {}
};

} // namespace mqtk::protocol
