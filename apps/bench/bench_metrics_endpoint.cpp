// mqtk-bench: --metrics-listen, the Prometheus endpoint of a run.
#include "bench/bench_metrics_endpoint.hpp"

#include "bench/bench_metrics.hpp"
#include "common/diagnostics.hpp"

namespace mqtk::apps::bench {

metrics_endpoint::metrics_endpoint(runtime &rt, const bench_options &options, const bench_totals &totals)
    : server_(rt, [&options, &totals] {
        std::string text;
        append_metrics(text, options, totals);
        return text;
      }) {}

std::string metrics_endpoint::listen(const std::string &text) {
  std::string why;
  const auto address = parse_listen_address(text, why);
  if (!address)
    return "--metrics-listen '" + text + "' " + why;
  if (auto problem = server_.listen(*address); !problem.empty())
    return "cannot listen on " + text + " for --metrics-listen: " + problem;
  print_error("metrics at http://" + authority_of(server_.bound()) + "/metrics");
  return {};
}

} // namespace mqtk::apps::bench
