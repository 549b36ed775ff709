#pragma once

#include "bench/bench.hpp"
#include "bench/bench_stats.hpp"

#include <string>

namespace mqtk::apps::bench {

// The upper bounds (seconds) of the Prometheus latency buckets: 1, 2, 5 per decade from 10 us to
// 10 s, then 30 s and 60 s (and +Inf).
extern const double metrics_bucket_bounds[];
extern const std::size_t metrics_bucket_count;

// Appends the run so far in the Prometheus text exposition format 0.0.4: mqtk_bench_info (mode,
// QoS, topic as labels), connection counters and gauges, message counters, and each histogram of
// exported_histograms (plus connack) as mqtk_bench_<name>_seconds with cumulative le buckets. Our
// buckets (1/64 of a power of two wide) go whole to the side of a bound their midpoint is on.
void append_metrics(std::string &out, const bench_options &options, const bench_totals &totals);

// Appends a histogram in seconds as a Prometheus histogram named name (with HELP text help).
void append_metrics_histogram(std::string &out, const std::string &name, const char *help,
                              const latency_histogram &h);

// Appends text as a Prometheus label value: backslash, double quote and newline escaped.
void append_label_value(std::string &out, std::string_view text);

} // namespace mqtk::apps::bench
