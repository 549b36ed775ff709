#pragma once

#include <nlohmann/json.hpp>

#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace mqtk::apps::sub {

// The --until / --match-* conditions on one message; all must hold (none: every message matches).
class message_match {
public:
  // A topic filter the topic must match (--until FILTER).
  void add_topic(std::string filter);
  // --match-payload REGEX (ECMAScript, search: anchors give a whole match); "" or the reason it is bad.
  std::string add_payload_regex(const std::string &regex);
  // --match-json 'POINTER OP [VALUE]': OP one of == != < > exists; VALUE is JSON, else a string.
  // Returns "" or the reason the expression is bad.
  std::string add_json_condition(const std::string &expression);
  // True when there are no conditions.
  bool empty() const noexcept { return topics_.empty() && regexes_.empty() && json_.empty(); }
  // True when the message meets every condition (a payload that is not JSON fails a json condition).
  bool matches(std::string_view topic, std::string_view payload) const;

private:
  enum class op { eq, ne, lt, gt, exists };
  struct json_condition {
    nlohmann::json::json_pointer pointer;
    op operation;
    nlohmann::json value;
  };
  bool holds(const json_condition &c, const nlohmann::json &doc) const;
  std::vector<std::string> topics_;
  std::vector<std::regex> regexes_;
  std::vector<json_condition> json_;
};

} // namespace mqtk::apps::sub
