// Session: handling of the packets the broker sends.
#include "mqtk/protocol/error.hpp"
#include "mqtk/protocol/session.hpp"

#include <algorithm>
#include <iterator>
#include <string>

namespace mqtk::protocol {

namespace {

template <class Container, class Pred> auto find_if_in(Container &c, Pred pred) {
  return std::find_if(c.begin(), c.end(), pred);
}

} // namespace

void session::handle_connack(const connack &p, time_point now) {
  if (state_ != session_state::connecting) {
    fail(errc::protocol_error, "the broker sent a second CONNACK");
    return;
  }
  if (is_error(p.reason)) {
    state_ = session_state::closing;
    handler_.on_connack(p);
    return;
  }
  if (p.session_present && clean_start_sent_) {
    fail(errc::protocol_error, "CONNACK has session present although we asked for a clean start");
    return;
  }
  limits_.session_present = p.session_present;
  const properties &props = p.props;
  if (props.server_keep_alive)
    limits_.keep_alive = *props.server_keep_alive;
  if (props.receive_maximum)
    limits_.receive_maximum = *props.receive_maximum;
  if (props.maximum_qos)
    limits_.maximum_qos = static_cast<qos>(*props.maximum_qos);
  if (props.retain_available)
    limits_.retain_available = *props.retain_available != 0;
  if (props.maximum_packet_size)
    limits_.maximum_packet_size = *props.maximum_packet_size;
  if (props.topic_alias_maximum)
    limits_.topic_alias_maximum = *props.topic_alias_maximum;
  if (props.wildcard_subscription_available)
    limits_.wildcard_subscription_available = *props.wildcard_subscription_available != 0;
  if (props.subscription_identifier_available)
    limits_.subscription_identifier_available = *props.subscription_identifier_available != 0;
  if (props.shared_subscription_available)
    limits_.shared_subscription_available = *props.shared_subscription_available != 0;
  // An Assigned Client Identifier is meant for an empty client id, but some brokers send one
  // anyway; it is the id the broker uses for this session, so it is kept, not refused (-d shows it).
  if (props.assigned_client_identifier)
    limits_.assigned_client_id = *props.assigned_client_identifier;
  state_ = session_state::connected;
  last_sent_ = now;
  if (p.session_present)
    resend_inflight(now);
  else
    restart_inflight(now);
  for (outbound_message &m : outbound_)
    m.before_connack = false; // from now on they are this session's, resent like any other
  handler_.on_connack(p);
}

bool session::resolve_inbound_alias(protocol::publish &p) {
  if (!p.props.topic_alias)
    return true;
  const std::uint16_t alias = *p.props.topic_alias;
  if (alias == 0 || alias > inbound_aliases_.size()) {
    fail(errc::topic_alias_invalid, "the broker used a topic alias above our Topic Alias Maximum");
    return false;
  }
  std::string &slot = inbound_aliases_[alias - 1];
  if (!p.topic.empty()) {
    slot.assign(p.topic);
  } else if (slot.empty()) {
    fail(errc::protocol_error, "the broker used a topic alias it never defined");
    return false;
  }
  p.topic = slot;
  return true;
}

void session::handle_publish(protocol::publish &p, time_point now) {
  if (!resolve_inbound_alias(p))
    return;
  if (options_.defer_inbound_acks && p.qos != qos::at_most_once) {
    handle_deferred_publish(p, now);
    return;
  }
  if (p.qos == qos::exactly_once) {
    const bool duplicate = std::find(inbound_qos2_.begin(), inbound_qos2_.end(), p.packet_id) != inbound_qos2_.end();
    if (!duplicate) {
      if (inbound_qos2_.size() >= options_.receive_maximum) {
        fail(errc::receive_maximum_exceeded, "the broker exceeded our Receive Maximum");
        return;
      }
      inbound_qos2_.push_back(p.packet_id);
    }
    // The acknowledgement is queued before delivery so that a handler which disconnects from inside
    // on_message still acknowledges the message it received.
    queue(pubrec{p.packet_id, reason_code::success, {}}, now);
    if (!duplicate)
      handler_.on_message(p);
    return;
  }
  if (p.qos == qos::at_least_once)
    queue(puback{p.packet_id, reason_code::success, {}}, now);
  handler_.on_message(p);
}

void session::erase_outbound(outbound_list::iterator it) {
  outbound_index_.erase(it->packet_id);
  outbound_.erase(it);
}

// Acknowledgements of our QoS 1/2 publishes (MQTT 5.0 §4.3.2, §4.3.3, §4.4). The rule:
// - An acknowledgement that contradicts the state of a packet id we have in flight is a protocol
//   error (§4.13: DISCONNECT 0x82 in 5.0, then close): PUBACK for a QoS 2 message, PUBREC for a
//   QoS 1 message, PUBCOMP for a QoS 1 message or for a QoS 2 message before its PUBREC, and a
//   failing PUBREC after a successful one (we already sent PUBREL; the flow cannot go back).
//   Ignoring them would leave the message waiting forever for an acknowledgement that cannot come.
// - A successful PUBREC for an id in PUBREL state is answered with PUBREL again (a resend).
// - An id we do not have in flight is not an error: it may be stale from an earlier connection.
//   PUBACK and PUBCOMP are ignored; a successful PUBREC is answered with PUBREL so the broker can
//   finish its flow (§4.3.3 lets the sender answer every PUBREC; Mosquitto's client does the same).
//   A failing PUBREC for an unknown id ends nothing and is ignored.
void session::handle_puback(const puback &p) {
  auto found = outbound_index_.find(p.packet_id);
  if (found == outbound_index_.end())
    return; // unknown or stale id: nothing to complete
  if (found->second->qos != qos::at_least_once) {
    fail(errc::protocol_error, "the broker sent PUBACK for packet id " + std::to_string(p.packet_id) +
                                   ", a QoS 2 message (QoS 2 is acknowledged with PUBREC)");
    return;
  }
  erase_outbound(found->second);
  ids_.release(p.packet_id);
  handler_.on_publish_done(p.packet_id, p.reason, p.props);
}

void session::handle_pubrec(const pubrec &p, time_point now) {
  auto found = outbound_index_.find(p.packet_id);
  if (found == outbound_index_.end()) {
    if (!is_error(p.reason))
      queue(pubrel{p.packet_id, reason_code::success, {}}, now);
    return;
  }
  auto it = found->second;
  if (it->qos != qos::exactly_once) {
    fail(errc::protocol_error, "the broker sent PUBREC for packet id " + std::to_string(p.packet_id) +
                                   ", a QoS 1 message (QoS 1 is acknowledged with PUBACK)");
    return;
  }
  if (is_error(p.reason)) {
    if (it->pubrec_received) {
      fail(errc::protocol_error, "the broker refused packet id " + std::to_string(p.packet_id) +
                                     " in PUBREC after accepting it in an earlier PUBREC");
      return;
    }
    erase_outbound(it);
    ids_.release(p.packet_id);
    handler_.on_publish_done(p.packet_id, p.reason, p.props);
    return;
  }
  if (!it->pubrec_received) {
    it->pubrec_received = true;
    it->bytes.clear();
    it->bytes.shrink_to_fit();
  }
  queue(pubrel{p.packet_id, reason_code::success, {}}, now);
}

void session::handle_pubrel(const pubrel &p, time_point now) {
  auto it = std::find(inbound_qos2_.begin(), inbound_qos2_.end(), p.packet_id);
  reason_code reason = reason_code::success;
  if (it != inbound_qos2_.end())
    inbound_qos2_.erase(it);
  else if (options_.version == protocol_version::v5)
    reason = reason_code::packet_identifier_not_found;
  queue(pubcomp{p.packet_id, reason, {}}, now);
}

void session::handle_pubcomp(const pubcomp &p) {
  auto found = outbound_index_.find(p.packet_id);
  if (found == outbound_index_.end())
    return; // unknown or stale id: nothing to complete
  auto it = found->second;
  if (it->qos != qos::exactly_once || !it->pubrec_received) {
    fail(errc::protocol_error,
         "the broker sent PUBCOMP for packet id " + std::to_string(p.packet_id) +
             (it->qos != qos::exactly_once ? ", a QoS 1 message (QoS 1 is acknowledged with PUBACK)"
                                           : " before PUBREC (QoS 2 goes PUBREC, PUBREL, PUBCOMP)"));
    return;
  }
  erase_outbound(it);
  ids_.release(p.packet_id);
  handler_.on_publish_done(p.packet_id, p.reason, p.props);
}

void session::handle_suback(const suback &p) {
  auto it = find_if_in(pending_subscribes_, [&](const auto &entry) { return entry.first == p.packet_id; });
  if (it == pending_subscribes_.end())
    return;
  if (it->second != p.reasons.size()) {
    fail(errc::protocol_error, "SUBACK has a different number of reason codes than the SUBSCRIBE had filters");
    return;
  }
  pending_subscribes_.erase(it);
  ids_.release(p.packet_id);
  handler_.on_suback(p);
}

void session::handle_unsuback(const unsuback &p) {
  auto it = find_if_in(pending_unsubscribes_, [&](const auto &entry) { return entry.first == p.packet_id; });
  if (it == pending_unsubscribes_.end())
    return;
  if (options_.version == protocol_version::v5 && it->second != p.reasons.size()) {
    fail(errc::protocol_error, "UNSUBACK has a different number of reason codes than the UNSUBSCRIBE had filters");
    return;
  }
  pending_unsubscribes_.erase(it);
  ids_.release(p.packet_id);
  handler_.on_unsuback(p);
}

void session::handle_disconnect(const protocol::disconnect &p) {
  state_ = session_state::closing;
  handler_.on_disconnect(p);
}

void session::handle_auth(const auth &p) {
  if (!auth_enabled_) {
    fail(errc::protocol_error, "the broker sent AUTH although we did not ask for enhanced authentication");
    return;
  }
  handler_.on_auth(p);
}

void session::resend_inflight(time_point now) {
  request_queued_ = request_queued_ || !outbound_.empty();
  for (outbound_message &m : outbound_) {
    if (m.before_connack)
      continue; // sent on this connection already
    if (m.pubrec_received) {
      queue(pubrel{m.packet_id, reason_code::success, {}}, now);
    } else {
      m.bytes[0] |= 0x08; // DUP
      out_.insert(out_.end(), m.bytes.begin(), m.bytes.end());
      last_sent_ = now;
    }
  }
}

void session::restart_inflight(time_point now) {
  inbound_qos2_.clear();
  deferred_acks_.clear(); // the broker forgot them: it will neither resend nor expect an acknowledgement
  for (auto it = outbound_.begin(); it != outbound_.end();) {
    const auto next = std::next(it);
    if (it->before_connack) {
      it = next; // sent on this connection: the new session has it
      continue;
    }
    if (options_.republish_qos1 && it->qos == qos::at_least_once) {
      it->bytes[0] &= static_cast<std::uint8_t>(~0x08); // a first delivery in the new session: DUP 0
      out_.insert(out_.end(), it->bytes.begin(), it->bytes.end());
      last_sent_ = now;
    } else {
      // QoS 2: resending could deliver it twice, so the caller learns it may be lost.
      const std::uint16_t id = it->packet_id;
      erase_outbound(it);
      ids_.release(id);
      handler_.on_lost(packet_type::publish, id);
    }
    it = next;
  }
}

} // namespace mqtk::protocol
