#pragma once

#include "bench/bench.hpp"
#include "bench/bench_recorder.hpp"
#include "bench/metrics_server.hpp"

#include <string>

namespace mqtk::apps::bench {

// --metrics-listen ADDR:PORT: serves the run's totals as they are at each scrape (append_metrics)
// from the start until the run ends (on_finish closes it; the summary has the final figures).
class metrics_endpoint final : public bench_sink {
public:
  // An endpoint for a run of options whose totals are these.
  metrics_endpoint(runtime &rt, const bench_options &options, const bench_totals &totals);
  // Listens on address (ADDR:PORT as --metrics-listen takes it) and prints "metrics at
  // http://HOST:PORT/metrics" on stderr; "" or the one-line reason it cannot.
  std::string listen(const std::string &address);
  void on_interval(const bench_interval &) override {}
  void on_finish(const bench_totals &) override { server_.stop(); }

private:
  metrics_server server_;
};

} // namespace mqtk::apps::bench
