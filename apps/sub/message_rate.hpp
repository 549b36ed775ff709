#pragma once

// mqtk-sub --message-rate: messages counted per interval of a monotonic clock, reported as lines of
// text or JSON. Time is passed in, never read, so the unit tests drive it with their own clock.

#include <chrono>
#include <cstdint>
#include <string>

namespace mqtk::apps::sub {

// Counts messages per interval and renders the interval and total reports.
class rate_meter {
public:
  using clock = std::chrono::steady_clock;
  // A meter whose first interval starts at start; json selects JSON-object reports.
  rate_meter(clock::duration interval, clock::time_point start, bool json);
  // Counts one message.
  void add() noexcept {
    ++in_interval_;
    ++total_;
  }
  // When the current interval ends (the report is due).
  clock::time_point due() const noexcept { return due_; }
  // Appends the report of the interval ending now ("rate: 12 messages in 1.000 s, 12.0/s\n": the
  // rate divides by the time that really passed) and starts the next interval; intervals keep to
  // start + k * interval, skipping whole intervals that already passed.
  void report_interval(std::string &out, clock::time_point now);
  // Appends the report of the whole run so far ("total: 30 messages in 2.500 s, 12.0/s\n").
  void report_total(std::string &out, clock::time_point now) const;
  // Messages counted since the start.
  std::uint64_t total() const noexcept { return total_; }

private:
  void append_report(std::string &out, const char *what, std::uint64_t messages, clock::duration elapsed) const;

  clock::duration interval_;
  clock::time_point start_, interval_start_, due_;
  bool json_;
  std::uint64_t in_interval_ = 0, total_ = 0;
};

} // namespace mqtk::apps::sub
