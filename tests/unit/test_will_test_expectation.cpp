// mqtk-will-test's expectations: what the spec says each ending must produce, and when.
#include "../../apps/will-test/scenario.hpp"

#include <doctest/doctest.h>

using namespace mqtk::apps::will_test;

namespace {
scenario_setup setup(end_mode mode) {
  scenario_setup s;
  s.mode = mode;
  s.keep_alive = 2;
  s.tolerance = 2;
  return s;
}
} // namespace

TEST_CASE("end modes: names round-trip") {
  for (end_mode mode : all_end_modes)
    CHECK(parse_end_mode(end_mode_name(mode)) == mode);
  CHECK_FALSE(parse_end_mode("sudden").has_value());
  CHECK(end_mode_name(end_mode::disconnect_with_will) == "disconnect-with-will");
}

TEST_CASE("expect: which endings publish the will") {
  CHECK(expect(setup(end_mode::abrupt)).will);
  CHECK(expect(setup(end_mode::keepalive)).will);
  CHECK_FALSE(expect(setup(end_mode::graceful)).will);
  CHECK(expect(setup(end_mode::disconnect_with_will)).will);
  CHECK(expect(setup(end_mode::takeover)).will);
}

TEST_CASE("expect: timing") {
  SUBCASE("abrupt without delay: at once, within the tolerance") {
    const auto e = expect(setup(end_mode::abrupt));
    CHECK(e.nominal_s == 0);
    CHECK(e.earliest_s == 0);
    CHECK(e.latest_s == 2);
    CHECK(default_timeout(e) == 3);
  }
  SUBCASE("keepalive: 1.5 x keepalive, a second early allowed for whole-second clocks") {
    const auto e = expect(setup(end_mode::keepalive));
    CHECK(e.nominal_s == 3);
    CHECK(e.earliest_s == 2);
    CHECK(e.latest_s == 5);
  }
  SUBCASE("keepalive: the default wait covers a broker that takes another 1.5 x keepalive to notice") {
    auto s = setup(end_mode::keepalive);
    const auto e = expect(s);
    CHECK(e.notice_s == 3);
    CHECK(default_timeout(e) == 9); // 1.5 x 2 + 2 tolerance + 3 late + 1 (mosquitto: 5 to 8 s)
    s.will_delay = 5;
    s.session_expiry = 0xFFFFFFFF;
    CHECK(default_timeout(expect(s)) == 14); // plus the will delay
    CHECK(expect(setup(end_mode::abrupt)).notice_s == 0);
  }
  SUBCASE("the will delay adds to the end, cut short by the session expiry") {
    auto s = setup(end_mode::abrupt);
    s.will_delay = 5;
    s.session_expiry = 3;
    CHECK(expect(s).nominal_s == 3);
    s.session_expiry = 0xFFFFFFFF;
    CHECK(expect(s).nominal_s == 5);
    CHECK(expect(s).earliest_s == 5); // never before the delay
    s.mode = end_mode::keepalive;
    CHECK(expect(s).nominal_s == 8);
  }
  SUBCASE("no will delay before MQTT 5") {
    auto s = setup(end_mode::abrupt);
    s.v5 = false;
    s.will_delay = 5;
    s.session_expiry = 10;
    CHECK(effective_will_delay(s) == 0);
  }
}

TEST_CASE("expect: scenarios that do not apply") {
  auto s = setup(end_mode::disconnect_with_will);
  s.v5 = false;
  CHECK_FALSE(expect(s).applicable);
  s = setup(end_mode::keepalive);
  s.keep_alive = 0;
  CHECK_FALSE(expect(s).applicable);
}

TEST_CASE("expect: takeover and the will delay") {
  auto s = setup(end_mode::takeover);
  s.will_delay = 10;
  s.session_expiry = 10;
  SUBCASE("Clean Start 0 with a delay keeps the will back") {
    s.clean_start = false;
    const auto e = expect(s);
    CHECK_FALSE(e.will);
    CHECK_FALSE(e.either);
  }
  SUBCASE("Clean Start 1 with a delay: the spec allows both") {
    const auto e = expect(s);
    CHECK(e.either);
    CHECK(e.nominal_s == 0);
  }
  SUBCASE("no delay: at once") {
    s.will_delay = 0;
    s.clean_start = false;
    const auto e = expect(s);
    CHECK(e.will);
    CHECK_FALSE(e.either);
    CHECK(e.nominal_s == 0);
  }
}
