// mqtk-sub --retained-only: the sentinel that marks the end of the retained burst, and the quiet
// period that replaces it when it cannot be used.
#include "sub/retained_burst.hpp"

#include "mqtk/client/entropy.hpp"
#include "mqtk/protocol/reason_code.hpp"

#include <cstdio>

namespace mqtk::apps::sub {

namespace {

using clock = std::chrono::steady_clock;

std::string seconds_text(clock::duration d) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g s", std::chrono::duration<double>(d).count());
  return buffer;
}

} // namespace

retained_burst::retained_burst(runtime &rt, std::optional<double> settle, hooks h)
    : hooks_(std::move(h)), timer_(rt) {
  if (settle) {
    settle_mode_ = true;
    settle_ = std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(*settle));
  } else {
    topic_ = "mqtk/sentinel/" + client::random_hex(16);
  }
}

void retained_burst::subscribed(bool sentinel_granted, protocol::qos max_qos) {
  if (finished_)
    return;
  if (settle_mode_) {
    start_quiet(settle_);
    return;
  }
  sentinel_pending_ = false;
  packet_id_ = 0;
  if (!sentinel_granted) {
    hooks_.warn("the broker refused the subscription to the sentinel topic '" + topic_ + "'; ending after " +
                seconds_text(fallback_quiet) + " without messages");
    start_quiet(fallback_quiet);
    return;
  }
  payload_ = std::to_string(++sequence_);
  protocol::publish p;
  p.topic = topic_;
  p.payload = protocol::as_bytes(payload_);
  p.qos = max_qos == protocol::qos::at_most_once ? protocol::qos::at_most_once : protocol::qos::at_least_once;
  const auto sent = hooks_.publish(p);
  if (sent.error) {
    hooks_.warn("cannot publish the sentinel on '" + topic_ + "' (" + sent.error.message() +
                "); ending after " + seconds_text(fallback_quiet) + " without messages");
    start_quiet(fallback_quiet);
    return;
  }
  sentinel_pending_ = true;
  packet_id_ = sent.packet_id;
  if (packet_id_ == 0)
    start_quiet(fallback_quiet); // QoS 0: no PUBACK will tell that the broker took it
}

bool retained_burst::on_message(const protocol::publish &m) {
  if (!topic_.empty() && m.topic == topic_) {
    if (sentinel_pending_ && protocol::as_chars(m.payload) == payload_)
      finish();
    return true;
  }
  if (quiet_)
    last_message_ = clock::now();
  return false;
}

bool retained_burst::on_publish_done(std::uint16_t packet_id, protocol::reason_code reason) {
  if (packet_id_ == 0 || packet_id != packet_id_)
    return false;
  packet_id_ = 0;
  if (finished_)
    return true;
  if (protocol::is_error(reason)) {
    sentinel_pending_ = false;
    hooks_.warn("the broker refused the sentinel message on '" + topic_ +
                "': " + std::string(protocol::reason_code_name(reason)) + "; ending after " +
                seconds_text(fallback_quiet) + " without messages");
  }
  // From here on the sentinel is on its way, unless the broker dropped it silently (an ACL under
  // MQTT 3.1.1): the quiet period is the safety net.
  start_quiet(fallback_quiet);
  return true;
}

void retained_burst::cancel() {
  finished_ = true;
  timer_.cancel();
}

void retained_burst::start_quiet(clock::duration period) {
  quiet_ = period;
  last_message_ = clock::now();
  arm(period);
}

void retained_burst::arm(clock::duration delay) {
  timer_.start(delay, [this] {
    const auto idle = clock::now() - last_message_;
    if (idle >= *quiet_)
      quiet_elapsed();
    else
      arm(*quiet_ - idle);
  });
}

void retained_burst::quiet_elapsed() {
  if (sentinel_pending_)
    hooks_.warn("the sentinel did not come back; ending after " + seconds_text(*quiet_) +
                " without messages");
  finish();
}

void retained_burst::finish() {
  if (finished_)
    return;
  finished_ = true;
  timer_.cancel();
  hooks_.done();
}

} // namespace mqtk::apps::sub
