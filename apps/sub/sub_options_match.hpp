#pragma once

#include "sub/message_match.hpp"

#include <string>
#include <vector>

namespace CLI {
class App;
} // namespace CLI

namespace mqtk::apps::sub {

// mqtk-sub's --until / --match-payload / --match-json / --print-all, as given and as resolved.
struct match_options {
  std::vector<std::string> until_filter;   // --until [FILTER]
  std::vector<std::string> payload;        // --match-payload REGEX
  std::vector<std::string> json;           // --match-json 'POINTER OP VALUE'
  bool until = false;                      // --until given: end at the first matching message
  bool print_all = false;                  // --print-all: print the messages that do not match too
  message_match match;                     // the conditions, built by resolve_match_options
};

// Adds the matching flags to app.
void add_match_options(CLI::App &app, match_options &o);

// Builds o.match after parsing; filters is -t's list (the --until FILTER is subscribed when it is
// empty). Returns "" or the usage error.
std::string resolve_match_options(const CLI::App &app, match_options &o, std::vector<std::string> &filters);

} // namespace mqtk::apps::sub
