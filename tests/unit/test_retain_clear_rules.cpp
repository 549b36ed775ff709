// mqtk-retain-clear's pure rules: topic selection ($-topics, excludes), the store, the verdict.
#include "../../apps/retain-clear/retained_rules.hpp"
#include "../../apps/retain-clear/retained_store.hpp"

#include <doctest/doctest.h>

using namespace mqtk::apps::retain_clear;
namespace protocol = mqtk::protocol;

TEST_CASE("topic_selection: include filters, excludes and $-topics") {
  SUBCASE("a topic matching an include filter is selected") {
    topic_selection s({"a/#", "b/+"}, {});
    CHECK(s.selects("a"));
    CHECK(s.selects("a/b/c"));
    CHECK(s.selects("b/x"));
    CHECK_FALSE(s.selects("b/x/y"));
    CHECK_FALSE(s.selects("c"));
  }
  SUBCASE("an exclude filter wins over an include filter") {
    topic_selection s({"a/#"}, {"a/keep/#", "a/+/tmp"});
    CHECK(s.selects("a/drop"));
    CHECK_FALSE(s.selects("a/keep"));
    CHECK_FALSE(s.selects("a/keep/x"));
    CHECK_FALSE(s.selects("a/x/tmp"));
  }
  SUBCASE("$-topics only through a filter that starts with '$'") {
    topic_selection wide({"#", "+/x"}, {});
    CHECK_FALSE(wide.selects("$SYS/broker/version"));
    CHECK_FALSE(wide.selects("$test/x"));
    CHECK(wide.selects("test/x"));
    topic_selection named({"#", "$test/#"}, {});
    CHECK(named.selects("$test/x"));
    CHECK_FALSE(named.selects("$SYS/broker/version"));
  }
  SUBCASE("a literal filter that equals a $-topic names it explicitly") {
    topic_selection s({"$test/x"}, {});
    CHECK(s.selects("$test/x"));
  }
}

TEST_CASE("judge: refused clears explain what is left; leftovers fail the check") {
  CHECK(judge({3, 3, 0, 0}) == verdict::clean);
  CHECK(judge({0, 0, 0, 0}) == verdict::clean);
  CHECK(judge({3, 2, 1, 1}) == verdict::refused);
  CHECK(judge({3, 2, 1, 0}) == verdict::refused);
  CHECK(judge({3, 3, 0, 1}) == verdict::left);
}

TEST_CASE("needs_confirmation: terminal, more than 10 messages, no --yes") {
  CHECK(needs_confirmation(true, 11, false));
  CHECK_FALSE(needs_confirmation(true, 10, false));
  CHECK_FALSE(needs_confirmation(true, 11, true));
  CHECK_FALSE(needs_confirmation(false, 1000, false));
}

TEST_CASE("retained_store: one entry per topic, owned bytes, sorted by topic") {
  retained_store store;
  const auto now = std::chrono::system_clock::now();
  std::string payload = "first";
  protocol::publish p;
  p.topic = "b/1";
  p.payload = protocol::as_bytes(payload);
  p.qos = protocol::qos::at_least_once;
  p.retain = true;
  p.props.content_type = "text/plain";
  p.props.subscription_identifiers = {7};
  store.add(p, now);
  payload = "XXXXX"; // the store keeps its own copy
  p.topic = "a/1";
  p.qos = protocol::qos::exactly_once;
  store.add(p, now);
  std::string again = "second";
  p.topic = "b/1";
  p.payload = protocol::as_bytes(again);
  store.add(p, now); // overlapping filters deliver a topic twice: the latest copy wins

  REQUIRE(store.entries().size() == 2);
  CHECK(store.entries()[0].topic == "b/1");
  CHECK(std::string(protocol::as_chars(store.entries()[0].view().payload)) == "second");
  store.sort();
  CHECK(store.entries()[0].topic == "a/1");
  CHECK(std::string(protocol::as_chars(store.entries()[0].view().payload)) == "XXXXX");
  CHECK(store.contains("b/1"));
  CHECK_FALSE(store.contains("c"));
  const auto view = store.entries()[1].view();
  CHECK(view.retain);
  CHECK(view.qos == protocol::qos::exactly_once); // from the latest copy
  CHECK(view.props.content_type == std::optional<std::string_view>("text/plain"));
  CHECK(view.props.subscription_identifiers.empty()); // ours, not part of the message
}

TEST_CASE("backup_problem: a non-empty backup is replaced only with --force") {
  CHECK(backup_problem({false, false, false, 0}, false).empty()); // a new file
  CHECK(backup_problem({true, true, false, 0}, false).empty());   // an empty file: nothing to lose
  const auto refusal = backup_problem({true, true, false, 120}, false);
  CHECK(refusal.find("not empty") != std::string::npos);
  CHECK(refusal.find("--force") != std::string::npos);
  CHECK(backup_problem({true, true, false, 120}, true).empty());
  CHECK(backup_problem({true, false, true, 4096}, true) == "is a directory");
  CHECK(backup_problem({true, false, false, 0}, true) == "is not a regular file");
}

TEST_CASE("prompt_lines: every topic up to the limit, then a count of the rest") {
  CHECK(prompt_lines({"a", "b"}, 3) == std::vector<std::string>{"  a", "  b"});
  CHECK(prompt_lines({"a", "b", "c"}, 3) == std::vector<std::string>{"  a", "  b", "  c"});
  CHECK(prompt_lines({"a", "b", "c", "d"}, 3) ==
        std::vector<std::string>{"  a", "  b", "  ... and 2 more (--dry-run lists them all)"});
  CHECK(prompt_lines({"a/\x1b[2Jb\n"}, 3) == std::vector<std::string>{"  a/\\x1b[2Jb\\x0a"});
}

TEST_CASE("retained_store::mark_kept: an acknowledged clear that verification contradicts is not cleared") {
  retained_store store;
  const auto now = std::chrono::system_clock::now();
  protocol::publish p;
  p.retain = true;
  for (const char *topic : {"a", "b", "c", "d"}) {
    p.topic = topic;
    store.add(p, now);
  }
  store.sort();
  auto &e = store.entries();
  e[0].state = entry_state::cleared; // acknowledged, still there (MQTT 3.1.1, forbidden by an ACL)
  e[1].state = entry_state::cleared; // acknowledged and gone
  e[2].state = entry_state::failed;  // refused (MQTT 5), still there
  e[3].state = entry_state::cleared;
  CHECK(store.mark_kept({"a", "c", "unknown"}) == 1);
  CHECK(e[0].state == entry_state::kept);
  CHECK(e[1].state == entry_state::cleared);
  CHECK(e[2].state == entry_state::failed);
  CHECK(e[3].state == entry_state::cleared);
}
