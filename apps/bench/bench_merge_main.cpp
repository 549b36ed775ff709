// mqtk-bench merge: the command line that combines the --output results of a run's shards.
#include "bench/bench_merge.hpp"
#include "bench/bench_report.hpp"

#include "common/command_line.hpp"
#include "common/diagnostics.hpp"
#include "common/exit_status.hpp"
#include "common/stdout_writer.hpp"

#include <CLI/CLI.hpp>

namespace mqtk::apps::bench {

namespace {

// The text row that says what was merged: "merged       3 results, --start-at 2026-...Z".
std::string merged_row(const std::vector<named_result> &results) {
  std::string row = "merged       " + std::to_string(results.size()) + " result" + (results.size() == 1 ? "" : "s");
  if (const auto &at = results.front().result.options.shard.start_at_ns)
    row += ", --start-at " + format_utc(*at);
  return row + "\n";
}

} // namespace

int merge_main(int argc, char **argv) {
  set_program_name("mqtk-bench merge");
  CLI::App app{"mqtk-bench merge: combine the --output results of the shards of one run into one report "
               "(counts summed, one histogram of every sample, loss exact across shards)",
               "mqtk-bench merge"};
  app.set_help_flag("--help", "Print this help and exit");
  bool version = false;
  add_version_flag(app, version);
  std::vector<std::string> files;
  bench_options checks;
  app.add_option("files", files, "Result files written with --output (or kubectl logs of --output -)")->required();
  app.add_flag("--json", checks.json, "Print the report as one JSON object, like the summary of a run");
  app.add_option("--max-loss", checks.max_loss, "Exit 10 when more than PERCENT of the messages were lost");
  app.add_option("--max-p99", checks.max_p99, "Exit 10 when the 99th percentile latency exceeds MS milliseconds");
  app.add_option("--min-rate", checks.min_rate, "Exit 10 when fewer messages per second arrived (0.1% tolerance)");
  if (int status = parse_command_line(app, argc, argv, version); status >= 0)
    return status;
  if ((checks.max_loss && (*checks.max_loss < 0 || *checks.max_loss > 100)) ||
      (checks.max_p99 && *checks.max_p99 <= 0) || (checks.min_rate && *checks.min_rate <= 0)) {
    print_error("--max-loss is a percentage between 0 and 100; --max-p99 and --min-rate must be positive");
    return exit_usage;
  }

  std::vector<named_result> results;
  for (const auto &file : files) {
    named_result n{file, {}};
    std::string error;
    if (!load_result(file, n.result, error)) {
      print_error(error);
      return exit_usage;
    }
    results.push_back(std::move(n));
  }
  merged_report report;
  std::string error;
  if (!merge_results(results, report, error)) {
    print_error(error);
    return exit_usage;
  }
  for (const auto &warning : report.warnings)
    print_warning(warning);
  bench_options &o = report.options;
  o.json = checks.json;
  o.max_loss = checks.max_loss;
  o.max_p99 = checks.max_p99;
  o.min_rate = checks.min_rate;
  const auto outcome = check_thresholds(o, report.totals);
  std::string out = o.json ? "" : merged_row(results);
  append_summary(out, o, report.totals, outcome);
  write_stdout(out);
  int status = exit_ok;
  for (const auto &check : outcome)
    if (!check.passed) {
      print_error(check_failure_line(check));
      status = exit_check_failed;
    }
  return finish_stdout(status);
}

} // namespace mqtk::apps::bench
