#pragma once

// The -F output template of mqtk-sub, parsed once before connecting. Self-contained (standard
// library only) so the unit tests can use it without the rest of the tool.

#include <string>
#include <string_view>
#include <vector>

namespace mqtk::apps::sub {

// One piece of a template: literal text, a %-field, or an @-time conversion.
struct format_piece {
  enum class kind { text, field, time };
  kind type = kind::text;
  std::string text;        // kind::text: the literal bytes (escapes already resolved)
  char directive = 0;      // kind::field: 't', 'p', ...; kind::time: the strftime letter, or 'N'
  bool left_align = false; // '-' flag
  bool zero_pad = false;   // '0' flag (numeric fields only)
  int width = 0;           // minimum width; 0: none
  int precision = -1;      // maximum length in bytes; -1: none (%x %X: hex digits per group; %d %f: decimals)
  char separator = ' ';    // %x %X with a precision: what goes between the groups of hex digits
  friend bool operator==(const format_piece &, const format_piece &) = default;
};

// A parsed -F template.
struct format_template {
  std::vector<format_piece> pieces;
  // True when a piece needs the time of receipt (%I %U %j %J or an @ conversion).
  bool needs_time() const noexcept {
    for (const auto &p : pieces)
      if (p.type == format_piece::kind::time ||
          (p.type == format_piece::kind::field &&
           (p.directive == 'I' || p.directive == 'U' || p.directive == 'j' || p.directive == 'J')))
        return true;
    return false;
  }

  // True when a field of the template is directive.
  bool uses(char directive) const noexcept {
    for (const auto &p : pieces)
      if (p.type == format_piece::kind::field && p.directive == directive)
        return true;
    return false;
  }
};

// The %-directives mqtk-sub knows (mosquitto_sub 2.1's).
inline constexpr std::string_view format_directives = "%tpqrmlxXIUjJCDEFPRSAdf";

// The characters that may separate groups of hex digits (%.2:x), as in mosquitto_sub 2.1.
inline constexpr std::string_view hex_separators = "!\"#$&'()*+,-./:;<=>?@[\\]^_`{|}~";

// The @-conversions: strftime(3)'s (POSIX and GNU), and N for the nanoseconds.
inline constexpr std::string_view time_conversions = "aAbBcCdDeFgGhHIjklmMnNpPrRsStTuUVwWxXyYzZ";

// Parses a -F template: %[-][0][width][.precision][separator]X fields (the separator only before
// x or X), @X strftime conversions (@N is the
// nanoseconds, @@ a literal @) and backslash escapes (\\ \0 \a \e \n \r \t \v). Returns "" on
// success, else why the template is invalid ("unknown directive '%z' at offset 3").
inline std::string parse_format(std::string_view spec, format_template &out) {
  out.pieces.clear();
  auto literal = [&](std::string_view bytes) {
    if (out.pieces.empty() || out.pieces.back().type != format_piece::kind::text)
      out.pieces.push_back({});
    out.pieces.back().text.append(bytes);
  };
  auto at = [](std::size_t offset) { return " at offset " + std::to_string(offset); };
  for (std::size_t i = 0; i < spec.size(); ++i) {
    const char c = spec[i];
    if (c == '\\') {
      if (i + 1 == spec.size())
        return "the template ends with a lone '\\'";
      const char e = spec[++i];
      static constexpr std::string_view from = "\\0aenrtv";
      static constexpr char to[] = {'\\', '\0', '\a', '\033', '\n', '\r', '\t', '\v'};
      const auto k = from.find(e);
      if (k == std::string_view::npos)
        return std::string("unknown escape '\\") + e + "'" + at(i - 1);
      literal(std::string_view(&to[k], 1));
      continue;
    }
    if (c == '@') {
      if (i + 1 == spec.size())
        return "the template ends with a lone '@'";
      const char t = spec[++i];
      if (t == '@') {
        literal("@");
        continue;
      }
      if (time_conversions.find(t) == std::string_view::npos)
        return std::string("unknown time conversion '@") + t + "'" + at(i - 1);
      format_piece p;
      p.type = format_piece::kind::time;
      p.directive = t;
      out.pieces.push_back(p);
      continue;
    }
    if (c != '%') {
      literal(spec.substr(i, 1));
      continue;
    }
    const std::size_t start = i;
    format_piece p;
    p.type = format_piece::kind::field;
    ++i;
    if (i < spec.size() && spec[i] == '-') {
      p.left_align = true;
      ++i;
    }
    if (i < spec.size() && spec[i] == '0') {
      p.zero_pad = true;
      ++i;
    }
    while (i < spec.size() && spec[i] >= '0' && spec[i] <= '9') {
      p.width = p.width * 10 + (spec[i] - '0');
      if (p.width > 10000)
        return "field width too large" + at(start);
      ++i;
    }
    if (i < spec.size() && spec[i] == '.') {
      ++i;
      p.precision = 0;
      while (i < spec.size() && spec[i] >= '0' && spec[i] <= '9') {
        p.precision = p.precision * 10 + (spec[i] - '0');
        if (p.precision > 1'000'000)
          return "field precision too large" + at(start);
        ++i;
      }
    }
    if (i < spec.size() && hex_separators.find(spec[i]) != std::string_view::npos) {
      if (i + 1 < spec.size() && spec[i + 1] != 'x' && spec[i + 1] != 'X')
        return std::string("a group separator ('") + spec[i] + "') only applies to %x and %X" + at(start);
      p.separator = spec[i++];
    }
    if (i == spec.size())
      return "the template ends inside a '%' field";
    const char d = spec[i];
    if (format_directives.find(d) == std::string_view::npos)
      return std::string("unknown directive '%") + d + "'" + at(start);
    if (d == '%') {
      if (i != start + 1)
        return "'%%' takes no width or precision" + at(start);
      literal("%");
      continue;
    }
    p.directive = d;
    out.pieces.push_back(p);
  }
  return {};
}

} // namespace mqtk::apps::sub
