#pragma once

#include "bench/bench_stats.hpp"
#include "bench/latency_histogram.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace mqtk::apps::bench {

// Sees each interval's figures and the final totals: the progress lines and the exporters.
class bench_sink {
public:
  virtual ~bench_sink() = default;
  // Measuring began at wall_ns (CLOCK_REALTIME nanoseconds); intervals' elapsed counts from here.
  virtual void on_begin(std::uint64_t wall_ns) { (void)wall_ns; }
  // One interval ended (every --interval seconds while measuring and draining, --quiet or not).
  virtual void on_interval(const bench_interval &interval) = 0;
  // The run ended with these totals; called once, before the summary is printed.
  virtual void on_finish(const bench_totals &totals) { (void)totals; }
};

// Seconds from start_ns to now_ns (CLOCK_REALTIME nanoseconds); 0 when now_ns is not later.
inline double seconds_between(std::uint64_t start_ns, std::uint64_t now_ns) noexcept {
  return now_ns > start_ns ? static_cast<double>(now_ns - start_ns) / 1e9 : 0.0;
}

// Counts what a run does: the totals for the summary and the current interval for the sinks.
// Knows nothing of connections or timers: the run tells it what happened and when.
class bench_recorder {
public:
  // Records for run run_id; with own_run_only, payloads of other runs count as foreign.
  bench_recorder(std::uint32_t run_id, bool own_run_only) : run_id_(run_id), own_run_only_(own_run_only) {}

  // Adds a sink; it must outlive the recorder's last end_interval() and finish().
  void add_sink(bench_sink &sink) { sinks_.push_back(&sink); }

  // A connection attempt started.
  void attempted() noexcept { ++totals_.attempted; }
  // A connection got its CONNACK connack_ns after it started.
  void connected(std::uint64_t connack_ns) noexcept;
  // A message was handed to the session.
  void sent() noexcept;
  // The broker acknowledged a QoS 1/2 message (or refused it, when refused).
  void acknowledged(bool refused) noexcept;
  // A subscriber received payload at now_ns (CLOCK_REALTIME); tracker is that subscriber's. Bench
  // messages add their response time (latency) and service time (service).
  void received(sequence_tracker &tracker, std::span<const std::uint8_t> payload, std::uint64_t now_ns);

  // Measuring begins at wall_ns (CLOCK_REALTIME): tells every sink.
  void begin(std::uint64_t wall_ns);
  // The interval in progress as if it ended elapsed seconds after measuring began: what happened
  // since the last end_interval(), for a sink that reports the rest of the run when it finishes.
  bench_interval in_progress(double elapsed) const noexcept;
  // Ends the current interval: elapsed seconds since measuring began, its length in seconds, the
  // connections up now; hands it to every sink and starts the next one.
  void end_interval(double elapsed, double seconds, std::uint64_t connected);
  // Hands the totals to every sink.
  void finish();

  // The totals so far; the run fills in the times and the end-of-run counts.
  bench_totals &totals() noexcept { return totals_; }
  const bench_totals &totals() const noexcept { return totals_; }

private:
  std::uint32_t run_id_;
  bool own_run_only_;
  bench_totals totals_;
  bench_interval interval_;
  latency_histogram interval_latency_, interval_service_;
  double interval_start_ = 0; // elapsed seconds at the last end_interval()
  std::vector<bench_sink *> sinks_;
};

} // namespace mqtk::apps::bench
