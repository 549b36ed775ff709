// mqtk-bench's honest latency: intended send times from the schedule, response and service time,
// the basis the report names, the backlog left behind schedule and the pacing's next wake-up.
#include "../../apps/bench/bench_latency.hpp"
#include "../../apps/bench/bench_stats.hpp"

#include <doctest/doctest.h>

using namespace mqtk::apps::bench;

TEST_CASE("intended send time: message k is due k / rate after the start") {
  const std::uint64_t start = 1'700'000'000'000'000'000ull;
  CHECK(intended_send_ns(start, 0, 1000) == start);
  CHECK(intended_send_ns(start, 1, 1000) == start + 1'000'000);
  CHECK(intended_send_ns(start, 980, 1000) == start + 980'000'000);
  CHECK(intended_send_ns(start, 1, 3) == start + 333'333'333);           // rounded to the ns
  CHECK(intended_send_ns(start, 2, 3) == start + 666'666'667);
  CHECK(intended_send_ns(start, 1, 0.5) == start + 2'000'000'000);       // --rate 0.5
  CHECK(intended_send_ns(start, 4'000'000'000u, 100000) == start + 40'000'000'000'000ull);
}

TEST_CASE("latency of a message: response time from the intended time, service time from the write") {
  SUBCASE("paced and held back 1 s: the wait counts in the response time only") {
    const bench_header h{1, 0, 5, 2'000'000'000, 1'000'000'000};
    const auto l = latency_of(h, 2'000'300'000);
    CHECK(l.scheduled);
    CHECK(l.response_ns == 1'000'300'000);
    CHECK(l.service_ns == 300'000);
  }
  SUBCASE("unpaced: no intended time, both are the service time") {
    const auto l = latency_of({1, 0, 5, 2'000'000'000, 0}, 2'000'300'000);
    CHECK_FALSE(l.scheduled);
    CHECK(l.response_ns == 300'000);
    CHECK(l.service_ns == 300'000);
  }
  SUBCASE("a receiver clock behind the sender's gives 0, not a wrapped value") {
    const auto l = latency_of({1, 0, 5, 2'000'000'000, 1'999'000'000}, 1'000'000'000);
    CHECK(l.response_ns == 0);
    CHECK(l.service_ns == 0);
  }
}

TEST_CASE("latency basis: response time when every sample was paced, service time only when none was") {
  CHECK(basis_of(100, 100, false) == latency_basis::response_time);
  CHECK(basis_of(100, 0, true) == latency_basis::service_time_only);
  CHECK(basis_of(100, 40, false) == latency_basis::mixed);
  CHECK(basis_of(0, 0, true) == latency_basis::response_time); // nothing came: the options say
  CHECK(basis_of(0, 0, false) == latency_basis::service_time_only);
  CHECK(std::string(basis_name(latency_basis::response_time)) == "response_time");
  CHECK(std::string(basis_name(latency_basis::service_time_only)) == "service_time_only");
  CHECK(std::string(basis_name(latency_basis::mixed)) == "mixed");
}

TEST_CASE("schedule backlog: what fell due and was not sent, and how long the oldest waited") {
  schedule_backlog b;
  b.add(2.0, 2000, 2000, 1000); // on schedule: nothing owed
  CHECK(b.messages == 0);
  CHECK(b.oldest_wait_ns == 0);
  b.add(2.0, 2000, 1020, 1000); // held back since message 1020 fell due at 1.02 s
  CHECK(b.messages == 980);
  CHECK(b.oldest_wait_ns == 980'000'000);
  b.add(2.0, 2000, 1500, 1000); // a second publisher, less behind
  CHECK(b.messages == 1480);
  CHECK(b.oldest_wait_ns == 980'000'000);
  schedule_backlog unpaced;
  unpaced.add(2.0, 10, 0, 0);
  CHECK(unpaced.messages == 0);
}

TEST_CASE("pacing wakes at the next due time: no drift at low rates, one-tick batches at high rates") {
  SUBCASE("100 per second: the next message's own time, however late this wake-up came") {
    const publish_schedule s{100, 0, 10, 0.01};
    CHECK(s.next_send(0.0) == doctest::Approx(0.01));
    CHECK(s.next_send(0.0101) == doctest::Approx(0.02)); // woke 0.1 ms late: the next stays at 20 ms
    CHECK(s.next_send(0.0199) == doctest::Approx(0.02));
  }
  SUBCASE("3 per second: at k / 3, not on a 10 ms grid") {
    const publish_schedule s{3, 0, 10, 0.01};
    CHECK(s.next_send(0.0) == doctest::Approx(1.0 / 3));
    CHECK(s.next_send(0.34) == doctest::Approx(2.0 / 3));
  }
  SUBCASE("5,000 per second on a 1 ms tick: the next whole tick after the next due message") {
    const publish_schedule s{5000, 0, 10, 0.001};
    CHECK(s.next_send(0.0) == doctest::Approx(0.001));
    CHECK(s.next_send(0.00105) == doctest::Approx(0.002));
    CHECK(s.next_send(0.0019) == doctest::Approx(0.002));
  }
  SUBCASE("the next wake-up is always later than now") {
    const publish_schedule s{1000, 0, 10, 0.001};
    for (double t : {0.0, 0.0005, 0.001, 0.0123456, 1.999999})
      CHECK(s.next_send(t) > t);
  }
}
