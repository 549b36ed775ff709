// mqtk-bench: run counters, per-publisher sequence tracking and the publish schedule.
#include "bench/bench_stats.hpp"

#include <algorithm>
#include <cmath>

namespace mqtk::apps::bench {

sequence_tracker::outcome sequence_tracker::observe(std::uint32_t run_id, std::uint32_t publisher,
                                                    std::uint32_t sequence) {
  const std::uint64_t stream = std::uint64_t{run_id} << 32 | publisher;
  auto [it, fresh] = next_.try_emplace(stream, 0);
  outcome result;
  if (!fresh && sequence < it->second) {
    result.duplicate = true;
    return result;
  }
  // The first message of a publisher sets the baseline: a subscriber started after the publisher
  // must not count what was sent before it subscribed.
  if (!fresh)
    result.skipped = sequence - it->second;
  it->second = sequence + 1;
  return result;
}

std::uint64_t bench_totals::lost_messages() const noexcept {
  if (expected > 0) {
    const std::uint64_t unique = received - duplicates - foreign;
    return expected > unique ? expected - unique : 0;
  }
  return skipped;
}

double bench_totals::loss_percent() const noexcept {
  const std::uint64_t missing = lost_messages();
  const std::uint64_t should = expected > 0 ? expected : received - duplicates - foreign + missing;
  return should == 0 ? 0 : 100.0 * static_cast<double>(missing) / static_cast<double>(should);
}

} // namespace mqtk::apps::bench

namespace mqtk::apps::bench {

std::uint64_t publish_schedule::messages() const noexcept {
  if (rate <= 0 || duration <= 0)
    return count;
  // 1e-9: rate x duration computed as 7999.9999999 still schedules 8000.
  const double due = std::ceil(rate * duration - 1e-9);
  const auto by_duration = static_cast<std::uint64_t>(std::max(1.0, due));
  return count > 0 ? std::min(count, by_duration) : by_duration;
}

double publish_schedule::window(publish_end how, double elapsed_s) const noexcept {
  switch (how) {
  case publish_end::duration:
    return duration > 0 ? duration : elapsed_s;
  case publish_end::completed:
    if (rate > 0 && count > 0)
      return std::max(static_cast<double>(count) / rate, elapsed_s - tick_s);
    return elapsed_s;
  case publish_end::stopped:
    break;
  }
  return elapsed_s;
}

double publish_schedule::next_send(double elapsed_s) const noexcept {
  // The same count as the run's publish_due (floor(rate x elapsed) + 1 due by now), so the message
  // this returns the time of is the first one not yet due.
  const double next_due = (std::floor(rate * elapsed_s) + 1) / rate;
  if (rate * tick_s <= 1)
    return next_due;
  // 1e-9: a due time on the grid computed a hair above it stays on it.
  return std::ceil(next_due / tick_s - 1e-9) * tick_s;
}

} // namespace mqtk::apps::bench
