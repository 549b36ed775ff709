// mqtk-bench: log-linear latency histogram.
#include "bench/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace mqtk::apps::bench {

// Values below 2^sub_bits have a bucket each; above, a value with its highest bit at position m
// (m >= sub_bits) goes to row m - sub_bits + 1, column = the sub_bits bits below the highest.
std::size_t latency_histogram::bucket_of(std::uint64_t ns) noexcept {
  constexpr std::uint64_t linear = std::uint64_t{1} << sub_bits;
  if (ns < linear)
    return static_cast<std::size_t>(ns);
  const int top = 63 - std::countl_zero(ns);
  const std::size_t row = static_cast<std::size_t>(top - sub_bits + 1);
  if (row > magnitudes)
    return bucket_count - 1;
  const std::size_t column = static_cast<std::size_t>((ns >> (top - sub_bits)) & (linear - 1));
  return (row << sub_bits) + column;
}

std::uint64_t latency_histogram::low_of(std::size_t bucket) noexcept {
  const std::size_t row = bucket >> sub_bits, column = bucket & ((std::size_t{1} << sub_bits) - 1);
  if (row == 0)
    return column;
  return (std::uint64_t{1} << sub_bits | column) << (row - 1);
}

std::uint64_t latency_histogram::midpoint_of(std::size_t bucket) noexcept {
  const std::size_t row = bucket >> sub_bits;
  if (row == 0)
    return low_of(bucket);
  return low_of(bucket) + ((std::uint64_t{1} << (row - 1)) >> 1);
}

void latency_histogram::record(std::uint64_t ns) noexcept {
  ++buckets_[bucket_of(ns)];
  ++count_;
  sum_ += static_cast<double>(ns);
  min_ = std::min(min_, ns);
  max_ = std::max(max_, ns);
}

void latency_histogram::merge(const latency_histogram &other) noexcept {
  for (std::size_t i = 0; i < bucket_count; ++i)
    buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

void latency_histogram::clear() noexcept {
  *this = latency_histogram{};
}

std::uint64_t latency_histogram::percentile(double fraction) const noexcept {
  if (count_ == 0)
    return 0;
  fraction = std::clamp(fraction, 0.0, 1.0);
  const auto rank = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(fraction * static_cast<double>(count_))));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < bucket_count; ++i) {
    seen += buckets_[i];
    if (seen >= rank)
      return std::clamp(midpoint_of(i), min_, max_);
  }
  return max_;
}

bool latency_histogram::restore_bucket(std::size_t index, std::uint64_t count) noexcept {
  if (index >= bucket_count)
    return false;
  buckets_[index] += count;
  count_ += count;
  return true;
}

bool latency_histogram::restore_summary(std::uint64_t min, std::uint64_t max, double sum) noexcept {
  if (count_ == 0)
    return min == 0 && max == 0 && sum == 0;
  if (min > max || buckets_[bucket_of(min)] == 0 || buckets_[bucket_of(max)] == 0 || !(sum >= 0))
    return false;
  min_ = min;
  max_ = max;
  sum_ = sum;
  return true;
}

} // namespace mqtk::apps::bench
