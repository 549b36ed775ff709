#pragma once

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>

namespace mqtk::apps::pub {

// "At most rate messages per second" for --rate and --burst: a token bucket of burst tokens, full
// at the start and refilled at rate tokens per second (kept as its theoretical arrival time in
// whole nanoseconds, so no rounding lets a message through early). With burst 1 two sends are
// always at least 1/rate seconds apart, so no 1 s window holds more than rate messages; with burst B
// at most rate + B - 1. Pure: the caller passes the time in.
class token_bucket {
public:
  using clock = std::chrono::steady_clock;

  // A bucket for rate > 0 messages per second holding burst >= 1 tokens.
  token_bucket(double rate, std::uint32_t burst)
      : interval_(static_cast<std::int64_t>(std::ceil(1e9 / rate))),
        tolerance_(interval_ * (static_cast<std::int64_t>(burst < 1 ? 1 : burst) - 1)) {}

  // How long from now until a token is there (zero when one is there now).
  clock::duration delay(clock::time_point now) const {
    const std::int64_t at = ns(now);
    const std::int64_t earliest = next_ - tolerance_;
    return earliest > at
               ? std::chrono::duration_cast<clock::duration>(std::chrono::nanoseconds(earliest - at))
               : clock::duration::zero();
  }

  // Takes a token at now; call only when delay(now) is zero.
  void take(clock::time_point now) {
    const std::int64_t at = ns(now);
    next_ = (next_ > at ? next_ : at) + interval_;
  }

private:
  static std::int64_t ns(clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  }

  std::int64_t interval_;  // nanoseconds per token, rounded up
  std::int64_t tolerance_; // how far ahead of now the schedule may run: (burst - 1) intervals
  std::int64_t next_ = std::numeric_limits<std::int64_t>::min() / 2; // when the bucket is full again
};

} // namespace mqtk::apps::pub
