// Session: what the caller sends (PUBLISH, SUBSCRIBE, UNSUBSCRIBE, AUTH, DISCONNECT).
#include "mqtk/protocol/error.hpp"
#include "mqtk/protocol/session.hpp"
#include "mqtk/protocol/topic.hpp"

#include <algorithm>

namespace mqtk::protocol {

bool session::can_publish_qos() const noexcept {
  const std::size_t window = std::min<std::size_t>(limits_.receive_maximum, options_.max_inflight);
  return (state_ == session_state::connected || accepting_early_publishes()) && outbound_.size() < window;
}

// Pipelining: a PUBLISH may follow CONNECT at once, unless enhanced authentication
// must finish first [MQTT-3.1.2-30], or a resend of an earlier connection's messages must come first
// (after the CONNACK says whether the broker kept them) to keep their order.
bool session::accepting_early_publishes() const noexcept {
  return options_.publish_before_connack && state_ == session_state::connecting && !auth_enabled_ &&
         std::all_of(outbound_.begin(), outbound_.end(), [](const outbound_message &m) { return m.before_connack; });
}

void session::forget_early_publishes() {
  for (auto it = outbound_.begin(); it != outbound_.end();) {
    const auto next = std::next(it);
    if (it->before_connack) {
      ids_.release(it->packet_id);
      erase_outbound(it);
    }
    it = next;
  }
}

std::error_code session::limit_refusal(const protocol::publish &message) const {
  if (message.qos > limits_.maximum_qos)
    return make_error_code(errc::qos_not_supported);
  if (message.retain && !limits_.retain_available)
    return make_error_code(errc::retain_not_supported);
  protocol::publish sized = message;
  if (sized.qos != qos::at_most_once && sized.packet_id == 0)
    sized.packet_id = 1; // any id: the encoded size is the same
  std::vector<std::uint8_t> encoded;
  return encode(sized, encoding(), encoded);
}

std::optional<std::uint16_t> session::outbound_alias_for(std::string_view topic, bool &first_use) {
  first_use = false;
  if (!options_.outbound_topic_aliases || options_.version != protocol_version::v5 ||
      limits_.topic_alias_maximum == 0)
    return std::nullopt;
  if (auto it = outbound_aliases_.find(topic); it != outbound_aliases_.end())
    return it->second;
  if (next_outbound_alias_ > limits_.topic_alias_maximum)
    return std::nullopt;
  first_use = true;
  const std::uint16_t alias = next_outbound_alias_++;
  outbound_aliases_.emplace(std::string(topic), alias);
  return alias;
}

send_result session::publish(const protocol::publish &message, time_point now) {
  const bool early = state_ != session_state::connected;
  if (early && !accepting_early_publishes())
    return {make_error_code(errc::not_connected), 0};
  const bool v5 = options_.version == protocol_version::v5;
  if (message.qos > qos::exactly_once)
    return {make_error_code(errc::invalid_argument), 0};
  // What the broker's CONNACK forbids gets its own code, so the caller can name the limit.
  if (message.qos > limits_.maximum_qos)
    return {make_error_code(errc::qos_not_supported), 0};
  if (message.retain && !limits_.retain_available)
    return {make_error_code(errc::retain_not_supported), 0};
  if (message.props.topic_alias && (!v5 || *message.props.topic_alias == 0))
    return {make_error_code(errc::invalid_argument), 0};
  if (message.props.topic_alias && *message.props.topic_alias > limits_.topic_alias_maximum)
    return {make_error_code(errc::topic_alias_above_maximum), 0};
  if (!(message.topic.empty() && message.props.topic_alias) && !topic_name_error(message.topic).empty())
    return {make_error_code(errc::invalid_argument), 0};

  bool first_use = false;
  std::optional<std::uint16_t> alias;
  if (!message.props.topic_alias && !message.topic.empty())
    alias = outbound_alias_for(message.topic, first_use);

  if (message.qos == qos::at_most_once && !alias && !message.dup && message.packet_id == 0) {
    if (auto ec = encode(message, encoding(), out_))
      return {ec, 0};
    last_sent_ = now;
    return {};
  }

  protocol::publish copy = message;
  copy.dup = false;
  copy.packet_id = 0;
  if (copy.qos != qos::at_most_once) {
    if (!can_publish_qos())
      return {make_error_code(errc::would_block), 0};
    auto id = ids_.acquire();
    if (!id)
      return {make_error_code(errc::would_block), 0};
    copy.packet_id = *id;
    scratch_.clear();
    if (auto ec = encode(copy, encoding(), scratch_)) {
      ids_.release(*id);
      return {ec, 0};
    }
    outbound_.push_back({*id, copy.qos, false, early, scratch_});
    outbound_index_.emplace(*id, std::prev(outbound_.end()));
    request_queued_ = true;
  }
  if (alias) {
    copy.props.topic_alias = *alias;
    if (!first_use)
      copy.topic = {};
    if (auto ec = encode(copy, encoding(), out_)) {
      if (copy.packet_id != 0) {
        erase_outbound(std::prev(outbound_.end()));
        ids_.release(copy.packet_id);
      }
      return {ec, 0};
    }
  } else if (copy.packet_id != 0) {
    out_.insert(out_.end(), outbound_.back().bytes.begin(), outbound_.back().bytes.end());
  } else if (auto ec = encode(copy, encoding(), out_)) {
    return {ec, 0};
  }
  last_sent_ = now;
  return {{}, copy.packet_id};
}

std::optional<std::uint16_t> session::oldest_unacknowledged_publish() const noexcept {
  for (const outbound_message &m : outbound_)
    if (!m.pubrec_received)
      return m.packet_id;
  return std::nullopt;
}

bytes_view session::inflight_publish(std::uint16_t packet_id) const noexcept {
  const auto it = outbound_index_.find(packet_id);
  if (it == outbound_index_.end())
    return {};
  return {it->second->bytes.data(), it->second->bytes.size()};
}

send_result session::subscribe(const protocol::subscribe &request, time_point now) {
  if (state_ != session_state::connected)
    return {make_error_code(errc::not_connected), 0};
  if (request.subscriptions.empty())
    return {make_error_code(errc::invalid_argument), 0};
  for (const subscription &s : request.subscriptions)
    if (!topic_filter_error(s.filter).empty() || s.options.max_qos > qos::exactly_once ||
        s.options.retain_handling > 2)
      return {make_error_code(errc::invalid_argument), 0};
  if (!request.props.subscription_identifiers.empty() &&
      (options_.version != protocol_version::v5 || !limits_.subscription_identifier_available))
    return {make_error_code(errc::invalid_argument), 0};
  auto id = ids_.acquire();
  if (!id)
    return {make_error_code(errc::would_block), 0};
  protocol::subscribe copy = request;
  copy.packet_id = *id;
  if (auto ec = encode(copy, encoding(), out_)) {
    ids_.release(*id);
    return {ec, 0};
  }
  pending_subscribes_.emplace_back(*id, request.subscriptions.size());
  request_queued_ = true;
  last_sent_ = now;
  return {{}, *id};
}

send_result session::unsubscribe(const protocol::unsubscribe &request, time_point now) {
  if (state_ != session_state::connected)
    return {make_error_code(errc::not_connected), 0};
  if (request.filters.empty())
    return {make_error_code(errc::invalid_argument), 0};
  for (std::string_view filter : request.filters)
    if (!topic_filter_error(filter).empty())
      return {make_error_code(errc::invalid_argument), 0};
  auto id = ids_.acquire();
  if (!id)
    return {make_error_code(errc::would_block), 0};
  protocol::unsubscribe copy = request;
  copy.packet_id = *id;
  if (auto ec = encode(copy, encoding(), out_)) {
    ids_.release(*id);
    return {ec, 0};
  }
  pending_unsubscribes_.emplace_back(*id, request.filters.size());
  request_queued_ = true;
  last_sent_ = now;
  return {{}, *id};
}

std::error_code session::send_auth(const protocol::auth &request, time_point now) {
  if (options_.version != protocol_version::v5 || !auth_enabled_)
    return make_error_code(errc::invalid_argument);
  if (state_ != session_state::connected && state_ != session_state::connecting)
    return make_error_code(errc::not_connected);
  if (auto ec = encode(request, encoding(), out_))
    return ec;
  last_sent_ = now;
  return {};
}

void session::disconnect(const protocol::disconnect &request, time_point now) {
  if (state_ == session_state::connected) {
    queue(request, now);
    if (options_.version == protocol_version::v5 && request.props.session_expiry_interval)
      options_.session_expiry = *request.props.session_expiry_interval;
  }
  if (state_ != session_state::disconnected)
    state_ = session_state::closing;
}

} // namespace mqtk::protocol
