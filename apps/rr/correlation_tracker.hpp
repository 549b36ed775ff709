#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace mqtk::apps::rr {

// One request waiting for its response: its position in the run and when it was sent.
struct outstanding_request {
  std::size_t index = 0;                            // 0-based request number
  std::chrono::steady_clock::time_point sent_at{};  // when the request went out
};

// A matched response: which request it answers and the round-trip time.
struct matched_response {
  std::size_t index = 0;                    // the request it answers
  std::chrono::nanoseconds round_trip{};    // sent_at to the response's arrival
};

// Hands out correlation data per request and matches responses to them; unknown or repeated
// correlation data counts as unknown and matches nothing.
class correlation_tracker {
 public:
  // prefix: bytes unique to this run (e.g. random), so another run's responses never match.
  explicit correlation_tracker(std::string prefix);

  // The correlation data for the next request, recorded as outstanding from sent_at.
  std::string issue(std::chrono::steady_clock::time_point sent_at);

  // The request a response with this correlation data answers (then no longer outstanding).
  std::optional<matched_response> match(const std::string& correlation_data,
                                        std::chrono::steady_clock::time_point arrived_at);

  // Requests sent and not yet answered.
  std::size_t outstanding() const { return outstanding_.size(); }
  // Responses whose correlation data matched no outstanding request.
  std::size_t unknown() const { return unknown_; }
  // Requests issued so far.
  std::size_t issued() const { return next_; }

 private:
  std::string prefix_;
  std::size_t next_ = 0;
  std::size_t unknown_ = 0;
  std::map<std::string, outstanding_request> outstanding_;
};

}  // namespace mqtk::apps::rr
