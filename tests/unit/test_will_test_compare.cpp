// mqtk-will-test's comparisons: received will against registered will, delivery against the
// expectation, and the exit status of a set of results.
#include "../../apps/will-test/scenario_result.hpp"

#include <doctest/doctest.h>

using namespace mqtk::apps::will_test;
namespace protocol = mqtk::protocol;

namespace {

protocol::will_options make_will() {
  protocol::will_options w;
  w.topic = "dev/1/status";
  const std::string payload = "offline";
  w.payload.assign(payload.begin(), payload.end());
  w.qos = protocol::qos::at_least_once;
  w.retain = true;
  protocol::properties p;
  p.content_type = "text/plain";
  p.message_expiry_interval = 100;
  p.will_delay_interval = 5;
  p.user_properties = {{"k", "v"}, {"k", "v2"}};
  w.props.assign(p);
  return w;
}

// The will as a broker forwards it: same fields, no will delay, expiry counting down.
protocol::publish forwarded(const protocol::will_options &w) {
  protocol::publish p;
  p.topic = w.topic;
  p.payload = {w.payload.data(), w.payload.size()};
  p.qos = w.qos;
  p.retain = w.retain;
  p.props = w.props.get();
  p.props.will_delay_interval.reset();
  p.props.message_expiry_interval = 99;
  return p;
}

std::vector<std::string> fields(const std::vector<difference> &d) {
  std::vector<std::string> out;
  for (const auto &x : d)
    out.push_back(x.field);
  return out;
}

} // namespace

TEST_CASE("compare_will: a faithfully forwarded will has no differences") {
  const auto w = make_will();
  CHECK(compare_will(w, forwarded(w), true, true).empty());
}

TEST_CASE("compare_will: each field that differs is named") {
  const auto w = make_will();
  auto p = forwarded(w);
  const std::string other = "\x01\xff";
  p.payload = protocol::as_bytes(other);
  p.qos = protocol::qos::at_most_once;
  p.retain = false;
  p.props.content_type.reset();
  p.props.user_properties = {{"k", "v2"}, {"k", "v"}}; // order matters
  p.props.message_expiry_interval = 50;
  const auto d = compare_will(w, p, true, true);
  CHECK(fields(d) == std::vector<std::string>{"payload", "qos", "retain", "message_expiry_interval",
                                              "content_type", "user_properties"});
  CHECK(d[0].expected == "offline");
  CHECK(d[0].observed == "0x01ff"); // binary shown as hex
  CHECK(d[4].observed == "absent");
  CHECK(d[5].expected == "k=v, k=v2");
}

TEST_CASE("compare_will: retain and properties are only compared when they can be seen") {
  const auto w = make_will();
  auto p = forwarded(w);
  p.retain = false;
  p.props = {};
  CHECK(compare_will(w, p, false, false).empty()); // MQTT 3.1.1: no properties, no Retain As Published
  CHECK(fields(compare_will(w, p, true, false)) ==
        std::vector<std::string>{"message_expiry_interval", "content_type", "user_properties"});
}

TEST_CASE("check_delivery: presence, timing and the retained copy") {
  expectation e;
  e.will = true;
  e.nominal_s = 2;
  e.earliest_s = 2;
  e.latest_s = 4;
  CHECK(check_delivery(e, true, 2.5, std::nullopt).empty());
  CHECK(fields(check_delivery(e, false, 0, std::nullopt)) == std::vector<std::string>{"will"});
  CHECK(fields(check_delivery(e, true, 1.0, std::nullopt)) == std::vector<std::string>{"latency"});
  CHECK(fields(check_delivery(e, true, 4.5, std::nullopt)) == std::vector<std::string>{"latency"});
  CHECK(fields(check_delivery(e, true, 3, false)) == std::vector<std::string>{"retained_copy"});
  CHECK(check_delivery(e, true, 3, true).empty());

  expectation none;
  none.will = false;
  CHECK(check_delivery(none, false, 0, std::nullopt).empty());
  const auto d = check_delivery(none, true, 0.25, std::nullopt);
  REQUIRE(d.size() == 1);
  CHECK(d[0].observed == "received 0.250 s after the end");

  expectation either;
  either.either = true;
  either.latest_s = 2;
  CHECK(check_delivery(either, false, 0, std::nullopt).empty());
  CHECK(check_delivery(either, true, 0.1, std::nullopt).empty());
}

TEST_CASE("check_delivery: a late will is late, a missing one names the wait") {
  expectation e;
  e.will = true;
  e.nominal_s = 3;
  e.earliest_s = 2;
  e.latest_s = 5;
  auto late = check_delivery(e, true, 7.8, std::nullopt, 9);
  REQUIRE(late.size() == 1);
  CHECK(late[0].field == "latency");
  CHECK(late[0].expected == "between 2.000 and 5.000 s");
  CHECK(late[0].observed == "7.800 s (late)");
  CHECK(check_delivery(e, true, 1.5, std::nullopt, 9)[0].observed == "1.500 s (early)");
  CHECK(check_delivery(e, false, 0, std::nullopt, 9)[0].observed == "not received within 9.000 s");
  CHECK(check_delivery(e, false, 0, std::nullopt)[0].observed == "not received");

  scenario_result r;
  r.expected = e;
  r.ended = true;
  r.will = observed_message{};
  r.latency_s = 7.8;
  r.differences = late;
  CHECK(r.late());
  CHECK_FALSE(r.passed());
  r.differences.push_back({"payload", "a", "b"});
  CHECK_FALSE(r.late()); // late and wrong: a failure like any other
  r.differences = check_delivery(e, true, 1.5, std::nullopt, 9);
  r.latency_s = 1.5;
  CHECK_FALSE(r.late());
}

TEST_CASE("overall_status: errors first, then failed checks") {
  scenario_result ok;
  scenario_result differs;
  differs.differences.push_back({"will", "published", "not received"});
  scenario_result broken;
  broken.error = "cannot connect";
  broken.error_status = 3;
  scenario_result skipped;
  skipped.expected.applicable = false;
  CHECK(skipped.skipped());
  CHECK(skipped.passed());
  CHECK(overall_status({ok, skipped}) == 0);
  CHECK(overall_status({ok, differs}) == 10);
  CHECK(overall_status({differs, broken}) == 3);
}
