#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mqtk::apps::bench {

// The counts of an HdrHistogram (lowest discernible value 1, so one unit is one nanosecond) laid out
// exactly as HdrHistogram's own, and its V2 compressed encoding: what a line of an HdrHistogram
// interval log carries. Fixed size once built, no allocation per value.
class hdr_histogram {
public:
  // A histogram keeping significant_digits (1 to 5) of every value up to highest (at least 2).
  hdr_histogram(int significant_digits, std::uint64_t highest);

  // Counts value count times; values above highest count as highest.
  void record(std::uint64_t value, std::uint64_t count = 1) noexcept;
  // Forgets every value (the layout stays).
  void clear() noexcept;
  // Number of values counted.
  std::uint64_t count() const noexcept { return total_; }
  // The largest value counted (0 when empty).
  std::uint64_t max() const noexcept { return max_; }
  // The smallest and largest value that share value's count: HdrHistogram's lowestEquivalentValue
  // and highestEquivalentValue.
  std::uint64_t lowest_equivalent(std::uint64_t value) const noexcept;
  std::uint64_t highest_equivalent(std::uint64_t value) const noexcept;

  // The V2 encoding (cookie 0x1c849313): the 40-byte big-endian header, then the counts up to the
  // largest value as ZigZag LEB128 words, a run of empty counts as one negative word.
  std::vector<std::uint8_t> encode() const;
  // The V2 compressed encoding (cookie 0x1c849314, length, zlib DEFLATE of encode()), in base64:
  // the Interval_Compressed_Histogram column. Empty when zlib fails (out of memory).
  std::string compressed_base64() const;

private:
  std::size_t index_of(std::uint64_t value) const noexcept;

  int digits_;
  std::uint64_t highest_;
  int sub_bucket_half_magnitude_;
  std::uint64_t sub_bucket_half_count_, sub_bucket_mask_;
  std::vector<std::uint64_t> counts_;
  std::uint64_t total_ = 0, max_ = 0;
};

// Appends v ZigZag-encoded as HdrHistogram's LEB128 variant (up to 9 bytes: the ninth keeps 8 bits).
void append_zigzag_leb128(std::vector<std::uint8_t> &out, std::int64_t v);

} // namespace mqtk::apps::bench
