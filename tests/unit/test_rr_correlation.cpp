// mqtk-rr's request bookkeeping: correlation data per request, matching, unknown responses, and the
// min/p50/p99/max latency summary.
#include "rr/correlation_tracker.hpp"
#include "rr/latency_summary.hpp"

#include <doctest/doctest.h>

#include <chrono>

using namespace mqtk::apps::rr;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

TEST_CASE("rr: each request gets its own correlation data and a response matches only its own") {
  correlation_tracker tracker("run1");
  const auto t0 = clock_type::time_point{} + 1s;
  const std::string a = tracker.issue(t0);
  const std::string b = tracker.issue(t0 + 5ms);
  CHECK(a != b);
  CHECK(tracker.outstanding() == 2);
  CHECK(tracker.issued() == 2);

  auto second = tracker.match(b, t0 + 25ms);
  REQUIRE(second);
  CHECK(second->index == 1);
  CHECK(second->round_trip == 20ms);

  auto first = tracker.match(a, t0 + 30ms);
  REQUIRE(first);
  CHECK(first->index == 0);
  CHECK(first->round_trip == 30ms);
  CHECK(tracker.outstanding() == 0);
  CHECK(tracker.unknown() == 0);
}

TEST_CASE("rr: unknown, foreign and repeated correlation data match nothing and are counted") {
  correlation_tracker tracker("run1");
  const auto t0 = clock_type::time_point{};
  const std::string a = tracker.issue(t0);
  CHECK_FALSE(tracker.match("wrong", t0 + 1ms));
  correlation_tracker other("run2");
  CHECK_FALSE(tracker.match(other.issue(t0), t0 + 1ms));
  CHECK(tracker.unknown() == 2);
  CHECK(tracker.outstanding() == 1);
  REQUIRE(tracker.match(a, t0 + 2ms));
  CHECK_FALSE(tracker.match(a, t0 + 3ms));
  CHECK(tracker.unknown() == 3);
}

TEST_CASE("rr: latency summary by nearest rank") {
  latency_summary empty;
  CHECK_FALSE(empty.figures());

  latency_summary one;
  one.add(7ms);
  auto f1 = one.figures();
  REQUIRE(f1);
  CHECK(f1->min == 7ms);
  CHECK(f1->p50 == 7ms);
  CHECK(f1->p99 == 7ms);
  CHECK(f1->max == 7ms);

  latency_summary hundred;
  for (int i = 100; i >= 1; --i) hundred.add(std::chrono::milliseconds(i));
  auto f = hundred.figures();
  REQUIRE(f);
  CHECK(f->count == 100);
  CHECK(f->min == 1ms);
  CHECK(f->p50 == 50ms);
  CHECK(f->p99 == 99ms);
  CHECK(f->max == 100ms);

  latency_summary four;
  for (auto ms : {40ms, 10ms, 30ms, 20ms}) four.add(ms);
  auto f4 = four.figures();
  REQUIRE(f4);
  CHECK(f4->p50 == 20ms);
  CHECK(f4->p99 == 40ms);
}
