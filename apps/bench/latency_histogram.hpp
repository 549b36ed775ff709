#pragma once

#include <array>
#include <cstdint>

namespace mqtk::apps::bench {

// Counts durations in nanoseconds in log-linear buckets (64 per power of two: under 1.6% error)
// from 0 to about 2^40 ns (18 minutes; larger values land in the last bucket). Fixed size, no
// allocation per sample.
class latency_histogram {
public:
  // Counts one duration.
  void record(std::uint64_t ns) noexcept;
  // Adds another histogram's counts.
  void merge(const latency_histogram &other) noexcept;
  // Forgets every sample.
  void clear() noexcept;
  // Number of samples.
  std::uint64_t count() const noexcept { return count_; }
  // The value below which fraction (0..1) of the samples lie (a bucket's midpoint); 0 when empty.
  std::uint64_t percentile(double fraction) const noexcept;
  // Smallest and largest sample, exact; 0 when empty.
  std::uint64_t min() const noexcept { return count_ ? min_ : 0; }
  std::uint64_t max() const noexcept { return max_; }
  // Arithmetic mean of the samples, exact; 0 when empty.
  double mean() const noexcept { return count_ ? sum_ / static_cast<double>(count_) : 0; }
  // Sum of the samples in nanoseconds (as exact as the mean).
  double sum() const noexcept { return sum_; }

  // One bucket: its samples lie in [low, high] ns, and percentile() reports midpoint for them.
  struct bucket {
    std::uint64_t low = 0, high = 0, midpoint = 0, count = 0;
  };
  // Calls fn(bucket) for every non-empty bucket, from the lowest values up.
  template <class Fn> void for_each_bucket(Fn &&fn) const {
    for (std::size_t i = 0; i < bucket_count; ++i)
      if (buckets_[i] != 0)
        fn(bucket{low_of(i), i + 1 < bucket_count ? low_of(i + 1) - 1 : ~std::uint64_t{0}, midpoint_of(i),
                  buckets_[i]});
  }

  // Lossless export and import (bench --output, merge): the number of buckets, one bucket's count
  // (by index); restore() adds count samples to bucket index and sets the exact
  // minimum, maximum and sum (false, nothing changed, when index is out of range or the summary
  // contradicts the counts).
  static constexpr std::size_t buckets() noexcept { return bucket_count; }
  std::uint64_t count_at(std::size_t index) const noexcept { return buckets_[index]; }
  bool restore_bucket(std::size_t index, std::uint64_t count) noexcept;
  bool restore_summary(std::uint64_t min, std::uint64_t max, double sum) noexcept;

private:
  static constexpr int sub_bits = 6;
  static constexpr int magnitudes = 41;
  static constexpr std::size_t bucket_count = (magnitudes + 1) << sub_bits;
  static std::size_t bucket_of(std::uint64_t ns) noexcept;
  static std::uint64_t midpoint_of(std::size_t bucket) noexcept;
  static std::uint64_t low_of(std::size_t bucket) noexcept;

  std::array<std::uint64_t, bucket_count> buckets_{};
  std::uint64_t count_ = 0, min_ = ~std::uint64_t{0}, max_ = 0;
  double sum_ = 0; // exact enough for the mean
};

} // namespace mqtk::apps::bench
