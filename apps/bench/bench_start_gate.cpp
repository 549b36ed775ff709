// mqtk-bench: --start-at, the wall-clock time every shard starts measuring at.
#include "bench/bench_start_gate.hpp"

#include "bench/bench_payload.hpp"
#include "common/diagnostics.hpp"

#include <cstdio>

namespace mqtk::apps::bench {

start_gate::start_gate(runtime &rt, std::optional<std::uint64_t> start_ns) : timer_(rt), start_ns_(start_ns) {
  open_ = !start_ns_;
}

bool start_gate::hold(std::function<void()> go) {
  if (open_)
    return false;
  if (armed_)
    return true;
  const std::uint64_t now = wall_clock_ns();
  if (now >= *start_ns_) {
    open_ = true;
    late_s_ = static_cast<double>(now - *start_ns_) / 1e9;
    char line[160];
    std::snprintf(line, sizeof line,
                  "the connections were up %.3f s after --start-at; this process measures from now, later than "
                  "the others",
                  late_s_);
    print_warning(line);
    return false;
  }
  go_ = std::move(go);
  arm();
  return true;
}

void start_gate::arm() {
  armed_ = true;
  const std::uint64_t now = wall_clock_ns();
  const std::uint64_t left = *start_ns_ > now ? *start_ns_ - now : 0;
  timer_.start(std::chrono::nanoseconds(left), [this] {
    // The steady clock of the timer and the wall clock may drift apart: wait again if early.
    if (wall_clock_ns() < *start_ns_) {
      arm();
      return;
    }
    armed_ = false;
    open_ = true;
    auto go = std::move(go_);
    go();
  });
}

void start_gate::cancel() {
  timer_.cancel();
  armed_ = false;
  go_ = nullptr;
}

} // namespace mqtk::apps::bench
