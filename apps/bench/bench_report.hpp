#pragma once

#include "bench/bench.hpp"
#include "bench/bench_stats.hpp"

#include <string>
#include <vector>

namespace mqtk::apps::bench {

// One --max-loss / --max-p99 / --min-rate check and how the run did against it.
struct threshold_check {
  std::string flag; // "--max-p99"
  std::string what; // "p99 latency (ms)"
  double limit = 0;
  double value = 0;
  bool passed = true;
};

// n with thousands separators: "19,000".
std::string grouped(std::uint64_t n);

// Evaluates the thresholds the options ask for against the totals.
std::vector<threshold_check> check_thresholds(const bench_options &options, const bench_totals &totals);

// The stderr line of a failed check: "check failed: p99 latency (ms) 9.900 is above --max-p99 5.000".
std::string check_failure_line(const threshold_check &check);

// Appends one progress report (a text line, or a JSON object with "type":"progress") and '\n'.
void append_progress(std::string &out, const bench_options &options, const bench_interval &interval);

// Appends the summary: an aligned text block, or one JSON object with "type":"summary".
void append_summary(std::string &out, const bench_options &options, const bench_totals &totals,
                    const std::vector<threshold_check> &checks);

} // namespace mqtk::apps::bench
