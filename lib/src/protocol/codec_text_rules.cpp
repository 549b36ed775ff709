#include "detail/text_rules.hpp"

#include "mqtk/protocol/utf8.hpp"

namespace mqtk::protocol::detail {

bool is_topic_name_text(std::string_view text) noexcept {
  // One pass, not find_first_of("+#"): libstdc++ runs a memchr over "+#" for every character.
  for (const char c : text)
    if (c == '+' || c == '#')
      return false;
  return is_valid_mqtt_string(text);
}

bool is_topic_filter_text(std::string_view text) noexcept {
  return !text.empty() && is_valid_mqtt_string(text);
}

} // namespace mqtk::protocol::detail
