#pragma once

#include "bench/bench_read_hold.hpp"
#include "common/runtime.hpp"

#include <chrono>
#include <cstdint>
#include <span>

namespace mqtk::apps::bench {

// Applies read_hold on the run's loop, like mqtk-sub's batch_pacer: once the loop has handled a
// batch (every message of the reads that were ready), it sleeps for the hold the rule allows, so
// the next reads find many messages at once. The whole loop waits (every connection shares it).
class read_pacer {
public:
  // A pacer on rt's loop with the run's rule: at most 4 ms, max_error 1/256, 50 us timer slack.
  explicit read_pacer(runtime &rt);
  // A message with payload arrived at arrival_ns (CLOCK_REALTIME); its latency (a bench header's
  // send time to arrival) feeds the rule. The end of its batch is noted once the loop is idle.
  void message_handled(std::span<const std::uint8_t> payload, std::uint64_t arrival_ns);

private:
  void batch_done();

  runtime &rt_;
  read_hold hold_;
  std::chrono::steady_clock::time_point last_batch_{};
  bool pending_ = false;
};

} // namespace mqtk::apps::bench
