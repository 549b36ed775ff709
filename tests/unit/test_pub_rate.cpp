// mqtk-pub --rate/--burst: the token bucket, driven by an injected clock.
#include "../../apps/pub/token_bucket.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cstddef>
#include <vector>

using mqtk::apps::pub::token_bucket;
using namespace std::chrono_literals;
using time_point = token_bucket::clock::time_point;

namespace {

// Sends count messages as fast as the bucket allows, the caller's timer firing `late` after each
// delay; returns the send times.
std::vector<time_point> run(token_bucket &bucket, std::size_t count,
                            token_bucket::clock::duration late = {}) {
  std::vector<time_point> sent;
  time_point now{1000s};
  while (sent.size() < count) {
    if (auto delay = bucket.delay(now); delay > delay.zero()) {
      now += delay + late;
      continue;
    }
    bucket.take(now);
    sent.push_back(now);
  }
  return sent;
}

// The most sends in any half-open window [t, t + 1 s).
std::size_t max_in_one_second(const std::vector<time_point> &sent) {
  std::size_t best = 0;
  for (std::size_t i = 0, j = 0; i < sent.size(); ++i) {
    while (j < sent.size() && sent[j] < sent[i] + 1s)
      ++j;
    best = std::max(best, j - i);
  }
  return best;
}

} // namespace

TEST_CASE("rate: burst 1 lets one message through at the start, then one per interval") {
  token_bucket bucket(5, 1);
  const time_point start{1000s};
  CHECK(bucket.delay(start) == 0s);
  bucket.take(start);
  CHECK(bucket.delay(start) == 200ms); // the second waits a whole interval (it was the start burst)
  CHECK(bucket.delay(start + 199ms) == 1ms);
  CHECK(bucket.delay(start + 200ms) == 0s);
}

TEST_CASE("rate: --repeat 10 --rate 5 spreads over 1.8 s, never more than 5 in a second") {
  token_bucket bucket(5, 1);
  const auto sent = run(bucket, 10);
  CHECK(sent.back() - sent.front() == 1800ms);
  CHECK(max_in_one_second(sent) == 5);
}

TEST_CASE("rate: an interval that does not divide a second is rounded up, not down") {
  for (double rate : {3.0, 7.0, 20.0, 1000.0, 0.5}) {
    CAPTURE(rate);
    token_bucket bucket(rate, 1);
    const auto sent = run(bucket, static_cast<std::size_t>(rate * 3) + 2);
    CHECK(max_in_one_second(sent) <= static_cast<std::size_t>(rate < 1 ? 1 : rate));
  }
}

TEST_CASE("rate: a late timer never earns a catch-up burst") {
  token_bucket bucket(20, 1);
  const auto sent = run(bucket, 60, 7ms);
  CHECK(max_in_one_second(sent) <= 20);
  for (std::size_t i = 1; i < sent.size(); ++i)
    CHECK(sent[i] - sent[i - 1] >= 50ms);
}

TEST_CASE("rate: an idle pause earns at most one message with burst 1") {
  token_bucket bucket(10, 1);
  time_point now{1000s};
  bucket.take(now);
  now += 10s; // idle
  CHECK(bucket.delay(now) == 0s);
  bucket.take(now);
  CHECK(bucket.delay(now) == 100ms);
}

TEST_CASE("rate: --burst B lets B go back to back, then the rate holds (at most rate + B - 1 a second)") {
  token_bucket bucket(10, 4);
  const time_point start{1000s};
  for (int i = 0; i < 4; ++i) {
    CHECK(bucket.delay(start) == 0s);
    bucket.take(start);
  }
  CHECK(bucket.delay(start) == 100ms);
  token_bucket again(10, 4);
  CHECK(max_in_one_second(run(again, 50)) <= 13);
}
