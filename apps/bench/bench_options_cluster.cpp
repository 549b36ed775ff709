// mqtk-bench: the cluster flag, --sub-url (the -h/-L lists are connection_options' several mode).
#include "bench/bench.hpp"
#include "common/flag_lookup.hpp"
#include "common/help_sections.hpp"

#include <CLI/CLI.hpp>

namespace mqtk::apps::bench {

void add_cluster_options(CLI::App &app, bench_options &o) {
  help_section(app, "Cluster")
      .add_option(
          "--sub-url", o.cluster.sub_urls,
          "pubsub: broker URL for the subscribers (repeat or comma list, round robin) while publishers use "
          "-h/-L, so the run measures forwarding between cluster nodes")
      ->allow_extra_args(false)
      ->type_name("URL")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

std::string cluster_options_error(const CLI::App &app, const bench_options &o) {
  if (given(app, "--sub-url") && o.mode != bench_mode::pubsub)
    return std::string("--sub-url is for pubsub mode, not ") + mode_name(o.mode) +
           " (there -h/-L name the brokers of every connection)";
  return {};
}

} // namespace mqtk::apps::bench
