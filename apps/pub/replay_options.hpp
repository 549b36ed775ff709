#pragma once

// mqtk-pub's record-and-replay flags (--replay, --speed, --loop, --topic-prefix).

#include "pub/topic_rewrite.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace CLI {
class App;
} // namespace CLI

namespace mqtk::apps::pub {

// What the replay flags say.
struct replay_options {
  bool replay = false;                     // --replay: keep the capture's timing (received_at)
  double speed = 1;                        // --speed: 2 = twice as fast, 0 = as fast as possible
  std::uint64_t loop = 1;                  // --loop: times through the capture, 0 = until interrupted
  std::vector<std::string> topic_prefix;   // --topic-prefix OLD=NEW as given
  std::vector<prefix_rule> rules;          // ... parsed
};

// Registers the replay flags on app, as a deferred section (help_sections.hpp).
void add_replay_options(CLI::App &app, replay_options &o);

// Checks the replay flags after parsing (jsonl: --jsonl was given, rate: --rate was given); returns
// the usage error's message, or "" when they are fine. Fills o.rules.
std::string replay_options_error(const CLI::App &app, replay_options &o, bool jsonl, bool rate);

} // namespace mqtk::apps::pub
