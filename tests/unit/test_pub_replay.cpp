// mqtk-pub --replay and --topic-prefix: the timestamp parser, the schedule (offsets, speed, loops,
// lateness) on an injected clock, and the prefix rewrite.
#include "../../apps/pub/replay_schedule.hpp"
#include "../../apps/pub/topic_rewrite.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace mqtk::apps::pub;
using namespace std::chrono_literals;
using clock_type = replay_schedule::clock;

TEST_CASE("received_at: RFC 3339 times as mqtk-sub writes them") {
  CHECK(parse_received_at("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_received_at("1970-01-01T00:00:01.5Z") == 1'500'000);
  CHECK(parse_received_at("2026-11-25T14:00:00.123456Z") == 1'795'615'200'123'456);
  CHECK(parse_received_at("2026-11-25T14:00:00.123456789Z") == 1'795'615'200'123'456); // below 1 us dropped
  CHECK(parse_received_at("2026-11-25T15:00:00.123456+01:00") == 1'795'615'200'123'456);
  CHECK(parse_received_at("2024-02-29T00:00:00Z") == 1'709'164'800'000'000);          // leap day
  CHECK_FALSE(parse_received_at(""));
  CHECK_FALSE(parse_received_at("2026-11-25 14:00:00"));       // no zone
  CHECK_FALSE(parse_received_at("2026-11-25T14:00:00.Z"));     // empty fraction
  CHECK_FALSE(parse_received_at("2026-13-25T14:00:00Z"));      // month 13
  CHECK_FALSE(parse_received_at("2026-11-25T14:00:00Zjunk"));  // trailing text
  CHECK_FALSE(parse_received_at("2026-11-25T14:00:00+0100"));  // offset without colon
  CHECK_FALSE(parse_received_at("yesterday at noon, roughly"));
}

TEST_CASE("replay schedule: offsets from the loop's first message, absolute on the clock") {
  const clock_type::time_point t0{100s};
  replay_schedule s(1);
  const std::int64_t base = 1'795'615'200'000'000;
  CHECK(s.due(base, t0) == t0);
  // Taken late (the reader was held up): still due at the start plus the offset, no drift.
  CHECK(s.due(base + 250'000, t0 + 900ms) == t0 + 250ms);
  CHECK(s.due(base + 2'000'000, t0 + 1s) == t0 + 2s);
  // A message captured before the first one is due at once (the loop's start).
  CHECK(s.due(base - 5'000'000, t0 + 2s) == t0);

  SUBCASE("speed 2 halves every offset, 0.5 doubles it") {
    replay_schedule fast(2), slow(0.5);
    CHECK(fast.due(base, t0) == t0);
    CHECK(fast.due(base + 1'000'000, t0) == t0 + 500ms);
    CHECK(slow.due(base, t0) == t0);
    CHECK(slow.due(base + 1'000'000, t0) == t0 + 2s);
  }
  SUBCASE("speed 0 sends each message when it is taken") {
    replay_schedule asap(0);
    CHECK(asap.due(base, t0) == t0);
    CHECK(asap.due(base + 60'000'000, t0 + 3ms) == t0 + 3ms);
  }
  SUBCASE("a wild timestamp does not overflow the clock") {
    replay_schedule w(1);
    w.due(0, t0);
    CHECK(w.due(std::int64_t{1} << 62, t0) > t0 + std::chrono::hours(24 * 365 * 30));
  }
}

TEST_CASE("replay schedule: each loop restarts the timing from its first message") {
  replay_schedule s(1);
  const clock_type::time_point t0{5s};
  CHECK(s.due(10'000'000, t0) == t0);
  CHECK(s.due(11'000'000, t0) == t0 + 1s);
  s.restart();
  const auto t1 = t0 + 1500ms; // the second pass starts when its first message is taken
  CHECK(s.due(10'000'000, t1) == t1);
  CHECK(s.due(11'000'000, t1) == t1 + 1s);
}

TEST_CASE("replay schedule: lateness is counted past 100 ms and the largest kept") {
  replay_schedule s(1);
  const clock_type::time_point due{1s};
  s.sent(due, due + 2ms);
  CHECK(s.late_count() == 0);
  CHECK(s.max_late() == 2ms);
  s.sent(due, due + 350ms);
  s.sent(due, due + 101ms);
  s.sent(due, due - 1ms); // early (cannot happen through a timer, but must not count)
  CHECK(s.late_count() == 2);
  CHECK(s.max_late() == 350ms);
}

TEST_CASE("topic prefix: OLD=NEW rules, first match wins, others untouched") {
  CHECK_FALSE(parse_prefix_rule("no-equals"));
  const auto r = parse_prefix_rule("prod/=test/prod/");
  REQUIRE(r);
  CHECK(r->from == "prod/");
  CHECK(r->to == "test/prod/");
  const auto eq = parse_prefix_rule("a=b=c"); // split at the first '='
  REQUIRE(eq);
  CHECK(eq->from == "a");
  CHECK(eq->to == "b=c");

  const std::vector<prefix_rule> rules{{"prod/site1/", "test/one/"}, {"prod/", "test/"}, {"", "all/"}};
  auto rewritten = [&](std::string topic) {
    rewrite_topic(rules, topic);
    return topic;
  };
  CHECK(rewritten("prod/site1/t") == "test/one/t");
  CHECK(rewritten("prod/site2/t") == "test/site2/t");
  CHECK(rewritten("production") == "all/production"); // "prod/" does not start it
  CHECK(rewritten("prod/") == "test/");

  std::string topic = "other/x";
  CHECK_FALSE(rewrite_topic({{"prod/", "test/"}}, topic));
  CHECK(topic == "other/x");
  CHECK(rewrite_topic({{"prod/", ""}}, topic = "prod/x"));
  CHECK(topic == "x");
}
