// mqtk-rr: flags, validation and the usage errors that stop before connecting.
#include "rr/rr.hpp"

#include "common/command_line.hpp"
#include "common/diagnostics.hpp"
#include "common/exit_status.hpp"
#include "common/flag_lookup.hpp"
#include "common/help_sections.hpp"
#include "common/text_checks.hpp"
#include "mqtk/protocol/topic.hpp"

#include <CLI/CLI.hpp>

namespace mqtk::apps::rr {

namespace {

int usage(const std::string &message) {
  print_error(message);
  return exit_usage;
}

// The flags of one mode that make no sense in the other; "" when none was given.
std::string misplaced_flag(const CLI::App &app, bool serve) {
  static const char *const request_only[] = {
      "--message", "--file", "--stdin-file", "--null-message", "--response-topic", "--request-response-information",
      "--timeout", "--repeat", "--interval", "--in-flight", "--latency", "--verbose", "--no-newline", "--format",
      "--json", "--user-property"};
  static const char *const serve_only[] = {"--jobs", "--exec-timeout", "command"};
  if (serve) {
    for (const char *flag : request_only)
      if (app.count(flag))
        return std::string(flag) + " applies to requests, not to --serve";
  } else {
    for (const char *flag : serve_only)
      if (app.count(flag))
        return std::string(flag) == "command" ? "a command after -- needs --serve"
                                              : std::string(flag) + " needs --serve";
  }
  return {};
}

// Checks the request flags; "" when they fit together.
std::string request_error(const rr_options &o, const CLI::App &app, int sources, int output_modes) {
  if (o.topics.size() != 1)
    return "give the request topic with -t (exactly one)";
  if (auto problem = protocol::topic_name_error(o.topics.front()); !problem.empty())
    return "request topic '" + shown(o.topics.front()) + "' " + std::string(problem);
  if (sources == 0)
    return "give a request payload: -m MSG, -f FILE, -s or -n";
  if (sources > 1)
    return "give only one of -m, -f, -s and -n";
  if (o.response_topic) {
    if (auto problem = protocol::topic_name_error(*o.response_topic); !problem.empty())
      return "response topic '" + shown(*o.response_topic) + "' " + std::string(problem);
  }
  if (o.response_topic && o.request_response_information)
    return "give only one of --response-topic and --request-response-information";
  if (output_modes > 1)
    return "give only one of -v, -F and --json";
  if (!o.newline && o.json())
    return "-N applies to the payload, -v and -F output, not to --json";
  if (given(app, "--timeout") && !(o.timeout > 0))
    return "-W must be more than 0 seconds";
  if (o.repeat == 0)
    return "--repeat must be at least 1";
  if (!(o.interval >= 0))
    return "--interval must not be negative";
  if (given(app, "--interval") && o.repeat < 2)
    return "--interval needs --repeat 2 or more";
  if (o.in_flight == 0 || o.in_flight > 65535)
    return "--in-flight must be from 1 to 65535";
  for (const auto &pair : o.user_properties)
    if (pair.find('=') == std::string::npos)
      return "--user-property '" + shown(pair) + "' is not KEY=VALUE";
  return {};
}

// Checks the --serve flags; "" when they fit together.
std::string serve_error(const rr_options &o) {
  if (o.topics.empty())
    return "give the request topics to serve with -t (repeatable)";
  for (const auto &filter : o.topics)
    if (auto problem = protocol::topic_filter_error(filter); !problem.empty())
      return "topic filter '" + shown(filter) + "' " + std::string(problem);
  if (o.command.empty())
    return "give the command to run per request after --: mqtk-rr --serve -t TOPIC -- COMMAND [ARGS...]";
  if (o.jobs == 0)
    return "--jobs must be at least 1";
  if (!(o.exec_timeout > 0) || o.exec_timeout > 86400)
    return "--exec-timeout must be more than 0 and at most 86400 seconds";
  return {};
}

} // namespace

int parse_options(int argc, char **argv, rr_options &o, CLI::App &app) {
  add_connection_options(app, o.connection);
  bool version = false;
  add_version_flag(app, version);

  const char *request = "Request";
  help_section(app, request)
      .add_option("-t,--topic", o.topics, "Request topic (with --serve: topic filter to serve, repeatable)")
      ->allow_extra_args(false);
  help_section(app, request).add_option("-m,--message", o.message, "Send MSG as the request payload");
  help_section(app, request)
      .add_option("-f,--file", o.file, "Send the contents of FILE as the request payload");
  bool stdin_whole = false, null_message = false;
  help_section(app, request)
      .add_flag("-s,--stdin-file", stdin_whole, "Send all of stdin as the request payload");
  help_section(app, request).add_flag("-n,--null-message", null_message, "Send an empty request payload");
  help_section(app, request)
      .add_option("-q,--qos", o.qos, "QoS of requests, responses and subscriptions: 0, 1 or 2 (default 0)");
  help_section(app, request)
      .add_option("--user-property", o.user_properties,
                  "User property KEY=VALUE on each request (repeatable)")
      ->allow_extra_args(false);
  help_section(app, request)
      .add_option("-e,--response-topic", o.response_topic,
                  "Topic the responses come back on (default: a private random one)");
  help_section(app, request)
      .add_flag("--request-response-information", o.request_response_information,
                "Build the response topic from the broker's Response Information (MQTT 5)");
  help_section(app, request)
      .add_option("-W,--timeout", o.timeout, "Exit 9 when a response takes more than SECONDS");
  help_section(app, request).add_option("--repeat", o.repeat, "Send N requests (default 1)");
  help_section(app, request)
      .add_option("--interval", o.interval, "With --repeat: at least SECONDS between the starts of requests");
  help_section(app, request)
      .add_option("--in-flight", o.in_flight,
                  "Keep up to K requests waiting for responses at once (default 1)");
  help_section(app, request)
      .add_flag("--latency", o.latency, "Print each round-trip time and a min/p50/p99/max summary");

  const char *output = "Output";
  bool verbose = false, json = false, no_newline = false;
  std::string format;
  help_section(app, output).add_flag("-v,--verbose", verbose, "Print the response topic and the payload");
  help_section(app, output)
      .add_flag("-N,--no-newline", no_newline, "Do not end each response with a newline");
  help_section(app, output)
      .add_option("-F,--format", format, "Print each response with an mqtk-sub -F template");
  help_section(app, output)
      .add_flag("--json", json, "Print each response (and --latency figures) as JSON lines");

  const char *serving = "Serving";
  help_section(app, serving)
      .add_flag("--serve", o.serve, "Answer requests on the -t filters with the command given after --");
  help_section(app, serving)
      .add_option("--jobs", o.jobs, "With --serve: run at most N commands at once (default 1)");
  help_section(app, serving)
      .add_option("--exec-timeout", o.exec_timeout,
                  "With --serve: kill a command after SECONDS (default 30)");
  // A positional stays in app: --help lists only app's own positionals.
  app.add_option("command", o.command, "With --serve: the command and its arguments, after --");

  if (int status = parse_command_line(app, argc, argv, version); status >= 0)
    return status;
  if (auto problem = misplaced_flag(app, o.serve); !problem.empty())
    return usage(problem);

  if (o.qos < 0 || o.qos > 2)
    return usage("QoS " + std::to_string(o.qos) + " is not 0, 1 or 2");
  const bool allow = o.connection.allow_control_chars;
  std::string problem = control_char_error("topic", o.topics, allow);
  if (problem.empty())
    problem = control_char_error({{"response topic", o.response_topic.value_or("")}}, allow);
  if (problem.empty())
    problem = control_char_error("--user-property", o.user_properties, allow);
  if (!problem.empty())
    return usage(problem);
  if (o.serve) {
    problem = serve_error(o);
    return problem.empty() ? -1 : usage(problem);
  }

  const int sources = (given(app, "--message") ? 1 : 0) + (given(app, "--file") ? 1 : 0) + (stdin_whole ? 1 : 0) +
                      (null_message ? 1 : 0);
  o.source = given(app, "--message") ? payload_source::message
             : given(app, "--file")  ? payload_source::file
             : stdin_whole          ? payload_source::stdin_whole
                                    : payload_source::null_message;
  const int output_modes = (verbose ? 1 : 0) + (given(app, "--format") ? 1 : 0) + (json ? 1 : 0);
  o.mode = verbose                 ? sub::output_mode::verbose
           : given(app, "--format") ? sub::output_mode::format
           : json                  ? sub::output_mode::json
                                   : sub::output_mode::payload;
  o.newline = !no_newline;
  if (problem = request_error(o, app, sources, output_modes); !problem.empty())
    return usage(problem);
  if (o.mode == sub::output_mode::format) {
    if (problem = sub::parse_format(format, o.format); !problem.empty())
      return usage("-F '" + format + "': " + problem);
  }
  return -1;
}

} // namespace mqtk::apps::rr
