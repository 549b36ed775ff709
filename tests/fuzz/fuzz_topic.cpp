// libFuzzer target for topic validation and matching and the UTF-8 checks.
//
// The input is "filter\nname" (no '\n': the whole input is both). Every function must survive any
// bytes; beyond that, each result is checked against a simple reference:
//   - is_valid_utf8 agrees with a bit-pattern decoder, is_valid_mqtt_string adds NUL and length;
//   - a valid name is a valid filter that matches itself, and "#" matches it unless it starts
//     with '$' (names that look like "$share/..." are shared filters, so they are left out);
//   - topic_matches on valid inputs agrees with a level-splitting reference matcher;
//   - a valid filter matches the name made by filling its wildcards.
#include "mqtk/protocol/topic.hpp"
#include "../unit/reference_utf8.hpp"
#include "mqtk/protocol/utf8.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace proto = mqtk::protocol;

namespace {

[[noreturn]] void finding(const char *what, std::string_view a, std::string_view b = {}) {
  std::fprintf(stderr, "fuzz_topic: %s: '%.*s' '%.*s'\n", what, static_cast<int>(a.size()), a.data(),
               static_cast<int>(b.size()), b.data());
  std::abort();
}


std::vector<std::string_view> split_levels(std::string_view s) {
  std::vector<std::string_view> levels;
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = s.find('/', start);
    if (slash == std::string_view::npos) {
      levels.push_back(s.substr(start));
      return levels;
    }
    levels.push_back(s.substr(start, slash - start));
    start = slash + 1;
  }
}

bool reference_match(std::string_view filter, std::string_view name) {
  if (auto shared = proto::parse_shared_filter(filter)) {
    filter = shared->filter;
  }
  const auto f = split_levels(filter);
  const auto n = split_levels(name);
  if ((f[0] == "+" || f[0] == "#") && !name.empty() && name[0] == '$') {
    return false;
  }
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f[i] == "#") {
      return true;
    }
    if (i >= n.size() || (f[i] != "+" && f[i] != n[i])) {
      return false;
    }
  }
  return f.size() == n.size();
}

// A name the filter must match: '+' becomes "x", a trailing "#" level is dropped with its '/'.
std::string fill_wildcards(std::string_view filter) {
  if (auto shared = proto::parse_shared_filter(filter)) {
    filter = shared->filter;
  }
  std::string name;
  const auto levels = split_levels(filter);
  for (std::size_t i = 0; i < levels.size(); ++i) {
    if (levels[i] == "#") {
      break;
    }
    if (i > 0) {
      name += '/';
    }
    name += levels[i] == "+" ? std::string_view("x") : levels[i];
  }
  return name;
}

void check_strings(std::string_view s) {
  const bool utf8 = proto::is_valid_utf8(s);
  if (utf8 != mqtk::test::reference_utf8(s)) {
    finding("is_valid_utf8 disagrees with the reference", s);
  }
  const bool mqtt = utf8 && s.size() <= 65'535 && s.find('\0') == std::string_view::npos;
  if (proto::is_valid_mqtt_string(s) != mqtt) {
    finding("is_valid_mqtt_string disagrees with the reference", s);
  }
}

void check_name(std::string_view name) {
  if (!proto::topic_name_error(name).empty()) {
    return;
  }
  if (name.find_first_of("+#") != std::string_view::npos || !proto::is_valid_mqtt_string(name)) {
    finding("an invalid name passed", name);
  }
  if (proto::parse_shared_filter(name)) {
    return;
  }
  if (!proto::topic_filter_error(name).empty()) {
    finding("a valid name is not a valid filter", name);
  }
  if (!proto::topic_matches(name, name)) {
    finding("a valid name does not match itself", name);
  }
  if (proto::topic_matches("#", name) == (name[0] == '$')) {
    finding("'#' matches wrongly", name);
  }
}

void check_filter(std::string_view filter) {
  if (!proto::topic_filter_error(filter).empty()) {
    return;
  }
  const std::string name = fill_wildcards(filter);
  if (proto::topic_name_error(name).empty() && !proto::topic_matches(filter, name)) {
    finding("a filter does not match its filled-in name", filter, name);
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char *>(data), size);
  const std::size_t newline = input.find('\n');
  const std::string_view filter = input.substr(0, newline);
  const std::string_view name = newline == std::string_view::npos ? input : input.substr(newline + 1);

  check_strings(input);
  check_name(input);
  check_filter(input);
  check_name(name);
  check_filter(filter);

  const bool matched = proto::topic_matches(filter, name);
  if (proto::topic_filter_error(filter).empty() && proto::topic_name_error(name).empty() &&
      matched != reference_match(filter, name)) {
    finding("topic_matches disagrees with the reference", filter, name);
  }
  return 0;
}
