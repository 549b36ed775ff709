// mqtk-bench: the run's counters and histograms in the Prometheus text exposition format.
#include "bench/bench_metrics.hpp"

#include "bench/exported_histograms.hpp"

#include <algorithm>
#include <cstdio>

namespace mqtk::apps::bench {

const double metrics_bucket_bounds[] = {1e-5, 2e-5, 5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2, 2e-2,
                                        5e-2, 0.1,  0.2,  0.5,  1,    2,    5,    10,   30,   60};
const std::size_t metrics_bucket_count = std::size(metrics_bucket_bounds);

namespace {

void append_number(std::string &out, double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  out += buf;
}

void append_bound(std::string &out, double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  out += buf;
}

void append_head(std::string &out, const std::string &name, const char *type, const char *help) {
  out += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

void append_metric(std::string &out, const char *type, const char *name, const char *help, std::uint64_t value) {
  append_head(out, name, type, help);
  out += name;
  out += ' ';
  out += std::to_string(value);
  out += '\n';
}

} // namespace

void append_label_value(std::string &out, std::string_view text) {
  for (char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
}

void append_metrics_histogram(std::string &out, const std::string &name, const char *help,
                              const latency_histogram &h) {
  append_head(out, name, "histogram", help);
  std::uint64_t cumulative[std::size(metrics_bucket_bounds)] = {};
  h.for_each_bucket([&](const latency_histogram::bucket &b) {
    const double at_s = static_cast<double>(std::clamp(b.midpoint, h.min(), h.max())) / 1e9;
    const auto first = std::lower_bound(std::begin(metrics_bucket_bounds), std::end(metrics_bucket_bounds), at_s);
    for (auto i = static_cast<std::size_t>(first - std::begin(metrics_bucket_bounds)); i < metrics_bucket_count; ++i)
      cumulative[i] += b.count;
  });
  for (std::size_t i = 0; i < metrics_bucket_count; ++i) {
    out += name + "_bucket{le=\"";
    append_bound(out, metrics_bucket_bounds[i]);
    out += "\"} " + std::to_string(cumulative[i]) + "\n";
  }
  out += name + "_bucket{le=\"+Inf\"} " + std::to_string(h.count()) + "\n";
  out += name + "_sum ";
  append_number(out, h.sum() / 1e9);
  out += "\n" + name + "_count " + std::to_string(h.count()) + "\n";
}

void append_metrics(std::string &out, const bench_options &o, const bench_totals &t) {
  append_head(out, "mqtk_bench_info", "gauge", "The run: mode, QoS and topic (always 1).");
  out += "mqtk_bench_info{mode=\"";
  out += mode_name(o.mode);
  out += "\",qos=\"" + std::to_string(o.qos) + "\",topic=\"";
  append_label_value(out, o.topic);
  out += "\"} 1\n";
  const std::uint64_t planned = o.clients + (o.mode == bench_mode::pubsub ? o.subscribers : 0);
  append_metric(out, "gauge", "mqtk_bench_connections_planned", "Connections the run opens.", planned);
  append_metric(out, "gauge", "mqtk_bench_connections_up", "Connections up now (connected and not lost).",
                t.connected - std::min(t.lost, t.connected));
  append_metric(out, "counter", "mqtk_bench_connections_attempted_total", "Connection attempts started.",
                t.attempted);
  append_metric(out, "counter", "mqtk_bench_connections_connected_total", "Connections that got their CONNACK.",
                t.connected);
  append_metric(out, "counter", "mqtk_bench_connections_failed_total", "Connections that failed before CONNACK.",
                t.failed);
  append_metric(out, "counter", "mqtk_bench_connections_lost_total", "Connections lost during the run.", t.lost);
  append_metric(out, "counter", "mqtk_bench_messages_sent_total", "Messages published.", t.sent);
  append_metric(out, "counter", "mqtk_bench_messages_acknowledged_total",
                "QoS 1 and 2 messages the broker acknowledged.", t.acknowledged);
  append_metric(out, "counter", "mqtk_bench_messages_refused_total", "Messages the broker refused.", t.refused);
  append_metric(out, "counter", "mqtk_bench_messages_received_total", "Messages the subscribers received.",
                t.received);
  append_metric(out, "counter", "mqtk_bench_messages_lost_total",
                "Messages known lost so far (gaps in the sequence numbers; pubsub at the end: expected less received).",
                t.lost_messages());
  append_metric(out, "counter", "mqtk_bench_messages_duplicate_total", "Messages received more than once.",
                t.duplicates);
  append_metric(out, "counter", "mqtk_bench_messages_foreign_total",
                "Messages received that another run or tool sent.", t.foreign);
  for (const auto &histogram : exported_histograms)
    append_metrics_histogram(out, std::string("mqtk_bench_") + histogram.name + "_seconds", histogram.help,
                             t.*histogram.total);
  append_metrics_histogram(out, "mqtk_bench_connack_seconds", "time from starting a connection to its CONNACK",
                           t.connack);
}

} // namespace mqtk::apps::bench
