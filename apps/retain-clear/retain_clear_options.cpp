// mqtk-retain-clear: flags, validation and the usage errors that stop before anything is sent.
#include "retain-clear/retain_clear.hpp"

#include "common/command_line.hpp"
#include "common/diagnostics.hpp"
#include "common/exit_status.hpp"
#include "common/help_sections.hpp"
#include "common/text_checks.hpp"
#include "mqtk/protocol/topic.hpp"

#include <CLI/CLI.hpp>

namespace mqtk::apps::retain_clear {

namespace {

int usage(const std::string &message) {
  print_error(message);
  return exit_usage;
}

// Why filter cannot be used with -t/-T, or an empty string.
std::string filter_problem(const std::string &filter, const char *flag) {
  if (auto problem = protocol::topic_filter_error(filter); !problem.empty())
    return std::string(flag) + " '" + filter + "' " + std::string(problem);
  if (protocol::parse_shared_filter(filter))
    return std::string(flag) + " '" + filter +
           "' is a shared subscription, which never receives retained messages";
  return {};
}

} // namespace

int parse_options(int argc, char **argv, retain_clear_options &o, CLI::App &app) {
  add_connection_options(app, o.connection, broker_count::one, false);
  bool version = false;
  add_version_flag(app, version);
  const char *what = "Retained messages";
  help_section(app, what).add_option("-t,--topic", o.filters,
                                     "Topic filter to clear retained messages under (repeatable)");
  help_section(app, what).add_option("-T,--exclude", o.excludes,
                                     "Leave topics matching this filter alone (repeatable)");
  help_section(app, what).add_flag("-n,--dry-run", o.dry_run, "List what would be cleared; change nothing");
  help_section(app, what).add_option(
      "--backup", o.backup,
      "Write every retained message found to FILE as JSON lines before clearing (refuses a "
      "non-empty FILE without --force)");
  help_section(app, what).add_flag("--force", o.force,
                                   "With --backup: replace FILE even when it is not empty");
  help_section(app, what).add_flag("-y,--yes", o.yes,
                                   "Do not ask before clearing more than 10 messages from a terminal");
  const char *listing = "Listing";
  help_section(app, listing)
      .add_option(
          "--settle", o.settle,
          "Seconds without a retained message that end a listing when the sentinel does not come back "
          "(default 2)");
  help_section(app, listing)
      .add_flag("--no-sentinel", o.no_sentinel,
                "Do not publish a sentinel; end each listing after --settle seconds");
  help_section(app, listing)
      .add_option("--sentinel-topic", o.sentinel_topic,
                  "Topic of the sentinel (default mqtk/sentinel/<random>)");
  help_section(app, listing)
      .add_option("-W,--timeout", o.timeout, "Give up after SECONDS (exit 9); 0 waits forever (default)");
  app.add_flag("--json", o.json, "Print the report as one JSON object on stdout");

  if (int status = parse_command_line(app, argc, argv, version); status >= 0)
    return status;

  if (o.filters.empty())
    return usage("give at least one topic filter with -t");
  const bool allow = o.connection.allow_control_chars;
  for (auto problem : {control_char_error("-t", o.filters, allow), control_char_error("-T", o.excludes, allow),
                       control_char_error({{"sentinel topic", o.sentinel_topic}}, allow)})
    if (!problem.empty())
      return usage(problem);
  for (const auto &filter : o.filters)
    if (auto problem = filter_problem(filter, "-t"); !problem.empty())
      return usage(problem);
  for (const auto &filter : o.excludes)
    if (auto problem = filter_problem(filter, "-T"); !problem.empty())
      return usage(problem);
  if (o.force && o.backup.empty())
    return usage("--force goes with --backup FILE");
  if (!(o.settle > 0))
    return usage("--settle must be more than 0 seconds");
  if (o.timeout < 0)
    return usage("-W/--timeout must not be negative");
  if (o.no_sentinel && !o.sentinel_topic.empty())
    return usage("give only one of --no-sentinel and --sentinel-topic");
  if (!o.sentinel_topic.empty()) {
    if (auto problem = protocol::topic_name_error(o.sentinel_topic); !problem.empty())
      return usage("sentinel topic '" + o.sentinel_topic + "' " + std::string(problem));
  }
  return -1;
}

} // namespace mqtk::apps::retain_clear
