#pragma once

#include "mqtk/protocol/packets.hpp"

#include <string>

namespace mqtk::protocol {

// Appends a one-line description of a packet for -d/--debug output: type, flags, packet id, reason
// code with its name, and properties ("PUBLISH q1 r0 d0 id=3 topic='a/b' (5 bytes) props{...}").
// Passwords are always shown as "****"; payloads only by size.
void describe_packet(const packet &p, std::string &out);

} // namespace mqtk::protocol
