#include "mqtk/protocol/topic.hpp"

#include <doctest/doctest.h>

#include <string>

using mqtk::protocol::topic_matches;

TEST_CASE("topic_matches: the spec's multi-level wildcard examples (4.7.1.2)") {
  CHECK(topic_matches("sport/tennis/player1/#", "sport/tennis/player1"));
  CHECK(topic_matches("sport/tennis/player1/#", "sport/tennis/player1/ranking"));
  CHECK(topic_matches("sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon"));
  CHECK(topic_matches("sport/#", "sport")); // '#' includes the parent level
  CHECK_FALSE(topic_matches("sport/tennis/player1/#", "sport/tennis/player2"));
  CHECK_FALSE(topic_matches("sport/tennis/player1/#", "sport/tennis"));
}

TEST_CASE("topic_matches: the spec's single-level wildcard examples (4.7.1.3)") {
  CHECK(topic_matches("sport/tennis/+", "sport/tennis/player1"));
  CHECK(topic_matches("sport/tennis/+", "sport/tennis/player2"));
  CHECK_FALSE(topic_matches("sport/tennis/+", "sport/tennis/player1/ranking"));
  CHECK_FALSE(topic_matches("sport/+", "sport"));
  CHECK(topic_matches("sport/+", "sport/"));
  CHECK(topic_matches("+/+", "/finance"));
  CHECK(topic_matches("/+", "/finance"));
  CHECK_FALSE(topic_matches("+", "/finance"));
  CHECK(topic_matches("+/tennis/#", "sport/tennis/player1"));
  CHECK(topic_matches("sport/+/player1", "sport/tennis/player1"));
  CHECK_FALSE(topic_matches("sport/+/player1", "sport/tennis/player2"));
}

TEST_CASE("topic_matches: topics beginning with $ (4.7.2)") {
  CHECK_FALSE(topic_matches("#", "$SYS/monitor/Clients"));
  CHECK_FALSE(topic_matches("+/monitor/Clients", "$SYS/monitor/Clients"));
  CHECK(topic_matches("$SYS/#", "$SYS/monitor/Clients"));
  CHECK(topic_matches("$SYS/monitor/+", "$SYS/monitor/Clients"));
  CHECK_FALSE(topic_matches("#", "$SYS"));
  CHECK_FALSE(topic_matches("+", "$SYS"));
  CHECK_FALSE(topic_matches("+/#", "$SYS/x"));
  CHECK_FALSE(topic_matches("+/x", "$SYS/x"));
  CHECK(topic_matches("$SYS/#", "$SYS"));
  CHECK(topic_matches("$SYS", "$SYS"));
  CHECK(topic_matches("#", "a/$SYS"));   // only the first character of the name counts
  CHECK(topic_matches("+/+", "a/$SYS")); // and only wildcards at the first level
}

TEST_CASE("topic_matches: topic semantics (4.7.3)") {
  SUBCASE("case sensitive") {
    CHECK_FALSE(topic_matches("ACCOUNTS", "Accounts"));
    CHECK(topic_matches("Accounts payable", "Accounts payable"));
  }
  SUBCASE("a leading '/' makes a distinct topic") {
    CHECK_FALSE(topic_matches("finance", "/finance"));
    CHECK_FALSE(topic_matches("/finance", "finance"));
    CHECK(topic_matches("/finance", "/finance"));
  }
}

TEST_CASE("topic_matches: exact filters") {
  CHECK(topic_matches("a", "a"));
  CHECK(topic_matches("a/b/c", "a/b/c"));
  CHECK_FALSE(topic_matches("a/b", "a"));
  CHECK_FALSE(topic_matches("a", "a/b"));
  CHECK_FALSE(topic_matches("a/b", "a/bc"));
  CHECK_FALSE(topic_matches("a/bc", "a/b"));
  CHECK_FALSE(topic_matches("ab", "a/b"));
  CHECK_FALSE(topic_matches("a/b", "a/b/"));
  CHECK(topic_matches("caf\xC3\xA9", "caf\xC3\xA9"));
  const std::string longest(65'535, 'x');
  CHECK(topic_matches(longest, longest));
}

TEST_CASE("topic_matches: empty levels") {
  SUBCASE("exact") {
    CHECK(topic_matches("/", "/"));
    CHECK(topic_matches("a//b", "a//b"));
    CHECK_FALSE(topic_matches("a//b", "a/b"));
    CHECK_FALSE(topic_matches("a/b", "a//b"));
    CHECK(topic_matches("a/", "a/"));
    CHECK_FALSE(topic_matches("a/", "a"));
  }
  SUBCASE("'+' matches an empty level") {
    CHECK(topic_matches("+", "x"));
    CHECK(topic_matches("a/+/b", "a//b"));
    CHECK(topic_matches("+/", "/"));
    CHECK(topic_matches("/+", "/"));
    CHECK(topic_matches("+/+", "/"));
    CHECK(topic_matches("+/b", "/b"));
    CHECK(topic_matches("a/+", "a/"));
    CHECK_FALSE(topic_matches("+/+", "a"));
    CHECK_FALSE(topic_matches("+", "/"));
    CHECK(topic_matches("+/+/+", "a//"));
    CHECK_FALSE(topic_matches("+/+/+", "a/"));
    CHECK(topic_matches("+/+/+", "//"));
  }
  SUBCASE("'#' covers empty levels") {
    CHECK(topic_matches("#", "/"));
    CHECK(topic_matches("#", "//"));
    CHECK(topic_matches("/#", "/"));
    CHECK(topic_matches("/#", "/a/b"));
    CHECK_FALSE(topic_matches("/#", "a"));
    CHECK(topic_matches("a/#", "a/"));
    CHECK(topic_matches("a/#", "a//"));
    CHECK(topic_matches("a//#", "a/"));
    CHECK_FALSE(topic_matches("a//#", "a/b"));
  }
}

TEST_CASE("topic_matches: '+' matches exactly one level") {
  CHECK(topic_matches("+", "a"));
  CHECK_FALSE(topic_matches("+", "a/b"));
  CHECK(topic_matches("+/b", "a/b"));
  CHECK_FALSE(topic_matches("+/b", "a/c"));
  CHECK(topic_matches("a/+", "a/b"));
  CHECK_FALSE(topic_matches("a/+", "a/b/c"));
  CHECK_FALSE(topic_matches("a/+", "a"));
  CHECK(topic_matches("+/+/+", "a/b/c"));
  CHECK_FALSE(topic_matches("+/+/+", "a/b"));
  CHECK_FALSE(topic_matches("+/+/+", "a/b/c/d"));
  CHECK(topic_matches("a/+/c", "a/anything at all/c"));
}

TEST_CASE("topic_matches: '#' matches the parent and any number of children") {
  CHECK(topic_matches("#", "a"));
  CHECK(topic_matches("#", "a/b/c/d/e/f"));
  CHECK(topic_matches("a/#", "a"));
  CHECK(topic_matches("a/#", "a/b"));
  CHECK(topic_matches("a/#", "a/b/c"));
  CHECK_FALSE(topic_matches("a/#", "b"));
  CHECK_FALSE(topic_matches("a/#", "ab"));
  CHECK_FALSE(topic_matches("a/#", "ab/c"));
  CHECK(topic_matches("a/b/#", "a/b"));
  CHECK_FALSE(topic_matches("a/b/#", "a"));
  CHECK(topic_matches("+/#", "a"));
  CHECK(topic_matches("+/#", "a/b/c"));
  CHECK(topic_matches("+/+/#", "a/b"));
  CHECK_FALSE(topic_matches("+/+/#", "a"));
  CHECK(topic_matches("a/+/c/#", "a/b/c"));
  CHECK(topic_matches("a/+/c/#", "a/b/c/d/e"));
  CHECK_FALSE(topic_matches("a/+/c/#", "a/b/d/e"));
}

TEST_CASE("topic_matches: shared filters match by their inner filter") {
  CHECK(topic_matches("$share/consumer1/sport/tennis/+", "sport/tennis/player1"));
  CHECK_FALSE(topic_matches("$share/consumer1/sport/tennis/+", "sport/tennis"));
  CHECK(topic_matches("$share/consumer1//finance", "/finance"));
  CHECK_FALSE(topic_matches("$share/consumer1//finance", "finance"));
  CHECK(topic_matches("$share/consumer1/+/finance", "/finance"));
  CHECK(topic_matches("$share/g/#", "a/b"));
  CHECK_FALSE(topic_matches("$share/g/#", "$SYS/x")); // the '$' rule applies to the inner filter
  CHECK_FALSE(topic_matches("$share/g/+/x", "$SYS/x"));
  CHECK(topic_matches("$share/g/$SYS/#", "$SYS/x"));
  CHECK_FALSE(topic_matches("$share/g/x", "$share/g/x")); // a name is never shared
  CHECK_FALSE(topic_matches("$share/g/x", "g/x"));
  CHECK(topic_matches("$share", "$share")); // not a shared filter: matched as written
  CHECK(topic_matches("$shared/x", "$shared/x"));
}
