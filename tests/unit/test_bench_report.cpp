// mqtk-bench's options helpers, threshold checks and report formats.
#include "../../apps/bench/bench.hpp"
#include "../../apps/bench/bench_report.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace mqtk::apps::bench;

namespace {

bench_totals sample_totals() {
  bench_totals t;
  t.attempted = t.connected = 3;
  t.connect_seconds = 0.5;
  t.sent = 1000;
  t.publish_seconds = 2;
  t.received = 990;
  t.expected = 1000;
  t.receive_seconds = 2;
  for (int i = 1; i <= 100; ++i)
    t.latency.record(static_cast<std::uint64_t>(i) * 100'000); // 0.1 .. 10 ms
  return t;
}

} // namespace

TEST_CASE("bench topics: %i expands to the client index, + for subscribers") {
  CHECK(expand_topic("bench/%i/t", 42) == "bench/42/t");
  CHECK(expand_topic("a/b", 3) == "a/b");
  CHECK(expand_topic("x%", 1) == "x%");
  CHECK(subscriber_filter("bench/%i/t") == "bench/+/t");
  CHECK(subscriber_filter("bench/%i") == "bench/+");
}

TEST_CASE("bench thresholds: each flag checked against the run") {
  bench_options o;
  o.mode = bench_mode::pubsub;
  o.max_loss = 0.5;
  o.max_p99 = 20;
  o.min_rate = 600;
  const auto checks = check_thresholds(o, sample_totals());
  REQUIRE(checks.size() == 3);
  CHECK(checks[0].flag == "--max-loss");
  CHECK(checks[0].value == doctest::Approx(1.0));
  CHECK_FALSE(checks[0].passed);
  CHECK(checks[1].flag == "--max-p99");
  CHECK(checks[1].value == doctest::Approx(9.9).epsilon(0.02));
  CHECK(checks[1].passed);
  CHECK(checks[2].flag == "--min-rate");
  CHECK(checks[2].value == doctest::Approx(495));
  CHECK_FALSE(checks[2].passed);
}

TEST_CASE("bench thresholds: --min-rate has a 0.1% tolerance") {
  bench_options o;
  o.mode = bench_mode::pubsub;
  o.min_rate = 8000;
  bench_totals t;
  t.receive_seconds = 1;
  t.received = 8000;
  CHECK(check_thresholds(o, t)[0].passed);
  t.receive_seconds = 1.0000269; // "7999.785 FAILED" while the summary said 8,000/s
  CHECK(check_thresholds(o, t)[0].value == doctest::Approx(7999.785).epsilon(1e-6));
  CHECK(check_thresholds(o, t)[0].passed);
  t.receive_seconds = 1;
  t.received = 7992;
  CHECK(check_thresholds(o, t)[0].passed); // 0.1% below
  t.received = 7991;
  CHECK_FALSE(check_thresholds(o, t)[0].passed);
}

TEST_CASE("bench report: rates below 100 per second keep their decimals") {
  bench_options o;
  o.mode = bench_mode::pubsub;
  bench_totals t;
  t.attempted = t.connected = 2;
  t.connect_seconds = 0.01;
  t.sent = 1;
  t.publish_seconds = 2;
  t.received = 1;
  t.expected = 1;
  t.receive_seconds = 2;
  std::string text;
  append_summary(text, o, t, {});
  CHECK(text.find("published    1 in 2.00 s (0.50/s)") != std::string::npos);
  CHECK(text.find("received     1 in 2.00 s (0.50/s)") != std::string::npos);
  o.json = true;
  std::string json;
  append_summary(json, o, t, {});
  const auto j = nlohmann::json::parse(json);
  CHECK(j["published"]["per_s"] == 0.5);
  CHECK(j["received"]["per_s"] == 0.5);
  CHECK(j["connections"]["per_s"] == 200.0);
}

TEST_CASE("bench thresholds: --max-p99 fails when nothing was received") {
  bench_options o;
  o.mode = bench_mode::sub;
  o.max_p99 = 100;
  const auto checks = check_thresholds(o, bench_totals{});
  REQUIRE(checks.size() == 1);
  CHECK_FALSE(checks[0].passed);
}

TEST_CASE("bench report: the JSON summary has the documented fields") {
  bench_options o;
  o.mode = bench_mode::pubsub;
  o.clients = 2;
  o.topic = "b/%i";
  o.json = true;
  o.max_loss = 5;
  std::string out;
  const auto totals = sample_totals();
  append_summary(out, o, totals, check_thresholds(o, totals));
  REQUIRE(out.back() == '\n');
  const auto j = nlohmann::json::parse(out);
  CHECK(j["type"] == "summary");
  CHECK(j["mode"] == "pubsub");
  CHECK(j["publishers"] == 2);
  CHECK(j["connections"]["connected"] == 3);
  CHECK(j["connections"]["per_s"] == 6.0);
  CHECK(j["published"]["sent"] == 1000);
  CHECK(j["published"]["per_s"] == 500.0);
  CHECK(j["received"]["expected"] == 1000);
  CHECK(j["received"]["lost"] == 10);
  CHECK(j["received"]["loss_percent"] == 1.0);
  CHECK(j["latency_ms"]["samples"] == 100);
  CHECK(j["latency_ms"]["max"] == 10.0);
  CHECK(j["checks"][0]["flag"] == "--max-loss");
  CHECK(j["checks"][0]["passed"] == true);
  CHECK(j["passed"] == true);
}

TEST_CASE("bench report: progress line in text and JSON") {
  bench_options o;
  o.mode = bench_mode::pubsub;
  latency_histogram response, service;
  response.record(1'000'000);
  service.record(200'000);
  SUBCASE("paced: response time and service time") {
    bench_interval i{2.0, 1.0, 3, 12345, 0, 12000, &response, &service, 12000};
    std::string text;
    append_progress(text, o, i);
    CHECK(text == "     2.0 s  connected 3  sent 12,345/s  received 12,000/s  latency p50 1.000 ms, p99 1.000 ms; "
                  "service p50 0.200 ms, p99 0.200 ms\n");
    o.json = true;
    std::string json;
    append_progress(json, o, i);
    const auto j = nlohmann::json::parse(json);
    CHECK(j["type"] == "progress");
    CHECK(j["sent_per_s"] == 12345.0);
    CHECK(j["received"] == 12000);
    CHECK(j["latency_ms"]["p50"] == 1.0);
    CHECK(j["service_ms"]["p99"] == 0.2);
  }
  SUBCASE("closed loop: the latency is named service time") {
    bench_interval i{2.0, 1.0, 3, 12345, 0, 12000, &service, &service, 0};
    std::string text;
    append_progress(text, o, i);
    CHECK(text == "     2.0 s  connected 3  sent 12,345/s  received 12,000/s  latency p50 0.200 ms, p99 0.200 ms "
                  "(service time)\n");
  }
}

namespace {

// A paced run held back by a 1 s stall: response time up to 1 s, service time small.
bench_totals stalled_totals() {
  bench_totals t = sample_totals();
  t.scheduled = 100;
  for (int i = 1; i <= 100; ++i)
    t.service.record(static_cast<std::uint64_t>(i) * 10'000); // 0.01 .. 1 ms
  t.latency.clear();
  for (int i = 1; i <= 100; ++i)
    t.latency.record(static_cast<std::uint64_t>(i) * 10'000'000); // 10 .. 1000 ms
  t.behind_schedule = 420;
  t.behind_schedule_oldest_ns = 420'000'000;
  return t;
}

} // namespace

TEST_CASE("bench report: a paced run shows response time and service time apart") {
  bench_options o;
  o.mode = bench_mode::pubsub;
  o.rate = 1000;
  o.max_p99 = 500;
  const auto t = stalled_totals();
  const auto checks = check_thresholds(o, t);
  REQUIRE(checks.size() == 1);
  CHECK(checks[0].what == "p99 response time (ms)"); // the response time, not the service time
  CHECK(checks[0].value == doctest::Approx(990).epsilon(0.02));
  CHECK_FALSE(checks[0].passed);

  std::string text;
  append_summary(text, o, t, checks);
  CHECK(text.find("420 behind schedule at the end (due, not sent; the oldest for 0.42 s)") != std::string::npos);
  CHECK(text.find("latency      min 10.000 ms") != std::string::npos);
  CHECK(text.find("(response time: from the intended send time)") != std::string::npos);
  CHECK(text.find("service      min 0.010 ms") != std::string::npos);
  CHECK(text.find("(from the write)") != std::string::npos);
  CHECK(text.find("service time only") == std::string::npos);

  o.json = true;
  std::string out;
  append_summary(out, o, t, checks);
  const auto j = nlohmann::json::parse(out);
  CHECK(j["latency_basis"] == "response_time");
  CHECK(j["latency_ms"]["max"] == 1000.0);
  CHECK(j["latency_ms"]["samples"] == 100);
  CHECK(j["service_ms"]["max"] == 1.0);
  CHECK(j["service_ms"]["samples"] == 100);
  CHECK(j["received"]["scheduled"] == 100);
  CHECK(j["published"]["behind_schedule"] == 420);
  CHECK(j["published"]["behind_schedule_oldest_ms"] == 420.0);
  CHECK(j["checks"][0]["what"] == "p99 response time (ms)");
}

TEST_CASE("bench report: a closed-loop run says its latency is service time only") {
  bench_options o;
  o.mode = bench_mode::pubsub;
  o.max_p99 = 500;
  bench_totals t = sample_totals();
  t.service = t.latency;
  const auto checks = check_thresholds(o, t);
  CHECK(checks[0].what == "p99 service time (ms)");
  std::string text;
  append_summary(text, o, t, checks);
  CHECK(text.find("mean 5.050 ms (service time only: no --rate)") != std::string::npos);
  CHECK(text.find("\nservice ") == std::string::npos); // one row: both figures are the same
  CHECK(text.find("behind schedule") == std::string::npos);
  o.json = true;
  std::string out;
  append_summary(out, o, t, checks);
  const auto j = nlohmann::json::parse(out);
  CHECK(j["latency_basis"] == "service_time_only");
  CHECK(j["service_ms"]["samples"] == 100);
  CHECK(j["received"]["scheduled"] == 0);
  CHECK_FALSE(j["published"].contains("behind_schedule")); // nothing was scheduled
}

TEST_CASE("bench report: sub mode hearing paced and unpaced publishers says how many were paced") {
  bench_options o;
  o.mode = bench_mode::sub;
  bench_totals t = stalled_totals();
  t.scheduled = 40;
  std::string text;
  append_summary(text, o, t, {});
  CHECK(text.find("(response time for 40 of 100 messages; the rest unpaced)") != std::string::npos);
  o.json = true;
  std::string out;
  append_summary(out, o, t, {});
  CHECK(nlohmann::json::parse(out)["latency_basis"] == "mixed");
}
