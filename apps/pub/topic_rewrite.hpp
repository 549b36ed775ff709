#pragma once

// mqtk-pub --topic-prefix OLD=NEW: rewrites the start of captured topics, for replaying a
// production capture into a test tree. Pure rules; the unit tests include this header directly.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mqtk::apps::pub {

// One --topic-prefix rule: topics starting with from get to in its place.
struct prefix_rule {
  std::string from;
  std::string to;
};

// Parses "OLD=NEW" (split at the first '='; OLD may be empty to prefix every topic, NEW empty to
// strip OLD); nullopt without '='.
inline std::optional<prefix_rule> parse_prefix_rule(std::string_view spec) {
  const auto eq = spec.find('=');
  if (eq == std::string_view::npos)
    return std::nullopt;
  return prefix_rule{std::string(spec.substr(0, eq)), std::string(spec.substr(eq + 1))};
}

// Rewrites topic with the first rule (in the order given) whose OLD starts it; true when one did.
// Topics that no rule matches stay as they are.
inline bool rewrite_topic(const std::vector<prefix_rule> &rules, std::string &topic) {
  for (const auto &rule : rules) {
    if (topic.compare(0, rule.from.size(), rule.from) == 0 && topic.size() >= rule.from.size()) {
      topic.replace(0, rule.from.size(), rule.to);
      return true;
    }
  }
  return false;
}

} // namespace mqtk::apps::pub
