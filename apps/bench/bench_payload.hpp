#pragma once

#include <cstdint>
#include <optional>
#include <span>

namespace mqtk::apps::bench {

// Every bench payload starts with this header; the rest is filler up to --size.
inline constexpr std::size_t bench_header_size = 32;

// The header of earlier mqtk-bench versions ("mqb1": no intended send time); still read.
inline constexpr std::size_t bench_header_v1_size = 24;

// What a bench payload carries: who sent it, its place in that publisher's sequence, when it was
// due by the publisher's schedule and when it was actually written.
struct bench_header {
  std::uint32_t run_id = 0;      // random per mqtk-bench process, tells runs apart
  std::uint32_t publisher = 0;   // client index of the publisher
  std::uint32_t sequence = 0;    // 0, 1, 2... per publisher
  std::uint64_t sent_ns = 0;     // CLOCK_REALTIME nanoseconds when written (handed to the connection)
  std::uint64_t intended_ns = 0; // CLOCK_REALTIME nanoseconds the schedule (--rate) meant it to be
                                 // written; 0: unpaced, no schedule (closed loop)
};

// Writes the header into the first bench_header_size bytes of payload (which must be that long):
// magic "mqb2", then run id, publisher, sequence (4 bytes each), write time and intended time
// (8 bytes each), big-endian.
void write_bench_header(std::span<std::uint8_t> payload, const bench_header &header);

// Reads the header of a bench payload ("mqb2", or the 24-byte "mqb1" without an intended time);
// nullopt when payload is too short or lacks the magic.
std::optional<bench_header> read_bench_header(std::span<const std::uint8_t> payload);

// CLOCK_REALTIME now in nanoseconds (comparable between processes and, with synchronised clocks, hosts).
std::uint64_t wall_clock_ns();

} // namespace mqtk::apps::bench
