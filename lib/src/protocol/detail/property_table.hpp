#pragma once

#include "mqtk/protocol/properties.hpp"
#include "mqtk/protocol/types.hpp"

#include <cstdint>
#include <string_view>

// What the spec says about each MQTT 5.0 property (table 2.2.2.2): its data type, the packets it
// may appear in, and the values that are a Protocol Error.
namespace mqtk::protocol::detail {

// Wire data type of a property value.
enum class property_type : std::uint8_t {
  byte,
  two_byte,
  four_byte,
  variable_byte,
  utf8_string,
  binary,
  string_pair
};

// Where a property list sits: a packet_type value (1..15), or will_scope for CONNECT's will properties.
using property_scope = std::uint8_t;
// The scope of the will properties in CONNECT.
inline constexpr property_scope will_scope = 0;

// The scope of a packet type's own property list.
constexpr property_scope scope_of(packet_type type) noexcept {
  return static_cast<property_scope>(type);
}

// The spec's description of one property.
struct property_info {
  property_type type;
  std::uint16_t scopes; // bit n set: allowed in scope n
};

// The description of a property identifier, or nullptr when the identifier is unknown.
const property_info *find_property(std::uint8_t id) noexcept;

// True when the property may appear in scope.
bool property_allowed(property_id id, property_scope scope) noexcept;

// True when the property may appear more than once in scope (User Property; Subscription
// Identifier in PUBLISH).
constexpr bool property_repeatable(property_id id, property_scope scope) noexcept {
  return id == property_id::user_property ||
         (id == property_id::subscription_identifier && scope == scope_of(packet_type::publish));
}

// The rule a numeric property value breaks ("must be 0 or 1", "must not be 0"), empty when valid.
std::string_view property_value_error(property_id id, std::uint32_t value) noexcept;

} // namespace mqtk::protocol::detail
