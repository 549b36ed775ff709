// The packaged executable without libm: the link wraps (-Wl,--wrap=NAME, cmake/package.cmake) the
// six libm functions the tools call, so libm.so.6 is not among the libraries loaded at every
// start (about 0.09 ms and 15 page faults of a one-shot publish, docs/performance.md). Rounding and
// ldexp (nlohmann's CBOR half floats) are computed here; log10 and pow (mqtk-bench's plots and
// histograms) come from the system libm, opened on first use.
#include "common/exit_status.hpp"
#include "common/rounding.hpp"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>

namespace {

// The system libm's function name, opened once; a libm that cannot be opened ends the run.
void *libm_function(const char *name) {
  static void *const library = [] {
    void *handle = dlopen("libm.so.6", RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      std::fprintf(stderr, "mqtk: cannot load libm.so.6: %s\n", dlerror());
      std::exit(mqtk::apps::exit_internal);
    }
    return handle;
  }();
  void *function = dlsym(library, name);
  if (!function) {
    std::fprintf(stderr, "mqtk: libm.so.6 has no %s\n", name);
    std::exit(mqtk::apps::exit_internal);
  }
  return function;
}

} // namespace

extern "C" {

// std::ceil.
double __wrap_ceil(double x) { return mqtk::apps::ceiling(x); }
// std::round.
double __wrap_round(double x) { return mqtk::apps::rounded(x); }
// std::llround (in range; out of range, like llround, the result is unspecified).
long long __wrap_llround(double x) { return static_cast<long long>(mqtk::apps::rounded(x)); }
// std::ldexp.
double __wrap_ldexp(double x, int e) { return mqtk::apps::scaled_by_power_of_two(x, e); }

// std::log10, from libm.
double __wrap_log10(double x) {
  static const auto function = reinterpret_cast<double (*)(double)>(libm_function("log10"));
  return function(x);
}

// std::pow, from libm.
double __wrap_pow(double x, double y) {
  static const auto function = reinterpret_cast<double (*)(double, double)>(libm_function("pow"));
  return function(x, y);
}

} // extern "C"
