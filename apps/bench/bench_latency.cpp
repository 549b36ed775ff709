// mqtk-bench: response time (from the intended send time) and service time (from the write).
#include "bench/bench_latency.hpp"

#include <algorithm>
#include <cmath>

namespace mqtk::apps::bench {

std::uint64_t intended_send_ns(std::uint64_t start_ns, std::uint64_t sequence, double rate) noexcept {
  return start_ns + static_cast<std::uint64_t>(std::llround(static_cast<double>(sequence) * 1e9 / rate));
}

message_latency latency_of(const bench_header &header, std::uint64_t now_ns) noexcept {
  const auto since = [now_ns](std::uint64_t then) { return now_ns > then ? now_ns - then : 0; };
  message_latency l;
  l.scheduled = header.intended_ns != 0;
  l.service_ns = since(header.sent_ns);
  l.response_ns = l.scheduled ? since(header.intended_ns) : l.service_ns;
  return l;
}

latency_basis basis_of(std::uint64_t samples, std::uint64_t scheduled, bool paced) noexcept {
  if (samples == 0)
    return paced ? latency_basis::response_time : latency_basis::service_time_only;
  if (scheduled == 0)
    return latency_basis::service_time_only;
  return scheduled >= samples ? latency_basis::response_time : latency_basis::mixed;
}

const char *basis_name(latency_basis basis) noexcept {
  switch (basis) {
  case latency_basis::response_time:
    return "response_time";
  case latency_basis::service_time_only:
    return "service_time_only";
  case latency_basis::mixed:
    return "mixed";
  }
  return "?";
}

void schedule_backlog::add(double elapsed_s, std::uint64_t due, std::uint64_t sent, double rate) noexcept {
  if (sent >= due || rate <= 0)
    return;
  messages += due - sent;
  // The first message not sent, number `sent`, fell due sent / rate seconds after the start.
  const double waited_s = elapsed_s - static_cast<double>(sent) / rate;
  const auto waited_ns = static_cast<std::uint64_t>(std::max(0.0, std::round(waited_s * 1e9)));
  oldest_wait_ns = std::max(oldest_wait_ns, waited_ns);
}

} // namespace mqtk::apps::bench
