#include "common/text_escape.hpp"

#include <cstdint>

namespace mqtk::apps {

namespace {

constexpr char hex_digits[] = "0123456789abcdef";

void append_hex_byte(std::string &out, unsigned char c) {
  out += "\\x";
  out += hex_digits[c >> 4];
  out += hex_digits[c & 15];
}

// The length of the well-formed UTF-8 sequence at the start of text (2 to 4), or 0 when the bytes
// there are not one (overlong, surrogate, above U+10FFFF, truncated, stray continuation byte).
std::size_t utf8_sequence_length(std::string_view text, std::uint32_t &code_point) {
  const auto b0 = static_cast<unsigned char>(text[0]);
  std::size_t length = 0;
  std::uint32_t min = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    length = 2;
    code_point = b0 & 0x1Fu;
    min = 0x80;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3;
    code_point = b0 & 0x0Fu;
    min = 0x800;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4;
    code_point = b0 & 0x07u;
    min = 0x10000;
  } else {
    return 0;
  }
  if (text.size() < length)
    return 0;
  for (std::size_t i = 1; i < length; ++i) {
    const auto b = static_cast<unsigned char>(text[i]);
    if ((b & 0xC0) != 0x80)
      return 0;
    code_point = (code_point << 6) | (b & 0x3Fu);
  }
  if (code_point < min || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF))
    return 0;
  return length;
}

} // namespace

void append_escaped(std::string &out, std::string_view text, backslash_mode mode) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7F) {
      if (c == '\\' && mode == backslash_mode::double_)
        out += '\\';
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    if (c < 0x80) {
      switch (c) {
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        append_hex_byte(out, c);
      }
      ++i;
      continue;
    }
    std::uint32_t code_point = 0;
    const std::size_t length = utf8_sequence_length(text.substr(i), code_point);
    if (length == 0) {
      append_hex_byte(out, c);
      ++i;
      continue;
    }
    if (code_point <= 0x9F) {
      out += "\\u00";
      out += hex_digits[code_point >> 4];
      out += hex_digits[code_point & 15];
    } else {
      out.append(text.substr(i, length));
    }
    i += length;
  }
}

std::string escaped(std::string_view text, backslash_mode mode) {
  std::string out;
  out.reserve(text.size());
  append_escaped(out, text, mode);
  return out;
}

} // namespace mqtk::apps
