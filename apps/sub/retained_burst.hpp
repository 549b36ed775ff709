#pragma once

#include "common/runtime.hpp"

#include "mqtk/protocol/packets.hpp"
#include "mqtk/protocol/session.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace mqtk::apps::sub {

// Finds the end of the retained burst a broker sends after SUBSCRIBE, for --retained-only.
//
// Sentinel mode (default): the SUBSCRIBE also carries a private topic mqtk/sentinel/<random>; once
// it is acknowledged, a non-retained message with a sequence number is published there. A broker
// queues the retained messages of a subscription while it handles the SUBSCRIBE, before it reads
// our next PUBLISH from the same connection, and delivers to one client in order, so the sentinel
// coming back means every retained message has arrived. When the broker refuses the sentinel (its
// subscription or its PUBACK fails) or it never comes back, the quiet period takes over.
//
// Quiet mode (--settle S, or the fallback): the burst is over once no message arrived for S seconds.
class retained_burst {
public:
  // What the burst needs from the subscriber.
  struct hooks {
    std::function<protocol::send_result(const protocol::publish &)> publish; // sends the sentinel
    std::function<void()> done;                                              // the burst is over
    std::function<void(const std::string &)> warn;                           // a fallback happened
  };

  // The quiet period used when the sentinel cannot work.
  static constexpr std::chrono::milliseconds fallback_quiet{2'000};

  // Quiet mode with settle seconds when given, else sentinel mode.
  retained_burst(runtime &rt, std::optional<double> settle, hooks h);

  // The sentinel topic to add to the SUBSCRIBE; empty in quiet mode.
  const std::string &sentinel_topic() const noexcept { return topic_; }
  // The SUBACK came: starts the detection. sentinel_granted tells whether the sentinel's filter was
  // accepted; max_qos is the broker's Maximum QoS for our publishes.
  void subscribed(bool sentinel_granted, protocol::qos max_qos);
  // Call for every message received; returns true when it is on the sentinel topic (not to print).
  bool on_message(const protocol::publish &m);
  // Call for every completed QoS 1/2 publish; returns true when it was the sentinel's.
  bool on_publish_done(std::uint16_t packet_id, protocol::reason_code reason);
  // Stops the timers; nothing more is reported.
  void cancel();

private:
  void start_quiet(std::chrono::steady_clock::duration period);
  void arm(std::chrono::steady_clock::duration delay);
  void quiet_elapsed();
  void finish();

  hooks hooks_;
  runtime::timer timer_;
  std::string topic_;
  std::string payload_; // the sequence number of the sentinel in flight
  std::uint64_t sequence_ = 0;
  std::uint16_t packet_id_ = 0;                              // of the sentinel's PUBLISH while unacknowledged
  std::optional<std::chrono::steady_clock::duration> quiet_; // running quiet period
  std::chrono::steady_clock::time_point last_message_{};
  std::chrono::steady_clock::duration settle_{};
  bool settle_mode_ = false;
  bool sentinel_pending_ = false; // the sentinel was published and may still come back
  bool finished_ = false;
};

} // namespace mqtk::apps::sub
