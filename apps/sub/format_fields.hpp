#pragma once

// The -F fields of mqtk-sub that need more than a copy: hex with groups, IEEE 754 payloads and the
// %J JSON object with the payload embedded as JSON.

#include "sub/format_template.hpp"

#include "mqtk/protocol/packets.hpp"

#include <string>
#include <string_view>

namespace mqtk::apps::sub {

// Appends data as hex digits (upper or lower case); with group > 0, separator goes between each
// group of that many digits (%.2:x gives "18:83"), never at the end.
void append_hex(std::string &out, protocol::bytes_view data, bool upper, int group = 0, char separator = ' ');

// %d (8 bytes) and %f (4 bytes): appends the payload read as a little-endian IEEE 754 double or float
// with printf's %f (precision: decimals, 6 when not given; width, '-' and '0' as printf's). Returns
// false, appending nothing, when the payload is not exactly that many bytes.
bool append_ieee754(std::string &out, protocol::bytes_view payload, const format_piece &piece);

// %J: rewrites json_object (a %j object) so that "payload" holds the payload's own JSON value
// (re-serialised on one line) and "payload_encoding" is "json". Returns false, leaving the object as
// it was, when the payload is not valid JSON.
bool embed_json_payload(std::string &json_object, std::string_view payload);

} // namespace mqtk::apps::sub
