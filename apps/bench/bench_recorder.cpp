// mqtk-bench: the recorder, every counter and latency sample of a run.
#include "bench/bench_recorder.hpp"

#include "bench/bench_latency.hpp"
#include "bench/bench_payload.hpp"

#include <algorithm>

namespace mqtk::apps::bench {

void bench_recorder::connected(std::uint64_t connack_ns) noexcept {
  ++totals_.connected;
  totals_.connack.record(connack_ns);
}

void bench_recorder::sent() noexcept {
  ++totals_.sent;
  ++interval_.sent;
}

void bench_recorder::acknowledged(bool refused) noexcept {
  if (refused) {
    ++totals_.refused;
    return;
  }
  ++totals_.acknowledged;
  ++interval_.acknowledged;
}

void bench_recorder::received(sequence_tracker &tracker, std::span<const std::uint8_t> payload,
                              std::uint64_t now_ns) {
  ++totals_.received;
  ++interval_.received;
  const auto header = read_bench_header(payload);
  if (!header || (own_run_only_ && header->run_id != run_id_)) {
    ++totals_.foreign;
    return;
  }
  const message_latency l = latency_of(*header, now_ns);
  totals_.latency.record(l.response_ns);
  totals_.service.record(l.service_ns);
  interval_latency_.record(l.response_ns);
  interval_service_.record(l.service_ns);
  if (l.scheduled) {
    ++totals_.scheduled;
    ++interval_.scheduled;
  }
  const auto seen = tracker.observe(header->run_id, header->publisher, header->sequence);
  if (seen.duplicate)
    ++totals_.duplicates;
  totals_.skipped += seen.skipped;
}

void bench_recorder::begin(std::uint64_t wall_ns) {
  for (bench_sink *sink : sinks_)
    sink->on_begin(wall_ns);
}

bench_interval bench_recorder::in_progress(double elapsed) const noexcept {
  bench_interval current = interval_;
  current.elapsed = elapsed;
  current.seconds = elapsed > interval_start_ ? elapsed - interval_start_ : 0;
  current.connected = totals_.connected - std::min(totals_.lost, totals_.connected);
  current.latency = &interval_latency_;
  current.service = &interval_service_;
  return current;
}

void bench_recorder::end_interval(double elapsed, double seconds, std::uint64_t connected) {
  bench_interval current = in_progress(elapsed);
  current.seconds = seconds;
  current.connected = connected;
  for (bench_sink *sink : sinks_)
    sink->on_interval(current);
  interval_start_ = elapsed;
  interval_ = {};
  interval_latency_.clear();
  interval_service_.clear();
}

void bench_recorder::finish() {
  for (bench_sink *sink : sinks_)
    sink->on_finish(totals_);
}

} // namespace mqtk::apps::bench
