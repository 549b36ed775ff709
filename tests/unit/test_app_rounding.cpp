// common/rounding.hpp and apps/multicall/libm_wrap.cpp: what replaces libm in the packaged
// executable gives exactly libm's results.
#include "common/rounding.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

extern "C" {
double __wrap_ceil(double);
double __wrap_round(double);
long long __wrap_llround(double);
double __wrap_ldexp(double, int);
double __wrap_log10(double);
double __wrap_pow(double, double);
}

namespace {

// Bitwise equality: tells -0.0 from 0.0, and NaN equals NaN.
bool same(double a, double b) {
  if (std::isnan(a) && std::isnan(b))
    return true;
  return std::memcmp(&a, &b, sizeof a) == 0;
}

std::vector<double> samples() {
  std::vector<double> v{0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994, -0.49999999999999994,
                        1e-300, -1e-300, 4503599627370495.5, -4503599627370495.5, 4503599627370496.0, 9.0e18,
                        -9.0e18, 1e300, std::numeric_limits<double>::infinity(),
                        -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN(),
                        std::numeric_limits<double>::denorm_min(), 0.1, 0.7, 123456.789, -987654.321};
  std::mt19937_64 random(42);
  std::uniform_real_distribution<double> wide(-1e7, 1e7);
  for (int i = 0; i < 20000; ++i)
    v.push_back(wide(random));
  for (int i = 0; i < 2000; ++i)
    v.push_back(std::ldexp(wide(random), static_cast<int>(random() % 120) - 60));
  return v;
}

} // namespace

TEST_CASE("rounding: ceiling and rounded match std::ceil and std::round bit for bit") {
  for (const double x : samples()) {
    CAPTURE(x);
    CHECK(same(mqtk::apps::ceiling(x), std::ceil(x)));
    CHECK(same(mqtk::apps::rounded(x), std::round(x)));
    CHECK(same(__wrap_ceil(x), std::ceil(x)));
    CHECK(same(__wrap_round(x), std::round(x)));
    if (std::isfinite(x) && std::fabs(x) < 9.2e18)
      CHECK(__wrap_llround(x) == std::llround(x));
  }
}

TEST_CASE("rounding: scaled_by_power_of_two matches std::ldexp, subnormal and overflowing results too") {
  const int exponents[] = {0, 1, -1, 15, -24, -25, 52, -52, 1023, -1022, -1074, -1075, 1024, 2046, -2100, 3000, -3000};
  for (const double x : samples())
    for (const int e : exponents) {
      CAPTURE(x);
      CAPTURE(e);
      CHECK(same(__wrap_ldexp(x, e), std::ldexp(x, e)));
    }
  CHECK(same(mqtk::apps::scaled_by_power_of_two(1.5, -1074), std::ldexp(1.5, -1074))); // rounds once
}

TEST_CASE("rounding: log10 and pow come from the system libm") {
  for (const double x : {1e-5, 0.3, 1.0, 2.0, 1000.0, 12345.678})
    CHECK(same(__wrap_log10(x), std::log10(x)));
  CHECK(same(__wrap_pow(10.0, -2.5), std::pow(10.0, -2.5)));
  CHECK(same(__wrap_pow(2.0, 0.5), std::pow(2.0, 0.5)));
}
