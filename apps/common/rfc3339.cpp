#include "common/rfc3339.hpp"

namespace mqtk::apps {

namespace {

constexpr std::int64_t ns_per_s = 1'000'000'000;

// Reads exactly digits decimal digits at text[at]; false when they are not all digits.
bool read_fixed(std::string_view text, std::size_t at, std::size_t digits, int &value) {
  if (at + digits > text.size())
    return false;
  value = 0;
  for (std::size_t i = at; i < at + digits; ++i) {
    if (text[i] < '0' || text[i] > '9')
      return false;
    value = value * 10 + (text[i] - '0');
  }
  return true;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : days[m - 1];
}

// Days from 1970-01-01 to y-m-d (proleptic Gregorian; H. Hinnant's days_from_civil).
std::int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * static_cast<unsigned>(m > 2 ? m - 3 : m + 9) + 2) / 5 + static_cast<unsigned>(d) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

} // namespace

std::optional<std::int64_t> parse_rfc3339_ns(std::string_view t) {
  int year, month, day, hour, minute, second;
  if (t.size() < 20 || !read_fixed(t, 0, 4, year) || t[4] != '-' || !read_fixed(t, 5, 2, month) || t[7] != '-' ||
      !read_fixed(t, 8, 2, day) || (t[10] != 'T' && t[10] != 't' && t[10] != ' ') || !read_fixed(t, 11, 2, hour) ||
      t[13] != ':' || !read_fixed(t, 14, 2, minute) || t[16] != ':' || !read_fixed(t, 17, 2, second))
    return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 || minute > 59 ||
      second > 60)
    return std::nullopt;
  std::size_t at = 19;
  std::int64_t fraction = 0;
  if (t[at] == '.') {
    std::int64_t scale = ns_per_s;
    std::size_t end = at + 1;
    for (; end < t.size() && t[end] >= '0' && t[end] <= '9'; ++end)
      if (scale > 1) {
        scale /= 10;
        fraction += (t[end] - '0') * scale;
      }
    if (end == at + 1)
      return std::nullopt;
    at = end;
  }
  std::int64_t offset_s = 0;
  const std::string_view zone = t.substr(at);
  if (zone != "Z" && zone != "z") {
    int oh, om;
    if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || !read_fixed(zone, 1, 2, oh) || zone[3] != ':' ||
        !read_fixed(zone, 4, 2, om) || oh > 23 || om > 59)
      return std::nullopt;
    offset_s = (zone[0] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
  }
  const std::int64_t seconds =
      days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset_s;
  return seconds * ns_per_s + fraction;
}

} // namespace mqtk::apps
