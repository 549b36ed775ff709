#include "common/broker_list.hpp"

#include "common/text_checks.hpp"

namespace mqtk::apps {

host_port_entry split_host_port(std::string_view entry) {
  host_port_entry out;
  if (!entry.empty() && entry.front() == '[') {
    const std::size_t close = entry.find(']');
    if (close != std::string_view::npos && (close + 1 == entry.size() || entry[close + 1] == ':')) {
      out.host = std::string(entry.substr(1, close - 1));
      if (close + 1 < entry.size())
        out.port = std::string(entry.substr(close + 2));
      return out;
    }
    out.host = std::string(entry); // unbalanced: left for the connection to refuse
    return out;
  }
  const std::size_t colon = entry.find(':');
  if (colon == std::string_view::npos || entry.find(':', colon + 1) != std::string_view::npos) {
    out.host = std::string(entry);
    return out;
  }
  out.host = std::string(entry.substr(0, colon));
  out.port = std::string(entry.substr(colon + 1));
  return out;
}

std::vector<std::string> split_broker_list(const std::vector<std::string> &values, std::string_view flag,
                                           std::string &error) {
  std::vector<std::string> entries;
  for (const std::string &value : values) {
    std::size_t start = 0;
    while (true) {
      const std::size_t comma = value.find(',', start);
      const std::size_t end = comma == std::string::npos ? value.size() : comma;
      if (end == start) {
        error = std::string(flag) + " '" + shown(value) + "' has an empty entry";
        return {};
      }
      entries.emplace_back(value, start, end - start);
      if (comma == std::string::npos)
        break;
      start = comma + 1;
    }
  }
  return entries;
}

std::string single_broker_error(std::string_view flag, std::string_view value, bool url) {
  const std::size_t comma = value.find(',');
  if (comma == std::string_view::npos)
    return {};
  // A URL may hold a comma in its path or query; a list has another URL after it.
  if (url && value.find("://", comma) == std::string_view::npos)
    return {};
  return std::string(flag) + " takes one broker, not the list '" + shown(value) +
         "' (only mqtk-bench spreads connections over several)";
}

} // namespace mqtk::apps
