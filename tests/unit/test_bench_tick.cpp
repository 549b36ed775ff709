// mqtk-bench's pacing tick: --tick, else 1000/rate between 2 and 10 ms; none without --rate.
#include "../../apps/bench/bench.hpp"

#include <doctest/doctest.h>

using mqtk::apps::bench::bench_options;
using mqtk::apps::bench::pacing_tick_ms;

TEST_CASE("pacing tick: one message's interval, at least 2 ms and at most 10 ms, or --tick") {
  bench_options o;
  CHECK(pacing_tick_ms(o) == 0); // unpaced: no tick
  o.rate = 5000;
  CHECK(pacing_tick_ms(o) == 2); // batches of 10 messages, one write each
  o.rate = 200;
  CHECK(pacing_tick_ms(o) == 5); // one message per tick: each at its own time
  o.rate = 10;
  CHECK(pacing_tick_ms(o) == 10);
  o.rate = 5000;
  o.cpu.tick_ms = 0.5;
  CHECK(pacing_tick_ms(o) == 0.5);
  o.cpu.tick_ms = 50;
  CHECK(pacing_tick_ms(o) == 50);
  o.rate = 0;
  CHECK(pacing_tick_ms(o) == 0); // --tick alone paces nothing (a usage error on the command line)
}
