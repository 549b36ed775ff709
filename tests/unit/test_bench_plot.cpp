// mqtk-bench --plot: the SVG's structure, its axes and the percentile curve.
#include "../../apps/bench/bench_plot.hpp"
#include "../../apps/bench/exported_histograms.hpp"
#include "../../apps/bench/svg_chart.hpp"

#include <doctest/doctest.h>

using namespace mqtk::apps::bench;

namespace {

std::size_t occurrences(const std::string &text, const std::string &what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

std::vector<plot_interval> three_intervals() {
  std::vector<plot_interval> out;
  for (int i = 1; i <= 3; ++i) {
    plot_interval p;
    p.end_s = i;
    p.sent_per_s = 1000;
    p.received_per_s = 990;
    for (std::size_t h = 0; h < exported_histograms.size(); ++h) // one per histogram, e.g. latency and service
      p.latencies.push_back({1000, 0.1, 2.0 * i, 5.0 * i});
    out.push_back(p);
  }
  return out;
}

} // namespace

TEST_CASE("plot: pubsub has throughput, latency over time and distribution panels, self-contained") {
  bench_options o;
  o.mode = bench_mode::pubsub;
  o.qos = 1;
  o.topic = "a/<b>&'c'/%i";
  bench_totals t;
  t.connected = 2;
  t.sent = 3000;
  t.received = 2970;
  for (std::uint64_t v = 1; v <= 3000; ++v) {
    t.latency.record(v * 1000);
    t.service.record(v * 500);
  }
  const std::string svg = render_bench_plot(o, t, three_intervals(), 1700000000000000000ull);
  const std::size_t histograms = exported_histograms.size();
  CHECK(svg.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" ", 0) == 0);
  CHECK(svg.size() > 2000);
  CHECK(svg.find("</svg>\n") == svg.size() - 7);
  CHECK(occurrences(svg, "class=\"plot-area\"") == 2 + histograms); // throughput, one per histogram, distribution
  CHECK(occurrences(svg, "<g class=\"panel\">") == occurrences(svg, "</g>"));
  // sent, acknowledged, received; p50, p99, max of each histogram; each one's distribution curve.
  CHECK(occurrences(svg, "<polyline class=\"series\"") == 3 + 3 * histograms + histograms);
  CHECK(svg.find("a/&lt;b&gt;&amp;&apos;c&apos;/%i") != std::string::npos);
  CHECK(svg.find("a/<b>") == std::string::npos);
  CHECK(svg.find("started 2023-11-14 22:13:20 UTC") != std::string::npos);
  for (const char *label : {"Throughput (messages/s", "elapsed (s)", "milliseconds (log scale)", "percentile",
                            "99.9%", ">p99<", ">max<", ">received<"})
    CHECK_MESSAGE(svg.find(label) != std::string::npos, label);
  for (const char *external : {"href", "<script", "<image", "@import", "url("})
    CHECK_MESSAGE(svg.find(external) == std::string::npos, external);
}

TEST_CASE("plot: conn mode shows connections only; no interval says so") {
  bench_options o;
  o.mode = bench_mode::conn;
  o.clients = 200;
  bench_totals t;
  t.connected = 200;
  const std::string svg = render_bench_plot(o, t, {}, 0);
  CHECK(occurrences(svg, "class=\"plot-area\"") == 1);
  CHECK(svg.find("Connections up") != std::string::npos);
  CHECK(svg.find("no complete interval") != std::string::npos);
  CHECK(svg.find("started ") == std::string::npos);
  CHECK(svg.find("mqtk-bench conn: 200 connections") != std::string::npos);
}

TEST_CASE("plot: control characters in a topic are shown as escapes, never put in the XML") {
  bench_options o;
  o.mode = bench_mode::pub;
  o.topic = "a\x1b[2Jb";
  const std::string svg = render_bench_plot(o, bench_totals{}, three_intervals(), 0);
  CHECK(svg.find('\x1b') == std::string::npos);
  CHECK(svg.find("a\\x1b[2Jb") != std::string::npos);
}

TEST_CASE("plot: the percentile curve rises to the max at the right end") {
  latency_histogram h;
  for (std::uint64_t v = 1; v <= 1000; ++v)
    h.record(v * 10000);
  const auto curve = percentile_curve(h, 4);
  REQUIRE(curve.size() > 10);
  CHECK(curve.front().first == 0);
  for (std::size_t i = 1; i < curve.size(); ++i) {
    CHECK(curve[i].first >= curve[i - 1].first);
    CHECK(curve[i].second >= curve[i - 1].second);
  }
  CHECK(curve.back().first == 4);
  CHECK(curve.back().second == doctest::Approx(10.0)); // the max, 10 ms
  CHECK(percentile_curve(latency_histogram{}, 4).empty());
}

TEST_CASE("plot axes: round linear ticks from 0, whole decades on a log axis") {
  const auto linear = linear_axis(0, 1234, "x");
  CHECK(linear.min == 0);
  CHECK(linear.max == 1500);
  REQUIRE(linear.ticks.size() == 4);
  CHECK(linear.ticks[1].second == "500");
  CHECK(linear_axis(0, 25000, "x").ticks[1].second == "10k");
  CHECK(linear_axis(0, 600, "x").max > 600); // a line at the maximum stays off the frame
  const auto empty = linear_axis(0, 0, "x");
  CHECK(empty.max > empty.min);
  const auto log = log_axis(0.03, 40, "y");
  CHECK(log.min == doctest::Approx(0.01));
  CHECK(log.max == doctest::Approx(100));
  REQUIRE(log.ticks.size() == 5);
  CHECK(log.ticks.front().second == "0.01");
  CHECK(log.ticks.back().second == "100");
  CHECK(log_axis(5, 5, "y").ticks.size() == 2);
}
