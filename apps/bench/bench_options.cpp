// mqtk-bench: flags, validation and the usage errors that stop before anything connects.
#include "bench/bench.hpp"
#include "bench/bench_payload.hpp"

#include "common/command_line.hpp"
#include "common/diagnostics.hpp"
#include "common/exit_status.hpp"
#include "common/flag_lookup.hpp"
#include "common/help_sections.hpp"
#include "common/text_checks.hpp"
#include "mqtk/protocol/topic.hpp"

#include <CLI/CLI.hpp>

namespace mqtk::apps::bench {

namespace {

int usage(const std::string &message) {
  print_error(message);
  return exit_usage;
}

bool parse_mode(const std::string &text, bench_mode &mode) {
  for (bench_mode m : {bench_mode::conn, bench_mode::pub, bench_mode::sub, bench_mode::pubsub})
    if (text == mode_name(m)) {
      mode = m;
      return true;
    }
  return false;
}

// Checks the flags that only some modes use; empty when all is well.
std::string misplaced_flag(const CLI::App &app, bench_mode mode) {
  const bool publishes = mode == bench_mode::pub || mode == bench_mode::pubsub;
  const bool receives = mode == bench_mode::sub || mode == bench_mode::pubsub;
  const char *name = mode_name(mode);
  if (mode != bench_mode::pubsub && given(app, "--subscribers"))
    return "--subscribers is for pubsub mode only";
  for (const char *flag : {"--size", "--rate", "--max-inflight", "--drain"})
    if (!publishes && app.count(flag))
      return std::string(flag) + " is for pub and pubsub modes, not " + name;
  for (const char *flag : {"--max-loss", "--max-p99"})
    if (!receives && app.count(flag))
      return std::string(flag) + " needs received messages: sub or pubsub mode, not " + name;
  if (mode == bench_mode::conn && (given(app, "--topic") || given(app, "--qos") || given(app, "--count")))
    return std::string("--topic, --qos and --count are not used in conn mode");
  return {};
}

// The pattern with every %i replaced by text.
std::string replace_index(const std::string &pattern, const std::string &text) {
  std::string out;
  out.reserve(pattern.size() + 8);
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '%' && i + 1 < pattern.size() && pattern[i + 1] == 'i') {
      out += text;
      ++i;
    } else {
      out += pattern[i];
    }
  }
  return out;
}

} // namespace

const char *mode_name(bench_mode mode) {
  switch (mode) {
  case bench_mode::conn:
    return "conn";
  case bench_mode::pub:
    return "pub";
  case bench_mode::sub:
    return "sub";
  case bench_mode::pubsub:
    return "pubsub";
  }
  return "?";
}

std::string expand_topic(const std::string &pattern, std::uint32_t index) {
  return replace_index(pattern, std::to_string(index));
}

std::string subscriber_filter(const std::string &pattern) {
  return replace_index(pattern, "+");
}

int parse_options(int argc, char **argv, bench_options &o, CLI::App &app) {
  add_connection_options(app, o.connection, broker_count::several, false);
  bool version = false;
  add_version_flag(app, version);
  std::string mode = "pubsub";
  app.add_option("mode", mode, "conn, pub, sub or pubsub (default pubsub)");
  const char *load = "Load";
  help_section(app, load).add_option("-C,--clients", o.clients,
                                     "Connections: publishers in pub/pubsub, subscribers in sub (default 1)");
  help_section(app, load).add_option("-s,--subscribers", o.subscribers,
                                     "pubsub: subscribing connections (default 1)");
  help_section(app, load).add_option(
      "-t,--topic", o.topic,
      "Topic to publish to, %i is the client index (default mqtk-bench/%i); sub: the filter");
  help_section(app, load).add_option("-q,--qos", o.qos, "Quality of service: 0, 1 or 2 (default 0)");
  help_section(app, load).add_option("--size", o.size,
                                     "Payload bytes, at least the 32 of the bench header (default 32)");
  help_section(app, load).add_option(
      "--rate", o.rate, "Messages per second per publisher (default: as fast as the broker takes them)");
  help_section(app, load).add_option(
      "-n,--count", o.count,
      "Messages per publisher; sub: stop after N messages in all (default: until the duration ends)");
  help_section(app, load).add_option(
      "-D,--duration", o.duration,
      "Seconds to publish (pub, pubsub), receive (sub) or hold the connections (conn) (default 10)");
  help_section(app, load).add_option("--connect-rate", o.connect_rate,
                                     "New connections per second (default 500)");
  help_section(app, load).add_option(
      "--max-inflight", o.max_inflight,
      "Unacknowledged QoS 1/2 messages per publisher (default 1024, and never more than the broker's "
      "Receive Maximum)");
  help_section(app, load).add_option(
      "--drain", o.drain, "Seconds to wait after publishing for acknowledgements and messages (default 5)");
  const char *report = "Report";
  help_section(app, report)
      .add_option("--interval", o.interval, "Seconds between progress lines (default 1)");
  help_section(app, report).add_flag("--quiet", o.quiet, "No progress lines, only the summary");
  help_section(app, report)
      .add_flag("--json", o.json, "JSON lines on stdout: progress objects, then the summary");
  help_section(app, report)
      .add_option("--max-loss", o.max_loss, "Exit 10 when more than PERCENT of the messages were lost");
  help_section(app, report)
      .add_option(
          "--max-p99", o.max_p99,
          "Exit 10 when the 99th percentile latency (response time with --rate) exceeds MS milliseconds");
  help_section(app, report)
      .add_option(
          "--min-rate", o.min_rate,
          "Exit 10 when fewer messages per second arrived (sent in pub mode, connections in conn mode), "
          "0.1% tolerance");
  add_shard_options(app, o);
  add_cluster_options(app, o);
  add_export_options(app, o);
  add_cpu_options(app, o);
  add_scale_options(app, o);

  if (int status = parse_command_line(app, argc, argv, version); status >= 0)
    return status;

  if (!parse_mode(mode, o.mode))
    return usage("mode '" + mode + "' is not conn, pub, sub or pubsub");
  if (auto problem = misplaced_flag(app, o.mode); !problem.empty())
    return usage(problem);
  if (auto problem = cluster_options_error(app, o); !problem.empty())
    return usage(problem);
  if (auto problem = export_options_error(app, o); !problem.empty())
    return usage(problem);
  if (auto problem = cpu_options_error(app, o); !problem.empty())
    return usage(problem);
  if (auto problem = scale_options_error(app, o); !problem.empty())
    return usage(problem);
  if (o.clients == 0 || o.clients > 100000)
    return usage("--clients must be between 1 and 100000");
  if (o.subscribers == 0 || o.subscribers > 100000)
    return usage("--subscribers must be between 1 and 100000");
  if (o.qos < 0 || o.qos > 2)
    return usage("QoS " + std::to_string(o.qos) + " is not 0, 1 or 2");
  if (o.size < bench_header_size || o.size > (1u << 28) - 1024)
    return usage("--size must be between " + std::to_string(bench_header_size) + " and 268434432 bytes");
  if (o.rate < 0 || o.drain < 0)
    return usage("--rate and --drain must not be negative");
  if (given(app, "--count") && o.count == 0)
    return usage("--count must be at least 1");
  if (o.duration < 0 || (o.duration == 0 && o.mode != bench_mode::conn && !given(app, "--count")))
    return usage("--duration must be positive");
  if (o.connect_rate <= 0 || o.interval <= 0)
    return usage("--connect-rate and --interval must be positive");
  if (o.max_inflight == 0)
    return usage("--max-inflight must be at least 1");
  if (o.max_loss && (*o.max_loss < 0 || *o.max_loss > 100))
    return usage("--max-loss is a percentage between 0 and 100");
  if ((o.max_p99 && *o.max_p99 <= 0) || (o.min_rate && *o.min_rate <= 0))
    return usage("--max-p99 and --min-rate must be positive");
  if (given(app, "--count") && !given(app, "--duration"))
    o.duration = 0; // publish the count, however long it takes
  if (!o.connection.client_id.empty() && (o.clients > 1 || o.mode == bench_mode::pubsub))
    return usage("-i names one client; use -I PREFIX for many (the index is appended)");

  if (auto problem = control_char_error({{"topic", o.topic}}, o.connection.allow_control_chars); !problem.empty())
    return usage(problem);
  if (o.topic.empty())
    o.topic = o.mode == bench_mode::sub ? "mqtk-bench/#" : "mqtk-bench/%i";
  if (o.mode == bench_mode::sub) {
    if (auto problem = protocol::topic_filter_error(o.topic); !problem.empty())
      return usage("filter '" + o.topic + "' " + std::string(problem));
  } else if (o.mode != bench_mode::conn) {
    if (auto problem = protocol::topic_name_error(expand_topic(o.topic, 0)); !problem.empty())
      return usage("topic '" + o.topic + "' " + std::string(problem));
    if (o.mode == bench_mode::pubsub && !protocol::topic_filter_error(subscriber_filter(o.topic)).empty())
      return usage("in pubsub mode %i must be a whole topic level (like a/%i/b) so subscribers can use +");
  }
  if (auto problem = shard_options_error(app, o); !problem.empty())
    return usage(problem);
  return -1;
}

} // namespace mqtk::apps::bench
