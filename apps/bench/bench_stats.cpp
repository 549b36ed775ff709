// mqtk-bench: run counters and per-publisher sequence tracking.
#include "bench/bench_stats.hpp"

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
