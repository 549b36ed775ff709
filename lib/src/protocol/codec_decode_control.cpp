// Decoding of DISCONNECT and AUTH bodies (PINGREQ and PINGRESP have none).
#include "detail/body_decoders.hpp"
#include "detail/property_codec.hpp"
#include "detail/reason_tables.hpp"

namespace mqtk::protocol::detail {

fault decode_disconnect(wire_reader &reader, const body_context &context, disconnect &out) {
  out.reason = reason_code::success;
  out.props.clear();
  if (context.version != protocol_version::v5 || reader.at_end()) {
    return check_end(reader); // 3.x: no body; 5.0: Remaining Length 0 means normal disconnection
  }
  std::uint8_t code = 0;
  reader.read_u8(code);
  const role sender = context.side == role::client ? role::server : role::client;
  if (!disconnect_reason_allowed_from(sender, code)) {
    return malformed(sender == role::server ? "reason code is not one a server sends"
                                            : "reason code is not one a client sends");
  }
  out.reason = static_cast<reason_code>(code);
  if (reader.at_end()) {
    return {}; // Remaining Length 1: reason code without properties
  }
  if (fault f = read_properties(reader, scope_of(packet_type::disconnect), out.props)) {
    return f;
  }
  if (sender == role::server && out.props.session_expiry_interval) {
    return {errc::protocol_error, "is never sent by a server",
            static_cast<std::uint8_t>(property_id::session_expiry_interval)};
  }
  return check_end(reader);
}

fault decode_auth(wire_reader &reader, auth &out) {
  out.reason = reason_code::success;
  out.props.clear();
  if (reader.at_end()) {
    return {}; // Remaining Length 0 means Success without properties
  }
  std::uint8_t code = 0;
  reader.read_u8(code);
  if (!reason_allowed(packet_type::auth, code)) {
    return malformed("reason code is not allowed here");
  }
  out.reason = static_cast<reason_code>(code);
  if (fault f = read_properties(reader, scope_of(packet_type::auth), out.props)) {
    return f;
  }
  return check_end(reader);
}

} // namespace mqtk::protocol::detail
