// mqtk-bench: the exporter flags (--hdr-log, --plot, --metrics-listen) and their usage checks.
#include "bench/bench.hpp"
#include "bench/listen_address.hpp"
#include "common/flag_lookup.hpp"
#include "common/help_sections.hpp"

#include <CLI/CLI.hpp>

namespace mqtk::apps::bench {

void add_export_options(CLI::App &app, bench_options &o) {
  const char *group = "Export";
  help_section(app, group)
      .add_option("--hdr-log", o.exports.hdr_log,
                  "Write the latency histogram of every interval to FILE as an HdrHistogram interval log")
      ->type_name("FILE");
  help_section(app, group)
      .add_option("--plot", o.exports.plot,
                  "Write throughput and latency over time and the latency distribution to FILE as SVG")
      ->type_name("FILE");
  help_section(app, group)
      .add_option(
          "--metrics-listen", o.exports.metrics_listen,
          "Serve Prometheus metrics at http://ADDR:PORT/metrics during the run (port 0: any free port, "
          "printed on stderr)")
      ->type_name("ADDR:PORT");
}

std::string export_options_error(const CLI::App &app, const bench_options &o) {
  const bool receives = o.mode == bench_mode::sub || o.mode == bench_mode::pubsub;
  for (const char *flag : {"--hdr-log", "--plot"}) {
    if (!app.count(flag))
      continue;
    const std::string &path = std::string(flag) == "--hdr-log" ? o.exports.hdr_log : o.exports.plot;
    if (path.empty())
      return std::string(flag) + " needs a file name";
    if (path == "-")
      return std::string(flag) + " writes a file, not stdout (which carries the report)";
  }
  if (given(app, "--hdr-log") && !receives)
    return std::string("--hdr-log needs received messages: sub or pubsub mode, not ") + mode_name(o.mode);
  if (given(app, "--hdr-log") && given(app, "--plot") && o.exports.hdr_log == o.exports.plot)
    return "--hdr-log and --plot name the same file";
  if (given(app, "--metrics-listen")) {
    std::string why;
    if (!parse_listen_address(o.exports.metrics_listen, why))
      return "--metrics-listen '" + o.exports.metrics_listen + "' " + why;
  }
  return {};
}

} // namespace mqtk::apps::bench
