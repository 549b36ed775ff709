// mqtk-bench: shard specs, the --start-at time and the Kubernetes job index.
#include "bench/bench_shard.hpp"

#include <cstdio>

namespace mqtk::apps::bench {

namespace {

constexpr std::uint64_t ns_per_s = 1'000'000'000;
constexpr std::uint32_t max_shards = 100000;

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

// Reads a whole number of 1 to 10 digits (no sign); false otherwise.
bool read_count(std::string_view text, std::uint64_t &value) {
  if (text.empty() || text.size() > 10)
    return false;
  value = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return false;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return true;
}

// Nanoseconds of a fraction's digits (".25" -> 250000000); digits past the ninth are dropped.
bool read_fraction(std::string_view digits, std::uint64_t &ns) {
  if (digits.empty())
    return false;
  ns = 0;
  std::uint64_t scale = ns_per_s;
  for (char c : digits) {
    if (c < '0' || c > '9')
      return false;
    if (scale > 1) {
      scale /= 10;
      ns += static_cast<std::uint64_t>(c - '0') * scale;
    }
  }
  return true;
}

bool leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

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

// Epoch seconds; a number too large for nanoseconds in 64 bits (epoch milliseconds, say) comes
// back as the largest time, which start_time_problem calls too far ahead.
std::optional<std::uint64_t> parse_epoch(std::string_view text) {
  const auto dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  std::uint64_t seconds = 0, fraction = 0;
  if (whole.size() > 10) {
    if (whole.size() > 19 || whole.find_first_not_of("0123456789") != std::string_view::npos)
      return std::nullopt;
    seconds = ~std::uint64_t{0} / ns_per_s;
  } else if (!read_count(whole, seconds)) {
    return std::nullopt;
  }
  if (dot != std::string_view::npos && !read_fraction(text.substr(dot + 1), fraction))
    return std::nullopt;
  if (seconds >= ~std::uint64_t{0} / ns_per_s)
    return ~std::uint64_t{0};
  return seconds * ns_per_s + fraction;
}

std::optional<std::uint64_t> parse_rfc3339(std::string_view t) {
  int year, month, day, hour, minute, second;
  if (t.size() < 20 || !read_fixed(t, 0, 4, year) || t[4] != '-' || !read_fixed(t, 5, 2, month) || t[7] != '-' ||
      !read_fixed(t, 8, 2, day) || (t[10] != 'T' && t[10] != 't' && t[10] != ' ') || !read_fixed(t, 11, 2, hour) ||
      t[13] != ':' || !read_fixed(t, 14, 2, minute) || t[16] != ':' || !read_fixed(t, 17, 2, second))
    return std::nullopt;
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
      minute > 59 || second > 60) // 60: a leap second, counted as the next second's start
    return std::nullopt;
  std::size_t at = 19;
  std::uint64_t fraction = 0;
  if (t[at] == '.') {
    std::size_t end = at + 1;
    while (end < t.size() && t[end] >= '0' && t[end] <= '9')
      ++end;
    if (!read_fraction(t.substr(at + 1, end - at - 1), fraction))
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
  if (seconds < 0)
    return std::nullopt;
  return static_cast<std::uint64_t>(seconds) * ns_per_s + fraction;
}

} // namespace

std::optional<std::pair<std::uint32_t, std::uint32_t>> parse_shard_spec(std::string_view text) {
  const auto slash = text.find('/');
  std::uint64_t k = 0, n = 0;
  if (slash == std::string_view::npos || !read_count(text.substr(0, slash), k) ||
      !read_count(text.substr(slash + 1), n) || n < 1 || n > max_shards || k >= n)
    return std::nullopt;
  return std::pair{static_cast<std::uint32_t>(k), static_cast<std::uint32_t>(n)};
}

std::optional<std::uint64_t> parse_start_time(std::string_view text) {
  if (text.find('-') != std::string_view::npos || text.find(':') != std::string_view::npos)
    return parse_rfc3339(text);
  return parse_epoch(text);
}

std::string format_utc(std::uint64_t ns) {
  const auto seconds = static_cast<std::int64_t>(ns / ns_per_s);
  // civil_from_days (H. Hinnant)
  const std::int64_t z = seconds / 86400 + 719468;
  const std::int64_t era = z / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
  const std::int64_t in_day = seconds % 86400;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%09lluZ", static_cast<long long>(y), m, d,
                static_cast<long long>(in_day / 3600), static_cast<long long>(in_day / 60 % 60),
                static_cast<long long>(in_day % 60), static_cast<unsigned long long>(ns % ns_per_s));
  return buf;
}

std::string start_time_problem(std::uint64_t start_ns, std::uint64_t now_ns) {
  char buf[160];
  if (start_ns <= now_ns) {
    std::snprintf(buf, sizeof buf, "is %.3f s in the past (give every shard the same time, ahead of the start)",
                  static_cast<double>(now_ns - start_ns) / 1e9);
    return buf;
  }
  if (start_ns - now_ns > 24 * 3600 * ns_per_s) {
    std::snprintf(buf, sizeof buf, "is %.0f hours ahead, more than 24 (epoch seconds, not milliseconds)",
                  static_cast<double>(start_ns - now_ns) / 3.6e12);
    return buf;
  }
  return {};
}

std::string shard_index_from_job(const char *job_completion_index, std::uint32_t shards, std::uint32_t &index) {
  if (job_completion_index == nullptr)
    return "--shards takes the shard index from JOB_COMPLETION_INDEX (a Kubernetes Indexed Job), which is "
           "not set; use --shard K/N elsewhere";
  std::uint64_t k = 0;
  if (!read_count(job_completion_index, k) || k >= shards)
    return "JOB_COMPLETION_INDEX '" + std::string(job_completion_index).substr(0, 20) +
           "' is not a shard of --shards " + std::to_string(shards) + " (0 to " + std::to_string(shards - 1) + ")";
  index = static_cast<std::uint32_t>(k);
  return {};
}

} // namespace mqtk::apps::bench
