#include "sub/message_match.hpp"

#include "mqtk/protocol/topic.hpp"

#include <optional>

namespace mqtk::apps::sub {

void message_match::add_topic(std::string filter) { topics_.push_back(std::move(filter)); }

std::string message_match::add_payload_regex(const std::string &regex) {
  try {
    regexes_.emplace_back(regex, std::regex::ECMAScript);
  } catch (const std::regex_error &e) {
    return std::string("is not a valid regular expression: ") + e.what();
  }
  return {};
}

std::string message_match::add_json_condition(const std::string &expression) {
  const auto first = expression.find(' ');
  if (first == std::string::npos)
    return "needs 'POINTER OP VALUE' (OP one of == != < > exists)";
  const std::string pointer = expression.substr(0, first);
  const auto op_start = expression.find_first_not_of(' ', first);
  const auto op_end = op_start == std::string::npos ? std::string::npos : expression.find(' ', op_start);
  const std::string op_text = op_start == std::string::npos ? "" : expression.substr(op_start, op_end - op_start);
  std::string value_text;
  if (op_end != std::string::npos) {
    const auto value_start = expression.find_first_not_of(' ', op_end);
    if (value_start != std::string::npos)
      value_text = expression.substr(value_start);
  }
  json_condition c;
  try {
    c.pointer = nlohmann::json::json_pointer(pointer);
  } catch (const nlohmann::json::exception &) {
    return "'" + pointer + "' is not a JSON pointer (RFC 6901: empty or starting with '/', ~0 and ~1 escapes)";
  }
  if (op_text == "==")
    c.operation = op::eq;
  else if (op_text == "!=")
    c.operation = op::ne;
  else if (op_text == "<")
    c.operation = op::lt;
  else if (op_text == ">")
    c.operation = op::gt;
  else if (op_text == "exists")
    c.operation = op::exists;
  else
    return "'" + op_text + "' is not an operator (== != < > exists)";
  if (c.operation == op::exists) {
    if (!value_text.empty())
      return "exists takes no value";
  } else {
    if (value_text.empty())
      return "'" + op_text + "' needs a value";
    c.value = nlohmann::json::parse(value_text, nullptr, false);
    if (c.value.is_discarded())
      c.value = value_text;
  }
  json_.push_back(std::move(c));
  return {};
}

bool message_match::holds(const json_condition &c, const nlohmann::json &doc) const {
  if (!doc.contains(c.pointer))
    return false;
  const auto &v = doc.at(c.pointer);
  const bool both_numbers = v.is_number() && c.value.is_number();
  const bool comparable = both_numbers || (v.is_string() && c.value.is_string());
  switch (c.operation) {
  case op::exists:
    return true;
  case op::eq:
    return both_numbers ? v.get<double>() == c.value.get<double>() : v == c.value;
  case op::ne:
    return both_numbers ? v.get<double>() != c.value.get<double>() : v != c.value;
  case op::lt:
    return comparable && (both_numbers ? v.get<double>() < c.value.get<double>() : v < c.value);
  case op::gt:
    return comparable && (both_numbers ? v.get<double>() > c.value.get<double>() : v > c.value);
  }
  return false;
}

bool message_match::matches(std::string_view topic, std::string_view payload) const {
  for (const auto &filter : topics_)
    if (!protocol::topic_matches(filter, topic))
      return false;
  for (const auto &re : regexes_)
    if (!std::regex_search(payload.begin(), payload.end(), re))
      return false;
  if (json_.empty())
    return true;
  const auto doc = nlohmann::json::parse(payload.begin(), payload.end(), nullptr, false);
  if (doc.is_discarded())
    return false;
  for (const auto &c : json_)
    if (!holds(c, doc))
      return false;
  return true;
}

} // namespace mqtk::apps::sub
