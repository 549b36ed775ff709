#pragma once

#include "mqtk/protocol/owned_properties.hpp"
#include "mqtk/protocol/packets.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace mqtk::apps {

// Appends a JSON string literal (quotes included) for UTF-8 text; control characters are escaped.
void append_json_string(std::string &out, std::string_view text);
// Appends standard base64 (with padding) of data.
void append_base64(std::string &out, protocol::bytes_view data);
// Decodes standard base64 (padding optional); false on a bad character.
bool decode_base64(std::string_view text, std::vector<std::uint8_t> &out);
// Appends an RFC 3339 UTC time with microseconds ("2026-11-25T14:00:00.123456Z").
void append_rfc3339(std::string &out, std::chrono::system_clock::time_point when);

// Appends one message as a JSON object (GUIDE §5) without a newline: topic, payload with
// payload_encoding (utf8 when valid UTF-8, else base64), qos, retain, properties (absent ones left
// out) and, when given, received_at.
void append_message_json(std::string &out, const protocol::publish &message,
                         std::optional<std::chrono::system_clock::time_point> received_at);

// A message read from a JSON line, owning its bytes.
struct json_message {
  std::string topic;
  std::vector<std::uint8_t> payload;
  protocol::qos qos = protocol::qos::at_most_once;
  bool qos_given = false;
  bool retain = false;
  bool retain_given = false;
  protocol::owned_properties props;
  // A publish viewing this message's storage.
  protocol::publish view() const;
};

// Parses one JSON line in the GUIDE §5 schema (unknown fields such as received_at are ignored; a
// missing topic is left empty for the caller to fill in or refuse).
// Returns false and sets error ("payload_encoding must be utf8 or base64") on bad input.
bool parse_message_json(std::string_view line, json_message &out, std::string &error);

} // namespace mqtk::apps
