#pragma once

// Rounding done without libm: the packaged executable links no libm, whose loading cost a
// one-shot publish about 0.09 ms (docs/performance.md, apps/multicall/libm_wrap.cpp).
#include <bit>
#include <cstdint>

namespace mqtk::apps {

// From 2^52 up every double is an integer.
inline constexpr double integral_from = 4503599627370496.0;

// x rounded toward zero (NaN and infinities unchanged).
constexpr double truncated(double x) noexcept {
  if (!(x > -integral_from && x < integral_from))
    return x;
  const double t = static_cast<double>(static_cast<std::int64_t>(x));
  // A zero result keeps x's sign, as std::trunc's does (-0.3 and -0.0 give -0.0).
  return t == 0 ? std::bit_cast<double>(std::bit_cast<std::uint64_t>(x) & (std::uint64_t{1} << 63)) : t;
}

// The smallest integer not below x (std::ceil).
constexpr double ceiling(double x) noexcept {
  const double t = truncated(x);
  return t < x ? t + 1 : t;
}

// x rounded to the nearest integer, halfway cases away from zero (std::round). x - truncated(x)
// is exact, so 0.49999999999999994 rounds to 0, not to 1 as x + 0.5 would.
constexpr double rounded(double x) noexcept {
  const double t = truncated(x);
  const double fraction = x - t;
  if (fraction >= 0.5)
    return t + 1;
  if (fraction <= -0.5)
    return t - 1;
  return t;
}

// 2^e as a double, for e from -1022 to 1023.
constexpr double power_of_two(int e) noexcept {
  return std::bit_cast<double>(static_cast<std::uint64_t>(e + 1023) << 52);
}

// x * 2^e (std::ldexp), rounded once: musl's scalbn. Scaling a large |e| goes in at most three
// steps, the last one kept below 2^-53 when the result is subnormal, so it cannot round twice.
constexpr double scaled_by_power_of_two(double x, int e) noexcept {
  if (e > 1023) {
    x *= power_of_two(1023);
    e -= 1023;
    if (e > 1023) {
      x *= power_of_two(1023);
      e -= 1023;
      if (e > 1023)
        e = 1023;
    }
  } else if (e < -1022) {
    x *= power_of_two(-1022 + 53);
    e += 1022 - 53;
    if (e < -1022) {
      x *= power_of_two(-1022 + 53);
      e += 1022 - 53;
      if (e < -1022)
        e = -1022;
    }
  }
  return x * power_of_two(e);
}

} // namespace mqtk::apps
