#include "sub/exec_dispatch.hpp"

#include "mqtk/protocol/utf8.hpp"

#include <nlohmann/json.hpp>

namespace mqtk::apps::sub {

namespace {

std::string hex_text(protocol::bytes_view bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const auto b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

} // namespace

std::vector<std::pair<std::string, std::string>> message_environment(const protocol::publish &m) {
  std::vector<std::pair<std::string, std::string>> env{{"MQTT_TOPIC", std::string(m.topic)},
                                                       {"MQTT_QOS", std::to_string(static_cast<int>(m.qos))},
                                                       {"MQTT_RETAIN", m.retain ? "1" : "0"}};
  if (m.qos != protocol::qos::at_most_once)
    env.emplace_back("MQTT_MID", std::to_string(m.packet_id));
  const auto &p = m.props;
  if (p.content_type)
    env.emplace_back("MQTT_CONTENT_TYPE", std::string(*p.content_type));
  if (p.response_topic)
    env.emplace_back("MQTT_RESPONSE_TOPIC", std::string(*p.response_topic));
  if (p.correlation_data) {
    env.emplace_back("MQTT_CORRELATION_DATA_HEX", hex_text(*p.correlation_data));
    const auto text = protocol::as_chars(*p.correlation_data);
    if (protocol::is_valid_utf8(text) && text.find('\0') == std::string_view::npos)
      env.emplace_back("MQTT_CORRELATION_DATA", std::string(text));
  }
  if (!p.user_properties.empty()) {
    auto pairs = nlohmann::json::array();
    for (const auto &up : p.user_properties)
      pairs.push_back({std::string(up.key), std::string(up.value)});
    env.emplace_back("MQTT_USER_PROPERTIES", pairs.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  if (p.payload_format_indicator)
    env.emplace_back("MQTT_PAYLOAD_FORMAT", std::to_string(*p.payload_format_indicator));
  if (p.message_expiry_interval)
    env.emplace_back("MQTT_MESSAGE_EXPIRY", std::to_string(*p.message_expiry_interval));
  if (!p.subscription_identifiers.empty()) {
    std::string ids;
    for (const auto id : p.subscription_identifiers)
      ids += (ids.empty() ? "" : ",") + std::to_string(id);
    env.emplace_back("MQTT_SUBSCRIPTION_IDS", std::move(ids));
  }
  return env;
}

exec_dispatch::exec_dispatch(runtime &rt, std::size_t jobs, std::chrono::milliseconds timeout,
                             std::size_t queue_limit, std::function<void(const exec_job &, const child_result &)> on_result)
    : rt_(rt), timeout_(timeout), queue_limit_(queue_limit == 0 ? 1 : queue_limit), on_result_(std::move(on_result)),
      limiter_(jobs) {}

bool exec_dispatch::submit(const protocol::publish &m, const std::vector<std::string> &argv) {
  queued entry;
  entry.job = {std::string(m.topic), m.packet_id, m.qos};
  entry.spec.argv = argv;
  entry.spec.stdin_data.assign(protocol::as_chars(m.payload));
  entry.spec.env = message_environment(m);
  entry.spec.drop_inherited_prefix = "MQTT_"; // a variable the message lacks must not come from our environment
  entry.spec.timeout = timeout_;
  auto &queue = queues_[entry.job.topic];
  const std::string topic = entry.job.topic;
  queue.push_back(std::move(entry));
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
    const auto &spec = queues_[topic].front().spec;
    running_[topic] = std::make_unique<child_process>(rt_, spec, [this, topic, done = std::move(done)](child_result r) {
      finished(topic, r);
      done();
      if (pending_ == 0 && on_idle_)
        on_idle_();
    });
  });
}

void exec_dispatch::finished(const std::string &topic, const child_result &result) {
  ++finished_;
  if (!result.ok())
    ++failures_;
  auto &queue = queues_[topic];
  const exec_job job = std::move(queue.front().job);
  running_.erase(topic); // safe: the child's loop handler keeps its state alive until it returns
  queue.pop_front();
  --pending_;
  if (!queue.empty() && !stopped_) {
    run_next(topic);
  } else {
    pending_ -= queue.size();
    queues_.erase(topic);
  }
  on_result_(job, result);
  if (full_ && pending_ < queue_limit_) {
    full_ = false;
    if (on_room_)
      on_room_();
  }
}

void exec_dispatch::stop(bool kill_running) {
  stopped_ = true;
  limiter_.clear_waiting();
  for (auto it = queues_.begin(); it != queues_.end();) {
    auto &queue = it->second;
    if (running_.count(it->first)) {
      pending_ -= queue.size() - 1; // all but the running front
      queue.erase(queue.begin() + 1, queue.end());
      ++it;
      continue;
    }
    pending_ -= queue.size();
    it = queues_.erase(it);
  }
  if (kill_running)
    for (auto &[topic, child] : running_)
      child->kill();
  if (pending_ == 0 && on_idle_)
    on_idle_();
}

} // namespace mqtk::apps::sub
