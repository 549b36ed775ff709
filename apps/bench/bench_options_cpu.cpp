// mqtk-bench: the flags of how subscribers read and how paced publishers write.
#include "bench/bench.hpp"
#include "common/flag_lookup.hpp"
#include "common/help_sections.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>

namespace mqtk::apps::bench {

void add_cpu_options(CLI::App &app, bench_options &o) {
  help_section(app, "Report")
      .add_flag_callback(
          "--no-read-hold", [&o] { o.cpu.read_hold = false; },
          "Read every message as soon as it arrives, also under a backlogged stream (more CPU; "
          "latency figures are the same within the histogram's resolution)");
  help_section(app, "Load")
      .add_option("--tick", o.cpu.tick_ms,
                  "With --rate: publishers write what fell due every MS milliseconds, each in one write "
                  "(default 1000/rate, at least 2 and at most 10); a message leaves up to one tick after "
                  "its scheduled time, which the response time counts")
      ->type_name("MS");
}

double pacing_tick_ms(const bench_options &o) noexcept {
  if (o.rate <= 0)
    return 0;
  if (o.cpu.tick_ms > 0)
    return o.cpu.tick_ms;
  // 2 ms, not less: each tick is a write per publisher, and the writes are most of the CPU.
  return std::clamp(1000 / o.rate, 2.0, 10.0);
}

std::string cpu_options_error(const CLI::App &app, const bench_options &o) {
  if (given(app, "--no-read-hold") && o.mode != bench_mode::sub && o.mode != bench_mode::pubsub)
    return std::string("--no-read-hold needs received messages: sub or pubsub mode, not ") + mode_name(o.mode);
  if (given(app, "--tick")) {
    if (!(o.cpu.tick_ms > 0 && o.cpu.tick_ms <= 1000))
      return "--tick must be more than 0 and at most 1000 milliseconds";
    if (o.rate <= 0 || (o.mode != bench_mode::pub && o.mode != bench_mode::pubsub))
      return "--tick paces publishers: it needs --rate in pub or pubsub mode";
  }
  return {};
}

} // namespace mqtk::apps::bench
