#include "sub/exec_dispatch.hpp"

#include "common/json_message.hpp"
#include "mqtk/protocol/utf8.hpp"

#include <nlohmann/json.hpp>

namespace mqtk::apps::sub {

std::vector<std::pair<std::string, std::string>> message_environment(const protocol::publish &m) {
  std::vector<std::pair<std::string, std::string>> env{
      {"MQTT_TOPIC", std::string(m.topic)},
      {"MQTT_QOS", std::to_string(static_cast<int>(m.qos))},
      {"MQTT_RETAIN", m.retain ? "1" : "0"},
      {"MQTT_MID", std::to_string(m.packet_id)}};
  const auto &p = m.props;
  if (p.content_type)
    env.emplace_back("MQTT_CONTENT_TYPE", std::string(*p.content_type));
  if (p.response_topic)
    env.emplace_back("MQTT_RESPONSE_TOPIC", std::string(*p.response_topic));
  if (p.correlation_data) {
    const auto text = protocol::as_chars(*p.correlation_data);
    if (protocol::is_valid_utf8(text) && text.find('\0') == std::string_view::npos) {
      env.emplace_back("MQTT_CORRELATION_DATA", std::string(text));
    } else {
      std::string encoded;
      append_base64(encoded, *p.correlation_data);
      env.emplace_back("MQTT_CORRELATION_DATA", std::move(encoded));
      env.emplace_back("MQTT_CORRELATION_DATA_ENCODING", "base64");
    }
  }
  if (!p.user_properties.empty()) {
    auto pairs = nlohmann::json::array();
    for (const auto &up : p.user_properties)
      pairs.push_back({std::string(up.key), std::string(up.value)});
    env.emplace_back("MQTT_USER_PROPERTIES", pairs.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  return env;
}

exec_dispatch::exec_dispatch(runtime &rt, std::vector<std::string> argv, std::size_t jobs,
                             std::chrono::milliseconds timeout, std::size_t queue_limit,
                             std::function<void(const std::string &, const child_result &)> on_result)
    : rt_(rt), argv_(std::move(argv)), timeout_(timeout), queue_limit_(queue_limit == 0 ? 1 : queue_limit),
      on_result_(std::move(on_result)), limiter_(jobs) {}

bool exec_dispatch::submit(const protocol::publish &m) {
  child_spec spec;
  spec.argv = argv_;
  spec.stdin_data.assign(protocol::as_chars(m.payload));
  spec.env = message_environment(m);
  spec.timeout = timeout_;
  const std::string topic(m.topic);
  auto &queue = queues_[topic];
  queue.push_back(std::move(spec));
  ++pending_;
  if (queue.size() == 1)
    run_next(topic);
  full_ = pending_ >= queue_limit_;
  return !full_;
}

void exec_dispatch::run_next(const std::string &topic) {
  limiter_.submit([this, topic](std::function<void()> done) {
    if (stopped_) {
      done();
      return;
    }
    auto &spec = queues_[topic].front();
    running_[topic] = std::make_unique<child_process>(
        rt_, spec, [this, topic, done = std::move(done)](child_result result) {
          if (!result.ok())
            ++failures_;
          on_result_(topic, result);
          running_.erase(topic); // safe: the child's loop handler keeps its state alive until it returns
          auto &queue = queues_[topic];
          queue.pop_front();
          --pending_;
          done();
          if (!queue.empty() && !stopped_) {
            run_next(topic);
          } else {
            pending_ -= queue.size();
            queues_.erase(topic);
          }
          if (full_ && pending_ < queue_limit_) {
            full_ = false;
            if (on_room_)
              on_room_();
          }
          if (pending_ == 0 && on_idle_)
            on_idle_();
        });
  });
}

void exec_dispatch::stop() {
  stopped_ = true;
  limiter_.clear_waiting();
  for (auto it = queues_.begin(); it != queues_.end();) {
    if (running_.count(it->first)) {
      ++it;
      continue;
    }
    pending_ -= it->second.size();
    it = queues_.erase(it);
  }
  for (auto &[topic, child] : running_)
    child->kill();
  if (pending_ == 0 && on_idle_)
    on_idle_();
}

} // namespace mqtk::apps::sub
