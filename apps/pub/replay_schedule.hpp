#pragma once

// mqtk-pub --replay: when each captured message is due, from its received_at, and how late the
// replay ran. Pure rules on an injected clock; the unit tests include this header directly.

#include "common/rfc3339.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace mqtk::apps::pub {

// Microseconds since the Unix epoch of an RFC 3339 time as mqtk-sub --json writes it
// ("2026-11-25T14:00:00.123456Z"; parse_rfc3339_ns's forms); nullopt when it is not one.
inline std::optional<std::int64_t> parse_received_at(std::string_view t) {
  const auto ns = parse_rfc3339_ns(t);
  if (!ns)
    return std::nullopt;
  return *ns >= 0 ? *ns / 1000 : -((-*ns + 999) / 1000); // whole microseconds, rounded down
}

// The replay timeline: each loop starts when its first message is taken, and every later message
// of the loop is due at that start plus its capture offset divided by the speed. Due times are
// absolute on the monotonic clock, so a late send does not push the later ones back.
class replay_schedule {
public:
  using clock = std::chrono::steady_clock;
  // Messages later than this count as behind schedule in the report.
  static constexpr clock::duration late_threshold = std::chrono::milliseconds(100);

  // speed: 1 = the original timing, 2 = twice as fast, 0 = as fast as possible.
  explicit replay_schedule(double speed) : speed_(speed) {}

  // The next message taken starts a new loop (its timing restarts from it).
  void restart() noexcept { started_ = false; }

  // When the message captured at received_us (parse_received_at) is due, now being the time it is
  // taken. Messages captured before the loop's first one are due at the loop's start.
  clock::time_point due(std::int64_t received_us, clock::time_point now) {
    if (!started_) {
      started_ = true;
      base_us_ = received_us;
      start_ = now;
    }
    if (speed_ == 0)
      return now;
    const double offset_us = std::min(static_cast<double>(received_us - base_us_) / speed_, max_offset_us);
    if (!(offset_us > 0))
      return start_;
    return start_ + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double, std::micro>(offset_us));
  }

  // Records that a message due at `due` went out at `now`.
  void sent(clock::time_point due, clock::time_point now) {
    const auto late = now - due;
    if (late > max_late_)
      max_late_ = late;
    if (late > late_threshold)
      ++late_count_;
  }

  // How many sends were more than late_threshold behind their due time.
  std::uint64_t late_count() const noexcept { return late_count_; }
  // The largest lateness seen (zero when every send was on time).
  clock::duration max_late() const noexcept { return max_late_; }

private:
  static constexpr double max_offset_us = 1e15; // ~31 years: no overflow from a wild timestamp
  double speed_;
  bool started_ = false;
  std::int64_t base_us_ = 0;
  clock::time_point start_{};
  clock::duration max_late_{};
  std::uint64_t late_count_ = 0;
};

} // namespace mqtk::apps::pub
