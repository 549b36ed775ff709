#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mqtk::apps {

// A control character found in a string: its code point and the byte offset where it starts.
struct control_char {
  char32_t code_point;
  std::size_t offset;
};

// The first C0 or C1 control character (U+0001-U+001F, U+007F-U+009F) in UTF-8 text, if any. The
// MQTT spec lets a receiver close the connection on them; mosquitto does. U+0000 is left to the
// topic and string validation.
std::optional<control_char> find_control_char(std::string_view text) noexcept;

// A string the tool will send as an MQTT UTF-8 string, named for the error message ("topic").
struct named_text {
  std::string_view what;
  std::string_view text;
};

// One usage-error line for the first text holding a control character, naming it and
// --allow-control-chars; "" when none does or when allow is true.
std::string control_char_error(std::initializer_list<named_text> texts, bool allow);
// The same for every string of a repeatable flag (what: "topic filter").
std::string control_char_error(std::string_view what, const std::vector<std::string> &texts, bool allow);

// text as it should appear in an error message: control characters as \xNN escapes, and past
// max_bytes cut (on a UTF-8 boundary) with "...(N bytes)" appended.
std::string shown(std::string_view text, std::size_t max_bytes = 80);

} // namespace mqtk::apps
