// mqtk-bench --metrics-listen: the Prometheus text, the HTTP rules of the endpoint, its address.
#include "../../apps/bench/bench_metrics.hpp"
#include "../../apps/bench/listen_address.hpp"
#include "../../apps/bench/metrics_http.hpp"

#include <doctest/doctest.h>

using namespace mqtk::apps::bench;

namespace {

// The value of the sample line that starts with name_and_labels followed by a space.
std::string sample(const std::string &text, const std::string &name_and_labels) {
  const auto at = text.find("\n" + name_and_labels + " ");
  if (at == std::string::npos)
    return "missing";
  const auto start = at + name_and_labels.size() + 2;
  return text.substr(start, text.find('\n', start) - start);
}

} // namespace

TEST_CASE("metrics: counters, gauges and the latency histogram with cumulative le buckets") {
  bench_options o;
  o.mode = bench_mode::pubsub;
  o.clients = 3;
  o.subscribers = 2;
  o.qos = 1;
  o.topic = "a/\"b\"\\c\nd/%i";
  bench_totals t;
  t.attempted = 5;
  t.connected = 5;
  t.lost = 1;
  t.sent = 100;
  t.acknowledged = 90;
  t.received = 180;
  t.duplicates = 2;
  t.skipped = 4;
  for (int i = 0; i < 3; ++i)
    t.latency.record(15000); // 15 us
  t.latency.record(3000000); // 3 ms
  std::string text;
  append_metrics(text, o, t);
  CHECK(text.rfind("# HELP mqtk_bench_info ", 0) == 0);
  CHECK(sample(text, "mqtk_bench_info{mode=\"pubsub\",qos=\"1\",topic=\"a/\\\"b\\\"\\\\c\\nd/%i\"}") == "1");
  CHECK(sample(text, "mqtk_bench_connections_planned") == "5");
  CHECK(sample(text, "mqtk_bench_connections_up") == "4");
  CHECK(sample(text, "mqtk_bench_connections_lost_total") == "1");
  CHECK(sample(text, "mqtk_bench_messages_sent_total") == "100");
  CHECK(sample(text, "mqtk_bench_messages_acknowledged_total") == "90");
  CHECK(sample(text, "mqtk_bench_messages_received_total") == "180");
  CHECK(sample(text, "mqtk_bench_messages_lost_total") == "4");
  CHECK(sample(text, "mqtk_bench_messages_duplicate_total") == "2");
  CHECK(text.find("# TYPE mqtk_bench_messages_sent_total counter\n") != std::string::npos);
  CHECK(text.find("# TYPE mqtk_bench_latency_seconds histogram\n") != std::string::npos);
  CHECK(sample(text, "mqtk_bench_latency_seconds_bucket{le=\"1e-05\"}") == "0");
  CHECK(sample(text, "mqtk_bench_latency_seconds_bucket{le=\"2e-05\"}") == "3");
  CHECK(sample(text, "mqtk_bench_latency_seconds_bucket{le=\"0.002\"}") == "3");
  CHECK(sample(text, "mqtk_bench_latency_seconds_bucket{le=\"0.005\"}") == "4");
  CHECK(sample(text, "mqtk_bench_latency_seconds_bucket{le=\"60\"}") == "4");
  CHECK(sample(text, "mqtk_bench_latency_seconds_bucket{le=\"+Inf\"}") == "4");
  CHECK(sample(text, "mqtk_bench_latency_seconds_count") == "4");
  CHECK(std::stod(sample(text, "mqtk_bench_latency_seconds_sum")) == doctest::Approx(0.003045));
  CHECK(sample(text, "mqtk_bench_connack_seconds_count") == "0");
  CHECK(text.back() == '\n');
}

TEST_CASE("metrics: a bucket straddling a bound goes to the side of its midpoint, clamped to min and max") {
  latency_histogram h;
  h.record(1000100); // 1.0001 ms: its bucket's midpoint is above 1 ms
  std::string text;
  append_metrics_histogram(text, "x_seconds", "help", h);
  CHECK(sample(text, "x_seconds_bucket{le=\"0.001\"}") == "0");
  latency_histogram at_bound;
  at_bound.record(999999); // the exact max is below 1 ms, whatever the bucket's midpoint
  text.clear();
  append_metrics_histogram(text, "x_seconds", "help", at_bound);
  CHECK(sample(text, "x_seconds_bucket{le=\"0.001\"}") == "1");
}

TEST_CASE("metrics http: GET /metrics, everything else 404, malformed 400, too long 431") {
  CHECK(classify_metrics_request("GET /metrics HTTP/1.1\r\nHost: x\r\n") == metrics_request::incomplete);
  CHECK(classify_metrics_request("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n") == metrics_request::metrics);
  CHECK(classify_metrics_request("GET /metrics?x=1 HTTP/1.0\n\n") == metrics_request::metrics);
  CHECK(classify_metrics_request("GET / HTTP/1.1\r\n\r\n") == metrics_request::not_found);
  CHECK(classify_metrics_request("POST /metrics HTTP/1.1\r\n\r\n") == metrics_request::not_found);
  CHECK(classify_metrics_request("GET /metricsx HTTP/1.1\r\n\r\n") == metrics_request::not_found);
  CHECK(classify_metrics_request("hello\r\n\r\n") == metrics_request::bad_request);
  CHECK(classify_metrics_request("GET /metrics SMTP/1.1\r\n\r\n") == metrics_request::bad_request);
  CHECK(classify_metrics_request(std::string(metrics_max_request + 1, 'a')) == metrics_request::too_large);
  CHECK(classify_metrics_request("GET /metrics HTTP/1.1\r\nX: " + std::string(metrics_max_request, 'a') +
                                 "\r\n\r\n") == metrics_request::too_large);
}

TEST_CASE("metrics http: answers carry their length and close the connection") {
  const std::string ok = metrics_response(metrics_request::metrics, "a 1\n");
  CHECK(ok == "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
              "Content-Length: 4\r\nConnection: close\r\n\r\na 1\n");
  const std::string missing = metrics_response(metrics_request::not_found, "a 1\n");
  CHECK(missing.rfind("HTTP/1.1 404 Not Found\r\n", 0) == 0);
  CHECK(missing.find("a 1") == std::string::npos);
  CHECK(metrics_response(metrics_request::too_large, "").rfind("HTTP/1.1 431 ", 0) == 0);
  CHECK(metrics_response(metrics_request::bad_request, "").rfind("HTTP/1.1 400 ", 0) == 0);
}

TEST_CASE("listen address: IPv4, [IPv6], localhost and :PORT; anything else with a reason") {
  std::string why;
  auto a = parse_listen_address("127.0.0.1:9464", why);
  REQUIRE(a);
  CHECK(a->host == "127.0.0.1");
  CHECK(a->port == 9464);
  a = parse_listen_address("[::1]:0", why);
  REQUIRE(a);
  CHECK(a->host == "::1");
  CHECK(authority_of(*a) == "[::1]:0");
  CHECK(parse_listen_address("localhost:80", why)->host == "127.0.0.1");
  CHECK(parse_listen_address(":9464", why)->host == "0.0.0.0");
  CHECK_FALSE(parse_listen_address("9464", why));
  CHECK(why == "is not ADDR:PORT");
  CHECK_FALSE(parse_listen_address("127.0.0.1:65536", why));
  CHECK_FALSE(parse_listen_address("127.0.0.1:", why));
  CHECK_FALSE(parse_listen_address("example.com:80", why));
  CHECK_FALSE(parse_listen_address("::1:80", why));
  CHECK_FALSE(parse_listen_address("[127.0.0.1]:80", why));
}
