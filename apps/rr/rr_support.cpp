// mqtk-rr: the small rules request and serve mode share.
#include "rr/rr_support.hpp"

#include "common/diagnostics.hpp"
#include "common/exit_status.hpp"
#include "mqtk/protocol/reason_code.hpp"

#include <cstdio>
#include <random>

namespace mqtk::apps::rr {

std::string random_token() {
  std::random_device rd;
  const std::uint64_t value = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
  char buffer[24];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(value));
  return buffer;
}

std::string response_topic_for(const std::optional<std::string> &flag, std::optional<std::string_view> information,
                               std::string_view token) {
  if (flag)
    return *flag;
  if (information && !information->empty()) {
    std::string topic(*information);
    if (topic.back() != '/')
      topic += '/';
    return topic + "mqtk-rr/" + std::string(token);
  }
  return "mqtk-rr/response/" + std::string(token);
}

bool suback_granted(const protocol::suback &ack, const std::vector<std::string> &filters) {
  bool granted = true;
  for (std::size_t i = 0; i < filters.size() && i < ack.reasons.size(); ++i) {
    if (!protocol::is_error(ack.reasons[i]))
      continue;
    std::string line =
        "the broker refused the subscription to '" + filters[i] + "': " + protocol::reason_code_text(ack.reasons[i]);
    if (ack.props.reason_string)
      line += ": " + std::string(*ack.props.reason_string);
    print_error(line);
    granted = false;
  }
  if (ack.reasons.size() < filters.size()) {
    print_error("the broker's SUBACK answers " + std::to_string(ack.reasons.size()) + " of " +
                std::to_string(filters.size()) + " filter(s)");
    granted = false;
  }
  return granted;
}

std::string milliseconds_text(std::chrono::nanoseconds d) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.3f ms", std::chrono::duration<double, std::milli>(d).count());
  return buffer;
}

std::string seconds_text(double seconds) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g s", seconds);
  return buffer;
}

int unexpected_close_status(const client::close_reason &why, bool unacknowledged) {
  if (why.kind != client::close_kind::normal)
    print_error(why.message);
  return exit_status_for(why, unacknowledged);
}

} // namespace mqtk::apps::rr
