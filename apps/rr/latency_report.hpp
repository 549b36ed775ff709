#pragma once

#include "rr/latency_summary.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

namespace mqtk::apps::rr {

// One round trip, for --latency: "request 3: 1.234 ms" (text, for stderr) or, with json, the line
// {"latency":{"request":3,"round_trip_ms":1.234}}. request is 1-based. No newline.
std::string latency_line(std::size_t request, std::chrono::nanoseconds round_trip, bool json);

// The run's summary: "latency of 10 response(s): min 0.812 ms, p50 1.034 ms, p99 2.310 ms, max 2.310 ms"
// or {"latency_summary":{"responses":10,"min_ms":0.812,"p50_ms":1.034,"p99_ms":2.310,"max_ms":2.310}};
// without figures (no response) "latency: no response" or {"latency_summary":{"responses":0}}.
std::string summary_line(const std::optional<latency_figures> &figures, bool json);

} // namespace mqtk::apps::rr
