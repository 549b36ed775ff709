// mqtk-pub: the record-and-replay flags and their usage checks.
#include "pub/replay_options.hpp"

#include "common/flag_lookup.hpp"
#include "common/help_sections.hpp"
#include "common/text_checks.hpp"

#include <CLI/CLI.hpp>

#include <cmath>
#include <sys/stat.h>
#include <unistd.h>

namespace mqtk::apps::pub {

void add_replay_options(CLI::App &app, replay_options &o) {
  const char *g = "Replay";
  deferred_section(app, g, [&app, &o, g] { // registered only when a command line may name them
    help_section(app, g).add_flag("--replay", o.replay,
                                  "With --jsonl: publish a capture with its original timing (received_at)");
    help_section(app, g).add_option(
        "--speed", o.speed,
        "With --replay: timing factor, 2 = twice as fast, 0 = as fast as possible (default 1)");
    help_section(app, g).add_option(
        "--loop", o.loop,
        "With --replay: go through the capture N times, 0 = until interrupted (stdin must be a file)");
    help_section(app, g).add_option("--topic-prefix", o.topic_prefix,
                                    "With --jsonl: rewrite topics starting with OLD to start with NEW "
                                    "(OLD=NEW, repeatable, first match wins)");
  });
}

std::string replay_options_error(const CLI::App &app, replay_options &o, bool jsonl, bool rate) {
  if (o.replay && !jsonl)
    return "--replay needs --jsonl (a capture written by mqtk-sub --json)";
  if (!o.replay && (given(app, "--speed") || given(app, "--loop")))
    return "--speed and --loop need --replay";
  if (!o.topic_prefix.empty() && !jsonl)
    return "--topic-prefix needs --jsonl";
  if (o.replay && rate)
    return "--rate does not apply to --replay (use --speed)";
  if (!std::isfinite(o.speed) || o.speed < 0)
    return "--speed must be a number of at least 0 (0 = as fast as possible)";
  if (o.replay && o.loop != 1) {
    struct stat st{};
    if (::fstat(STDIN_FILENO, &st) != 0 || !S_ISREG(st.st_mode))
      return "--loop needs the capture on stdin from a file (< capture.jsonl) so it can be read again";
  }
  for (const auto &spec : o.topic_prefix) {
    auto rule = parse_prefix_rule(spec);
    if (!rule)
      return "--topic-prefix '" + shown(spec) + "' is not OLD=NEW";
    o.rules.push_back(std::move(*rule));
  }
  return "";
}

} // namespace mqtk::apps::pub
