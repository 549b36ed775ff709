#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mqtk::apps::bench {

// Where --metrics-listen listens: a numeric IPv4 or IPv6 address (or localhost) and a port.
struct listen_address {
  std::string host;   // "127.0.0.1", "::1"; "0.0.0.0" for ":PORT"
  std::uint16_t port = 0; // 0: any free port
};

// Parses ADDR:PORT, [IPV6]:PORT, localhost:PORT or :PORT (every IPv4 interface); nullopt with error
// set to the reason when text is none of these.
std::optional<listen_address> parse_listen_address(std::string_view text, std::string &error);

// ADDR:PORT as a URL's authority: [::1]:9464 for IPv6.
std::string authority_of(const listen_address &address);

} // namespace mqtk::apps::bench
