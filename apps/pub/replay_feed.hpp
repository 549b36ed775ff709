#pragma once

// mqtk-pub --replay/--topic-prefix on the run: takes each JSON line's topic rewrite and due time,
// says how long to wait before sending it, rewinds stdin between loops and reports lateness.

#include "pub/replay_options.hpp"
#include "pub/replay_schedule.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mqtk::apps::pub {

// The replay state of one mqtk-pub run (inactive without --replay and --topic-prefix).
class replay_feed {
public:
  using clock = replay_schedule::clock;

  // A feed for the given flags.
  explicit replay_feed(replay_options o) : o_(std::move(o)), schedule_(o_.speed) {}

  // Applies the topic rewrite to topic and, under --replay, schedules the line by its received_at;
  // false with error for a line that has none or a malformed one.
  bool take(std::string_view line, std::string &topic, std::string &error);
  // How long to wait before the taken message is due; nullopt when it may go now.
  std::optional<clock::duration> wait() const;
  // Records that the taken message went out now.
  void sent();
  // At the end of the input: true (stdin rewound, timing restarted) when another loop begins.
  bool next_loop();
  // Prints the end-of-run lines: how far the replay fell behind, and the count when interrupted.
  void report(bool interrupted, std::uint64_t sent_count) const;

private:
  replay_options o_;
  replay_schedule schedule_;
  std::optional<clock::time_point> due_;
  std::uint64_t loops_done_ = 0;
};

} // namespace mqtk::apps::pub
