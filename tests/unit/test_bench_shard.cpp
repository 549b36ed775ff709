// mqtk-bench's shards: K/N specs, --start-at times, the Kubernetes job index, each shard's slice of
// the clients, and the flags as parsed.
#include "../../apps/bench/bench.hpp"
#include "../../apps/bench/bench_fleet.hpp"
#include "../../apps/bench/bench_payload.hpp"

#include <CLI/CLI.hpp>
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>
#include <vector>

using namespace mqtk::apps::bench;

namespace {

constexpr std::uint64_t s = 1'000'000'000;

// parse_options on a command line (argv[0] added); the status (-1: go on) and the options.
int parse(std::vector<std::string> args, bench_options &o) {
  args.insert(args.begin(), "mqtk-bench");
  std::vector<char *> argv;
  for (auto &a : args)
    argv.push_back(a.data());
  CLI::App app{"test", "mqtk-bench"};
  return parse_options(static_cast<int>(argv.size()), argv.data(), o, app);
}

} // namespace

TEST_CASE("shard specs: K/N with K from 0") {
  CHECK(parse_shard_spec("0/1") == std::pair<std::uint32_t, std::uint32_t>{0, 1});
  CHECK(parse_shard_spec("2/3") == std::pair<std::uint32_t, std::uint32_t>{2, 3});
  CHECK(parse_shard_spec("99999/100000").has_value());
  for (const char *bad : {"3/3", "1/0", "0/100001", "-1/3", "1", "/3", "1/", "a/3", "1/3x", " 1/3", "1//3", ""})
    CHECK_MESSAGE(!parse_shard_spec(bad), bad);
}

TEST_CASE("start times: RFC 3339 with Z or an offset, and epoch seconds with fractions") {
  const std::uint64_t at = 1795615200 * s; // 2026-11-25T14:00:00Z
  CHECK(parse_start_time("2026-11-25T14:00:00Z") == at);
  CHECK(parse_start_time("2026-11-25t14:00:00z") == at);
  CHECK(parse_start_time("2026-11-25 14:00:00Z") == at);
  CHECK(parse_start_time("2026-11-25T15:30:00+01:30") == at);
  CHECK(parse_start_time("2026-11-25T09:00:00-05:00") == at);
  CHECK(parse_start_time("2026-11-25T14:00:00.25Z") == at + s / 4);
  CHECK(parse_start_time("2026-11-25T14:00:00.123456789123Z") == at + 123456789);
  CHECK(parse_start_time("2028-02-29T00:00:00Z").has_value()); // a leap day
  CHECK(parse_start_time("1795615200") == at);
  CHECK(parse_start_time("1795615200.5") == at + s / 2);
  CHECK(parse_start_time("1795615200000") == ~std::uint64_t{0}); // milliseconds: far ahead, refused below
  for (const char *bad : {"2026-11-25T14:00:00", "2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z",
                          "2026-11-25T24:00:00Z", "2026-11-25T14:60:00Z", "2026-11-25T14:00:00+1:00",
                          "2026-11-25T14:00:00.Z", "1969-12-31T23:59:59Z", "26-11-25T14:00:00Z", "-5", "1.", ".5",
                          "12ab", "", "now"})
    CHECK_MESSAGE(!parse_start_time(bad), bad);
  CHECK(format_utc(at + 5) == "2026-11-25T14:00:00.000000005Z");
  CHECK(parse_start_time(format_utc(at + 123456789)) == at + 123456789);
}

TEST_CASE("start times: in the past and more than a day ahead are refused") {
  const std::uint64_t now = 1795615200 * s;
  CHECK(start_time_problem(now + 10 * s, now).empty());
  CHECK(start_time_problem(now + 24 * 3600 * s, now).empty());
  CHECK(start_time_problem(now - 2 * s, now) == "is 2.000 s in the past (give every shard the same time, ahead of the start)");
  CHECK(start_time_problem(now, now).find("in the past") != std::string::npos);
  CHECK(start_time_problem(now + 25 * 3600 * s, now).find("more than 24") != std::string::npos);
}

TEST_CASE("--shards: the index comes from JOB_COMPLETION_INDEX") {
  std::uint32_t index = 99;
  CHECK(shard_index_from_job("2", 3, index).empty());
  CHECK(index == 2);
  CHECK(shard_index_from_job(nullptr, 3, index).find("not set") != std::string::npos);
  CHECK(shard_index_from_job("3", 3, index).find("0 to 2") != std::string::npos);
  CHECK(!shard_index_from_job("x", 3, index).empty());
  CHECK(!shard_index_from_job("", 3, index).empty());
}

TEST_CASE("shard slices: equal parts in order, the first shards one more, every index once") {
  CHECK(shard_slice(1000, 0, 4).first == 0);
  for (std::uint32_t k = 0; k < 4; ++k) {
    CHECK(shard_slice(1000, k, 4).count == 250);
    CHECK(shard_slice(1000, k, 4).first == 250 * k);
  }
  const fleet_slice a = shard_slice(10, 0, 3), b = shard_slice(10, 1, 3), c = shard_slice(10, 2, 3);
  CHECK((a.first == 0 && a.count == 4 && b.first == 4 && b.count == 3 && c.first == 7 && c.count == 3));
  CHECK(shard_slice(1, 2, 3).count == 0);
  CHECK(shard_slice(7, 0, 1).count == 7);
  for (std::uint32_t total : {1u, 5u, 97u})
    for (std::uint32_t n : {1u, 2u, 7u}) {
      std::uint32_t next = 0;
      for (std::uint32_t k = 0; k < n; ++k) {
        CHECK(shard_slice(total, k, n).first == next);
        next += shard_slice(total, k, n).count;
      }
      CHECK(next == total);
    }
}

TEST_CASE("shard view: the summary of a shard shows its own publishers and subscribers") {
  bench_options o;
  o.mode = bench_mode::pubsub;
  o.clients = 10;
  o.subscribers = 2;
  o.shard.index = 2;
  o.shard.count = 3;
  CHECK(main_slice(o).first == 7);
  CHECK(shard_view(o).clients == 3);
  CHECK(shard_view(o).subscribers == 0); // -s 2 over 3 shards: shards 0 and 1 have one each
  o.mode = bench_mode::sub;
  CHECK(subscriber_slice(o).count == 0);
}

TEST_CASE("shard flags: parsed, resolved and refused with one message") {
  {
    bench_options o;
    CHECK(parse({"pub", "-C", "1000", "--shard", "3/4"}, o) == -1);
    CHECK(o.shard.index == 3);
    CHECK(o.shard.count == 4);
    CHECK(main_slice(o).first == 750);
  }
  {
    bench_options o;
    ::setenv("JOB_COMPLETION_INDEX", "1", 1);
    CHECK(parse({"pubsub", "-C", "4", "--shards", "2"}, o) == -1);
    ::unsetenv("JOB_COMPLETION_INDEX");
    CHECK(o.shard.index == 1);
    CHECK(o.shard.count == 2);
  }
  {
    bench_options o;
    const std::string at = std::to_string(wall_clock_ns() / s + 60);
    CHECK(parse({"pub", "--start-at", at, "--output", "-"}, o) == -1);
    CHECK(o.shard.start_at_ns == std::stoull(at) * s);
    CHECK(o.quiet); // stdout carries the result alone
  }
  ::unsetenv("JOB_COMPLETION_INDEX");
  for (const auto &args : std::vector<std::vector<std::string>>{
           {"pub", "--shard", "1/3"},                          // -C 1 over 3 shards
           {"pub", "-C", "3", "--shard", "1/3", "-i", "x"},    // one id in three processes
           {"pub", "-C", "3", "--shard", "0/3", "--shards", "3"},
           {"pub", "--shards", "2"},                           // no JOB_COMPLETION_INDEX
           {"pub", "--shards", "0"},
           {"pub", "--start-at", "2020-01-01T00:00:00Z"},
           {"pub", "--start-at", "tomorrow"},
           {"pub", "--output", "-", "--json"},
           {"pub", "--output", ""},
           {"pub", "--output", "/"},
           {"pub", "--output", "/nonexistent-dir/result.json"},
       }) {
    bench_options o;
    CHECK_MESSAGE(parse(args, o) == 2, args.back());
  }
}
