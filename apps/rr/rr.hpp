#pragma once

#include "common/connection_options.hpp"
#include "sub/format_template.hpp"
#include "sub/message_printer.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mqtk::apps::rr {

// Where the request payload comes from.
enum class payload_source { none, message, file, stdin_whole, null_message };

// Everything mqtk-rr's flags say (request mode, or --serve).
struct rr_options {
  connection_flags connection;
  bool serve = false;              // --serve: answer requests with a command
  std::vector<std::string> topics; // -t: the request topic, or with --serve the filters to serve
  int qos = 0;                     // -q: requests, responses and the subscriptions
  std::vector<std::string> user_properties; // --user-property KEY=VALUE on each request
  // Request mode.
  payload_source source = payload_source::none;
  std::string message; // -m
  std::string file;    // -f
  std::optional<std::string> response_topic; // -e/--response-topic
  bool request_response_information = false; // build the response topic from the broker's Response Information
  double timeout = 0;         // -W: seconds each request may wait for its response; 0: no limit
  std::uint64_t repeat = 1;   // --repeat
  double interval = 0;        // --interval: seconds between the starts of consecutive requests
  std::uint32_t in_flight = 1; // --in-flight: requests waiting for their responses at once
  bool latency = false;       // --latency
  sub::output_mode mode = sub::output_mode::payload;
  bool newline = true;        // false with -N
  sub::format_template format; // -F, parsed
  // --serve.
  std::vector<std::string> command; // after --: the command run per request
  std::uint32_t jobs = 1;           // --jobs
  double exec_timeout = 30;         // --exec-timeout seconds

  // True when the requests are JSON lines on stdout (--json).
  bool json() const noexcept { return mode == sub::output_mode::json; }
};

// Parses argv into options; on failure prints one line and returns the exit status (2), or 0 after
// --help/--version. Returns -1 when the caller should go on.
int parse_options(int argc, char **argv, rr_options &options, CLI::App &app);

// Runs mqtk-rr and returns its exit status.
int main(int argc, char **argv);

} // namespace mqtk::apps::rr
