// mqtk-bench: the header in every bench payload (sender, sequence, write and intended times).
#include "bench/bench_payload.hpp"

#include <time.h>

namespace mqtk::apps::bench {

namespace {

constexpr std::uint8_t magic_v2[4] = {'m', 'q', 'b', '2'};
constexpr std::uint8_t magic_v1[4] = {'m', 'q', 'b', '1'};

void put(std::uint8_t *at, std::uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) {
    at[i] = static_cast<std::uint8_t>(value);
    value >>= 8;
  }
}

std::uint64_t get(const std::uint8_t *at, int bytes) {
  std::uint64_t value = 0;
  for (int i = 0; i < bytes; ++i)
    value = value << 8 | at[i];
  return value;
}

bool starts_with(const std::uint8_t *p, const std::uint8_t (&magic)[4]) {
  return p[0] == magic[0] && p[1] == magic[1] && p[2] == magic[2] && p[3] == magic[3];
}

} // namespace

void write_bench_header(std::span<std::uint8_t> payload, const bench_header &h) {
  std::uint8_t *p = payload.data();
  for (int i = 0; i < 4; ++i)
    p[i] = magic_v2[i];
  put(p + 4, h.run_id, 4);
  put(p + 8, h.publisher, 4);
  put(p + 12, h.sequence, 4);
  put(p + 16, h.sent_ns, 8);
  put(p + 24, h.intended_ns, 8);
}

std::optional<bench_header> read_bench_header(std::span<const std::uint8_t> payload) {
  if (payload.size() < bench_header_v1_size)
    return std::nullopt;
  const std::uint8_t *p = payload.data();
  const bool v2 = starts_with(p, magic_v2);
  if (v2 ? payload.size() < bench_header_size : !starts_with(p, magic_v1))
    return std::nullopt;
  bench_header h;
  h.run_id = static_cast<std::uint32_t>(get(p + 4, 4));
  h.publisher = static_cast<std::uint32_t>(get(p + 8, 4));
  h.sequence = static_cast<std::uint32_t>(get(p + 12, 4));
  h.sent_ns = get(p + 16, 8);
  h.intended_ns = v2 ? get(p + 24, 8) : 0;
  return h;
}

std::uint64_t wall_clock_ns() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<std::uint64_t>(ts.tv_nsec);
}

} // namespace mqtk::apps::bench
