#pragma once

#include "bench/bench_stats.hpp"

#include <array>

namespace mqtk::apps::bench {

// One latency histogram the exporters write: its name (the HdrHistogram log tag, the Prometheus
// metric mqtk_bench_<name>_seconds, the plot's panel), what it measures, and where the totals and
// each interval keep it.
struct exported_histogram {
  const char *name;
  const char *help;
  latency_histogram bench_totals::*total;
  const latency_histogram *bench_interval::*interval;
};

// Every histogram the exporters write, in the order they show them: one line per histogram.
inline constexpr std::array exported_histograms{
    exported_histogram{"latency", "response time: from the intended send time (--rate; else the write) to receipt",
                       &bench_totals::latency, &bench_interval::latency},
    exported_histogram{"service", "service time: from the write to receipt", &bench_totals::service,
                       &bench_interval::service},
};

} // namespace mqtk::apps::bench
