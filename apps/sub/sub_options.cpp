// mqtk-sub: flags, validation and the usage errors that stop before connecting.
#include "sub/sub.hpp"

#include "common/command_line.hpp"
#include "common/diagnostics.hpp"
#include "common/exit_status.hpp"
#include "common/flag_lookup.hpp"
#include "common/help_sections.hpp"
#include "common/text_checks.hpp"
#include "mqtk/protocol/topic.hpp"

#include <CLI/CLI.hpp>

namespace mqtk::apps::sub {

namespace {

constexpr std::uint32_t max_subscription_id = 268'435'455;

int usage(const std::string &message) {
  print_error(message);
  return exit_usage;
}

// Why group cannot be a shared subscription group name, or "" when it can.
std::string group_error(const std::string &group) {
  if (group.empty())
    return "--share needs a group name";
  if (group.find_first_of("/+#") != std::string::npos)
    return "--share group '" + group + "' must not contain '/', '+' or '#'";
  return {};
}

// Checks the combinations of output and ending flags; "" when they fit together.
std::string combination_error(const sub_options &o, const CLI::App &app, int output_modes) {
  if (output_modes > 1)
    return "give only one of -v, -F, --json and --pretty";
  if (!o.newline && (o.mode == output_mode::json || o.mode == output_mode::pretty))
    return "-N applies to the payload, -v and -F output, not to --json or --pretty";
  if (o.max_payload && o.mode != output_mode::pretty)
    return "--max-payload only applies to --pretty (the other output modes print every byte)";
  if (given(app, "--count") && o.count == 0)
    return "-C must be at least 1";
  if (given(app, "--timeout") && !(o.timeout > 0))
    return "-W must be more than 0 seconds";
  if (o.settle && !o.retained_only)
    return "--settle only applies to --retained-only";
  if (o.settle && !(*o.settle > 0))
    return "--settle must be more than 0 seconds";
  if (o.retained_only && o.skip_retained)
    return "--retained-only and -R exclude each other: nothing would be printed";
  if (o.retained_only && o.retain_handling == 2)
    return "--retained-only with --retain-handling 2 would receive no retained messages";
  if (o.retained_only && o.exit_after_subscribe)
    return "give only one of --retained-only and -E";
  if (o.remove_retained && o.skip_retained)
    return "--remove-retained and -R exclude each other: -R skips the messages to clear";
  if (o.qos < 0 || o.qos > 2)
    return "QoS " + std::to_string(o.qos) + " is not 0, 1 or 2";
  if (o.retain_handling && (*o.retain_handling < 0 || *o.retain_handling > 2))
    return "--retain-handling must be 0, 1 or 2";
  if (o.subscription_id && (*o.subscription_id == 0 || *o.subscription_id > max_subscription_id))
    return "--subscription-id must be from 1 to 268435455";
  return {};
}

} // namespace

int parse_options(int argc, char **argv, sub_options &o, CLI::App &app) {
  add_connection_options(app, o.connection);
  bool version = false;
  add_version_flag(app, version);

  const char *subscription = "Subscription";
  help_section(app, subscription)
      .add_option("-t,--topic", o.topics, "Topic filter to subscribe to (repeatable)")
      ->allow_extra_args(false);
  help_section(app, subscription)
      .add_option("-T,--filter-out", o.hidden,
                  "Do not print messages whose topic matches FILTER (repeatable)")
      ->allow_extra_args(false);
  help_section(app, subscription)
      .add_option(
          "-U,--unsubscribe", o.unsubscribe,
          "Unsubscribe from FILTER first, as with a persistent session (repeatable; without -t: then exit)")
      ->allow_extra_args(false);
  help_section(app, subscription)
      .add_option("-q,--qos", o.qos, "Maximum QoS of the subscriptions: 0, 1 or 2 (default 0)");
  help_section(app, subscription)
      .add_option("--share", o.share_group,
                  "Subscribe as member GROUP of a shared subscription ($share/GROUP/...)");
  help_section(app, subscription)
      .add_flag("--no-local", o.no_local, "Do not receive our own publishes (MQTT 5)");
  help_section(app, subscription)
      .add_flag("--retain-as-published", o.retain_as_published,
                "Keep the retain flag of live messages as published (MQTT 5)");
  help_section(app, subscription)
      .add_option("--retain-handling", o.retain_handling,
                  "Retained messages on subscribe: 0 always, 1 new subscriptions only, 2 never (MQTT 5)");
  help_section(app, subscription)
      .add_option("--subscription-id", o.subscription_id, "Subscription identifier 1-268435455 (MQTT 5)");
  help_section(app, subscription)
      .add_flag("--allow-partial", o.allow_partial, "Go on when the broker refuses some but not all filters");
  help_section(app, subscription)
      .add_flag("--remove-retained", o.remove_retained, "Clear each retained message received");

  const char *output = "Output";
  bool verbose = false, json = false, pretty = false, no_newline = false;
  std::string format;
  help_section(app, output).add_flag("-v,--verbose", verbose, "Print the topic and the payload");
  help_section(app, output).add_flag("-N,--no-newline", no_newline, "Do not end each message with a newline");
  help_section(app, output)
      .add_option("-F,--format", format,
                  "Print each message with a template (%t %p %q %r %m %l %x %d %f %I %U %j %J %A ...)");
  help_section(app, output).add_flag("--json", json, "Print one JSON object per message and line (lossless)");
  help_section(app, output).add_flag("--pretty", pretty, "Print each message as a readable multi-line block");
  help_section(app, output)
      .add_option("--random-filter", o.random_filter,
                  "Print each message with a chance of PERCENT (0.01-100), as mosquitto_sub")
      ->check(CLI::Range(0.01, 100.0))
      ->type_name("PERCENT");
  help_section(app, output)
      .add_option_function<std::string>(
          "--decode", [&o](const std::string &name) { o.decode = parse_payload_codec(name); },
          "Show payloads decoded: cbor or msgpack as JSON text, hex or base64 as their bytes")
      ->check(CLI::IsMember({"cbor", "msgpack", "hex", "base64"}))
      ->type_name("CODEC");
  help_section(app, output)
      .add_option("--max-payload", o.max_payload, "With --pretty: show at most BYTES of each payload")
      ->type_name("BYTES");

  const char *ending = "Ending";
  help_section(app, ending).add_option("-C,--count", o.count, "Exit 0 after COUNT messages");
  help_section(app, ending)
      .add_option("-W,--timeout", o.timeout,
                  "Exit 9 when SECONDS pass before the end (counted from the start)");
  help_section(app, ending)
      .add_flag("-E,--exit-after-subscribe", o.exit_after_subscribe,
                "Exit 0 once the subscription is acknowledged");
  help_section(app, ending)
      .add_flag("--retained-only", o.retained_only, "Print the retained messages present now, then exit 0");
  help_section(app, ending)
      .add_option("--settle", o.settle,
                  "With --retained-only: end after SECONDS without a message instead of using a sentinel");
  help_section(app, ending).add_flag("-R,--skip-retained", o.skip_retained, "Do not print retained messages");

  add_match_options(app, o.matching);
  add_view_options(app, o.views);
  add_exec_options(app, o.exec);
  argc = split_exec_command(argc, argv, o.exec); // -- COMMAND ARGS...
  if (int status = parse_command_line(app, argc, argv, version); status >= 0)
    return status;
  if (auto problem = resolve_match_options(app, o.matching, o.topics); !problem.empty())
    return usage(problem);
  if (auto problem = resolve_exec_options(app, o.exec, o.topics, o.qos,
                                            o.connection.no_clean && o.connection.session_expiry != "0"); !problem.empty())
    return usage(problem);

  const int output_modes =
      (verbose ? 1 : 0) + (given(app, "--format") ? 1 : 0) + (json ? 1 : 0) + (pretty ? 1 : 0);
  o.mode = verbose                 ? output_mode::verbose
           : given(app, "--format") ? output_mode::format
           : json                  ? output_mode::json
           : pretty                ? output_mode::pretty
                                   : output_mode::payload;
  o.newline = !no_newline;
  if (auto problem = combination_error(o, app, output_modes); !problem.empty())
    return usage(problem);
  if (auto problem = resolve_view_options(app, o.views, o.mode, o.newline); !problem.empty())
    return usage(problem);
  if (o.mode == output_mode::format) {
    if (auto problem = parse_format(format, o.format); !problem.empty())
      return usage("-F '" + format + "': " + problem);
  }

  const bool allow = o.connection.allow_control_chars;
  for (auto problem : {control_char_error("topic filter", o.topics, allow),
                       control_char_error("-U filter", o.unsubscribe, allow),
                       control_char_error({{"--share group", o.share_group}}, allow)})
    if (!problem.empty())
      return usage(problem);
  if (o.topics.empty() && o.unsubscribe.empty())
    return usage("give at least one topic filter with -t (or -U to unsubscribe)");
  if (o.topics.empty()) {
    for (const char *flag : {"--filter-out", "--share", "--no-local", "--retain-as-published", "--retain-handling",
                             "--subscription-id", "--allow-partial", "--remove-retained", "--count",
                             "--retained-only", "--settle", "--skip-retained"})
      if (app.count(flag))
        return usage(std::string(flag) + " needs a subscription (-t)");
  }
  for (const auto &filter : o.unsubscribe) {
    if (auto problem = protocol::topic_filter_error(filter); !problem.empty())
      return usage("-U filter '" + filter + "' " + std::string(problem));
  }
  if (given(app, "--share")) {
    if (auto problem = group_error(o.share_group); !problem.empty())
      return usage(problem);
  }
  for (auto &filter : o.topics) {
    if (auto problem = protocol::topic_filter_error(filter); !problem.empty())
      return usage("topic filter '" + filter + "' " + std::string(problem));
    if (given(app, "--share")) {
      if (protocol::parse_shared_filter(filter))
        return usage("topic filter '" + filter + "' is already a shared subscription; leave out --share");
      filter = "$share/" + o.share_group + "/" + filter;
      if (auto problem = protocol::topic_filter_error(filter); !problem.empty())
        return usage("shared filter '" + filter + "' " + std::string(problem));
    }
  }
  for (const auto &filter : o.hidden) {
    if (auto problem = protocol::topic_filter_error(filter); !problem.empty())
      return usage("-T filter '" + filter + "' " + std::string(problem));
  }
  return -1;
}

} // namespace mqtk::apps::sub
