#pragma once

#include "mqtk/protocol/codec.hpp"
#include "mqtk/protocol/reason_code.hpp"
#include "mqtk/protocol/types.hpp"

#include <cstdint>

// Which MQTT 5.0 reason codes each packet type may carry (spec 3.2.2.2, 3.4.2.1, 3.5.2.1, 3.6.2.1,
// 3.7.2.1, 3.9.3, 3.11.3, 3.14.2.1, 3.15.2.1).
namespace mqtk::protocol::detail {

// True when a 5.0 packet of type may carry code, whoever sends it.
bool reason_allowed(packet_type type, std::uint8_t code) noexcept;

// True when a DISCONNECT sent by sender may carry code (table 3-10 says who may send each one).
bool disconnect_reason_allowed_from(role sender, std::uint8_t code) noexcept;

} // namespace mqtk::protocol::detail
