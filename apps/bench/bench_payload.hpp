#pragma once

#include <cstdint>
#include <optional>
#include <span>

namespace mqtk::apps::bench {

// Every bench payload starts with this header; the rest is filler up to --size.
inline constexpr std::size_t bench_header_size = 24;

// What a bench payload carries: who sent it, its place in that publisher's sequence, and when.
struct bench_header {
  std::uint32_t run_id = 0;    // random per mqtk-bench process, tells runs apart
  std::uint32_t publisher = 0; // client index of the publisher
  std::uint32_t sequence = 0;  // 0, 1, 2... per publisher
  std::uint64_t sent_ns = 0;   // CLOCK_REALTIME nanoseconds when published
};

// Writes the header into the first bench_header_size bytes of payload (which must be that long):
// magic "mqb1", then run id, publisher, sequence and time, big-endian.
void write_bench_header(std::span<std::uint8_t> payload, const bench_header &header);

// Reads the header of a bench payload; nullopt when payload is too short or lacks the magic.
std::optional<bench_header> read_bench_header(std::span<const std::uint8_t> payload);

// CLOCK_REALTIME now in nanoseconds (comparable between processes and, with synchronised clocks, hosts).
std::uint64_t wall_clock_ns();

} // namespace mqtk::apps::bench
