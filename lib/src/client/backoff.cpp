#include "mqtk/client/backoff.hpp"

#include <algorithm>

namespace mqtk::client {

backoff::backoff(std::chrono::milliseconds initial, std::chrono::milliseconds maximum, std::uint64_t seed)
    : initial_(initial), maximum_(std::max(initial, maximum)), state_(seed | 1) {}

std::chrono::milliseconds backoff::next() noexcept {
  // xorshift64: cheap, seedable, good enough for jitter.
  state_ ^= state_ << 13;
  state_ ^= state_ >> 7;
  state_ ^= state_ << 17;
  const unsigned shift = std::min(attempt_, 20U);
  if (attempt_ < 32)
    ++attempt_;
  const auto grown = std::min<std::int64_t>(initial_.count() << shift, maximum_.count());
  const double factor = 0.5 + 0.5 * static_cast<double>(state_ % 1001) / 1000.0;
  return std::chrono::milliseconds(static_cast<std::int64_t>(static_cast<double>(grown) * factor));
}

} // namespace mqtk::client
