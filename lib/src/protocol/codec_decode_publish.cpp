// Decoding of PUBLISH and of PUBACK, PUBREC, PUBREL and PUBCOMP bodies.
#include "detail/body_decoders.hpp"
#include "detail/property_codec.hpp"
#include "detail/reason_tables.hpp"
#include "detail/text_rules.hpp"

#include "mqtk/protocol/utf8.hpp"

namespace mqtk::protocol::detail {

fault decode_publish(wire_reader &reader, const body_context &context, publish &out) {
  out.qos = static_cast<qos>((context.flags >> 1) & 0x03);
  out.dup = (context.flags & 0x08) != 0;
  out.retain = (context.flags & 0x01) != 0;
  if (!reader.read_string(out.topic)) {
    return malformed("topic is truncated");
  }
  if (!is_valid_mqtt_string(out.topic)) {
    return malformed("topic is not valid UTF-8");
  }
  if (!is_topic_name_text(out.topic)) {
    return malformed("topic contains a wildcard");
  }
  out.packet_id = 0;
  if (out.qos != qos::at_most_once) {
    if (fault f = read_packet_id(reader, out.packet_id)) {
      return f;
    }
  }
  if (context.version == protocol_version::v5) {
    if (fault f = read_properties(reader, scope_of(packet_type::publish), out.props)) {
      return f;
    }
    if (context.side == role::server && !out.props.subscription_identifiers.empty()) {
      return {errc::protocol_error, "is never sent by a client",
              static_cast<std::uint8_t>(property_id::subscription_identifier)};
    }
    if (out.topic.empty() && !out.props.topic_alias) {
      return protocol_violation("topic is empty without a topic alias");
    }
  } else {
    out.props.clear();
    if (out.topic.empty()) {
      return malformed("topic is empty");
    }
  }
  out.payload = reader.read_rest();
  return {};
}

fault decode_response(wire_reader &reader, const body_context &context, packet_type type,
                      std::uint16_t &packet_id, reason_code &reason, properties &props) {
  reason = reason_code::success;
  props.clear();
  if (fault f = read_packet_id(reader, packet_id)) {
    return f;
  }
  if (context.version != protocol_version::v5 || reader.at_end()) {
    return check_end(reader); // 3.x: exactly the packet id; 5.0: Remaining Length 2 means Success
  }
  std::uint8_t code = 0;
  reader.read_u8(code);
  if (!reason_allowed(type, code)) {
    return malformed("reason code is not allowed here");
  }
  reason = static_cast<reason_code>(code);
  if (reader.at_end()) {
    return {}; // Remaining Length 3: reason code without properties
  }
  if (fault f = read_properties(reader, scope_of(type), props)) {
    return f;
  }
  return check_end(reader);
}

} // namespace mqtk::protocol::detail
