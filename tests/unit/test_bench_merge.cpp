// mqtk-bench merge: received ranges, lossless histograms, the result document both ways, and the
// combination of shards with exact loss.
#include "../../apps/bench/bench_merge.hpp"
#include "../../apps/bench/bench_result_json.hpp"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

using namespace mqtk::apps::bench;

namespace {

// Every bucket, the count, min, max and mean are the same.
void check_same(const latency_histogram &a, const latency_histogram &b) {
  REQUIRE(a.count() == b.count());
  for (std::size_t i = 0; i < latency_histogram::buckets(); ++i)
    REQUIRE(a.count_at(i) == b.count_at(i));
  CHECK(a.min() == b.min());
  CHECK(a.max() == b.max());
  CHECK(a.sum() == b.sum());
  for (double f : {0.0, 0.5, 0.9, 0.99, 0.999, 1.0})
    CHECK(a.percentile(f) == b.percentile(f));
}

// A publisher result: publishers first..last of run, each sent `sent`, on topic.
named_result publisher_file(const char *name, std::uint32_t run, std::uint32_t first, std::uint32_t last,
                            std::uint64_t sent, std::uint32_t shard = 0, std::uint32_t shards = 1) {
  named_result n{name, {}};
  n.result.run_id = run;
  n.result.options.mode = bench_mode::pub;
  n.result.options.topic = "t/%i";
  n.result.options.clients = (last - first + 1) * shards;
  n.result.options.shard.index = shard;
  n.result.options.shard.count = shards;
  for (std::uint32_t p = first; p <= last; ++p)
    add_publisher(n.result, p, sent);
  n.result.totals.sent = (last - first + 1) * sent;
  return n;
}

// A subscriber result (sub mode, filter) whose one subscriber received what receipts hold.
named_result subscriber_file(const char *name, std::uint32_t run, const std::string &filter,
                             const stream_receipts &receipts, std::uint64_t received) {
  named_result n{name, {}};
  n.result.run_id = run;
  n.result.options.mode = bench_mode::sub;
  n.result.options.topic = filter;
  n.result.filter = filter;
  n.result.subscribers.push_back({0, true, receipts.groups()});
  n.result.totals.received = received;
  return n;
}

} // namespace

TEST_CASE("sequence ranges: in order, out of order, duplicates") {
  sequence_ranges r;
  CHECK(r.insert(0));
  CHECK(r.insert(1));
  CHECK(r.insert(2));
  CHECK(r.ranges() == std::vector<seq_range>{{0, 2}});
  CHECK(r.insert(5));
  CHECK(r.insert(9));
  CHECK(r.ranges() == std::vector<seq_range>{{0, 2}, {5, 5}, {9, 9}});
  CHECK_FALSE(r.insert(1));
  CHECK_FALSE(r.insert(5));
  CHECK(r.insert(4)); // joins the next
  CHECK(r.insert(3)); // joins both sides
  CHECK(r.ranges() == std::vector<seq_range>{{0, 5}, {9, 9}});
  CHECK(r.insert(7)); // alone in a gap
  CHECK(r.insert(6)); // joins the previous
  CHECK(r.ranges() == std::vector<seq_range>{{0, 7}, {9, 9}});
  CHECK(count_below(r.ranges(), 100) == 9);
  CHECK(count_below(r.ranges(), 5) == 5);
  CHECK(count_below(r.ranges(), 0) == 0);
  CHECK(well_formed(r.ranges()));
  CHECK_FALSE(well_formed({{0, 3}, {4, 5}})); // adjacent: should be one
  CHECK_FALSE(well_formed({{5, 3}}));

  // Random order gives the same set as sorted order.
  std::vector<std::uint32_t> numbers;
  for (std::uint32_t i = 0; i < 500; ++i)
    if (i % 7 != 3)
      numbers.push_back(i);
  std::mt19937 shuffle(42);
  std::shuffle(numbers.begin(), numbers.end(), shuffle);
  sequence_ranges random;
  for (auto n : numbers)
    CHECK(random.insert(n));
  CHECK(count_below(random.ranges(), 500) == numbers.size());
  CHECK(random.ranges().size() == 72); // one gap every 7
}

TEST_CASE("receipts: streams grouped when neighbours received the same") {
  stream_receipts r;
  for (std::uint32_t p = 0; p < 4; ++p)
    for (std::uint32_t seq = 0; seq < 10; ++seq)
      CHECK(r.add(7, p, seq));
  CHECK_FALSE(r.add(7, 2, 3));
  CHECK(r.add(7, 5, 0)); // publisher 4 never heard from
  CHECK(r.add(8, 0, 1));
  const auto groups = r.groups();
  REQUIRE(groups.size() == 3);
  CHECK((groups[0].run_id == 7 && groups[0].first == 0 && groups[0].last == 3));
  CHECK(groups[0].ranges == std::vector<seq_range>{{0, 9}});
  CHECK((groups[1].first == 5 && groups[1].last == 5));
  CHECK((groups[2].run_id == 8 && groups[2].ranges == std::vector<seq_range>{{1, 1}}));
  const std::vector<std::uint8_t> plain = {'h', 'i'};
  CHECK_FALSE(r.add(plain));
}

TEST_CASE("histograms: merge(a, b) is the histogram of the union, also through the result file") {
  latency_histogram a, b, both;
  std::mt19937_64 random(7);
  std::lognormal_distribution<double> latency(13.0, 1.5); // around 0.4 ms, a long tail
  for (int i = 0; i < 20000; ++i) {
    const auto ns = static_cast<std::uint64_t>(latency(random));
    (i % 3 ? a : b).record(ns);
    both.record(ns);
  }
  latency_histogram merged = a;
  merged.merge(b);
  check_same(merged, both);

  bench_result ra, rb;
  ra.totals.latency = a;
  rb.totals.latency = b;
  bench_result back_a, back_b;
  std::string error;
  REQUIRE(parse_result_document(result_document(ra), back_a, error));
  REQUIRE(parse_result_document(result_document(rb), back_b, error));
  check_same(back_a.totals.latency, a);
  latency_histogram from_files = back_a.totals.latency;
  from_files.merge(back_b.totals.latency);
  check_same(from_files, both);

  latency_histogram empty;
  latency_histogram with_empty = a;
  with_empty.merge(empty);
  check_same(with_empty, a);
}

TEST_CASE("result document: every field comes back") {
  bench_result r;
  r.run_id = 4000000000u;
  r.status = 7;
  r.measure_start_ns = 1795615200123456789ull;
  r.late_start_s = 0.25;
  r.broker = "mqtt://b.example:1883";
  r.filter = "t/+";
  r.options.mode = bench_mode::pubsub;
  r.options.topic = "t/%i";
  r.options.qos = 1;
  r.options.clients = 10;
  r.options.subscribers = 3;
  r.options.rate = 0.5;
  r.options.count = 20;
  r.options.shard.index = 1;
  r.options.shard.count = 3;
  r.options.shard.start_at_ns = 1795615200000000000ull;
  r.totals.sent = 99;
  r.totals.received = 98;
  r.totals.connect_seconds = 1.0 / 3;
  r.totals.connack.record(123456);
  add_publisher(r, 4, 33);
  add_publisher(r, 5, 33);
  add_publisher(r, 6, 32);
  stream_receipts receipts;
  receipts.add(r.run_id, 4, 0);
  receipts.add(r.run_id, 4, 2);
  r.subscribers.push_back({1, true, receipts.groups()});
  r.subscribers.push_back({2, false, {}});

  const std::string doc = result_document(r);
  CHECK(doc.back() == '\n');
  CHECK(doc.find('\n') == doc.size() - 1);
  bench_result back;
  std::string error;
  REQUIRE_MESSAGE(parse_result_document(doc, back, error), error);
  CHECK(back.run_id == r.run_id);
  CHECK(back.status == 7);
  CHECK(back.measure_start_ns == r.measure_start_ns);
  CHECK(back.late_start_s == 0.25);
  CHECK(back.broker == r.broker);
  CHECK(back.filter == "t/+");
  CHECK(back.options.mode == bench_mode::pubsub);
  CHECK(back.options.qos == 1);
  CHECK(back.options.rate == 0.5);
  CHECK(back.options.shard.index == 1);
  CHECK(back.options.shard.count == 3);
  CHECK(back.options.shard.start_at_ns == r.options.shard.start_at_ns);
  CHECK(back.totals.connect_seconds == r.totals.connect_seconds);
  CHECK(back.totals.connack.min() == 123456);
  REQUIRE(back.publishers.size() == 2);
  CHECK((back.publishers[0].first == 4 && back.publishers[0].last == 5 && back.publishers[0].sent == 33));
  REQUIRE(back.subscribers.size() == 2);
  CHECK(back.subscribers[0].received[0].ranges == std::vector<seq_range>{{0, 0}, {2, 2}});
  CHECK_FALSE(back.subscribers[1].subscribed);
  CHECK(result_document(back) == doc);
}

TEST_CASE("result document: what is not one is refused with the reason") {
  bench_result r, back;
  std::string doc = result_document(r), error;
  auto refused = [&](std::string text) {
    error.clear();
    CHECK_FALSE(parse_result_document(text, back, error));
    return error;
  };
  CHECK(refused("not json").find("not JSON") == 0);
  CHECK(refused("[1]").find("not JSON") == 0);
  CHECK(refused("{\"a\":1}").find("not an mqtk-bench result") == 0);
  std::string v2 = doc;
  v2.replace(v2.find("\"version\":1"), 11, "\"version\":2");
  CHECK(refused(v2).find("version 2 is not the version 1") != std::string::npos);
  std::string bad_count = doc;
  bad_count.replace(bad_count.find("\"sent\":0"), 8, "\"sent\":-1");
  CHECK(refused(bad_count).find("totals.sent") == 0);
  std::string bad_mode = doc;
  bad_mode.replace(bad_mode.find("\"mode\":\"pubsub\""), 15, "\"mode\":\"flood\"");
  CHECK(refused(bad_mode).find("config.mode") == 0);
  r.totals.latency.record(1000);
  std::string bad_bucket = result_document(r);
  bad_bucket.replace(bad_bucket.find("\"min\":1000"), 10, "\"min\":9999");
  CHECK(refused(bad_bucket).find("histograms.latency") == 0);
}

TEST_CASE("merge: loss is exact with publishers and subscribers in different processes") {
  // Two pub shards (publishers 0-1 and 2-3, 100 messages each) and one subscriber that missed
  // messages 10-19 of publisher 1 and everything of publisher 3, and got two duplicates.
  auto pub0 = publisher_file("pub0.json", 11, 0, 1, 100, 0, 2);
  auto pub1 = publisher_file("pub1.json", 12, 2, 3, 100, 1, 2);
  stream_receipts got;
  for (std::uint32_t seq = 0; seq < 100; ++seq) {
    got.add(11, 0, seq);
    if (seq < 10 || seq >= 20)
      got.add(11, 1, seq);
    got.add(12, 2, seq);
  }
  got.add(99, 0, 0); // another run's publisher: foreign
  auto sub = subscriber_file("sub.json", 13, "t/#", got, 290 + 2 + 1);
  sub.result.totals.duplicates = 2;
  merged_report report;
  std::string error;
  REQUIRE_MESSAGE(merge_results({pub0, pub1, sub}, report, error), error);
  CHECK(report.exact_loss);
  CHECK(report.options.mode == bench_mode::pubsub);
  CHECK(report.options.clients == 4);
  CHECK(report.totals.sent == 400);
  CHECK(report.totals.expected == 400);
  CHECK(report.totals.lost_messages() == 110);
  CHECK(report.totals.foreign == 1);
  CHECK(report.totals.duplicates == 2);
  CHECK(report.warnings.empty());

  // A filter that matches publishers 0 and 1 only: expected 200, lost 10.
  auto narrow = subscriber_file("narrow.json", 14, "t/0", got, 100);
  auto narrow1 = subscriber_file("narrow1.json", 15, "t/1", got, 90);
  narrow1.result.options.shard.index = 1;
  narrow1.result.options.shard.count = 2;
  narrow.result.options.shard.count = 2;
  narrow1.result.options.topic = narrow.result.options.topic = "t/x";
  REQUIRE_MESSAGE(merge_results({pub0, pub1, narrow, narrow1}, report, error), error);
  CHECK(report.totals.expected == 200);
  CHECK(report.totals.lost_messages() == 10);

  // Without the publishers' state, loss is what the subscriber saw skipped.
  sub.result.totals.skipped = 10;
  REQUIRE(merge_results({sub}, report, error));
  CHECK_FALSE(report.exact_loss);
  CHECK(report.totals.lost_messages() == 10);
}

TEST_CASE("merge: counts are sums, windows the longest, missing shards a warning") {
  auto a = publisher_file("a.json", 1, 0, 1, 50, 0, 3);
  auto b = publisher_file("b.json", 2, 2, 3, 50, 1, 3);
  a.result.totals.publish_seconds = 2.0;
  b.result.totals.publish_seconds = 2.5;
  a.result.totals.attempted = b.result.totals.attempted = 2;
  b.result.status = 3;
  merged_report report;
  std::string error;
  REQUIRE(merge_results({a, b}, report, error));
  CHECK(report.options.mode == bench_mode::pub);
  CHECK(report.totals.sent == 200);
  CHECK(report.totals.attempted == 4);
  CHECK(report.totals.publish_seconds == 2.5);
  CHECK(report.options.shard.merged == 2);
  REQUIRE(report.warnings.size() == 2);
  CHECK(report.warnings[0] == "b.json: that process ended with status 3");
  CHECK(report.warnings[1].find("3 shards and only 2") != std::string::npos);
}

TEST_CASE("merge: results of different runs are refused") {
  auto a = publisher_file("a.json", 1, 0, 1, 50, 0, 2);
  auto b = publisher_file("b.json", 2, 2, 3, 50, 1, 2);
  merged_report report;
  std::string error;
  auto refused = [&](std::vector<named_result> in) {
    error.clear();
    CHECK_FALSE(merge_results(in, report, error));
    return error;
  };
  auto same_shard = b;
  same_shard.result.options.shard.index = 0;
  CHECK(refused({a, same_shard}) == "a.json and b.json are both shard 0/2 of the pub run");
  auto other_start = b;
  other_start.result.options.shard.start_at_ns = 1795615200000000000ull;
  CHECK(refused({a, other_start}) ==
        "a.json and b.json are not shards of one run: --start-at none and 2026-11-25T14:00:00.000000000Z");
  auto other_qos = b;
  other_qos.result.options.qos = 1;
  CHECK(refused({a, other_qos}) == "a.json and b.json are not shards of one run: their pub settings differ (-q)");
  auto other_count = b;
  other_count.result.options.shard.count = 3;
  CHECK(refused({a, other_count}).find("(shard count)") != std::string::npos);
  auto twice = a;
  twice.name = "copy.json";
  CHECK(refused({a, twice}) == "a.json and copy.json come from the same process (run id 1)");
  CHECK(refused({}) == "nothing to merge");
}
