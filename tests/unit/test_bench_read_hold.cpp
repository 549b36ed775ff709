// mqtk-bench's read hold: how long reads may wait so that the stamped latencies stay within
// max_error of the smallest latency seen (and never past max_hold), for --no-read-hold's default.
#include "../../apps/bench/bench_read_hold.hpp"

#include <doctest/doctest.h>

using namespace std::chrono_literals;
using mqtk::apps::bench::read_hold;

namespace {

constexpr double error = 1.0 / 256;

std::int64_t ms(double v) { return static_cast<std::int64_t>(v * 1e6); }

} // namespace

TEST_CASE("read hold: proportional to the smallest latency, capped, minus the time already passed") {
  read_hold hold(500us, error, 50us);
  SUBCASE("latency 64 ms: 250 us budget, less the overshoot allowed for and the time since the last batch") {
    hold.observe(ms(64));
    hold.observe(ms(80));
    CHECK(hold.end_batch(100us) == 100us);
  }
  SUBCASE("latency of seconds: capped at max_hold") {
    hold.observe(ms(1500));
    CHECK(hold.end_batch(0us) == 450us);
  }
  SUBCASE("one small latency in the batch decides") {
    hold.observe(ms(1500));
    hold.observe(ms(0.3));
    CHECK(hold.end_batch(0us) == 0us);
  }
  SUBCASE("sub-millisecond latencies are read at once") {
    hold.observe(ms(5));
    CHECK(hold.end_batch(0us) == 0us);
  }
  SUBCASE("zero or negative latency (clocks of other hosts) allows nothing") {
    hold.observe(-ms(10));
    CHECK(hold.end_batch(0us) == 0us);
  }
  SUBCASE("after a quiet spell the next batch is read at once") {
    hold.observe(ms(1500));
    CHECK(hold.end_batch(2ms) == 0us);
  }
}

TEST_CASE("read hold: the previous batch counts too, batches without bench messages constrain nothing") {
  read_hold hold(500us, error, 0us);
  hold.observe(ms(10)); // 39 us budget
  CHECK(hold.end_batch(0us) == 39062ns);
  hold.observe(ms(1500)); // still held to the previous batch's 10 ms
  CHECK(hold.end_batch(0us) == 39062ns);
  hold.observe(ms(1500));
  CHECK(hold.end_batch(0us) == 500us);
  CHECK(hold.end_batch(0us) == 500us); // the one before had 1.5 s, this one nothing
  CHECK(hold.end_batch(0us) == 500us); // no bench message for two batches: no latency to protect
}
