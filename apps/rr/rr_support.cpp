// mqtk-rr: the small rules request and serve mode share.
#include "rr/rr_support.hpp"

#include "common/diagnostics.hpp"
#include "common/exit_status.hpp"
#include "mqtk/client/entropy.hpp"
#include "mqtk/protocol/reason_code.hpp"

#include <cstdio>

namespace mqtk::apps::rr {

std::string random_token() { return client::random_hex(16); }

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

void report_unanswered(std::size_t unanswered) {
  if (unanswered > 0)
    print_error("interrupted with " + std::to_string(unanswered) + " request(s) unanswered");
}

void warn_connection_lost(std::string_view message, std::chrono::milliseconds delay) {
  print_warning(std::string(message) + "; reconnecting in " +
                seconds_text(std::chrono::duration<double>(delay).count()));
}

std::optional<std::uint16_t> subscribe_filters(client::client &c, const std::vector<std::string> &filters,
                                               int max_qos, std::uint8_t retain_handling) {
  protocol::subscribe request;
  protocol::subscribe_options options;
  options.max_qos = static_cast<protocol::qos>(max_qos);
  options.retain_handling = retain_handling;
  for (const auto &filter : filters)
    request.subscriptions.push_back({filter, options});
  const auto sent = c.subscribe(request);
  if (sent.error) {
    print_error("cannot subscribe: " + sent.error.message());
    return std::nullopt;
  }
  return sent.packet_id;
}

int unexpected_close_status(const client::close_reason &why, bool unacknowledged) {
  if (why.kind != client::close_kind::normal)
    print_error(why.message);
  return exit_status_for(why, unacknowledged);
}

} // namespace mqtk::apps::rr
