// Session lifecycle: connecting, receiving and dispatching, keepalive, closing.
#include "mqtk/protocol/session.hpp"

#include "mqtk/protocol/error.hpp"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>

namespace mqtk::protocol {

namespace {

// The packet object sessions decode into (800 bytes, mostly CONNECT's fields): one per thread, shared
// by every session on it, so thousands of idle sessions do not each keep one, and reused, so the hot
// path allocates nothing. A session fed from inside another one's callback finds it busy and decodes
// into a packet of its own.
struct shared_decode_target {
  packet value;
  bool busy = false;
};
thread_local shared_decode_target shared_target;

// The decode target for one commit_input call.
class decode_target {
public:
  decode_target() {
    if (shared_target.busy) {
      own_ = std::make_unique<packet>();
      target_ = own_.get();
    } else {
      shared_target.busy = true;
      target_ = &shared_target.value;
    }
  }
  ~decode_target() {
    if (!own_)
      shared_target.busy = false;
  }
  decode_target(const decode_target &) = delete;
  decode_target &operator=(const decode_target &) = delete;
  packet &get() noexcept { return *target_; }

private:
  std::unique_ptr<packet> own_;
  packet *target_;
};

} // namespace

session::session(session_options options, session_handler &handler)
    : options_(std::move(options)), handler_(handler),
      decoder_({role::client, options_.version, options_.maximum_packet_size}) {
  limits_.keep_alive = options_.keep_alive;
}

encode_options session::encoding() const noexcept {
  return {options_.version, limits_.maximum_packet_size};
}

template <class Packet> void session::queue(const Packet &p, time_point now) {
  // Control packets we build are minimal; only a broken peer limit could refuse them, and the
  // spec lets us send them anyway rather than lose the flow.
  encode(p, {options_.version, max_packet_size}, out_);
  last_sent_ = now;
}

template void session::queue(const connect &, time_point);
template void session::queue(const puback &, time_point);
template void session::queue(const pubrec &, time_point);
template void session::queue(const pubrel &, time_point);
template void session::queue(const pubcomp &, time_point);
template void session::queue(const pingreq &, time_point);
template void session::queue(const protocol::disconnect &, time_point);

void session::set_version(protocol_version version) {
  options_.version = version;
  decoder_.set_version(version);
}

void session::start(time_point now, std::string_view auth_method, bytes_view auth_data) {
  bool resume = false;
  if (started_before_) {
    resume = options_.version == protocol_version::v5 ? options_.session_expiry > 0 : !options_.clean_start;
  } else {
    resume = !options_.clean_start;
  }
  started_before_ = true;

  decoder_.reset();
  decoder_.set_version(options_.version);
  decoder_.set_maximum_packet_size(options_.maximum_packet_size);
  out_.clear();
  forget_early_publishes(); // an earlier attempt's, if connection_closed() was not called
  limits_ = negotiated_limits{};
  limits_.keep_alive = options_.keep_alive;
  pingresp_deadline_.reset();
  pingreq_unanswered_ = false;
  inbound_aliases_.clear();
  outbound_aliases_.clear();
  next_outbound_alias_ = 1;

  connect request;
  request.version = options_.version;
  request.client_id = options_.client_id;
  request.clean_start = !resume;
  request.keep_alive = options_.keep_alive;
  if (options_.username)
    request.username = *options_.username;
  if (options_.password)
    request.password = as_bytes(*options_.password);
  if (options_.will) {
    const will_options &w = *options_.will;
    request.will = will_message{w.topic, {w.payload.data(), w.payload.size()}, w.qos, w.retain, w.props.get()};
  }
  if (options_.version == protocol_version::v5) {
    request.props = options_.connect_properties.get();
    if (options_.session_expiry != 0)
      request.props.session_expiry_interval = options_.session_expiry;
    if (options_.receive_maximum != 65535)
      request.props.receive_maximum = options_.receive_maximum;
    if (options_.maximum_packet_size != max_packet_size)
      request.props.maximum_packet_size = options_.maximum_packet_size;
    if (options_.topic_alias_maximum != 0)
      request.props.topic_alias_maximum = options_.topic_alias_maximum;
    if (!auth_method.empty()) {
      request.props.authentication_method = auth_method;
      request.props.authentication_data = auth_data;
    }
  }
  auth_enabled_ = request.props.authentication_method.has_value();
  clean_start_sent_ = request.clean_start;
  inbound_aliases_.resize(options_.version == protocol_version::v5 ? options_.topic_alias_maximum : 0);
  state_ = session_state::connecting;
  queue(request, now);
}

void session::receive(bytes_view bytes, time_point now) {
  decoder_.feed(bytes);
  commit_input(0, now);
}

void session::commit_input(std::size_t n, time_point now) {
  if (n != 0)
    decoder_.commit(n);
  // Bytes read into a shared buffer: what is left undecoded moves into the decoder on every return.
  struct settle_on_return {
    decoder &d;
    ~settle_on_return() { d.settle(); }
  } settle{decoder_};
  if (state_ == session_state::connecting && !input_may_be_mqtt())
    return;
  decode_target target;
  while (state_ == session_state::connecting || state_ == session_state::connected) {
    switch (decoder_.next(target.get())) {
    case decode_status::need_more:
      return;
    case decode_status::error:
      fail(decoder_.error(), decoder_.error_detail());
      return;
    case decode_status::ready:
      last_received_ = now;
      // Any packet shows the connection alive: a PINGRESP queued behind a backlog of messages (a
      // slow reader, or one resuming after a pause) is late without the connection being dead.
      if (pingresp_deadline_)
        pingresp_deadline_ = now + std::chrono::seconds(limits_.keep_alive);
      handle(target.get(), now);
      break;
    }
  }
}

bool session::input_may_be_mqtt() {
  // A first byte 'H' (0x48: PUBACK with flags 1000) is never valid, so waiting for the 5 bytes that
  // tell "HTTP/" costs nothing; the caller's CONNACK timeout bounds the wait.
  static constexpr std::string_view http = "HTTP/";
  const bytes_view in = decoder_.pending();
  const std::size_t n = std::min(in.size(), http.size());
  if (n == 0 || !std::equal(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(n), http.begin()))
    return true;
  if (n < http.size())
    return false;
  // The status line ("HTTP/1.0 403 Forbidden") is quoted when it has arrived whole.
  std::string status;
  std::size_t i = 0;
  for (; i < in.size() && i < 80 && in[i] != '\r' && in[i] != '\n'; ++i)
    status += in[i] >= 0x20 && in[i] < 0x7F ? static_cast<char>(in[i]) : '?';
  const bool whole = i < in.size() && (in[i] == '\r' || in[i] == '\n');
  fail(errc::not_mqtt, "the server answered in HTTP" + (whole ? " (\"" + status + "\")" : std::string()) +
                           ", not MQTT: this port speaks HTTP/WebSocket: use ws:// (wss:// with TLS)");
  return false;
}

void session::handle(packet &p, time_point now) {
  if (state_ == session_state::connecting && !std::holds_alternative<connack>(p) &&
      !(auth_enabled_ && std::holds_alternative<auth>(p))) {
    fail(errc::protocol_error, "the broker sent a packet other than CONNACK before CONNACK");
    return;
  }
  if (std::holds_alternative<connack>(p) || std::holds_alternative<puback>(p) || std::holds_alternative<pubrec>(p) ||
      std::holds_alternative<pubcomp>(p) || std::holds_alternative<suback>(p) || std::holds_alternative<unsuback>(p))
    note_response(now);
  std::visit(
      [&](auto &body) {
        using type = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<type, connack>)
          handle_connack(body, now);
        else if constexpr (std::is_same_v<type, protocol::publish>)
          handle_publish(body, now);
        else if constexpr (std::is_same_v<type, puback>)
          handle_puback(body);
        else if constexpr (std::is_same_v<type, pubrec>)
          handle_pubrec(body, now);
        else if constexpr (std::is_same_v<type, pubrel>)
          handle_pubrel(body, now);
        else if constexpr (std::is_same_v<type, pubcomp>)
          handle_pubcomp(body);
        else if constexpr (std::is_same_v<type, suback>)
          handle_suback(body);
        else if constexpr (std::is_same_v<type, unsuback>)
          handle_unsuback(body);
        else if constexpr (std::is_same_v<type, protocol::disconnect>)
          handle_disconnect(body);
        else if constexpr (std::is_same_v<type, auth>)
          handle_auth(body);
        else if constexpr (std::is_same_v<type, pingresp>) {
          pingresp_deadline_.reset();
          pingreq_unanswered_ = false;
        } else
          fail(errc::protocol_error, "the broker sent a packet only a client may send");
      },
      p);
}

void session::fail(std::error_code ec, std::string_view detail) {
  if (state_ == session_state::connected && options_.version == protocol_version::v5) {
    protocol::disconnect notice;
    notice.reason = disconnect_reason_for(ec);
    queue(notice, last_sent_);
  }
  state_ = session_state::closing;
  handler_.on_error(ec, detail);
}

void session::connection_closed(time_point) {
  state_ = session_state::disconnected;
  forget_early_publishes(); // no CONNACK success: the broker processed none of them
  pingresp_deadline_.reset();
  pingreq_unanswered_ = false;
  for (const auto &[id, count] : pending_subscribes_) {
    ids_.release(id);
    handler_.on_lost(packet_type::subscribe, id);
  }
  pending_subscribes_.clear();
  for (const auto &[id, count] : pending_unsubscribes_) {
    ids_.release(id);
    handler_.on_lost(packet_type::unsubscribe, id);
  }
  pending_unsubscribes_.clear();
}

void session::tick(time_point now) {
  if (state_ != session_state::connected)
    return;
  if (const auto due = response_deadline(); due && now >= *due) {
    const auto seconds = std::chrono::duration<double>(options_.response_timeout).count();
    char limit[32];
    std::snprintf(limit, sizeof limit, "%g", seconds);
    fail(errc::no_response, "the broker acknowledged nothing for " + std::string(limit) + " s (" +
                                awaited_response() + ")");
    return;
  }
  if (limits_.keep_alive == 0)
    return;
  const auto interval = std::chrono::seconds(limits_.keep_alive);
  if (input_paused_) {
    if (now >= last_sent_ + interval) {
      queue(pingreq{}, now);
      pingreq_unanswered_ = true;
    }
    return;
  }
  if (pingresp_deadline_) {
    if (now >= *pingresp_deadline_) {
      pingresp_deadline_.reset();
      fail(errc::timeout, "no PINGRESP within the keepalive interval");
    }
    return;
  }
  if (now >= std::min(last_sent_, last_received_) + interval) {
    queue(pingreq{}, now);
    pingresp_deadline_ = now + interval;
  }
}

std::optional<time_point> session::next_deadline() const noexcept {
  if (state_ != session_state::connected)
    return std::nullopt;
  const std::optional<time_point> response = response_deadline();
  if (limits_.keep_alive == 0)
    return response;
  time_point keepalive = std::min(last_sent_, last_received_) + std::chrono::seconds(limits_.keep_alive);
  if (input_paused_)
    keepalive = last_sent_ + std::chrono::seconds(limits_.keep_alive);
  else if (pingresp_deadline_)
    keepalive = *pingresp_deadline_;
  return response ? std::min(*response, keepalive) : keepalive;
}

// The response clock stops while our output is being written (a large PUBLISH on a slow link) and
// while the caller does not read (an acknowledgement cannot arrive then).
std::optional<time_point> session::response_deadline() const noexcept {
  if (options_.response_timeout.count() <= 0 || input_paused_ || output_in_flight_ || !out_.empty() ||
      !awaiting_response())
    return std::nullopt;
  return last_response_progress_ + options_.response_timeout;
}

// The acknowledgement the oldest unanswered request waits for, named for the diagnostic.
std::string session::awaited_response() const {
  if (!outbound_.empty()) {
    const outbound_message &m = outbound_.front();
    const char *ack = m.pubrec_received ? "PUBCOMP" : m.qos == qos::at_least_once ? "PUBACK" : "PUBREC";
    return std::string("no ") + ack + " for packet id " + std::to_string(m.packet_id);
  }
  if (!pending_subscribes_.empty())
    return "no SUBACK for packet id " + std::to_string(pending_subscribes_.front().first);
  return "no UNSUBACK for packet id " + std::to_string(pending_unsubscribes_.front().first);
}

void session::set_input_paused(bool paused, time_point now) {
  if (paused == input_paused_)
    return;
  input_paused_ = paused;
  if (paused) {
    pingreq_unanswered_ = pingreq_unanswered_ || pingresp_deadline_.has_value();
    pingresp_deadline_.reset();
    return;
  }
  if (pingreq_unanswered_)
    pingresp_deadline_ = now + std::chrono::seconds(limits_.keep_alive);
  pingreq_unanswered_ = false;
  note_response(now); // acknowledgements could not be read while paused
}

void session::take_output(std::vector<std::uint8_t> &buffer) {
  buffer.clear();
  buffer.swap(out_);
  output_in_flight_ = output_in_flight_ || !buffer.empty();
  request_in_flight_ = request_in_flight_ || request_queued_;
  request_queued_ = false;
}

void session::output_written(time_point now) {
  output_in_flight_ = false;
  if (request_in_flight_)
    note_response(now);
  request_in_flight_ = false;
}

} // namespace mqtk::protocol
