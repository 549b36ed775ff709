// mqtk-bench: --plot, throughput and latency over time and the latency distribution as one SVG.
#include "bench/bench_plot.hpp"

#include "bench/bench_report.hpp"
#include "bench/exported_histograms.hpp"
#include "bench/svg_chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace mqtk::apps::bench {

namespace {

// Colours (the Tableau palette matplotlib uses): sent, acknowledged, received; p50, p99, max.
constexpr const char *blue = "#1f77b4", *orange = "#ff7f0e", *green = "#2ca02c", *red = "#d62728";
constexpr const char *curve_colors[] = {"#9467bd", "#17becf", "#8c564b", "#e377c2"};

double ms(std::uint64_t ns) {
  return static_cast<double>(ns) / 1e6;
}

std::string ms_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f ms", v);
  return buf;
}

std::string start_text(std::uint64_t start_ns) {
  const auto seconds = static_cast<std::time_t>(start_ns / 1000000000);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char buf[64];
  std::strftime(buf, sizeof buf, "started %Y-%m-%d %H:%M:%S UTC", &utc);
  return buf;
}

std::string title_of(const bench_options &o) {
  const auto plural = [](std::uint32_t n, const char *word) {
    return grouped(n) + " " + word + (n == 1 ? "" : "s");
  };
  std::string title = std::string("mqtk-bench ") + mode_name(o.mode) + ": ";
  switch (o.mode) {
  case bench_mode::conn:
    return title + plural(o.clients, "connection");
  case bench_mode::sub:
    title += plural(o.clients, "subscriber");
    break;
  case bench_mode::pub:
    title += plural(o.clients, "publisher");
    break;
  case bench_mode::pubsub:
    title += plural(o.clients, "publisher") + ", " + plural(o.subscribers, "subscriber");
    break;
  }
  return title + ", QoS " + std::to_string(o.qos) + ", topic " + o.topic;
}

std::string subtitle_of(const bench_options &o, const bench_totals &t, std::uint64_t start_ns) {
  std::vector<std::string> parts;
  if (start_ns > 0)
    parts.push_back(start_text(start_ns));
  parts.push_back(grouped(t.connected) + " connected");
  if (o.mode == bench_mode::pub || o.mode == bench_mode::pubsub)
    parts.push_back(grouped(t.sent) + " sent");
  if (o.mode == bench_mode::sub || o.mode == bench_mode::pubsub) {
    char loss[32];
    std::snprintf(loss, sizeof loss, "%.3f%%", t.loss_percent());
    parts.push_back(grouped(t.received) + " received, " + grouped(t.lost_messages()) + " lost (" + loss + ")");
    if (t.latency.count() > 0)
      parts.push_back("latency p50 " + ms_text(ms(t.latency.percentile(0.5))) + ", p99 " +
                      ms_text(ms(t.latency.percentile(0.99))) + ", max " + ms_text(ms(t.latency.max())));
  }
  std::string out;
  for (const auto &part : parts)
    out += (out.empty() ? "" : " \u00b7 ") + part;
  return out;
}

chart_axis time_axis(const std::vector<plot_interval> &intervals) {
  return linear_axis(0, intervals.empty() ? 1 : intervals.back().end_s, "elapsed (s)");
}

chart_panel throughput_panel(const bench_options &o, const std::vector<plot_interval> &intervals) {
  chart_panel panel;
  const bool publishes = o.mode == bench_mode::pub || o.mode == bench_mode::pubsub;
  const bool receives = o.mode == bench_mode::sub || o.mode == bench_mode::pubsub;
  double top = 0;
  if (o.mode == bench_mode::conn) {
    panel.title = "Connections up";
    chart_series up{"connected", green, {}};
    for (const auto &i : intervals) {
      up.points.emplace_back(i.end_s, static_cast<double>(i.connected));
      top = std::max(top, static_cast<double>(i.connected));
    }
    panel.series.push_back(std::move(up));
    panel.y = linear_axis(0, top, "connections");
  } else {
    panel.title = "Throughput (messages/s, per interval)";
    chart_series sent{"sent", blue, {}}, acked{"acknowledged", green, {}}, received{"received", orange, {}};
    for (const auto &i : intervals) {
      sent.points.emplace_back(i.end_s, i.sent_per_s);
      acked.points.emplace_back(i.end_s, i.acknowledged_per_s);
      received.points.emplace_back(i.end_s, i.received_per_s);
      top = std::max({top, publishes ? i.sent_per_s : 0.0, receives ? i.received_per_s : 0.0});
    }
    if (publishes)
      panel.series.push_back(std::move(sent));
    if (publishes && o.qos > 0)
      panel.series.push_back(std::move(acked));
    if (receives)
      panel.series.push_back(std::move(received));
    panel.y = linear_axis(0, top, "messages/s");
  }
  panel.x = time_axis(intervals);
  if (intervals.empty())
    panel.note = "no complete interval: the run was shorter than --interval";
  return panel;
}

chart_panel latency_panel(const exported_histogram &histogram, std::size_t index,
                          const std::vector<plot_interval> &intervals) {
  chart_panel panel;
  panel.title = std::string(histogram.name) + ": " + histogram.help + ", per interval";
  chart_series p50{"p50", blue, {}}, p99{"p99", orange, {}}, max{"max", red, {}};
  double low = 0, high = 0;
  for (const auto &i : intervals) {
    if (index >= i.latencies.size() || i.latencies[index].samples == 0)
      continue;
    const auto &l = i.latencies[index];
    p50.points.emplace_back(i.end_s, l.p50_ms);
    p99.points.emplace_back(i.end_s, l.p99_ms);
    max.points.emplace_back(i.end_s, l.max_ms);
    low = low > 0 ? std::min(low, l.p50_ms) : l.p50_ms;
    high = std::max(high, l.max_ms);
  }
  if (p50.points.empty())
    panel.note = "no samples in any complete interval";
  panel.series = {std::move(p50), std::move(p99), std::move(max)};
  panel.x = time_axis(intervals);
  panel.y = log_axis(low > 0 ? low : 1e-3, high > 0 ? high : 1, "milliseconds (log scale)");
  return panel;
}

chart_panel distribution_panel(const bench_totals &totals) {
  chart_panel panel;
  panel.title = "Latency distribution of the whole run, by percentile";
  std::uint64_t most = 0;
  for (const auto &histogram : exported_histograms)
    most = std::max(most, (totals.*histogram.total).count());
  // x = log10(1 / (1 - p)): the right end is where the max is (all samples), from 99% to 99.9999%.
  const double max_x = std::clamp(std::ceil(std::log10(static_cast<double>(std::max<std::uint64_t>(most, 1)))), 2.0, 6.0);
  double low = 0, high = 0;
  std::size_t color = 0;
  for (const auto &histogram : exported_histograms) {
    const latency_histogram &h = totals.*histogram.total;
    chart_series curve{histogram.name, curve_colors[color++ % std::size(curve_colors)], percentile_curve(h, max_x)};
    for (const auto &point : curve.points)
      if (point.second > 0) {
        low = low > 0 ? std::min(low, point.second) : point.second;
        high = std::max(high, point.second);
      }
    panel.series.push_back(std::move(curve));
  }
  panel.x.min = 0;
  panel.x.max = max_x;
  panel.x.label = "percentile";
  static const char *labels[] = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"};
  for (int i = 0; i <= static_cast<int>(max_x); ++i)
    panel.x.ticks.emplace_back(i, labels[i]);
  panel.y = log_axis(low > 0 ? low : 1e-3, high > 0 ? high : 1, "milliseconds (log scale)");
  if (most == 0)
    panel.note = "no samples";
  return panel;
}

} // namespace

plot_interval plot_point(const bench_interval &interval) {
  plot_interval p;
  p.end_s = interval.elapsed;
  const double s = interval.seconds > 0 ? interval.seconds : 1;
  p.sent_per_s = static_cast<double>(interval.sent) / s;
  p.acknowledged_per_s = static_cast<double>(interval.acknowledged) / s;
  p.received_per_s = static_cast<double>(interval.received) / s;
  p.connected = interval.connected;
  for (const auto &histogram : exported_histograms) {
    plot_interval::latency l;
    if (const latency_histogram *h = interval.*histogram.interval; h && h->count() > 0)
      l = {h->count(), ms(h->percentile(0.5)), ms(h->percentile(0.99)), ms(h->max())};
    p.latencies.push_back(l);
  }
  return p;
}

std::vector<std::pair<double, double>> percentile_curve(const latency_histogram &h, double max_x) {
  std::vector<std::pair<double, double>> points;
  if (h.count() == 0)
    return points;
  const double end = std::min(max_x, std::log10(static_cast<double>(h.count())));
  for (double x = 0; x < end; x += 0.05)
    points.emplace_back(x, ms(h.percentile(1 - std::pow(10.0, -x))));
  points.emplace_back(end, ms(h.max()));
  if (end < max_x)
    points.emplace_back(max_x, ms(h.max()));
  return points;
}

std::string render_bench_plot(const bench_options &o, const bench_totals &totals,
                              const std::vector<plot_interval> &intervals, std::uint64_t start_ns) {
  std::vector<chart_panel> panels{throughput_panel(o, intervals)};
  if (o.mode == bench_mode::sub || o.mode == bench_mode::pubsub) {
    for (std::size_t i = 0; i < exported_histograms.size(); ++i)
      panels.push_back(latency_panel(exported_histograms[i], i, intervals));
    panels.push_back(distribution_panel(totals));
  }
  return render_svg(title_of(o), subtitle_of(o, totals, start_ns), panels);
}

std::string plot_sink::open(const std::string &path) {
  path_ = path;
  if (const int failure = file_.open(path, false); failure != 0)
    return "cannot write --plot file " + path + ": " + std::strerror(failure);
  return {};
}

void plot_sink::on_finish(const bench_totals &totals) {
  if (totals.connected == 0) {
    file_.discard();
    return;
  }
  if (start_ns_ > 0) {
    const bench_interval rest = recorder_.in_progress(seconds_between(start_ns_, wall_clock_()));
    if (rest.seconds >= o_.interval / 10)
      intervals_.push_back(plot_point(rest));
  }
  file_.write(render_bench_plot(o_, totals, intervals_, start_ns_));
  if (const int failure = file_.commit(); failure != 0)
    error_ = "cannot write --plot file " + path_ + ": " + std::strerror(failure);
}

} // namespace mqtk::apps::bench
