#pragma once

#include <string_view>

// Character-level rules for the strings of a packet, shared by the encoder and the decoder.
namespace mqtk::protocol::detail {

// True when text may be a Topic Name apart from its length: a valid MQTT UTF-8 string without the
// wildcards '+' and '#'. Emptiness is checked by the caller (allowed with a Topic Alias in 5.0).
bool is_topic_name_text(std::string_view text) noexcept;

// True when text may be a Topic Filter as far as the codec checks: a non-empty valid MQTT UTF-8
// string. Wildcard placement and $share syntax are the session's business (topic.hpp).
bool is_topic_filter_text(std::string_view text) noexcept;

} // namespace mqtk::protocol::detail
