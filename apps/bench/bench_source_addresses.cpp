// mqtk-bench: the --ifaddr source address list (addresses and ranges) and its round robin.
#include "bench/bench_source_addresses.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <optional>

namespace mqtk::apps::bench {

namespace {

struct parsed_address {
  bool v6;
  std::array<std::uint8_t, 16> bytes;
};

// An IPv4 or IPv6 literal (IPv6 also in brackets); nullopt otherwise.
std::optional<parsed_address> parse_address(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']')
    text = text.substr(1, text.size() - 2);
  if (text.empty() || text.size() > INET6_ADDRSTRLEN)
    return std::nullopt;
  const std::string z(text);
  parsed_address a{false, {}};
  if (inet_pton(AF_INET, z.c_str(), a.bytes.data()) == 1)
    return a;
  a.v6 = true;
  if (inet_pton(AF_INET6, z.c_str(), a.bytes.data()) == 1)
    return a;
  return std::nullopt;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// The address as a number of up to 64 bits from byte `from` on (IPv4: bytes 0-3, IPv6: 8-15).
std::uint64_t low_bits(const parsed_address &a) {
  std::uint64_t v = 0;
  const std::size_t from = a.v6 ? 8 : 0, to = a.v6 ? 16 : 4;
  for (std::size_t i = from; i < to; ++i)
    v = v << 8 | a.bytes[i];
  return v;
}

} // namespace

std::string source_addresses::add(std::string_view list) {
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = list.find(',', start);
    const std::string_view item = trim(list.substr(start, comma == std::string_view::npos ? comma : comma - start));
    if (item.empty())
      return "--ifaddr: empty address in '" + std::string(list) + "'";
    if (auto problem = add_item(item); !problem.empty())
      return problem;
    if (comma == std::string_view::npos)
      return {};
    start = comma + 1;
  }
}

std::string source_addresses::add_item(std::string_view item) {
  // IPv6 addresses hold no '-', so a dash always separates the ends of a range.
  const std::size_t dash = item.find('-');
  const std::string_view first_text = trim(item.substr(0, dash));
  const auto first = parse_address(first_text);
  if (!first)
    return "--ifaddr: '" + std::string(first_text) + "' is not an IPv4 or IPv6 address";
  std::uint64_t count = 1;
  if (dash != std::string_view::npos) {
    const std::string_view last_text = trim(item.substr(dash + 1));
    const auto last = parse_address(last_text);
    if (!last)
      return "--ifaddr: '" + std::string(last_text) + "' is not an IPv4 or IPv6 address";
    const std::string shown(item);
    if (first->v6 != last->v6)
      return "--ifaddr: range '" + shown + "' mixes IPv4 and IPv6";
    const bool same_prefix = !first->v6 || std::equal(first->bytes.begin(), first->bytes.begin() + 8,
                                                      last->bytes.begin());
    if (first->v6 && !same_prefix) {
      if (std::lexicographical_compare(last->bytes.begin(), last->bytes.end(), first->bytes.begin(),
                                       first->bytes.end()))
        return "--ifaddr: range '" + shown + "' runs backwards (the first address is above the last)";
      return "--ifaddr: more than " + std::to_string(max_source_addresses) + " source addresses";
    }
    const std::uint64_t low = low_bits(*first), high = low_bits(*last);
    if (high < low)
      return "--ifaddr: range '" + shown + "' runs backwards (the first address is above the last)";
    if (high - low >= max_source_addresses)
      return "--ifaddr: more than " + std::to_string(max_source_addresses) + " source addresses";
    count = high - low + 1;
  }
  if (total_ + count > max_source_addresses)
    return "--ifaddr: more than " + std::to_string(max_source_addresses) + " source addresses";
  ranges_.push_back({first->v6, first->bytes, count});
  total_ += count;
  return {};
}

std::string source_addresses::at(std::uint64_t i) const {
  for (const range &r : ranges_) {
    if (i >= r.count) {
      i -= r.count;
      continue;
    }
    std::array<std::uint8_t, 16> bytes = r.first;
    // Add i to the low bytes with carry (a range stays within its last 64 bits, see add_item).
    const std::size_t last = r.v6 ? 15 : 3, stop = r.v6 ? 8 : 0;
    std::uint64_t carry = i;
    for (std::size_t b = last + 1; b-- > stop && carry > 0;) {
      const std::uint64_t sum = bytes[b] + (carry & 0xFF);
      bytes[b] = static_cast<std::uint8_t>(sum);
      carry = (carry >> 8) + (sum >> 8);
    }
    char text[INET6_ADDRSTRLEN];
    inet_ntop(r.v6 ? AF_INET6 : AF_INET, bytes.data(), text, sizeof text);
    return text;
  }
  return {};
}

} // namespace mqtk::apps::bench
