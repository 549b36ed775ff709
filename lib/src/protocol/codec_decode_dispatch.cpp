// The first fixed-header byte and the dispatch of a packet body to its decoder.
#include "detail/body_decoders.hpp"

namespace mqtk::protocol::detail {
namespace {

// Reuses out's alternative T when it already holds one, so its vectors keep their capacity.
template <class T> T &reuse(packet &out) {
  if (T *existing = std::get_if<T>(&out)) {
    return *existing;
  }
  return out.emplace<T>();
}

template <class T> fault decode_ack(wire_reader &reader, const body_context &context, packet &out) {
  T &p = reuse<T>(out);
  return decode_response(reader, context, T::type, p.packet_id, p.reason, p.props);
}

// True when only a client sends packets of type.
bool client_only(packet_type type, protocol_version version) {
  return type == packet_type::connect || type == packet_type::subscribe || type == packet_type::unsubscribe ||
         type == packet_type::pingreq || (type == packet_type::disconnect && version != protocol_version::v5);
}

// True when only a server sends packets of type.
bool server_only(packet_type type) {
  return type == packet_type::connack || type == packet_type::suback || type == packet_type::unsuback ||
         type == packet_type::pingresp;
}

} // namespace

fault check_fixed_header(std::uint8_t first_byte, role side, protocol_version version) noexcept {
  const auto type = static_cast<packet_type>(first_byte >> 4);
  const unsigned flags = first_byte & 0x0FU;
  if (first_byte >> 4 == 0) {
    return {errc::malformed_packet, "packet type 0 is reserved", std::nullopt, false, true};
  }
  if (type == packet_type::auth && version != protocol_version::v5) {
    return {errc::malformed_packet, "packet type 15 is reserved before MQTT 5.0", std::nullopt, false, true};
  }
  if (side == role::client && client_only(type, version)) {
    return protocol_violation(version == protocol_version::v5 || type != packet_type::disconnect
                                  ? "is never sent by a server"
                                  : "is never sent by a server before MQTT 5.0");
  }
  if (side == role::server && server_only(type)) {
    return protocol_violation("is never sent by a client");
  }
  switch (type) {
  case packet_type::publish:
    if ((flags & 0x06U) == 0x06U) {
      return malformed("has QoS 3");
    }
    return (flags & 0x0EU) == 0x08U ? malformed("has DUP set with QoS 0") : fault{};
  case packet_type::pubrel:
  case packet_type::subscribe:
  case packet_type::unsubscribe:
    return flags == 0x02U ? fault{} : malformed("fixed header flags are not 0010");
  default:
    return flags == 0U ? fault{} : malformed("fixed header flags are not 0000");
  }
}

fault decode_body(packet_type type, bytes_view body, const body_context &context, packet &out) {
  wire_reader reader(body);
  switch (type) {
  case packet_type::connect:
    return decode_connect(reader, reuse<connect>(out));
  case packet_type::connack:
    return decode_connack(reader, context, reuse<connack>(out));
  case packet_type::publish:
    return decode_publish(reader, context, reuse<publish>(out));
  case packet_type::puback:
    return decode_ack<puback>(reader, context, out);
  case packet_type::pubrec:
    return decode_ack<pubrec>(reader, context, out);
  case packet_type::pubrel:
    return decode_ack<pubrel>(reader, context, out);
  case packet_type::pubcomp:
    return decode_ack<pubcomp>(reader, context, out);
  case packet_type::subscribe:
    return decode_subscribe(reader, context, reuse<subscribe>(out));
  case packet_type::suback:
    return decode_suback(reader, context, reuse<suback>(out));
  case packet_type::unsubscribe:
    return decode_unsubscribe(reader, context, reuse<unsubscribe>(out));
  case packet_type::unsuback:
    return decode_unsuback(reader, context, reuse<unsuback>(out));
  case packet_type::pingreq:
    reuse<pingreq>(out);
    return check_end(reader);
  case packet_type::pingresp:
    reuse<pingresp>(out);
    return check_end(reader);
  case packet_type::disconnect:
    return decode_disconnect(reader, context, reuse<disconnect>(out));
  case packet_type::auth:
    return decode_auth(reader, reuse<auth>(out));
  }
  return {errc::malformed_packet, "packet type is unknown", std::nullopt, false, true};
}

fault read_packet_id(wire_reader &reader, std::uint16_t &packet_id) noexcept {
  if (!reader.read_u16(packet_id)) {
    return malformed("packet identifier is truncated");
  }
  return packet_id == 0 ? malformed("packet identifier is 0") : fault{};
}

} // namespace mqtk::protocol::detail
