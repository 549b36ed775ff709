#pragma once

#include "bench/latency_histogram.hpp"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

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

// How the publishing of a run ended.
enum class publish_end {
  duration,  // -D elapsed
  completed, // every publisher sent its -n messages
  stopped,   // interrupted, or no publisher could go on (lost, refused)
};

// What publishers are scheduled to do, and the window their rates are computed over: a paced run
// that keeps to its schedule reports its --rate, however late the last message or timer came.
struct publish_schedule {
  double rate = 0;         // messages per second per publisher; 0: unpaced
  std::uint64_t count = 0; // messages per publisher; 0: until the duration ends
  double duration = 0;     // seconds of publishing; 0: until count
  double tick_s = 0;       // the pacing tick: a publisher is on time within one tick

  // Messages each publisher is due to send in all: --count, and with --rate no more than the
  // duration holds (rate x duration rounded up: one at the start of each 1/rate); 0: no limit.
  std::uint64_t messages() const noexcept;
  // Seconds the publish rate is computed over, for publishing that ended as how says, elapsed_s
  // after the start: the duration when it ran out, the count's scheduled time (count / rate) when
  // the publishers finished within a tick of it, else (unpaced, late, stopped) the time it took.
  double window(publish_end how, double elapsed_s) const noexcept;
  // Seconds after the start when the pacing should next send, elapsed_s after it (paced only):
  // when the next message falls due (message k at k / rate), or at rates of more than one message
  // per tick the next multiple of the tick, so that messages go in batches but never drift late.
  double next_send(double elapsed_s) const noexcept;
};

// Relative tolerance of --min-rate: a rate at most 0.1% below the limit passes (clock and rounding).
inline constexpr double min_rate_tolerance = 0.001;

// One broker of a run and its share of the connections.
struct broker_share {
  std::string url; // as the report shows it (no user name or password)
  std::uint64_t connections = 0, publishers = 0, subscribers = 0; // planned: conn mode's, by role
  std::uint64_t connected = 0;                                    // got their CONNACK
};

// The counters of a whole run; the apps' report reads them.
struct bench_totals {
  // Connections.
  std::uint64_t attempted = 0, connected = 0, failed = 0, lost = 0;
  double connect_seconds = 0; // from the first attempt to the last CONNACK
  latency_histogram connack;  // time from starting a connection to its CONNACK
  // Publishing.
  std::uint64_t sent = 0, acknowledged = 0, refused = 0, unacknowledged = 0;
  double publish_seconds = 0; // the publish window (publish_schedule::window)
  // With --rate: messages that fell due but were not sent when publishing ended (publishers still
  // up, held back by flow control or a full socket), and how long the oldest had been due.
  std::uint64_t behind_schedule = 0, behind_schedule_oldest_ns = 0;
  // Receiving.
  std::uint64_t received = 0, duplicates = 0, skipped = 0, foreign = 0, expected = 0;
  double receive_seconds = 0; // pubsub: the publish window with --rate, else to the last message;
                              // sub: the time it listened
  latency_histogram latency;  // response time: from the intended send time (--rate) to receipt;
                              // for unpaced messages from the write, the same as service
  latency_histogram service;  // service time: from the write (handed to the connection) to receipt
  std::uint64_t scheduled = 0; // bench messages received that carried an intended send time
  std::vector<broker_share> brokers; // every broker, in the order first named
  // Messages that never arrived: expected - unique received in pubsub, skipped numbers in sub.
  std::uint64_t lost_messages() const noexcept;
  // lost_messages() as a percentage of what should have arrived.
  double loss_percent() const noexcept;
};

// The progress between two reports.
struct bench_interval {
  double elapsed = 0, seconds = 0; // since the measurement started; length of this interval
  std::uint64_t connected = 0, sent = 0, acknowledged = 0, received = 0;
  const latency_histogram *latency = nullptr; // response time (see bench_totals::latency)
  const latency_histogram *service = nullptr; // service time (see bench_totals::service)
  std::uint64_t scheduled = 0;                // samples of latency that had an intended send time
};

} // namespace mqtk::apps::bench
