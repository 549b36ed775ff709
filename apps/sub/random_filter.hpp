#pragma once

// --random-filter: prints each message with a given chance, as mosquitto_sub does (a percentage
// with two decimals: 10 prints about one message in ten).

#include "mqtk/client/entropy.hpp"

#include <cstdint>
#include <random>

namespace mqtk::apps::sub {

// Decides, message by message, whether one is printed.
class random_filter {
public:
  // percent in (0, 100]; 100 keeps every message without drawing.
  explicit random_filter(double percent, std::uint64_t seed = client::random_u64())
      : threshold_(static_cast<std::uint32_t>(percent * 100 + 0.5)), engine_(seed) {}
  // True when this message is to be printed.
  bool keep() {
    if (threshold_ >= 10000)
      return true;
    return std::uniform_int_distribution<std::uint32_t>(0, 9999)(engine_) < threshold_;
  }

private:
  std::uint32_t threshold_; // kept when a draw in [0, 10000) is below it
  std::mt19937_64 engine_;
};

} // namespace mqtk::apps::sub
