#include "mqtk/client/entropy.hpp"

#include <sys/random.h>

#include <chrono>
#include <cstdio>
#include <unistd.h>

namespace mqtk::client {

std::uint64_t random_u64() noexcept {
  std::uint64_t value = 0;
  if (::getrandom(&value, sizeof value, GRND_NONBLOCK) == static_cast<ssize_t>(sizeof value))
    return value;
  // Only before the kernel's pool is ready (early boot): not secret, just different per process.
  const auto now = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  value = now ^ (static_cast<std::uint64_t>(::getpid()) << 32);
  value ^= value >> 33;
  value *= 0xff51afd7ed558ccdULL;
  return value ^ (value >> 33);
}

std::string random_hex(std::size_t digits) {
  digits = digits < 1 ? 1 : digits > 16 ? 16 : digits;
  char buffer[24];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(random_u64()));
  return std::string(buffer, digits);
}

} // namespace mqtk::client
