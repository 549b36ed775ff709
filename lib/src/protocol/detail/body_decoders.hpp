#pragma once

#include "detail/fault.hpp"
#include "detail/wire_reader.hpp"
#include "mqtk/protocol/codec.hpp"
#include "mqtk/protocol/packets.hpp"

#include <cstdint>
#include <variant>

// Decoders of one packet's variable header and payload (the bytes after the Remaining Length).
// Each reads exactly the body it is given: a field running past the end, or bytes left over after
// the last field, is malformed. Each sets every field of out, reusing its vectors' capacity.
namespace mqtk::protocol::detail {

// What a body decoder needs to know besides the bytes.
struct body_context {
  protocol_version version = protocol_version::v5; // CONNECT reads its own
  role side = role::client;                        // our side: the packet comes from the other one
  std::uint8_t flags = 0;                          // low nibble of the fixed header, already checked
};

// Checks the first fixed-header byte: a known type for the version, sent by the peer's side, with
// the flags the spec requires (PUBLISH: no QoS 3, no DUP at QoS 0).
fault check_fixed_header(std::uint8_t first_byte, role side, protocol_version version) noexcept;

// Decodes the body of a packet of type into out, reusing out's storage when it holds that type.
fault decode_body(packet_type type, bytes_view body, const body_context &context, packet &out);

// The decoders of each packet family.
fault decode_connect(wire_reader &reader, connect &out);
fault decode_connack(wire_reader &reader, const body_context &context, connack &out);
fault decode_publish(wire_reader &reader, const body_context &context, publish &out);
fault decode_response(wire_reader &reader, const body_context &context, packet_type type,
                      std::uint16_t &packet_id, reason_code &reason, properties &props);
fault decode_subscribe(wire_reader &reader, const body_context &context, subscribe &out);
fault decode_suback(wire_reader &reader, const body_context &context, suback &out);
fault decode_unsubscribe(wire_reader &reader, const body_context &context, unsubscribe &out);
fault decode_unsuback(wire_reader &reader, const body_context &context, unsuback &out);
fault decode_disconnect(wire_reader &reader, const body_context &context, disconnect &out);
fault decode_auth(wire_reader &reader, auth &out);

// Reads a non-zero Packet Identifier.
fault read_packet_id(wire_reader &reader, std::uint16_t &packet_id) noexcept;

// The fault for bytes left after the last field, or none when the reader is at its end.
inline fault check_end(const wire_reader &reader) noexcept {
  return reader.at_end() ? fault{} : malformed("has bytes after its last field");
}

} // namespace mqtk::protocol::detail
