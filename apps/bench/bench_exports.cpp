// mqtk-bench: the exporters the options ask for, created and registered in one place.
#include "bench/bench_exports.hpp"

#include "bench/bench_hdr_log.hpp"
#include "bench/bench_metrics_endpoint.hpp"
#include "bench/bench_payload.hpp"
#include "bench/bench_plot.hpp"
#include "common/diagnostics.hpp"

namespace mqtk::apps::bench {

bench_exports::bench_exports(runtime &rt, const bench_options &options, bench_recorder &recorder)
    : rt_(rt), o_(options), recorder_(recorder) {}

bench_exports::~bench_exports() = default;

std::string bench_exports::start() {
  const export_options &e = o_.exports;
  if (!e.hdr_log.empty()) {
    hdr_log_ = std::make_unique<hdr_log_sink>(recorder_, wall_clock_ns);
    if (auto problem = hdr_log_->open(e.hdr_log); !problem.empty())
      return problem;
    recorder_.add_sink(*hdr_log_);
  }
  if (!e.plot.empty()) {
    plot_ = std::make_unique<plot_sink>(o_, recorder_, wall_clock_ns);
    if (auto problem = plot_->open(e.plot); !problem.empty())
      return problem;
    recorder_.add_sink(*plot_);
  }
  if (!e.metrics_listen.empty()) {
    metrics_ = std::make_unique<metrics_endpoint>(rt_, o_, recorder_.totals());
    if (auto problem = metrics_->listen(e.metrics_listen); !problem.empty())
      return problem;
    recorder_.add_sink(*metrics_);
  }
  return {};
}

bool bench_exports::report_failures() const {
  bool failed = false;
  for (const std::string *error : {hdr_log_ ? &hdr_log_->error() : nullptr, plot_ ? &plot_->error() : nullptr})
    if (error && !error->empty()) {
      print_error(*error);
      failed = true;
    }
  return failed;
}

} // namespace mqtk::apps::bench
