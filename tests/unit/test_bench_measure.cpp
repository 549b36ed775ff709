// mqtk-bench's measuring parts: latency histogram, payload header, sequence tracking, loss.
#include "../../apps/bench/bench_payload.hpp"
#include "../../apps/bench/bench_stats.hpp"
#include "../../apps/bench/latency_histogram.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

using namespace mqtk::apps::bench;

TEST_CASE("latency_histogram: percentiles within 1.6% over a wide range") {
  latency_histogram h;
  for (std::uint64_t v = 1; v <= 100000; ++v)
    h.record(v * 1000); // 1 us .. 100 ms, uniform
  CHECK(h.count() == 100000);
  CHECK(h.min() == 1000);
  CHECK(h.max() == 100000000);
  CHECK(h.mean() == doctest::Approx(50000500.0));
  for (double q : {0.01, 0.5, 0.9, 0.99, 0.999}) {
    const double want = q * 100000 * 1000;
    const double got = static_cast<double>(h.percentile(q));
    CHECK(std::abs(got - want) / want < 0.016);
  }
  CHECK(h.percentile(1.0) == h.max());
}

TEST_CASE("latency_histogram: small values are exact, empty is zero, merge adds") {
  latency_histogram h;
  CHECK(h.percentile(0.5) == 0);
  CHECK(h.min() == 0);
  CHECK(h.mean() == 0);
  for (std::uint64_t v : {5u, 7u, 9u})
    h.record(v);
  CHECK(h.percentile(0.5) == 7);
  latency_histogram other;
  other.record(3);
  other.record(1ull << 50); // beyond the range: counted in the last bucket, max exact
  h.merge(other);
  CHECK(h.count() == 5);
  CHECK(h.min() == 3);
  CHECK(h.max() == 1ull << 50);
  CHECK(h.percentile(0.2) == 3);
  h.clear();
  CHECK(h.count() == 0);
}

TEST_CASE("bench header: golden bytes and round trip") {
  std::vector<std::uint8_t> payload(40, 'x');
  write_bench_header(payload, {0x01020304, 7, 0x00010002, 0x1122334455667788ull, 0x1122334455660000ull});
  const std::vector<std::uint8_t> want = {
      'm', 'q', 'b', '2',                             // magic
      0x01, 0x02, 0x03, 0x04,                         // run id
      0x00, 0x00, 0x00, 0x07,                         // publisher index
      0x00, 0x01, 0x00, 0x02,                         // sequence
      0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, // written at, ns
      0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x00, 0x00, // intended send time, ns (0: unpaced)
  };
  CHECK(bench_header_size == 32);
  CHECK(std::vector<std::uint8_t>(payload.begin(), payload.begin() + 32) == want);
  CHECK(payload[32] == 'x');
  const auto h = read_bench_header(payload);
  REQUIRE(h);
  CHECK(h->run_id == 0x01020304);
  CHECK(h->publisher == 7);
  CHECK(h->sequence == 0x00010002);
  CHECK(h->sent_ns == 0x1122334455667788ull);
  CHECK(h->intended_ns == 0x1122334455660000ull);
  write_bench_header(payload, {1, 2, 3, 4}); // unpaced: no intended time
  CHECK(read_bench_header(payload)->intended_ns == 0);
}

TEST_CASE("bench header: the 24-byte mqb1 of earlier versions is read, without an intended time") {
  const std::vector<std::uint8_t> v1 = {
      'm', 'q', 'b', '1', 0, 0, 0, 9, 0, 0, 0, 2, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0x10, 0x00,
  };
  const auto h = read_bench_header(v1);
  REQUIRE(h);
  CHECK(h->run_id == 9);
  CHECK(h->publisher == 2);
  CHECK(h->sequence == 5);
  CHECK(h->sent_ns == 0x1000);
  CHECK(h->intended_ns == 0);
}

TEST_CASE("bench header: short or foreign payloads are not bench messages") {
  std::vector<std::uint8_t> payload(32, 0);
  CHECK_FALSE(read_bench_header(payload));
  write_bench_header(payload, {1, 2, 3, 4, 5});
  CHECK(read_bench_header(payload));
  CHECK_FALSE(read_bench_header(std::span<const std::uint8_t>(payload.data(), 31))); // mqb2 cut short
  CHECK_FALSE(read_bench_header(std::span<const std::uint8_t>(payload.data(), 23)));
  CHECK(wall_clock_ns() > 1'600'000'000ull * 1'000'000'000ull);
}

TEST_CASE("sequence_tracker: in order, gaps, duplicates, per publisher and run") {
  sequence_tracker t;
  CHECK(t.observe(1, 0, 5).skipped == 0); // first message sets the baseline
  CHECK(t.observe(1, 0, 6).skipped == 0);
  CHECK(t.observe(1, 0, 9).skipped == 2);
  CHECK(t.observe(1, 0, 9).duplicate);
  CHECK(t.observe(1, 0, 3).duplicate);
  CHECK(t.observe(1, 1, 0).skipped == 0); // another publisher
  CHECK(t.observe(2, 0, 0).skipped == 0); // another run
  CHECK(t.observe(1, 0, 10).skipped == 0);
}

TEST_CASE("bench_totals: loss from expected counts (pubsub) or from gaps (sub)") {
  bench_totals t;
  t.expected = 1000;
  t.received = 990;
  t.duplicates = 10;
  CHECK(t.lost_messages() == 20);
  CHECK(t.loss_percent() == doctest::Approx(2.0));
  bench_totals sub;
  sub.received = 95;
  sub.skipped = 5;
  CHECK(sub.lost_messages() == 5);
  CHECK(sub.loss_percent() == doctest::Approx(5.0));
  bench_totals none;
  CHECK(none.loss_percent() == 0);
}

TEST_CASE("publish_schedule: messages due and the window rates are computed over") {
  SUBCASE("-D with --rate: one message at the start of each 1/rate, measured over -D") {
    const publish_schedule s{8000, 0, 1, 0.001};
    CHECK(s.messages() == 8000);
    CHECK(s.window(publish_end::duration, 1.0003) == 1.0); // a late end timer does not count
    CHECK(publish_schedule{3, 0, 2.5, 0.001}.messages() == 8);
    CHECK(publish_schedule{0.5, 0, 1, 0.01}.messages() == 1); // --rate 0.5 -D 1: the one at 0 s
    CHECK(publish_schedule{0.5, 0, 1, 0.01}.window(publish_end::duration, 1.002) == 1.0);
  }
  SUBCASE("--count with --rate: the count's scheduled time, within a tick") {
    const publish_schedule s{100, 50, 0, 0.01};
    CHECK(s.messages() == 50);
    CHECK(s.window(publish_end::completed, 0.495) == doctest::Approx(0.5));
    CHECK(s.window(publish_end::completed, 0.509) == doctest::Approx(0.5));
    CHECK(s.window(publish_end::completed, 0.8) == doctest::Approx(0.79)); // behind its schedule
    CHECK(publish_schedule{1000, 50, 10, 0.001}.messages() == 50);         // the count comes first
    CHECK(publish_schedule{1000, 50000, 2, 0.001}.messages() == 2000);     // the duration does
  }
  SUBCASE("unpaced or stopped: the time it took") {
    CHECK(publish_schedule{0, 0, 2, 0}.messages() == 0);
    CHECK(publish_schedule{0, 100, 0, 0}.messages() == 100);
    CHECK(publish_schedule{0, 100, 0, 0}.window(publish_end::completed, 0.25) == 0.25);
    CHECK(publish_schedule{1000, 0, 10, 0.001}.window(publish_end::stopped, 3.5) == 3.5);
  }
}
