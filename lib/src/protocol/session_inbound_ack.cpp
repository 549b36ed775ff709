// Session: inbound QoS 1/2 messages acknowledged when the caller says so (defer_inbound_acks), so
// that a message whose handling did not finish is redelivered by a broker that keeps the session.
#include "mqtk/protocol/error.hpp"
#include "mqtk/protocol/session.hpp"

#include <algorithm>
#include <string>

namespace mqtk::protocol {

void session::send_inbound_ack(std::uint16_t packet_id, enum qos q, time_point now) {
  if (q == qos::exactly_once) {
    inbound_qos2_.push_back(packet_id); // waits for PUBREL; a resend now only repeats PUBREC
    queue(pubrec{packet_id, reason_code::success, {}}, now);
  } else {
    queue(puback{packet_id, reason_code::success, {}}, now);
  }
}

void session::handle_deferred_publish(const protocol::publish &p, time_point now) {
  if (auto found = deferred_acks_.find(p.packet_id); found != deferred_acks_.end()) {
    // The broker's resend (after a reconnect) of a message the caller has: not delivered twice.
    // Acknowledged while we were disconnected: the acknowledgement goes out now.
    if (found->second.done) {
      const auto q = found->second.qos;
      deferred_acks_.erase(found);
      send_inbound_ack(p.packet_id, q, now);
    }
    return;
  }
  if (p.qos == qos::exactly_once &&
      std::find(inbound_qos2_.begin(), inbound_qos2_.end(), p.packet_id) != inbound_qos2_.end()) {
    queue(pubrec{p.packet_id, reason_code::success, {}}, now); // PUBREC was lost: repeat it
    return;
  }
  if (deferred_acks_.size() + inbound_qos2_.size() >= options_.receive_maximum) {
    fail(errc::receive_maximum_exceeded, "the broker exceeded our Receive Maximum");
    return;
  }
  deferred_acks_.emplace(p.packet_id, deferred_ack{p.qos, false});
  handler_.on_message(p);
}

std::error_code session::acknowledge_inbound(std::uint16_t packet_id, time_point now) {
  auto found = deferred_acks_.find(packet_id);
  if (found == deferred_acks_.end() || found->second.done)
    return errc::invalid_argument;
  if (state_ != session_state::connected) {
    found->second.done = true;
    return {};
  }
  const auto q = found->second.qos;
  deferred_acks_.erase(found);
  send_inbound_ack(packet_id, q, now);
  return {};
}

std::error_code session::release_inbound(std::uint16_t packet_id) {
  auto found = deferred_acks_.find(packet_id);
  if (found == deferred_acks_.end() || found->second.done)
    return errc::invalid_argument;
  deferred_acks_.erase(found);
  return {};
}

} // namespace mqtk::protocol
