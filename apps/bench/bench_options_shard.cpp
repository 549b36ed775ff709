// mqtk-bench: the flags of a run spread over many processes: --shard, --shards, --start-at, --output.
#include "bench/bench.hpp"
#include "bench/bench_payload.hpp"
#include "bench/bench_result_file.hpp"
#include "common/flag_lookup.hpp"
#include "common/help_sections.hpp"

#include <CLI/CLI.hpp>

#include <cstdlib>

namespace mqtk::apps::bench {

void add_shard_options(CLI::App &app, bench_options &o) {
  const char *group = "Shards (one run over many processes or hosts)";
  help_section(app, group)
      .add_option("--shard", o.shard.spec,
                  "Run shard K (from 0) of N: its share of -C and -s, with global client indices")
      ->type_name("K/N");
  help_section(app, group)
      .add_option("--shards", o.shard.shards,
                  "Run one of N shards, K from JOB_COMPLETION_INDEX (a Kubernetes Indexed Job)")
      ->type_name("N");
  help_section(app, group)
      .add_option("--start-at", o.shard.start_at_text,
                  "Connect, then wait until TIME (RFC 3339 with Z or an offset, or epoch seconds) to start "
                  "measuring")
      ->type_name("TIME");
  help_section(app, group)
      .add_option("--output", o.shard.output,
                  "Write the result as one JSON document to FILE (- for stdout) for mqtk-bench merge")
      ->type_name("FILE");
}

std::string shard_options_error(const CLI::App &app, bench_options &o) {
  shard_options &s = o.shard;
  if (given(app, "--shard") && given(app, "--shards"))
    return "--shard and --shards exclude each other";
  if (given(app, "--shard")) {
    const auto spec = parse_shard_spec(s.spec);
    if (!spec)
      return "--shard '" + s.spec.substr(0, 40) + "' is not K/N with K from 0 to N-1 and N up to 100000 (0/3, 1/3, 2/3)";
    s.index = spec->first;
    s.count = spec->second;
  } else if (given(app, "--shards")) {
    if (s.shards < 1 || s.shards > 100000)
      return "--shards must be between 1 and 100000";
    s.count = s.shards;
    if (auto problem = shard_index_from_job(std::getenv("JOB_COMPLETION_INDEX"), s.count, s.index); !problem.empty())
      return problem;
  }
  if (s.count > 1 && o.clients < s.count)
    return "-C " + std::to_string(o.clients) + " cannot be shared by " + std::to_string(s.count) +
           " shards: give at least one client per shard";
  if (s.count > 1 && !o.connection.client_id.empty())
    return "-i names one client; shards need -I PREFIX (the global index is appended)";
  if (given(app, "--start-at")) {
    const auto at = parse_start_time(s.start_at_text);
    if (!at)
      return "--start-at '" + s.start_at_text.substr(0, 40) +
             "' is neither an RFC 3339 time (2026-11-25T14:00:00Z, or with an offset such as +01:00) nor epoch "
             "seconds";
    if (auto problem = start_time_problem(*at, wall_clock_ns()); !problem.empty())
      return "--start-at " + s.start_at_text + " " + problem;
    s.start_at_ns = at;
  }
  if (given(app, "--output")) {
    if (s.output.empty())
      return "--output needs a file name, or - for stdout";
    if (s.output == "-") {
      if (o.json)
        return "--output - writes the result document to stdout: drop --json, or give --output FILE";
      o.quiet = true; // stdout carries the document alone
    } else if (auto problem = output_file_problem(s.output, s.output_target); !problem.empty()) {
      return problem;
    }
  }
  return {};
}

} // namespace mqtk::apps::bench
