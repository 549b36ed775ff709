// mqtk-bench: the --metrics-listen address.
#include "bench/listen_address.hpp"

#include <arpa/inet.h>

#include <charconv>

namespace mqtk::apps::bench {

namespace {

bool numeric_address(const std::string &host, bool v6) {
  unsigned char bytes[16];
  return ::inet_pton(v6 ? AF_INET6 : AF_INET, host.c_str(), bytes) == 1;
}

} // namespace

std::optional<listen_address> parse_listen_address(std::string_view text, std::string &error) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    error = "is not ADDR:PORT";
    return std::nullopt;
  }
  std::string_view host = text.substr(0, colon), port = text.substr(colon + 1);
  listen_address out;
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc{} || end != port.data() + port.size() || value > 65535) {
    error = "has no port between 0 and 65535 after the last ':'";
    return std::nullopt;
  }
  out.port = static_cast<std::uint16_t>(value);
  const bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
  if (bracketed)
    host = host.substr(1, host.size() - 2);
  out.host = host.empty() && !bracketed ? "0.0.0.0" : host == "localhost" ? "127.0.0.1" : std::string(host);
  if (!numeric_address(out.host, bracketed)) {
    error = bracketed ? "has no IPv6 address in [ ]" : "has no numeric IPv4 address (IPv6 goes in [ ])";
    return std::nullopt;
  }
  return out;
}

std::string authority_of(const listen_address &address) {
  const bool v6 = address.host.find(':') != std::string::npos;
  return (v6 ? "[" + address.host + "]" : address.host) + ":" + std::to_string(address.port);
}

} // namespace mqtk::apps::bench
