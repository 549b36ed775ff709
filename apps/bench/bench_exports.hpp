#pragma once

#include "bench/bench.hpp"
#include "bench/bench_recorder.hpp"
#include "common/runtime.hpp"

#include <memory>
#include <string>

namespace mqtk::apps::bench {

class hdr_log_sink;
class plot_sink;
class metrics_endpoint;

// The exporters a run's options ask for (--hdr-log, --plot, --metrics-listen), each a sink of the
// run's recorder.
class bench_exports {
public:
  // The exporters of a run of options on rt, recorded by recorder.
  bench_exports(runtime &rt, const bench_options &options, bench_recorder &recorder);
  ~bench_exports();
  bench_exports(const bench_exports &) = delete;
  bench_exports &operator=(const bench_exports &) = delete;

  // Before anything connects: creates the files' temporary files, listens, and adds the sinks to
  // the recorder; "" or the one-line reason the run cannot start (exit 2).
  std::string start();
  // After the recorder finished: prints why each file that could not be written was not, and
  // returns true when there was one.
  bool report_failures() const;

private:
  runtime &rt_;
  const bench_options &o_;
  bench_recorder &recorder_;
  std::unique_ptr<hdr_log_sink> hdr_log_;
  std::unique_ptr<plot_sink> plot_;
  std::unique_ptr<metrics_endpoint> metrics_;
};

} // namespace mqtk::apps::bench
