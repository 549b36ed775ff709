#pragma once

#include "common/child_process.hpp"
#include "mqtk/protocol/packets.hpp"

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace mqtk::apps::sub {

// The MQTT_* environment of a command run for message m: MQTT_TOPIC, MQTT_QOS, MQTT_RETAIN, MQTT_MID
// (QoS 1/2 only), and when present MQTT_CONTENT_TYPE, MQTT_RESPONSE_TOPIC, MQTT_CORRELATION_DATA_HEX
// (and MQTT_CORRELATION_DATA when it is UTF-8 text without NUL), MQTT_USER_PROPERTIES (a JSON array
// of [key, value] pairs), MQTT_PAYLOAD_FORMAT, MQTT_MESSAGE_EXPIRY, MQTT_SUBSCRIPTION_IDS (commas).
std::vector<std::pair<std::string, std::string>> message_environment(const protocol::publish &m);

// The message a command ran for, as on_result reports it.
struct exec_job {
  std::string topic;
  std::uint16_t packet_id = 0;
  protocol::qos qos = protocol::qos::at_most_once;
};

// Runs a command per message (--exec): payload on stdin, MQTT_* environment; messages of one topic
// run one after another, at most `jobs` commands at once across topics, at most `queue_limit`
// messages held (submit says when to stop reading). Failures are counted.
class exec_dispatch {
public:
  // How: at most jobs at once, each killed after timeout; on_result(job, result) follows each
  // command (stdout in result.output), also for one killed by stop().
  exec_dispatch(runtime &rt, std::size_t jobs, std::chrono::milliseconds timeout, std::size_t queue_limit,
                std::function<void(const exec_job &, const child_result &)> on_result);
  // Queues argv for m; false when the queue is now full (stop reading until on_room).
  bool submit(const protocol::publish &m, const std::vector<std::string> &argv);
  // Called when the queue has room again after submit returned false.
  void on_room(std::function<void()> fn) { on_room_ = std::move(fn); }
  // Called whenever nothing is queued or running any more.
  void on_idle(std::function<void()> fn) { on_idle_ = std::move(fn); }
  // Drops the queued commands (they never run) and, with kill_running, kills the running ones
  // (SIGTERM to the group, then SIGKILL); else they finish. on_idle follows once none runs.
  void stop(bool kill_running = true);
  // Messages queued or running.
  std::size_t pending() const noexcept { return pending_; }
  // True while submit's last answer (queue full) holds.
  bool full() const noexcept { return full_; }
  // Commands that failed (non-zero exit, signal, timeout, could not start).
  std::uint64_t failures() const noexcept { return failures_; }
  // Commands that ended (successfully or not).
  std::uint64_t finished() const noexcept { return finished_; }

private:
  struct queued {
    exec_job job;
    child_spec spec;
  };
  void run_next(const std::string &topic);
  void finished(const std::string &topic, const child_result &result);
  runtime &rt_;
  std::chrono::milliseconds timeout_;
  std::size_t queue_limit_;
  std::function<void(const exec_job &, const child_result &)> on_result_;
  std::function<void()> on_room_, on_idle_;
  job_limiter limiter_;
  std::map<std::string, std::deque<queued>> queues_; // per topic; front() is the one running
  std::map<std::string, std::unique_ptr<child_process>> running_;
  std::size_t pending_ = 0;
  std::uint64_t failures_ = 0, finished_ = 0;
  bool full_ = false;
  bool stopped_ = false;
};

} // namespace mqtk::apps::sub
