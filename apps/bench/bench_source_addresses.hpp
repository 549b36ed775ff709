#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mqtk::apps::bench {

// The most source addresses --ifaddr may name in all.
inline constexpr std::uint64_t max_source_addresses = 65536;

// The source addresses of --ifaddr, in the order given: single IPv4/IPv6 addresses and inclusive
// ranges FIRST-LAST. Connections take them round robin. Kept as ranges, so 65,536 addresses cost a
// few bytes.
class source_addresses {
public:
  // Adds the comma-separated items of one --ifaddr value. Returns "" or one line naming the problem
  // (not an address, a range that runs backwards or mixes families, more than max_source_addresses).
  std::string add(std::string_view list);
  // Number of addresses.
  std::uint64_t size() const noexcept { return total_; }
  // True when no address was given.
  bool empty() const noexcept { return total_ == 0; }
  // The address i (0 <= i < size()) as text, e.g. "127.0.0.3" or "::1".
  std::string at(std::uint64_t i) const;
  // The address connection number k uses: at(k % size()); "" when empty.
  std::string for_connection(std::uint64_t k) const { return empty() ? std::string() : at(k % total_); }

private:
  struct range {
    bool v6;
    std::array<std::uint8_t, 16> first; // network order; IPv4 in the first 4 bytes
    std::uint64_t count;
  };
  std::string add_item(std::string_view item);

  std::vector<range> ranges_;
  std::uint64_t total_ = 0;
};

} // namespace mqtk::apps::bench
