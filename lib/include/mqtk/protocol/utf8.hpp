#pragma once

#include <string_view>

namespace mqtk::protocol {

// True when text is well-formed UTF-8: no overlong forms, no surrogates (U+D800..U+DFFF), nothing
// above U+10FFFF, no truncated sequence.
bool is_valid_utf8(std::string_view text) noexcept;

// True when text may be an MQTT UTF-8 Encoded String (spec 1.5.4): well-formed UTF-8, no U+0000,
// at most 65,535 bytes.
bool is_valid_mqtt_string(std::string_view text) noexcept;

} // namespace mqtk::protocol
