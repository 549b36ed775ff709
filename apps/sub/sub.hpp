#pragma once

#include "common/connection_options.hpp"
#include "sub/format_template.hpp"
#include "sub/message_printer.hpp"
#include "sub/sub_options_exec.hpp"
#include "sub/sub_options_match.hpp"
#include "sub/sub_views.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mqtk::apps::sub {

// Everything mqtk-sub's flags say.
struct sub_options {
  connection_flags connection;
  std::vector<std::string> topics; // -t, already prefixed with $share/GROUP/ when --share is given
  std::vector<std::string> hidden; // -T
  std::vector<std::string> unsubscribe; // -U: removed from the session before subscribing
  int qos = 0;
  std::string share_group;
  bool no_local = false;
  bool retain_as_published = false;
  std::optional<int> retain_handling;
  std::optional<std::uint32_t> subscription_id;
  output_mode mode = output_mode::payload;
  bool newline = true;               // false with -N
  format_template format;            // -F, parsed
  double random_filter = 100;             // --random-filter: percent of the messages printed
  std::optional<payload_codec> decode;     // --decode: payloads shown decoded in every mode
  std::optional<std::size_t> max_payload; // --max-payload: bytes of a payload --pretty shows
  std::uint64_t count = 0;           // -C; 0: no limit
  double timeout = 0;                // -W seconds; 0: none
  bool exit_after_subscribe = false; // -E
  bool retained_only = false;
  std::optional<double> settle; // --settle: quiet period instead of the sentinel
  bool skip_retained = false;   // -R
  bool remove_retained = false;
  bool allow_partial = false;
  match_options matching; // --until, --match-*, --print-all
  view_options views;     // --watch, --watch-limit, --message-rate
  exec_options exec;      // --exec, -- COMMAND, --exec-table, --jobs, --exec-timeout, --ack-after-exec

  // True when the flags ask for something only MQTT 5 can carry.
  bool wants_v5() const noexcept {
    return no_local || retain_as_published || retain_handling.has_value() || subscription_id.has_value();
  }
};

// Parses argv into options; on failure prints one line and returns the exit status (2), or 0 after
// --help/--version. Returns -1 when the caller should go on.
int parse_options(int argc, char **argv, sub_options &options, CLI::App &app);

// Runs mqtk-sub and returns its exit status.
int main(int argc, char **argv);

} // namespace mqtk::apps::sub
