// mqtk-bench's recorder (counters, latency, intervals handed to sinks) and fleet plan (client ids).
#include "../../apps/bench/bench_fleet.hpp"
#include "../../apps/bench/bench_payload.hpp"
#include "../../apps/bench/bench_recorder.hpp"

#include <doctest/doctest.h>

#include <vector>

using namespace mqtk::apps::bench;

namespace {

// Remembers what the recorder handed over.
struct captured_sink final : bench_sink {
  void on_interval(const bench_interval &interval) override {
    intervals.push_back(interval);
    latency_counts.push_back(interval.latency ? interval.latency->count() : 0);
    service_max.push_back(interval.service ? interval.service->max() : 0);
  }
  void on_finish(const bench_totals &totals) override { finished_with = totals.received; }
  std::vector<bench_interval> intervals;
  std::vector<std::uint64_t> latency_counts;
  std::vector<std::uint64_t> service_max; // each interval's largest service time
  std::uint64_t finished_with = ~std::uint64_t{0};
};

std::vector<std::uint8_t> payload(std::uint32_t run, std::uint32_t publisher, std::uint32_t sequence,
                                  std::uint64_t sent_ns) {
  std::vector<std::uint8_t> bytes(bench_header_size + 8, 'x');
  write_bench_header(bytes, {run, publisher, sequence, sent_ns});
  return bytes;
}

} // namespace

TEST_CASE("recorder: intervals carry their own counts and latency, then start afresh") {
  bench_recorder recorder(7, true);
  captured_sink sink;
  recorder.add_sink(sink);
  sequence_tracker tracker;
  recorder.sent();
  recorder.sent();
  recorder.acknowledged(false);
  recorder.acknowledged(true);
  recorder.received(tracker, payload(7, 0, 0, 1000), 3000);
  recorder.end_interval(1.0, 1.0, 2);
  recorder.received(tracker, payload(7, 0, 0, 1000), 5000); // the same sequence again: a duplicate
  recorder.received(tracker, payload(7, 0, 3, 1000), 5000); // 1 and 2 skipped
  recorder.end_interval(2.0, 1.0, 2);
  recorder.finish();

  REQUIRE(sink.intervals.size() == 2);
  CHECK(sink.intervals[0].sent == 2);
  CHECK(sink.intervals[0].acknowledged == 1);
  CHECK(sink.intervals[0].received == 1);
  CHECK(sink.intervals[0].connected == 2);
  CHECK(sink.latency_counts[0] == 1);
  CHECK(sink.intervals[1].sent == 0);
  CHECK(sink.intervals[1].received == 2);
  CHECK(sink.latency_counts[1] == 2);
  CHECK(sink.finished_with == 3);

  const bench_totals &t = recorder.totals();
  CHECK(t.sent == 2);
  CHECK(t.acknowledged == 1);
  CHECK(t.refused == 1);
  CHECK(t.duplicates == 1);
  CHECK(t.skipped == 2);
  CHECK(t.latency.min() == 2000);
  CHECK(t.latency.max() == 4000);
}

TEST_CASE("recorder: response time from the intended send time, service time from the write") {
  bench_recorder recorder(7, true);
  captured_sink sink;
  recorder.add_sink(sink);
  sequence_tracker tracker;
  std::vector<std::uint8_t> held_back(bench_header_size, 'x');
  // Due at 1 s, written at 2 s (the publisher was held back), received 0.5 ms later.
  write_bench_header(held_back, {7, 0, 0, 2'000'000'000, 1'000'000'000});
  recorder.received(tracker, held_back, 2'000'500'000);
  recorder.received(tracker, payload(7, 0, 1, 3'000'000'000), 3'000'200'000); // unpaced
  recorder.end_interval(1.0, 1.0, 2);
  const bench_totals &t = recorder.totals();
  CHECK(t.scheduled == 1);
  CHECK(t.latency.count() == 2);
  CHECK(t.service.count() == 2);
  CHECK(t.latency.max() == 1'000'500'000);
  CHECK(t.latency.min() == 200'000);
  CHECK(t.service.max() == 500'000);
  CHECK(t.service.min() == 200'000);
  REQUIRE(sink.intervals.size() == 1);
  CHECK(sink.intervals[0].scheduled == 1);
  CHECK(sink.service_max[0] == 500'000);
}

TEST_CASE("recorder: another run's payloads and non-bench payloads are foreign") {
  bench_recorder own(7, true);
  bench_recorder any(7, false);
  sequence_tracker a, b;
  const auto other_run = payload(8, 0, 0, 1);
  const std::vector<std::uint8_t> plain = {'h', 'i'};
  own.received(a, other_run, 10);
  own.received(a, plain, 10);
  any.received(b, other_run, 10);
  any.received(b, plain, 10);
  CHECK(own.totals().foreign == 2);
  CHECK(own.totals().latency.count() == 0);
  CHECK(any.totals().foreign == 1);
  CHECK(any.totals().latency.count() == 1);
}

TEST_CASE("fleet: client ids from -i, -I and the default, subscribers of pubsub tagged") {
  mqtk::client::client_options base;
  base.session.client_id = "mqtk-bench-1234";
  bench_options o;
  o.mode = bench_mode::pubsub;
  o.max_inflight = 100000;
  CHECK(fleet_client_options(o, base, bench_role::publisher, 3).session.client_id == "mqtk-bench-1234-3");
  CHECK(fleet_client_options(o, base, bench_role::subscriber, 3).session.client_id == "mqtk-bench-1234-s3");
  CHECK(fleet_client_options(o, base, bench_role::publisher, 0).session.max_inflight == 65535);
  o.connection.client_id_prefix = "load-";
  CHECK(fleet_client_options(o, base, bench_role::subscriber, 12).session.client_id == "load-s12");
  o.mode = bench_mode::sub;
  CHECK(fleet_client_options(o, base, bench_role::subscriber, 12).session.client_id == "load-12");
  o.connection.client_id = "only";
  CHECK(fleet_client_options(o, base, bench_role::subscriber, 0).session.client_id == "only");
  CHECK(main_role(bench_mode::conn) == bench_role::connector);
  CHECK(main_role(bench_mode::sub) == bench_role::subscriber);
  CHECK(main_role(bench_mode::pubsub) == bench_role::publisher);
}
