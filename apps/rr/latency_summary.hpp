#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <vector>

namespace mqtk::apps::rr {

// min/p50/p99/max of the round-trip times of a run.
struct latency_figures {
  std::chrono::nanoseconds min{};  // fastest
  std::chrono::nanoseconds p50{};  // median (nearest rank)
  std::chrono::nanoseconds p99{};  // 99th percentile (nearest rank)
  std::chrono::nanoseconds max{};  // slowest
  std::size_t count = 0;           // samples
};

// Collects round-trip times and summarizes them by nearest-rank percentiles.
class latency_summary {
 public:
  // Records one round-trip time.
  void add(std::chrono::nanoseconds sample) { samples_.push_back(sample); }
  // The figures, or nothing when no sample was recorded.
  std::optional<latency_figures> figures() const;

 private:
  std::vector<std::chrono::nanoseconds> samples_;
};

}  // namespace mqtk::apps::rr
