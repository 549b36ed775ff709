// mqtk-sub's --watch, --watch-limit and --message-rate flags.
#include "sub/sub_views.hpp"
#include "common/flag_lookup.hpp"
#include "common/help_sections.hpp"

#include <CLI/CLI.hpp>

#include <cctype>
#include <cstdlib>

namespace mqtk::apps::sub {

namespace {

// text as a plain decimal number ("2", "0.5", "1e-2"): no sign, space, hex, inf or nan. std::strtod
// in the C locale the tools run in (std::from_chars for double would make the packaged executable
// load libm for its fesetround: apps/multicall/libm_wrap.cpp).
bool parse_decimal(const std::string &text, double &value) {
  if (text.empty() || !(std::isdigit(static_cast<unsigned char>(text[0])) || text[0] == '.'))
    return false;
  for (const char c : text)
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != '.' && c != 'e' && c != 'E' && c != '-' && c != '+')
      return false;
  char *end = nullptr;
  value = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

} // namespace

void add_view_options(CLI::App &app, view_options &o) {
  const char *group = "Output";
  help_section(app, group)
      .add_flag("--watch", o.watch,
                "Show one line per topic (newest value, count, age), redrawn in place on a terminal");
  help_section(app, group)
      .add_option("--watch-limit", o.watch_limit, "With --watch: keep at most N topics (default 200)")
      ->type_name("N");
  help_section(app, group)
      .add_option("--message-rate", o.rate_given,
                  "Report messages per second on stderr every SECONDS (default 1), and a total at the end")
      ->expected(0, 1)
      ->type_name("[SECONDS]");
}

std::string resolve_view_options(const CLI::App &app, view_options &o, output_mode mode, bool newline) {
  if (given(app, "--message-rate")) {
    o.rate_interval = 1.0;
    if (!o.rate_given.empty() && !o.rate_given.front().empty()) {
      const std::string &text = o.rate_given.front();
      double seconds = 0;
      if (!parse_decimal(text, seconds) || !(seconds >= 0.01 && seconds <= 86400))
        return "--message-rate '" + text + "' is not a number of seconds from 0.01 to 86400";
      o.rate_interval = seconds;
    }
  }
  if (given(app, "--watch-limit") && !o.watch)
    return "--watch-limit only applies to --watch";
  if (!o.watch)
    return {};
  if (o.watch_limit == 0 || o.watch_limit > 100000)
    return "--watch-limit must be from 1 to 100000";
  if (mode != output_mode::payload && mode != output_mode::format)
    return "--watch shows the payload or the -F template of each topic: leave out -v, --json and --pretty";
  if (!newline)
    return "-N does not apply to --watch (one line per topic)";
  return {};
}

} // namespace mqtk::apps::sub
