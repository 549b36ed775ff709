// Nearest-rank percentiles of round-trip times.
#include "rr/latency_summary.hpp"

#include <algorithm>

namespace mqtk::apps::rr {

std::optional<latency_figures> latency_summary::figures() const {
  if (samples_.empty()) return std::nullopt;
  std::vector<std::chrono::nanoseconds> sorted = samples_;
  std::sort(sorted.begin(), sorted.end());
  // Nearest rank: the smallest sample with at least p percent of the samples at or below it.
  auto rank = [&](std::size_t percent) {
    std::size_t n = sorted.size();
    std::size_t r = (percent * n + 99) / 100;
    return sorted[std::max<std::size_t>(r, 1) - 1];
  };
  return latency_figures{sorted.front(), rank(50), rank(99), sorted.back(), sorted.size()};
}

}  // namespace mqtk::apps::rr
