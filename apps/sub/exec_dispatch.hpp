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

// The MQTT_* environment of a command run for message m: MQTT_TOPIC, MQTT_QOS, MQTT_RETAIN, MQTT_MID,
// and when present MQTT_CONTENT_TYPE, MQTT_RESPONSE_TOPIC, MQTT_CORRELATION_DATA (as is when valid
// UTF-8 without NUL, else base64 with MQTT_CORRELATION_DATA_ENCODING=base64), MQTT_USER_PROPERTIES
// (a JSON array of [key, value] pairs).
std::vector<std::pair<std::string, std::string>> message_environment(const protocol::publish &m);

// Runs a command per message (--exec): payload on stdin, MQTT_* environment; messages of one topic
// run one after another, at most `jobs` commands at once across topics, at most `queue_limit`
// messages held (submit says when to stop reading). Failures are counted and reported by on_failure.
class exec_dispatch {
public:
  // What to run and how; on_result(topic, result) follows each command (stdout in result.output).
  exec_dispatch(runtime &rt, std::vector<std::string> argv, std::size_t jobs, std::chrono::milliseconds timeout,
                std::size_t queue_limit, std::function<void(const std::string &, const child_result &)> on_result);
  // Queues a command for m; false when the queue is now full (stop reading until on_room).
  bool submit(const protocol::publish &m);
  // Called when the queue has room again after submit returned false.
  void on_room(std::function<void()> fn) { on_room_ = std::move(fn); }
  // Called whenever nothing is queued or running any more.
  void on_idle(std::function<void()> fn) { on_idle_ = std::move(fn); }
  // Kills every running command (SIGTERM, then SIGKILL) and drops the queued ones.
  void stop();
  // Messages queued or running.
  std::size_t pending() const noexcept { return pending_; }
  // Commands that failed (non-zero exit, signal, timeout, could not start).
  std::uint64_t failures() const noexcept { return failures_; }

private:
  void run_next(const std::string &topic);
  runtime &rt_;
  std::vector<std::string> argv_;
  std::chrono::milliseconds timeout_;
  std::size_t queue_limit_;
  std::function<void(const std::string &, const child_result &)> on_result_;
  std::function<void()> on_room_, on_idle_;
  job_limiter limiter_;
  std::map<std::string, std::deque<child_spec>> queues_; // per topic; front() is the one running
  std::map<std::string, std::unique_ptr<child_process>> running_;
  std::size_t pending_ = 0;
  std::uint64_t failures_ = 0;
  bool full_ = false;
  bool stopped_ = false;
};

} // namespace mqtk::apps::sub
