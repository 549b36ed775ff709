// mqtk-sub's --exec-table: "FILTER COMMAND..." lines, comments, blank lines, and the bad line named.
#include "../../apps/sub/sub_options_exec.hpp"

#include <doctest/doctest.h>

using mqtk::apps::sub::exec_rule;
using mqtk::apps::sub::parse_exec_table;

TEST_CASE("exec table: filters map to shell commands, first line first") {
  std::vector<exec_rule> rules;
  const std::string text = "# sensors\n"
                           "\n"
                           "sensors/+/temp   ./store-temp --unit C  \n"
                           "  alerts/#\tlogger -t mqtt \"$MQTT_TOPIC\"\r\n"
                           "#\tlast";
  CHECK(parse_exec_table(text, rules).empty());
  REQUIRE(rules.size() == 2);
  CHECK(rules[0].filter == "sensors/+/temp");
  CHECK(rules[0].argv == std::vector<std::string>{"/bin/sh", "-c", "./store-temp --unit C"});
  CHECK(rules[1].filter == "alerts/#");
  CHECK(rules[1].argv.back() == "logger -t mqtt \"$MQTT_TOPIC\"");
}

TEST_CASE("exec table: a bad line is named") {
  std::vector<exec_rule> rules;
  CHECK(parse_exec_table("a/b cmd\nsensors/#/x run\n", rules).rfind("line 2: topic filter 'sensors/#/x'", 0) == 0);
  rules.clear();
  CHECK(parse_exec_table("# c\na/b   \n", rules) == "line 2: 'a/b' has no command (lines are FILTER COMMAND...)");
  rules.clear();
  CHECK(parse_exec_table("# only a comment\n\n", rules) == "it has no 'FILTER COMMAND...' line");
}
