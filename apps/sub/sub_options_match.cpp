#include "sub/sub_options_match.hpp"

#include "mqtk/protocol/topic.hpp"
#include "common/flag_lookup.hpp"
#include "common/help_sections.hpp"

#include <CLI/CLI.hpp>

namespace mqtk::apps::sub {

void add_match_options(CLI::App &app, match_options &o) {
  const char *group = "Matching";
  help_section(app, group)
      .add_option(
          "--until", o.until_filter,
          "Exit 0 after the first message meeting every --match-payload/--match-json condition (and FILTER)")
      ->expected(0, 1)
      ->type_name("[FILTER]");
  help_section(app, group)
      .add_option(
          "--match-payload", o.payload,
          "Only messages whose payload contains a match of REGEX (ECMAScript; ^...$ for whole) (repeatable)")
      ->type_name("REGEX");
  help_section(app, group)
      .add_option("--match-json", o.json,
                  "Only JSON payloads where 'POINTER OP VALUE' holds; OP: == != < > exists (repeatable)")
      ->type_name("EXPR");
  help_section(app, group).add_flag("--print-all", o.print_all, "Print the messages that do not match too");
}

std::string resolve_match_options(const CLI::App &app, match_options &o, std::vector<std::string> &filters) {
  o.until = given(app, "--until");
  for (const auto &filter : o.until_filter) {
    if (filter.empty()) // --until without FILTER
      continue;
    if (auto problem = protocol::topic_filter_error(filter); !problem.empty())
      return "--until filter '" + filter + "' " + std::string(problem);
    o.match.add_topic(filter);
    if (filters.empty())
      filters.push_back(filter);
  }
  for (const auto &regex : o.payload)
    if (auto problem = o.match.add_payload_regex(regex); !problem.empty())
      return "--match-payload '" + regex + "' " + problem;
  for (const auto &expression : o.json)
    if (auto problem = o.match.add_json_condition(expression); !problem.empty())
      return "--match-json '" + expression + "': " + problem;
  if (o.print_all && o.match.empty() && !o.until)
    return "--print-all needs --until or a --match-* condition";
  return {};
}

} // namespace mqtk::apps::sub
