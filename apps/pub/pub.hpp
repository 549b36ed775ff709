#pragma once

#include "common/connection_options.hpp"
#include "pub/replay_options.hpp"
#include "common/payload_codec.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mqtk::apps::pub {

// Where the payloads come from (exactly one).
enum class payload_source { none, message, file, stdin_whole, stdin_lines, null_message, jsonl };

// Everything mqtk-pub's flags say.
struct pub_options {
  connection_flags connection;
  std::string topic;
  payload_source source = payload_source::none;
  std::string message;
  std::string file;
  int qos = 0;
  bool retain = false;
  std::uint64_t repeat = 1;
  double repeat_delay = 0;
  double rate = 0;                   // --rate: 0 when not given (no limit)
  std::uint32_t burst = 1;           // --burst: tokens of the --rate bucket
  std::uint32_t max_inflight = 1024; // also capped by the broker's Receive Maximum
  std::optional<std::uint32_t> message_expiry;
  std::optional<std::string> content_type;
  std::optional<std::string> response_topic;
  std::optional<std::string> correlation_data;
  std::vector<std::string> user_properties; // KEY=VALUE
  std::string payload_format;               // utf8 | bytes
  bool topic_alias = false;
  bool pipeline = true; // --no-pipeline clears it: a single message waits for CONNACK
  bool json = false;
  replay_options replay; // --replay, --speed, --loop, --topic-prefix
  std::optional<payload_codec> encode; // --encode cbor|msgpack: JSON payloads sent encoded
};

// Parses argv into options; on failure prints one line and returns the exit status (2), or 0 after
// --help/--version. Returns -1 when the caller should go on.
int parse_options(int argc, char **argv, pub_options &options, CLI::App &app);

// Runs mqtk-pub and returns its exit status.
int main(int argc, char **argv);

} // namespace mqtk::apps::pub
