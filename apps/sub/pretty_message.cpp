// mqtk-sub --pretty: one labelled, indented block per message, for a person at a terminal.
#include "sub/pretty_message.hpp"

#include "common/json_message.hpp"
#include "common/text_escape.hpp"
#include "mqtk/protocol/utf8.hpp"

#include <algorithm>
#include <cstdio>

namespace mqtk::apps::sub {

namespace {

constexpr char hex_digits[] = "0123456789abcdef";

// Appends text with control characters (tab included), C1 controls and invalid UTF-8 escaped and
// backslashes doubled: broker text never reaches the terminal as a control sequence.
void append_visible(std::string &out, std::string_view text) { append_escaped(out, text, backslash_mode::double_); }

// The longest prefix of UTF-8 text of at most max bytes that does not cut a character in two.
std::string_view utf8_prefix(std::string_view text, std::size_t max) {
  if (text.size() <= max)
    return text;
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
    --end;
  return text.substr(0, end);
}

// Appends 16 bytes per line: offset, hex bytes, printable ASCII.
void append_hex_dump(std::string &out, protocol::bytes_view data) {
  for (std::size_t row = 0; row < data.size(); row += 16) {
    char offset[32];
    std::snprintf(offset, sizeof offset, "    %04zx  ", row);
    out += offset;
    std::string ascii;
    for (std::size_t i = row; i < row + 16; ++i) {
      if (i < data.size()) {
        out += hex_digits[data[i] >> 4];
        out += hex_digits[data[i] & 15];
        out += ' ';
        ascii += data[i] >= 0x20 && data[i] < 0x7F ? static_cast<char>(data[i]) : '.';
      } else {
        out += "   ";
      }
      if (i == row + 7)
        out += ' ';
    }
    out += " |" + ascii + "|\n";
  }
}

// Appends binary data as text when it is valid UTF-8, else as "0x" and hex digits.
void append_bytes(std::string &out, protocol::bytes_view data) {
  const std::string_view text = protocol::as_chars(data);
  if (protocol::is_valid_utf8(text)) {
    append_visible(out, text);
    return;
  }
  out += "0x";
  for (const auto b : data) {
    out += hex_digits[b >> 4];
    out += hex_digits[b & 15];
  }
}

void append_property_lines(std::string &out, const protocol::properties &p) {
  auto line = [&](const char *name) {
    out += "  ";
    out += name;
    out += ": ";
  };
  if (p.payload_format_indicator) {
    line("payload_format_indicator");
    out +=
        *p.payload_format_indicator == 1 ? "1 (UTF-8)\n" : std::to_string(*p.payload_format_indicator) + "\n";
  }
  if (p.message_expiry_interval) {
    line("message_expiry_interval");
    out += std::to_string(*p.message_expiry_interval) + " s\n";
  }
  if (p.content_type) {
    line("content_type");
    append_visible(out, *p.content_type);
    out += '\n';
  }
  if (p.response_topic) {
    line("response_topic");
    append_visible(out, *p.response_topic);
    out += '\n';
  }
  if (p.correlation_data) {
    line("correlation_data");
    append_bytes(out, *p.correlation_data);
    out += '\n';
  }
  for (const auto id : p.subscription_identifiers) {
    line("subscription_identifier");
    out += std::to_string(id) + '\n';
  }
  for (const auto &u : p.user_properties) {
    line("user_property");
    append_visible(out, u.key);
    out += " = ";
    append_visible(out, u.value);
    out += '\n';
  }
}

void append_payload(std::string &out, protocol::bytes_view payload, std::optional<std::size_t> max_payload) {
  if (payload.empty()) {
    out += "  payload: empty\n";
    return;
  }
  std::string_view text = protocol::as_chars(payload);
  const bool utf8 = protocol::is_valid_utf8(text);
  out += "  payload: " + std::to_string(payload.size()) + (payload.size() == 1 ? " byte" : " bytes") +
         (utf8 ? ", UTF-8\n" : ", binary\n");
  std::size_t shown = payload.size();
  if (!utf8) {
    if (max_payload)
      shown = std::min(shown, *max_payload);
    append_hex_dump(out, payload.first(shown));
  } else {
    if (max_payload) {
      text = utf8_prefix(text, *max_payload);
      shown = text.size();
    }
    if (!text.empty() && text.back() == '\n')
      text.remove_suffix(1); // the line end of the last line, not an extra empty line
    while (shown > 0) {
      const auto nl = text.find('\n');
      out += "    ";
      append_visible(out, text.substr(0, nl));
      out += '\n';
      if (nl == std::string_view::npos)
        break;
      text.remove_prefix(nl + 1);
    }
  }
  if (shown < payload.size()) {
    const std::size_t left = payload.size() - shown;
    out += "    ... " + std::to_string(left) + (left == 1 ? " more byte" : " more bytes") + " (--max-payload)\n";
  }
}

} // namespace

void append_pretty(std::string &out, const protocol::publish &m, std::chrono::system_clock::time_point received,
                   std::optional<std::size_t> max_payload) {
  append_visible(out, m.topic);
  out += "\n  qos ";
  out += static_cast<char>('0' + static_cast<int>(m.qos));
  if (m.packet_id != 0)
    out += ", packet id " + std::to_string(m.packet_id);
  out += m.retain ? ", retained\n" : ", live\n";
  out += "  received ";
  append_rfc3339(out, received);
  out += '\n';
  append_property_lines(out, m.props);
  append_payload(out, m.payload, max_payload);
  out += '\n';
}

} // namespace mqtk::apps::sub
