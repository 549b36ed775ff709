#pragma once

#include "bench/bench.hpp"
#include "bench/bench_recorder.hpp"
#include "common/replacing_file.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace mqtk::apps::bench {

// One interval as the plot shows it.
struct plot_interval {
  double end_s = 0; // since measuring began
  double sent_per_s = 0, acknowledged_per_s = 0, received_per_s = 0;
  std::uint64_t connected = 0;
  struct latency {
    std::uint64_t samples = 0;
    double p50_ms = 0, p99_ms = 0, max_ms = 0;
  };
  std::vector<latency> latencies; // one per exported_histograms entry
};

// What interval becomes in the plot (rates per second, percentiles in milliseconds).
plot_interval plot_point(const bench_interval &interval);

// Points (x, milliseconds) of h's percentile distribution, x = log10(1 / (1 - percentile)) as
// HdrHistogram plots it (0: the median's left end, 2: 99%, 3: 99.9%), up to max_x where the max is.
std::vector<std::pair<double, double>> percentile_curve(const latency_histogram &h, double max_x);

// The --plot SVG: throughput over time (connections in conn mode), latency p50, p99 and max over
// time for each exported histogram (log scale), and the final percentile distribution of each.
std::string render_bench_plot(const bench_options &options, const bench_totals &totals,
                              const std::vector<plot_interval> &intervals, std::uint64_t start_ns);

// --plot FILE: keeps each interval's point (and at the end the rest of the run after the last
// interval, when it lasted a tenth of --interval or more) and writes the SVG into a temporary file
// next to FILE, renamed over it. Nothing replaces FILE when nothing connected.
class plot_sink final : public bench_sink {
public:
  // A plot of a run of options recorded by recorder; wall_clock gives CLOCK_REALTIME nanoseconds.
  plot_sink(const bench_options &options, const bench_recorder &recorder, std::function<std::uint64_t()> wall_clock)
      : o_(options), recorder_(recorder), wall_clock_(std::move(wall_clock)) {}
  // Creates the temporary file for path; "" or the one-line reason it cannot be written.
  std::string open(const std::string &path);
  void on_begin(std::uint64_t wall_ns) override { start_ns_ = wall_ns; }
  void on_interval(const bench_interval &interval) override { intervals_.push_back(plot_point(interval)); }
  void on_finish(const bench_totals &totals) override;
  // "" or why the file could not be written (set by on_finish).
  const std::string &error() const noexcept { return error_; }

private:
  const bench_options &o_;
  const bench_recorder &recorder_;
  std::function<std::uint64_t()> wall_clock_;
  std::string path_, error_;
  replacing_file file_;
  std::vector<plot_interval> intervals_;
  std::uint64_t start_ns_ = 0;
};

} // namespace mqtk::apps::bench
