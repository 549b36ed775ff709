#pragma once

#include "bench/bench.hpp"
#include "bench/bench_receipts.hpp"
#include "bench/bench_stats.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace mqtk::apps::bench {

// Publishers first..last of a result's run that each sent `sent` messages (sequence numbers 0 to
// sent - 1): a publisher's part of the sequence state, grouped.
struct publisher_group {
  std::uint32_t first = 0, last = 0;
  std::uint64_t sent = 0;
};

// One subscriber of a result: its global index, whether the broker granted its subscription (only
// those count in the expected figure) and what it received.
struct subscriber_result {
  std::uint32_t index = 0;
  bool subscribed = false;
  std::vector<receipt_group> received;
};

// What one mqtk-bench process measured: written with --output, read back and combined by merge.
struct bench_result {
  std::uint32_t run_id = 0;          // the run id in this process's bench headers
  int status = 0;                    // the process's exit status
  std::uint64_t measure_start_ns = 0; // CLOCK_REALTIME when the measurement began; 0: never
  double late_start_s = 0;           // how long after --start-at the measurement began, when late
  std::string broker;                // the broker URL (password masked)
  std::string filter;                // what the subscribers subscribed to
  bench_options options;             // the effective configuration; connection flags are not kept
  bench_totals totals;
  std::vector<publisher_group> publishers;   // by index
  std::vector<subscriber_result> subscribers; // by index
};

// Adds publisher index (above every one added before) with its sent count, joining the last group
// when it continues it with the same count.
void add_publisher(bench_result &result, std::uint32_t index, std::uint64_t sent);

} // namespace mqtk::apps::bench
