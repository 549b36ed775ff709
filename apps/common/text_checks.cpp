#include "common/text_checks.hpp"

#include <cstdio>

namespace mqtk::apps {

std::optional<control_char> find_control_char(std::string_view text) noexcept {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if ((byte >= 0x01 && byte <= 0x1F) || byte == 0x7F)
      return control_char{byte, i};
    // U+0080-U+009F are encoded as C2 80 .. C2 9F.
    if (byte == 0xC2 && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0x9F)
        return control_char{next, i};
    }
  }
  return std::nullopt;
}

std::string control_char_error(std::initializer_list<named_text> texts, bool allow) {
  if (allow)
    return {};
  for (const auto &[what, text] : texts) {
    if (auto found = find_control_char(text)) {
      char code[16];
      std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(found->code_point));
      return std::string(what) + " '" + shown(text) + "' contains the control character " + code +
             ", which brokers may close the connection on (give --allow-control-chars to send it anyway)";
    }
  }
  return {};
}

std::string control_char_error(std::string_view what, const std::vector<std::string> &texts, bool allow) {
  for (const auto &text : texts)
    if (auto error = control_char_error({{what, text}}, allow); !error.empty())
      return error;
  return {};
}

std::string shown(std::string_view text, std::size_t max_bytes) {
  std::size_t end = text.size();
  if (end > max_bytes) {
    end = max_bytes;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
      --end; // do not cut a UTF-8 sequence
  }
  std::string out;
  out.reserve(end + 16);
  for (std::size_t i = 0; i < end; ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20 || byte == 0x7F) {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\x%02X", byte);
      out += escape;
    } else if (byte == 0xC2 && i + 1 < end && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
      char escape[12];
      std::snprintf(escape, sizeof escape, "\\u%04X", static_cast<unsigned char>(text[i + 1]));
      out += escape;
      ++i;
    } else {
      out += static_cast<char>(byte);
    }
  }
  if (end < text.size())
    out += "...(" + std::to_string(text.size()) + " bytes)";
  return out;
}

} // namespace mqtk::apps
