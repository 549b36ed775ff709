// mqtk-bench: an HdrHistogram-compatible counts array and its V2 (compressed) encoding, following
// HdrHistogram's AbstractHistogram (layout, encodeIntoByteBuffer, encodeIntoCompressedByteBuffer).
#include "bench/hdr_histogram.hpp"

#include "common/json_message.hpp"

#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace mqtk::apps::bench {

namespace {

constexpr std::uint32_t v2_cookie = 0x1c849303 | 0x10;            // V2EncodingCookieBase | 0x10
constexpr std::uint32_t v2_compressed_cookie = 0x1c849304 | 0x10; // V2CompressedEncodingCookieBase | 0x10
constexpr std::size_t header_size = 40;

void put_u32(std::vector<std::uint8_t> &out, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i)
    out[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
}

void put_u64(std::vector<std::uint8_t> &out, std::size_t at, std::uint64_t v) {
  put_u32(out, at, static_cast<std::uint32_t>(v >> 32));
  put_u32(out, at + 4, static_cast<std::uint32_t>(v));
}

} // namespace

void append_zigzag_leb128(std::vector<std::uint8_t> &out, std::int64_t v) {
  std::uint64_t value = (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
  for (int group = 0; group < 8; ++group) {
    if ((value >> 7) == 0) {
      out.push_back(static_cast<std::uint8_t>(value));
      return;
    }
    out.push_back(static_cast<std::uint8_t>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(value)); // the ninth byte keeps all 8 remaining bits
}

hdr_histogram::hdr_histogram(int significant_digits, std::uint64_t highest)
    : digits_(std::clamp(significant_digits, 1, 5)), highest_(std::max<std::uint64_t>(highest, 2)) {
  const auto single_unit_limit = static_cast<std::uint64_t>(2 * std::pow(10.0, digits_));
  const int magnitude = static_cast<int>(std::bit_width(single_unit_limit - 1)); // ceil(log2)
  sub_bucket_half_magnitude_ = magnitude - 1;
  const std::uint64_t sub_bucket_count = std::uint64_t{1} << magnitude;
  sub_bucket_half_count_ = sub_bucket_count / 2;
  sub_bucket_mask_ = sub_bucket_count - 1;
  // getBucketsNeededToCoverValue(highest)
  std::uint64_t smallest_untrackable = sub_bucket_count;
  std::size_t buckets = 1;
  while (smallest_untrackable <= highest_) {
    if (smallest_untrackable > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) / 2) {
      ++buckets;
      break;
    }
    smallest_untrackable <<= 1;
    ++buckets;
  }
  counts_.assign((buckets + 1) * sub_bucket_half_count_, 0);
}

std::size_t hdr_histogram::index_of(std::uint64_t value) const noexcept {
  const int leading_zero_count_base = 64 - (sub_bucket_half_magnitude_ + 1);
  const int bucket = leading_zero_count_base - std::countl_zero(value | sub_bucket_mask_);
  const std::uint64_t sub_bucket = value >> bucket;
  return static_cast<std::size_t>((static_cast<std::uint64_t>(bucket + 1) << sub_bucket_half_magnitude_) +
                                  (sub_bucket - sub_bucket_half_count_));
}

std::uint64_t hdr_histogram::lowest_equivalent(std::uint64_t value) const noexcept {
  const int leading_zero_count_base = 64 - (sub_bucket_half_magnitude_ + 1);
  const int bucket = leading_zero_count_base - std::countl_zero(value | sub_bucket_mask_);
  return (value >> bucket) << bucket;
}

std::uint64_t hdr_histogram::highest_equivalent(std::uint64_t value) const noexcept {
  const int leading_zero_count_base = 64 - (sub_bucket_half_magnitude_ + 1);
  const int bucket = leading_zero_count_base - std::countl_zero(value | sub_bucket_mask_);
  return lowest_equivalent(value) + (std::uint64_t{1} << bucket) - 1;
}

void hdr_histogram::record(std::uint64_t value, std::uint64_t count) noexcept {
  if (count == 0)
    return;
  value = std::min(value, highest_);
  counts_[index_of(value)] += count;
  total_ += count;
  max_ = std::max(max_, value);
}

void hdr_histogram::clear() noexcept {
  std::fill(counts_.begin(), counts_.end(), 0);
  total_ = max_ = 0;
}

std::vector<std::uint8_t> hdr_histogram::encode() const {
  std::vector<std::uint8_t> out(header_size, 0);
  put_u32(out, 0, v2_cookie);
  put_u32(out, 8, 0); // normalizing index offset
  put_u32(out, 12, static_cast<std::uint32_t>(digits_));
  put_u64(out, 16, 1); // lowest discernible value
  put_u64(out, 24, highest_);
  put_u64(out, 32, std::bit_cast<std::uint64_t>(1.0)); // integer to double conversion ratio
  const std::size_t limit = index_of(max_) + 1;
  for (std::size_t i = 0; i < limit;) {
    const std::uint64_t count = counts_[i++];
    std::int64_t zeros = 0;
    if (count == 0) {
      zeros = 1;
      while (i < limit && counts_[i] == 0) {
        ++zeros;
        ++i;
      }
    }
    append_zigzag_leb128(out, zeros > 1 ? -zeros : static_cast<std::int64_t>(count));
  }
  put_u32(out, 4, static_cast<std::uint32_t>(out.size() - header_size));
  return out;
}

std::string hdr_histogram::compressed_base64() const {
  const auto plain = encode();
  uLongf deflated_size = compressBound(static_cast<uLong>(plain.size()));
  std::vector<std::uint8_t> packed(8 + deflated_size);
  if (compress2(packed.data() + 8, &deflated_size, plain.data(), static_cast<uLong>(plain.size()),
                Z_DEFAULT_COMPRESSION) != Z_OK)
    return {};
  packed.resize(8 + deflated_size);
  put_u32(packed, 0, v2_compressed_cookie);
  put_u32(packed, 4, static_cast<std::uint32_t>(deflated_size));
  std::string out;
  append_base64(out, packed);
  return out;
}

} // namespace mqtk::apps::bench
