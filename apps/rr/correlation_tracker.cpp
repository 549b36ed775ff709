// Correlation data per request and the matching of responses to requests.
#include "rr/correlation_tracker.hpp"

#include <utility>

namespace mqtk::apps::rr {

correlation_tracker::correlation_tracker(std::string prefix) : prefix_(std::move(prefix)) {}

std::string correlation_tracker::issue(std::chrono::steady_clock::time_point sent_at) {
  std::string data = prefix_ + "-" + std::to_string(next_);
  outstanding_.emplace(data, outstanding_request{next_, sent_at});
  ++next_;
  return data;
}

std::optional<matched_response> correlation_tracker::match(
    const std::string& correlation_data, std::chrono::steady_clock::time_point arrived_at) {
  auto it = outstanding_.find(correlation_data);
  if (it == outstanding_.end()) {
    ++unknown_;
    return std::nullopt;
  }
  matched_response result{it->second.index,
                          std::chrono::duration_cast<std::chrono::nanoseconds>(
                              arrived_at - it->second.sent_at)};
  outstanding_.erase(it);
  return result;
}

}  // namespace mqtk::apps::rr
