// mqtk-pub: flags, validation and the usage errors that stop before anything is sent.
#include "pub/pub.hpp"

#include "common/command_line.hpp"
#include "common/diagnostics.hpp"
#include "common/exit_status.hpp"
#include "common/flag_lookup.hpp"
#include "common/help_sections.hpp"
#include "common/text_checks.hpp"
#include "mqtk/protocol/topic.hpp"

#include <CLI/CLI.hpp>

namespace mqtk::apps::pub {

namespace {

int usage(const std::string &message) {
  print_error(message);
  return exit_usage;
}

} // namespace

int parse_options(int argc, char **argv, pub_options &o, CLI::App &app) {
  add_connection_options(app, o.connection);
  bool version = false;
  add_version_flag(app, version);
  const char *msg = "Message";
  help_section(app, msg).add_option("-t,--topic", o.topic,
                                    "Topic to publish to (--jsonl lines may name their own)");
  help_section(app, msg).add_option("-m,--message", o.message, "Publish MSG as the payload");
  help_section(app, msg).add_option("-f,--file", o.file, "Publish the contents of FILE (binary safe)");
  bool stdin_whole = false, stdin_lines = false, null_message = false, jsonl = false;
  help_section(app, msg).add_flag("-s,--stdin-file", stdin_whole, "Publish all of stdin as one message");
  help_section(app, msg).add_flag("-l,--stdin-line", stdin_lines, "Publish each line of stdin as a message");
  help_section(app, msg).add_flag("-n,--null-message", null_message, "Publish an empty message");
  help_section(app, msg).add_flag("--jsonl", jsonl,
                                  "Publish one message per JSON line of stdin (mqtk-sub --json format)");
  help_section(app, msg).add_option("-q,--qos", o.qos, "Quality of service: 0, 1 or 2 (default 0)");
  help_section(app, msg)
      .add_option_function<std::string>(
          "--encode", [&o](const std::string &name) { o.encode = parse_payload_codec(name); },
          "Send the JSON payload (-m, -f, -s, each -l line) encoded as cbor or msgpack")
      ->check(CLI::IsMember({"cbor", "msgpack"}))
      ->type_name("CODEC");
  help_section(app, msg).add_flag("-r,--retain", o.retain, "Retain the message");
  bool no_pipeline = false;
  deferred_section(app, msg, [&app, &o, &no_pipeline, msg] { // the end of the section
    help_section(app, msg).add_option("--repeat", o.repeat, "Publish the message N times (default 1)");
    help_section(app, msg).add_option("--repeat-delay", o.repeat_delay, "Seconds between repeated messages");
    help_section(app, msg).add_option("--rate", o.rate,
                                      "At most N messages per second in any 1 s window (streams and --repeat)");
    help_section(app, msg).add_option(
        "--burst", o.burst, "With --rate: let up to N messages go back to back after a pause (default 1)");
    help_section(app, msg).add_option("--max-inflight", o.max_inflight,
                                      "At most N unacknowledged QoS 1/2 messages (default 1024, and never more "
                                      "than the broker's Receive Maximum)");
    help_section(app, msg).add_flag("--no-pipeline", no_pipeline,
                                    "Wait for CONNACK before sending (a single message otherwise goes with CONNECT)");
  });
  const char *v5 = "MQTT 5 properties";
  deferred_section(app, v5, [&app, &o, v5] {
    help_section(app, v5).add_option("--message-expiry", o.message_expiry,
                                     "Message expiry interval in seconds");
    help_section(app, v5).add_option("--content-type", o.content_type, "Content type (MIME) of the payload");
    help_section(app, v5).add_option("--response-topic", o.response_topic,
                                     "Response topic for request/response");
    help_section(app, v5).add_option("--correlation-data", o.correlation_data, "Correlation data (text)");
    help_section(app, v5).add_option("--user-property", o.user_properties,
                                     "User property KEY=VALUE (repeatable, order kept)");
    help_section(app, v5).add_option("--payload-format", o.payload_format,
                                     "Payload format indicator: utf8 or bytes");
    help_section(app, v5).add_flag("--topic-alias", o.topic_alias,
                                   "Use topic aliases for repeated topics in streams");
  });
  app.add_flag("--json", o.json, "Print one JSON result line per message on stdout");
  add_replay_options(app, o.replay);

  if (int status = parse_command_line(app, argc, argv, version); status >= 0)
    return status;
  o.pipeline = !no_pipeline;

  const int sources = (given(app, "--message") ? 1 : 0) + (given(app, "--file") ? 1 : 0) + (stdin_whole ? 1 : 0) +
                      (stdin_lines ? 1 : 0) + (null_message ? 1 : 0) + (jsonl ? 1 : 0);
  if (sources == 0)
    return usage("give a payload: -m MSG, -f FILE, -s, -l, -n or --jsonl");
  if (sources > 1)
    return usage("give only one of -m, -f, -s, -l, -n and --jsonl");
  o.source = given(app, "--message") ? payload_source::message
             : given(app, "--file")  ? payload_source::file
             : stdin_whole          ? payload_source::stdin_whole
             : stdin_lines          ? payload_source::stdin_lines
             : null_message         ? payload_source::null_message
                                    : payload_source::jsonl;
  if (o.topic.empty() && !given(app, "--topic") && o.source != payload_source::jsonl)
    return usage("give a topic with -t");
  if (given(app, "--topic")) {
    if (auto problem = protocol::topic_name_error(o.topic); !problem.empty())
      return usage("topic '" + shown(o.topic) + "' " + std::string(problem));
  }
  if (o.qos < 0 || o.qos > 2)
    return usage("QoS " + std::to_string(o.qos) + " is not 0, 1 or 2");
  if (o.max_inflight == 0)
    return usage("--max-inflight must be at least 1");
  if (o.repeat == 0)
    return usage("--repeat must be at least 1");
  const bool stream = o.source == payload_source::stdin_lines || o.source == payload_source::jsonl;
  if (stream && (given(app, "--repeat") || given(app, "--repeat-delay")))
    return usage("--repeat and --repeat-delay apply to -m, -f, -s and -n, not to -l or --jsonl streams");
  if (o.encode && (o.source == payload_source::jsonl || o.source == payload_source::null_message))
    return usage("--encode applies to -m, -f, -s and -l payloads, not to -n or --jsonl");
  if (!(o.repeat_delay >= 0))
    return usage("--repeat-delay must not be negative");
  if (given(app, "--rate") && !(o.rate > 0))
    return usage("--rate must be more than 0 messages per second (leave it out for no limit)");
  if (o.rate > 1e9)
    return usage("--rate must be at most 1000000000 messages per second");
  if (given(app, "--burst") && !given(app, "--rate"))
    return usage("--burst needs --rate");
  if (o.burst == 0)
    return usage("--burst must be at least 1");
  if (!o.payload_format.empty() && o.payload_format != "utf8" && o.payload_format != "bytes")
    return usage("--payload-format must be utf8 or bytes");
  for (const auto &pair : o.user_properties)
    if (pair.find('=') == std::string::npos)
      return usage("--user-property '" + shown(pair) + "' is not KEY=VALUE");
  if (o.response_topic) {
    if (auto problem = protocol::topic_name_error(*o.response_topic); !problem.empty())
      return usage("response topic '" + shown(*o.response_topic) + "' " + std::string(problem));
  }
  if (auto problem = replay_options_error(app, o.replay, jsonl, given(app, "--rate")); !problem.empty())
    return usage(problem);
  const bool allow = o.connection.allow_control_chars;
  std::string problem = control_char_error({{"topic", o.topic},
                                            {"content type", o.content_type.value_or("")},
                                            {"response topic", o.response_topic.value_or("")}},
                                           allow);
  if (problem.empty())
    problem = control_char_error("--user-property", o.user_properties, allow);
  if (!problem.empty())
    return usage(problem);
  return -1;
}

} // namespace mqtk::apps::pub
