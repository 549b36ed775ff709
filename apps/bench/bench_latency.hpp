#pragma once

#include "bench/bench_payload.hpp"

#include <cstdint>

namespace mqtk::apps::bench {

// When message `sequence` (0, 1, 2...) of a publisher paced at rate messages per second falls due:
// start_ns plus sequence / rate seconds, the moment the pacing lets it go (rounded to the ns).
std::uint64_t intended_send_ns(std::uint64_t start_ns, std::uint64_t sequence, double rate) noexcept;

// The two latencies of one received bench message.
struct message_latency {
  std::uint64_t response_ns = 0; // from the intended send time; from the write when unpaced
  std::uint64_t service_ns = 0;  // from the write
  bool scheduled = false;        // the message carried an intended send time
};

// The latencies of a message with header received at now_ns (a receiver clock behind the sender's
// gives 0, never a negative or wrapped value).
message_latency latency_of(const bench_header &header, std::uint64_t now_ns) noexcept;

// What the latency figures of a run measure from.
enum class latency_basis {
  response_time,     // every sample from its intended send time (--rate)
  service_time_only, // no sample had one (closed loop): the time spent waiting to be sent is missing
  mixed,             // sub mode hearing paced and unpaced publishers
};

// The basis of samples latency samples of which scheduled had an intended send time; without
// samples, response_time when paced says the run was paced, else service_time_only.
latency_basis basis_of(std::uint64_t samples, std::uint64_t scheduled, bool paced) noexcept;

// The name of a basis in the JSON summary: "response_time", "service_time_only", "mixed".
const char *basis_name(latency_basis basis) noexcept;

// Messages the publishers owed their schedule when publishing ended: due but never sent.
struct schedule_backlog {
  std::uint64_t messages = 0;       // due and not sent, over every publisher
  std::uint64_t oldest_wait_ns = 0; // how long the oldest of them had been due

  // Adds one publisher paced at rate that had sent `sent` of the `due` messages due elapsed_s
  // after the measurement started.
  void add(double elapsed_s, std::uint64_t due, std::uint64_t sent, double rate) noexcept;
};

} // namespace mqtk::apps::bench
