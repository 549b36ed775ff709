#pragma once

#include <chrono>
#include <cstdint>

namespace mqtk::apps::bench {

// How long mqtk-bench may hold back its next read so that a busy stream wakes it less often, without
// changing the latencies it records beyond what the histogram can show. Each message is stamped with
// the kernel's arrival time of the newest bytes of its read (TCP merges queued segments and keeps
// only the newest stamp), so a message can look late by at most the time between two reads. The
// hold keeps that time under max_error x the smallest latency of the last two batches (and at most
// max_hold): with max_error = 1/256, under half the narrowest latency_histogram bucket (1/128). A
// stream whose latencies are small is therefore read at once; a backlogged one (latency in the tens
// of milliseconds and more) is read in batches. Pure rule: no clock reads, no I/O.
class read_hold {
public:
  // The rule for max_hold, max_error, and the sleep overshoot to allow for (timer slack).
  read_hold(std::chrono::nanoseconds max_hold, double max_error, std::chrono::nanoseconds overshoot) noexcept
      : max_hold_(max_hold), max_error_(max_error), overshoot_(overshoot) {}

  // A message of the current batch was recorded with latency_ns (its stamped arrival minus its send
  // time; zero or negative, as with unsynchronised clocks between hosts, allows no hold).
  void observe(std::int64_t latency_ns) noexcept;
  // The batch ended since_last after the previous one: how long to wait before reading again (zero:
  // read at once). Starts the next batch.
  std::chrono::nanoseconds end_batch(std::chrono::nanoseconds since_last) noexcept;

private:
  std::chrono::nanoseconds max_hold_;
  double max_error_;
  std::chrono::nanoseconds overshoot_;
  std::int64_t batch_min_ = -1, previous_min_ = -1; // smallest latency per batch; -1: none seen
};

} // namespace mqtk::apps::bench
