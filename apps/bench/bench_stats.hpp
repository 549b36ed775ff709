#pragma once

#include "bench/latency_histogram.hpp"

#include <cstdint>
#include <string>
#include <unordered_map>

namespace mqtk::apps::bench {

// Follows the sequence numbers of each publisher seen by one subscriber: in order, skipped ahead
// (messages missing in between) or behind (a duplicate, as QoS 1 allows).
class sequence_tracker {
public:
  // What one received sequence number means.
  struct outcome {
    bool duplicate = false;    // at or below one already seen
    std::uint64_t skipped = 0; // numbers jumped over since the last one from this publisher
  };
  // Records sequence from the stream (run id, publisher).
  outcome observe(std::uint32_t run_id, std::uint32_t publisher, std::uint32_t sequence);

private:
  std::unordered_map<std::uint64_t, std::uint32_t> next_; // stream -> next expected sequence
};

// The counters of a whole run; the apps' report reads them.
struct bench_totals {
  // Connections.
  std::uint64_t attempted = 0, connected = 0, failed = 0, lost = 0;
  double connect_seconds = 0; // from the first attempt to the last CONNACK
  latency_histogram connack;  // time from starting a connection to its CONNACK
  // Publishing.
  std::uint64_t sent = 0, acknowledged = 0, refused = 0, unacknowledged = 0;
  double publish_seconds = 0; // from the start of publishing to its end
  // Receiving.
  std::uint64_t received = 0, duplicates = 0, skipped = 0, foreign = 0, expected = 0;
  double receive_seconds = 0; // from the start of the measurement to the last message
  latency_histogram latency;  // publish to receipt
  // Messages that never arrived: expected - unique received in pubsub, skipped numbers in sub.
  std::uint64_t lost_messages() const noexcept;
  // lost_messages() as a percentage of what should have arrived.
  double loss_percent() const noexcept;
};

// The progress between two reports.
struct bench_interval {
  double elapsed = 0, seconds = 0; // since the measurement started; length of this interval
  std::uint64_t connected = 0, sent = 0, acknowledged = 0, received = 0;
  const latency_histogram *latency = nullptr;
};

} // namespace mqtk::apps::bench
