#include "detail/reason_tables.hpp"

#include <algorithm>
#include <array>
#include <span>

namespace mqtk::protocol::detail {
namespace {

constexpr auto connack_codes =
    std::to_array<std::uint8_t>({0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
                                 0x8A, 0x8C, 0x90, 0x95, 0x97, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F});
constexpr auto puback_codes =
    std::to_array<std::uint8_t>({0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99});
constexpr auto pubrel_codes = std::to_array<std::uint8_t>({0x00, 0x92});
constexpr auto suback_codes =
    std::to_array<std::uint8_t>({0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2});
constexpr auto unsuback_codes = std::to_array<std::uint8_t>({0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91});
constexpr auto auth_codes = std::to_array<std::uint8_t>({0x00, 0x18, 0x19});
// DISCONNECT codes either side may send.
constexpr auto disconnect_both = std::to_array<std::uint8_t>(
    {0x00, 0x80, 0x81, 0x82, 0x83, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99});
// DISCONNECT codes only a client sends.
constexpr auto disconnect_client = std::to_array<std::uint8_t>({0x04});
// DISCONNECT codes only a server sends.
constexpr auto disconnect_server = std::to_array<std::uint8_t>(
    {0x87, 0x89, 0x8B, 0x8D, 0x8E, 0x8F, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2});

bool contains(std::span<const std::uint8_t> codes, std::uint8_t code) {
  return std::ranges::find(codes, code) != codes.end();
}

} // namespace

bool reason_allowed(packet_type type, std::uint8_t code) noexcept {
  switch (type) {
  case packet_type::connack:
    return contains(connack_codes, code);
  case packet_type::puback:
  case packet_type::pubrec:
    return contains(puback_codes, code);
  case packet_type::pubrel:
  case packet_type::pubcomp:
    return contains(pubrel_codes, code);
  case packet_type::suback:
    return contains(suback_codes, code);
  case packet_type::unsuback:
    return contains(unsuback_codes, code);
  case packet_type::disconnect:
    return disconnect_reason_allowed_from(role::client, code) ||
           disconnect_reason_allowed_from(role::server, code);
  case packet_type::auth:
    return contains(auth_codes, code);
  default:
    return false;
  }
}

bool disconnect_reason_allowed_from(role sender, std::uint8_t code) noexcept {
  return contains(disconnect_both, code) ||
         contains(sender == role::client ? std::span<const std::uint8_t>(disconnect_client)
                                         : std::span<const std::uint8_t>(disconnect_server),
                  code);
}

} // namespace mqtk::protocol::detail
