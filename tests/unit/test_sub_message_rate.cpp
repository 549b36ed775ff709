// mqtk-sub --message-rate: per-interval counts over a monotonic clock given by the test, reports in
// text and JSON, the total line.
#include "../../apps/sub/message_rate.hpp"

#include <doctest/doctest.h>

#include <string>

using mqtk::apps::sub::rate_meter;
using namespace std::chrono_literals;

TEST_CASE("rate_meter: counts per interval, divides by the time that really passed") {
  const rate_meter::clock::time_point t0{100s};
  rate_meter meter(1s, t0, false);
  CHECK(meter.due() == t0 + 1s);
  for (int i = 0; i < 12; ++i)
    meter.add();
  std::string out;
  meter.report_interval(out, t0 + 1s);
  CHECK(out == "rate: 12 messages in 1.000 s, 12.0/s\n");
  CHECK(meter.due() == t0 + 2s);

  out.clear();
  meter.add();
  meter.report_interval(out, t0 + 2500ms); // the timer fired late: the interval was 1.5 s
  CHECK(out == "rate: 1 message in 1.500 s, 0.7/s\n");
  CHECK(meter.due() == t0 + 3s); // the schedule keeps to start + k * interval

  out.clear();
  meter.report_interval(out, t0 + 5200ms); // whole intervals passed: skipped, none reported twice
  CHECK(out == "rate: 0 messages in 2.700 s, 0.0/s\n");
  CHECK(meter.due() == t0 + 6s);

  out.clear();
  meter.report_total(out, t0 + 6s);
  CHECK(out == "total: 13 messages in 6.000 s, 2.2/s\n");
  CHECK(meter.total() == 13);
}

TEST_CASE("rate_meter: JSON reports and intervals other than one second") {
  const rate_meter::clock::time_point t0{};
  rate_meter meter(250ms, t0, true);
  for (int i = 0; i < 5; ++i)
    meter.add();
  std::string out;
  meter.report_interval(out, t0 + 250ms);
  CHECK(out == "{\"report\":\"rate\",\"messages\":5,\"seconds\":0.250,\"per_second\":20.0}\n");
  CHECK(meter.due() == t0 + 500ms);
  out.clear();
  meter.report_total(out, t0 + 400ms);
  CHECK(out == "{\"report\":\"total\",\"messages\":5,\"seconds\":0.400,\"per_second\":12.5}\n");
  out.clear();
  rate_meter idle(1s, t0, false);
  idle.report_total(out, t0); // no time passed: no division by zero
  CHECK(out == "total: 0 messages in 0.000 s, 0.0/s\n");
}
