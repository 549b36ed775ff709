// mqtk-bench: the flags of how subscribers read.
#include "bench/bench.hpp"
#include "common/help_sections.hpp"

#include <CLI/CLI.hpp>

namespace mqtk::apps::bench {

void add_cpu_options(CLI::App &app, bench_options &o) {
  help_section(app, "Report")
      .add_flag_callback(
          "--no-read-hold", [&o] { o.cpu.read_hold = false; },
          "Read every message as soon as it arrives, also under a backlogged stream (more CPU; "
          "latency figures are the same within the histogram's resolution)");
}

std::string cpu_options_error(const CLI::App &app, const bench_options &o) {
  if (app.count("--no-read-hold") && o.mode != bench_mode::sub && o.mode != bench_mode::pubsub)
    return std::string("--no-read-hold needs received messages: sub or pubsub mode, not ") + mode_name(o.mode);
  return {};
}

} // namespace mqtk::apps::bench
