// mqtk-will-test: flags, validation and the usage errors that stop before anything is sent.
#include "will-test/will_test.hpp"

#include "common/command_line.hpp"
#include "common/diagnostics.hpp"
#include "common/exit_status.hpp"
#include "common/flag_lookup.hpp"
#include "common/help_sections.hpp"
#include "common/text_checks.hpp"
#include "mqtk/protocol/topic.hpp"

#include <CLI/CLI.hpp>

namespace mqtk::apps::will_test {

namespace {

int usage(const std::string &message) {
  print_error(message);
  return exit_usage;
}

} // namespace

bool wants_v5(const will_test_options &o) {
  return o.content_type || o.message_expiry || !o.user_properties.empty() || o.response_topic ||
         o.correlation_data || !o.payload_format.empty() || o.connection.will_delay > 0;
}

int parse_options(int argc, char **argv, will_test_options &o, CLI::App &app) {
  add_connection_options(app, o.connection, broker_count::one, false);
  bool version = false;
  std::string end;
  add_version_flag(app, version);
  const char *test = "Test";
  help_section(app, test).add_option(
      "--end", end,
      "How the will client ends: abrupt (default), keepalive, graceful, disconnect-with-will, takeover");
  help_section(app, test).add_flag("--all", o.all, "Run every scenario and print a table");
  help_section(app, test).add_option(
      "-W,--timeout", o.timeout,
      "Seconds to listen for the will after the end; later than the spec's time is reported as late "
      "(default: the spec's time + tolerance + 1, for keepalive + 1.5 x keepalive more)");
  help_section(app, test).add_option("--tolerance", o.tolerance,
                                     "Seconds a will may come later than the spec's time (default 2)");
  help_section(app, test).add_flag("--keep-retained", o.keep_retained,
                                   "Leave a retained will on the broker (default: clear it)");
  app.add_flag("--json", o.json, "Print one JSON line per scenario on stdout");
  const char *props = "Will properties (MQTT 5)";
  help_section(app, props).add_option("--will-content-type", o.content_type, "Content type of the will");
  help_section(app, props)
      .add_option("--will-message-expiry", o.message_expiry,
                  "Message expiry interval of the will in seconds");
  help_section(app, props)
      .add_option("--will-user-property", o.user_properties,
                  "User property KEY=VALUE of the will (repeatable)");
  help_section(app, props)
      .add_option("--will-response-topic", o.response_topic, "Response topic of the will");
  help_section(app, props)
      .add_option("--will-correlation-data", o.correlation_data, "Correlation data of the will (text)");
  help_section(app, props)
      .add_option("--will-payload-format", o.payload_format,
                  "Payload format indicator of the will: utf8 or bytes");

  if (int status = parse_command_line(app, argc, argv, version); status >= 0)
    return status;

  if (o.all && !end.empty())
    return usage("give only one of --end and --all");
  if (o.all) {
    o.scenarios.assign(all_end_modes.begin(), all_end_modes.end());
  } else {
    const auto mode = parse_end_mode(end.empty() ? "abrupt" : end);
    if (!mode)
      return usage("--end '" + end +
                   "' is not one of abrupt, keepalive, graceful, disconnect-with-will, takeover");
    o.scenarios = {*mode};
  }
  if (o.timeout < 0)
    return usage("-W/--timeout must not be negative");
  if (o.tolerance < 0)
    return usage("--tolerance must not be negative");
  if (!o.payload_format.empty() && o.payload_format != "utf8" && o.payload_format != "bytes")
    return usage("--will-payload-format must be utf8 or bytes");
  for (const auto &pair : o.user_properties)
    if (pair.find('=') == std::string::npos)
      return usage("--will-user-property '" + pair + "' is not KEY=VALUE");
  if (o.response_topic) {
    if (auto problem = protocol::topic_name_error(*o.response_topic); !problem.empty())
      return usage("will response topic '" + *o.response_topic + "' " + std::string(problem));
  }
  if (auto problem = control_char_error({{"will content type", o.content_type.value_or("")},
                                         {"will response topic", o.response_topic.value_or("")}},
                                        o.connection.allow_control_chars);
      !problem.empty())
    return usage(problem);
  if (auto problem = control_char_error("--will-user-property", o.user_properties, o.connection.allow_control_chars);
      !problem.empty())
    return usage(problem);
  o.topic_given = given(app, "--will-topic");
  o.id_given = given(app, "--id") || given(app, "--id-prefix");
  if (!o.all && o.scenarios.front() == end_mode::keepalive && o.connection.keepalive == 0)
    return usage("--end keepalive needs a keepalive above 0 (-k)");
  return -1;
}

} // namespace mqtk::apps::will_test
