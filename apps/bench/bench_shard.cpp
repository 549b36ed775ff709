// mqtk-bench: shard specs, the --start-at time and the Kubernetes job index.
#include "bench/bench_shard.hpp"

#include "common/rfc3339.hpp"

#include <cstdio>

namespace mqtk::apps::bench {

namespace {

constexpr std::uint64_t ns_per_s = 1'000'000'000;
constexpr std::uint32_t max_shards = 100000;

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
  if (text.find('-') == std::string_view::npos && text.find(':') == std::string_view::npos)
    return parse_epoch(text);
  const auto ns = parse_rfc3339_ns(text);
  if (!ns || *ns < 0)
    return std::nullopt; // before 1970
  return static_cast<std::uint64_t>(*ns);
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
