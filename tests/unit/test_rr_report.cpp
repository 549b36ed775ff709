// mqtk-rr's --latency lines (text and JSON) and the choice of the response topic.
#include "rr/latency_report.hpp"
#include "rr/rr_support.hpp"

#include <doctest/doctest.h>

#include <chrono>

using namespace mqtk::apps::rr;
using namespace std::chrono_literals;

TEST_CASE("rr: a round trip as text and as a JSON line") {
  CHECK(latency_line(3, 1234567ns, false) == "request 3: 1.235 ms");
  CHECK(latency_line(1, 2s, true) == R"({"latency":{"request":1,"round_trip_ms":2000.000}})");
}

TEST_CASE("rr: the latency summary as text and JSON, with and without responses") {
  latency_summary summary;
  for (auto d : {3ms, 1ms, 2ms})
    summary.add(d);
  CHECK(summary_line(summary.figures(), false) ==
        "latency of 3 response(s): min 1.000 ms, p50 2.000 ms, p99 3.000 ms, max 3.000 ms");
  CHECK(summary_line(summary.figures(), true) ==
        R"({"latency_summary":{"responses":3,"min_ms":1.000,"p50_ms":2.000,"p99_ms":3.000,"max_ms":3.000}})");
  CHECK(summary_line(std::nullopt, false) == "latency: no response");
  CHECK(summary_line(std::nullopt, true) == R"({"latency_summary":{"responses":0}})");
}

TEST_CASE("rr: the response topic: the flag's, under Response Information, else private") {
  CHECK(response_topic_for(std::string("my/replies"), std::string_view("ri/x"), "t0") == "my/replies");
  CHECK(response_topic_for(std::nullopt, std::string_view("ri/client7"), "t0") == "ri/client7/mqtk-rr/t0");
  CHECK(response_topic_for(std::nullopt, std::string_view("ri/client7/"), "t0") == "ri/client7/mqtk-rr/t0");
  CHECK(response_topic_for(std::nullopt, std::string_view(""), "t0") == "mqtk-rr/response/t0");
  CHECK(response_topic_for(std::nullopt, std::nullopt, "t0") == "mqtk-rr/response/t0");
  const auto a = random_token(), b = random_token();
  CHECK(a.size() == 16);
  CHECK(a != b);
}
