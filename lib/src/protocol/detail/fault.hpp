#pragma once

#include "mqtk/protocol/error.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

// The result of checking one rule while decoding: empty on success, else the error and the rule.
namespace mqtk::protocol::detail {

// Why decoding failed; a default-constructed fault means success.
struct fault {
  errc code{};           // malformed_packet, protocol_error or packet_too_large; {} for none
  std::string_view rule; // the broken rule, phrased to follow the packet name ("topic is not valid UTF-8")
  std::optional<std::uint8_t> property{}; // the property identifier the rule is about
  bool will = false;                      // the property is a will property of CONNECT
  bool standalone = false;                // rule is a whole sentence, not to be prefixed with the packet name

  // True when a rule was broken.
  explicit operator bool() const noexcept { return code != errc{}; }
};

// A malformed_packet fault for rule.
constexpr fault malformed(std::string_view rule) noexcept {
  return {errc::malformed_packet, rule};
}

// A protocol_error fault for rule.
constexpr fault protocol_violation(std::string_view rule) noexcept {
  return {errc::protocol_error, rule};
}

} // namespace mqtk::protocol::detail
