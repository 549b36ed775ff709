#pragma once

#include <chrono>
#include <cstdint>

namespace mqtk::client {

// Exponential backoff with jitter for reconnects: the n-th delay is initial * 2^n capped at maximum,
// then scaled by a random factor in [0.5, 1.0] so many clients do not reconnect in lockstep.
class backoff {
public:
  // A backoff from initial to maximum; seed makes the jitter reproducible in tests.
  backoff(std::chrono::milliseconds initial, std::chrono::milliseconds maximum, std::uint64_t seed);
  // The delay before the next attempt; grows each call.
  std::chrono::milliseconds next() noexcept;
  // Starts over from initial (after a connection succeeded).
  void reset() noexcept { attempt_ = 0; }

private:
  std::chrono::milliseconds initial_;
  std::chrono::milliseconds maximum_;
  std::uint64_t state_;
  unsigned attempt_ = 0;
};

} // namespace mqtk::client
