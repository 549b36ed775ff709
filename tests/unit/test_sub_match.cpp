// mqtk-sub's --until/--match-* matcher: topic filters, payload regexes, JSON pointer conditions.
#include "../../apps/sub/message_match.hpp"

#include <doctest/doctest.h>

using mqtk::apps::sub::message_match;

TEST_CASE("message_match: no condition matches everything") {
  message_match m;
  CHECK(m.empty());
  CHECK(m.matches("a/b", "anything"));
}

TEST_CASE("message_match: topic filter") {
  message_match m;
  m.add_topic("sensors/+/temp");
  CHECK(m.matches("sensors/kitchen/temp", ""));
  CHECK_FALSE(m.matches("sensors/kitchen/humidity", ""));
}

TEST_CASE("message_match: payload regex searches, anchors give a whole match") {
  message_match partial;
  REQUIRE(partial.add_payload_regex("ready").empty());
  CHECK(partial.matches("t", "system ready now"));
  CHECK_FALSE(partial.matches("t", "starting"));
  message_match whole;
  REQUIRE(whole.add_payload_regex("^ready$").empty());
  CHECK(whole.matches("t", "ready"));
  CHECK_FALSE(whole.matches("t", "system ready"));
  message_match both; // all must hold
  REQUIRE(both.add_payload_regex("a").empty());
  REQUIRE(both.add_payload_regex("b").empty());
  CHECK(both.matches("t", "ab"));
  CHECK_FALSE(both.matches("t", "a"));
}

TEST_CASE("message_match: a bad regex is reported") {
  message_match m;
  CHECK(m.add_payload_regex("(unclosed").find("is not a valid regular expression") == 0);
  CHECK(m.add_payload_regex("[z-a]").find("is not a valid regular expression") == 0);
  CHECK(m.empty());
}

TEST_CASE("message_match: JSON pointer operators") {
  const std::string doc = R"({"temp": 31.5, "state": "on", "tags": ["x"], "a/b": {"c~d": 1}})";
  const auto check = [&](const std::string &expr) {
    message_match m;
    REQUIRE_MESSAGE(m.add_json_condition(expr).empty(), expr);
    return m.matches("t", doc);
  };
  CHECK(check("/temp > 30"));
  CHECK_FALSE(check("/temp < 30"));
  CHECK(check("/temp == 31.5"));
  CHECK(check("/temp != 31"));
  CHECK(check("/state == on"));       // not JSON: a string
  CHECK(check("/state == \"on\""));   // JSON string
  CHECK_FALSE(check("/state == off"));
  CHECK(check("/state > of"));        // strings compare as strings
  CHECK_FALSE(check("/state > 3"));   // string against number: no order
  CHECK(check("/tags/0 == x"));
  CHECK(check("/a~1b/c~0d == 1"));    // RFC 6901 escapes
  CHECK(check("/tags exists"));
  CHECK_FALSE(check("/missing exists"));
  CHECK_FALSE(check("/missing != 1")); // a missing member fails every operator
  CHECK(check("/state == on and more") == false); // value is everything after OP
}

TEST_CASE("message_match: a payload that is not JSON fails a JSON condition") {
  message_match m;
  REQUIRE(m.add_json_condition("/x exists").empty());
  CHECK_FALSE(m.matches("t", "not json"));
  CHECK(m.matches("t", R"({"x": null})"));
}

TEST_CASE("message_match: bad JSON conditions are reported") {
  message_match m;
  CHECK(m.add_json_condition("temp > 3").find("is not a JSON pointer") != std::string::npos);
  CHECK(m.add_json_condition("/temp >= 3").find("is not an operator") != std::string::npos);
  CHECK(m.add_json_condition("/temp").find("needs 'POINTER OP VALUE'") == 0);
  CHECK(m.add_json_condition("/temp ==").find("needs a value") != std::string::npos);
  CHECK(m.add_json_condition("/temp exists 3") == "exists takes no value");
  CHECK(m.empty());
}
