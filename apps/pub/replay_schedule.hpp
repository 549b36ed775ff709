#pragma once

// mqtk-pub --replay: when each captured message is due, from its received_at, and how late the
// replay ran. Pure rules on an injected clock; the unit tests include this header directly.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace mqtk::apps::pub {

namespace detail {

// Reads exactly n digits at text[pos...] into value; false if they are not all digits.
inline bool read_digits(std::string_view text, std::size_t pos, std::size_t n, int &value) {
  if (pos + n > text.size())
    return false;
  value = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (text[i] < '0' || text[i] > '9')
      return false;
    value = value * 10 + (text[i] - '0');
  }
  return true;
}

// Days from 1970-01-01 to the given proleptic Gregorian date (Howard Hinnant's days_from_civil).
inline std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

} // namespace detail

// Microseconds since the Unix epoch of an RFC 3339 time as mqtk-sub --json writes it
// ("2026-11-25T14:00:00.123456Z"; any number of fraction digits, "Z" or a "+hh:mm" offset);
// nullopt when it is not one.
inline std::optional<std::int64_t> parse_received_at(std::string_view t) {
  int year, month, day, hour, minute, second;
  if (!detail::read_digits(t, 0, 4, year) || t.size() < 20 || t[4] != '-' || !detail::read_digits(t, 5, 2, month) ||
      t[7] != '-' || !detail::read_digits(t, 8, 2, day) || (t[10] != 'T' && t[10] != 't' && t[10] != ' ') ||
      !detail::read_digits(t, 11, 2, hour) || t[13] != ':' || !detail::read_digits(t, 14, 2, minute) ||
      t[16] != ':' || !detail::read_digits(t, 17, 2, second))
    return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
    return std::nullopt;
  std::size_t pos = 19;
  std::int64_t micros = 0;
  if (pos < t.size() && t[pos] == '.') {
    ++pos;
    const std::size_t first = pos;
    std::int64_t scale = 100000;
    while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9') {
      micros += (t[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == first)
      return std::nullopt;
  }
  std::int64_t offset_minutes = 0;
  if (pos < t.size() && (t[pos] == 'Z' || t[pos] == 'z')) {
    ++pos;
  } else if (pos < t.size() && (t[pos] == '+' || t[pos] == '-')) {
    int oh, om;
    if (!detail::read_digits(t, pos + 1, 2, oh) || pos + 3 >= t.size() || t[pos + 3] != ':' ||
        !detail::read_digits(t, pos + 4, 2, om) || oh > 23 || om > 59)
      return std::nullopt;
    offset_minutes = (t[pos] == '+' ? 1 : -1) * (oh * 60 + om);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != t.size())
    return std::nullopt;
  const std::int64_t days = detail::days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const std::int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
  return seconds * 1'000'000 + micros;
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
