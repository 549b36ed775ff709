// mqtk-rr --latency: the per-request lines and the summary, as text or JSON.
#include "rr/latency_report.hpp"

#include "rr/rr_support.hpp"

#include <cstdio>

namespace mqtk::apps::rr {

namespace {

// "1.234": milliseconds with three decimals, a JSON number.
std::string ms_number(std::chrono::nanoseconds d) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.3f", std::chrono::duration<double, std::milli>(d).count());
  return buffer;
}

} // namespace

std::string latency_line(std::size_t request, std::chrono::nanoseconds round_trip, bool json) {
  if (json)
    return "{\"latency\":{\"request\":" + std::to_string(request) + ",\"round_trip_ms\":" + ms_number(round_trip) +
           "}}";
  return "request " + std::to_string(request) + ": " + milliseconds_text(round_trip);
}

std::string summary_line(const std::optional<latency_figures> &f, bool json) {
  if (!f)
    return json ? "{\"latency_summary\":{\"responses\":0}}" : "latency: no response";
  if (json)
    return "{\"latency_summary\":{\"responses\":" + std::to_string(f->count) + ",\"min_ms\":" + ms_number(f->min) +
           ",\"p50_ms\":" + ms_number(f->p50) + ",\"p99_ms\":" + ms_number(f->p99) + ",\"max_ms\":" +
           ms_number(f->max) + "}}";
  return "latency of " + std::to_string(f->count) + " response(s): min " + milliseconds_text(f->min) + ", p50 " +
         milliseconds_text(f->p50) + ", p99 " + milliseconds_text(f->p99) + ", max " + milliseconds_text(f->max);
}

} // namespace mqtk::apps::rr
